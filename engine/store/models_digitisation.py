"""Tables of digitisation and reuse: the applicants' data store, payments, portal sync.

- ``applicants`` and ``stored_papers``: the electronic data store (Kho quản lý dữ
  liệu điện tử của tổ chức, cá nhân), one row per digitised paper with its code
  ``<identifier>.<paper type>[.n]``;
- ``paper_access_log``: every read or write of a person's papers, hash-chained
  per applicant (the chain head is kept on the applicant row);
- ``payments`` and ``payment_notices``: fees paid online, at the desk or by
  transfer, and the gateway's signed notices (one row per notice, for replays);
- ``portal_sync``: what to send to the national public-service portal, written
  in the transaction of the event that caused it and sent by a dispatcher.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

__all__ = [
    "ApplicantRow",
    "StoredPaperRow",
    "PaperAccessRow",
    "PaymentRow",
    "PaymentNoticeRow",
    "PortalSyncRow",
]

_ID = BigInteger().with_variant(Integer, "sqlite")


class ApplicantRow(Base):
    """Tổ chức, cá nhân: whose papers the data store keeps, by personal id or tax code."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # citizen | organisation
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    access_seq: Mapped[int] = mapped_column(default=0)  # the access log's chain head
    access_hash: Mapped[str] = mapped_column(String(64), default="")


class StoredPaperRow(Base):
    """A digitised paper in an applicant's data store, reusable while it is valid."""

    __tablename__ = "stored_papers"
    __table_args__ = (
        UniqueConstraint("applicant_id", "paper_type", "sha256"),
        Index("ix_stored_papers_offers", "applicant_id", "paper_type", "status"),
        Index("ix_stored_papers_source_dossier", "source_dossier"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)  # in URLs; not guessable
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    code: Mapped[str] = mapped_column(String(100), unique=True)  # <identifier>.<type>[.n]
    paper_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(100))  # số, ký hiệu of the paper
    issuer: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    file_key: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(12))  # reception | result | online
    source_dossier: Mapped[str | None] = mapped_column(String(40))
    digitised_by: Mapped[str] = mapped_column(String(100))
    digitised_at: Mapped[datetime]
    certified_by: Mapped[str | None] = mapped_column(String(100))
    certified_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12))  # valid | revoked
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class PaperAccessRow(Base):
    """One access to an applicant's papers: who, on what grounds, which paper; hash-chained."""

    __tablename__ = "paper_access_log"
    __table_args__ = (
        UniqueConstraint("applicant_id", "seq"),
        Index("ix_paper_access_log_dossier", "dossier_code"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(12))  # offer | list | open | reuse | store | …
    paper_code: Mapped[str | None] = mapped_column(String(100))
    grounds: Mapped[str] = mapped_column(String(12))  # dossier | reception | audit | self
    dossier_code: Mapped[str | None] = mapped_column(String(40))
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PaymentRow(Base):
    """An online payment order (or a payment recorded at the desk) for a dossier's fee."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_dossier", "dossier_id", "status"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    order_ref: Mapped[str] = mapped_column(String(40), unique=True)  # ours, sent to the gateway
    amount: Mapped[int] = mapped_column(BigInteger)  # VND
    method: Mapped[str] = mapped_column(String(12))  # online | cash | transfer
    status: Mapped[str] = mapped_column(String(12))  # pending | paid | failed
    gateway: Mapped[str | None] = mapped_column(String(40))
    gateway_payment_id: Mapped[str | None] = mapped_column(String(100))
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    transaction_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    paid_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)


class PaymentNoticeRow(Base):
    """A signed notice from the gateway that passed verification; its id is never reused."""

    __tablename__ = "payment_notices"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    order_ref: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # paid | failed | ignored
    body_sha256: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class PortalSyncRow(Base):
    """A document for the national portal: one per dossier event that changed what it reads."""

    __tablename__ = "portal_sync"
    __table_args__ = (
        Index("ix_portal_sync_status_next", "status", "next_attempt_at"),
        Index("ix_portal_sync_dossier", "dossier_id", "id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    created_at: Mapped[datetime]
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    dossier_code: Mapped[str] = mapped_column(String(40))
    event_seq: Mapped[int]
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12))  # pending | sending | sent | dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    response_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
