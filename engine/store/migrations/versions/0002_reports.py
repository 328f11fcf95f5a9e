"""reports, ratings, feedback (PAKN), index snapshots; indexes for the report queries

Revision ID: 0002_reports
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reports"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "index_snapshots",
        sa.Column("id", ID, nullable=False),
        sa.Column("scope_kind", sa.String(length=8), nullable=False),
        sa.Column("scope_key", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_snapshots")),
        sa.UniqueConstraint(
            "scope_kind",
            "scope_key",
            "period_start",
            name=op.f("uq_index_snapshots_scope_kind_scope_key_period_start"),
        ),
    )
    op.create_table(
        "report_procedures",
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("electronic_result", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
            name=op.f("fk_report_procedures_definition_id_definitions"),
        ),
        sa.PrimaryKeyConstraint("definition_id", name=op.f("pk_report_procedures")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", ID, nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("sender_contact", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sender_verdict", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_feedback_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_feedback_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("code", name=op.f("uq_feedback_code")),
    )
    op.create_index("ix_feedback_dossier", "feedback", ["dossier_id"])
    op.create_index("ix_feedback_overdue_sweep", "feedback", ["status", "overdue", "due_at"])
    op.create_index("ix_feedback_received", "feedback", ["received_at"])
    op.create_table(
        "ratings",
        sa.Column("id", ID, nullable=False),
        sa.Column("dossier_id", ID, nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_ratings_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_ratings_dossier_id")),
    )
    op.create_index("ix_ratings_rated_at", "ratings", ["rated_at"])
    op.create_index("ix_dossiers_report_received", "dossiers", ["received_at"])
    op.create_index("ix_dossiers_report_window", "dossiers", ["closed_at", "received_at"])
    op.create_index("ix_tasks_report_completed", "tasks", ["completed_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_report_completed", table_name="tasks")
    op.drop_index("ix_dossiers_report_window", table_name="dossiers")
    op.drop_index("ix_dossiers_report_received", table_name="dossiers")
    op.drop_index("ix_ratings_rated_at", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_feedback_received", table_name="feedback")
    op.drop_index("ix_feedback_overdue_sweep", table_name="feedback")
    op.drop_index("ix_feedback_dossier", table_name="feedback")
    op.drop_table("feedback")
    op.drop_table("report_procedures")
    op.drop_table("index_snapshots")
