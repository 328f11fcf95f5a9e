"""digitisation and reuse: applicants' data store, access log, payments, portal sync

Revision ID: 0003_digitisation
Revises: 0002_reports
Create Date: 2026-11-25

New tables applicants, stored_papers, paper_access_log, payments,
payment_notices and portal_sync; the dossiers table gains the fee and payment
projections, the electronic result's code, and an index for result-based rates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_digitisation"
down_revision = "0002_reports"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "applicants",
        sa.Column("id", _ID, nullable=False),
        sa.Column("identifier", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_seq", sa.Integer(), nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicants")),
        sa.UniqueConstraint("identifier", name=op.f("uq_applicants_identifier")),
    )
    op.create_table(
        "payment_notices",
        sa.Column("id", _ID, nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("order_ref", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_notices")),
        sa.UniqueConstraint("event_id", name=op.f("uq_payment_notices_event_id")),
    )
    op.create_table(
        "paper_access_log",
        sa.Column("id", _ID, nullable=False),
        sa.Column("applicant_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("paper_code", sa.String(length=100), nullable=True),
        sa.Column("grounds", sa.String(length=12), nullable=False),
        sa.Column("dossier_code", sa.String(length=40), nullable=True),
        sa.Column("procedure_code", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_paper_access_log_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_access_log")),
        sa.UniqueConstraint(
            "applicant_id", "seq", name=op.f("uq_paper_access_log_applicant_id_seq")
        ),
    )
    with op.batch_alter_table("paper_access_log", schema=None) as batch_op:
        batch_op.create_index("ix_paper_access_log_dossier", ["dossier_code"], unique=False)

    op.create_table(
        "stored_papers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("applicant_id", _ID, nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("paper_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("source_dossier", sa.String(length=40), nullable=True),
        sa.Column("digitised_by", sa.String(length=100), nullable=False),
        sa.Column("digitised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certified_by", sa.String(length=100), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_stored_papers_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_papers")),
        sa.UniqueConstraint(
            "applicant_id",
            "paper_type",
            "sha256",
            name=op.f("uq_stored_papers_applicant_id_paper_type_sha256"),
        ),
        sa.UniqueConstraint("code", name=op.f("uq_stored_papers_code")),
        sa.UniqueConstraint("public_id", name=op.f("uq_stored_papers_public_id")),
    )
    with op.batch_alter_table("stored_papers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stored_papers_offers", ["applicant_id", "paper_type", "status"], unique=False
        )
        batch_op.create_index("ix_stored_papers_source_dossier", ["source_dossier"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", _ID, nullable=False),
        sa.Column("dossier_id", _ID, nullable=False),
        sa.Column("order_ref", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("gateway", sa.String(length=40), nullable=True),
        sa.Column("gateway_payment_id", sa.String(length=100), nullable=True),
        sa.Column("checkout_url", sa.String(length=500), nullable=True),
        sa.Column("transaction_ref", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_payments_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("order_ref", name=op.f("uq_payments_order_ref")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_dossier", ["dossier_id", "status"], unique=False)

    op.create_table(
        "portal_sync",
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dossier_id", _ID, nullable=False),
        sa.Column("dossier_code", sa.String(length=40), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_portal_sync_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sync")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_portal_sync_idempotency_key")),
    )
    with op.batch_alter_table("portal_sync", schema=None) as batch_op:
        batch_op.create_index("ix_portal_sync_dossier", ["dossier_id", "id"], unique=False)
        batch_op.create_index(
            "ix_portal_sync_status_next", ["status", "next_attempt_at"], unique=False
        )

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fee_due", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("payment_method", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("payment_reference", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("result_code", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("electronic_result", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "ix_dossiers_agency_finished", ["agency_id", "finished_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_agency_finished")
        batch_op.drop_column("electronic_result")
        batch_op.drop_column("result_code")
        batch_op.drop_column("payment_reference")
        batch_op.drop_column("paid_at")
        batch_op.drop_column("payment_method")
        batch_op.drop_column("fee_due")

    with op.batch_alter_table("portal_sync", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_sync_status_next")
        batch_op.drop_index("ix_portal_sync_dossier")

    op.drop_table("portal_sync")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_dossier")

    op.drop_table("payments")
    with op.batch_alter_table("stored_papers", schema=None) as batch_op:
        batch_op.drop_index("ix_stored_papers_source_dossier")
        batch_op.drop_index("ix_stored_papers_offers")

    op.drop_table("stored_papers")
    with op.batch_alter_table("paper_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_access_log_dossier")

    op.drop_table("paper_access_log")
    op.drop_table("payment_notices")
    op.drop_table("applicants")
