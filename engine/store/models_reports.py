"""Tables of reports, ratings and feedback, and the indexes the report queries need.

The report queries read the dossier and task tables; the indexes below are
declared here, beside the queries' own tables, and named for the query each
serves (``engine/reports``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, DossierRow, TaskRow

__all__ = [
    "ProcedureFactsRow",
    "RatingRow",
    "FeedbackRow",
    "IndexSnapshotRow",
]

_ID = BigInteger().with_variant(Integer, "sqlite")

# The report window: dossiers still open or closed after the window starts, received before
# it ends (engine.reports.activity).
Index("ix_dossiers_report_window", DossierRow.closed_at, DossierRow.received_at)
# Dossiers received in a period (online share, reuse, per-officer productivity).
Index("ix_dossiers_report_received", DossierRow.received_at)
# Steps completed in a period (supplement requests, apologies, late steps) and steps still
# open at its end (completed_at IS NULL).
Index("ix_tasks_report_completed", TaskRow.completed_at)


class ProcedureFactsRow(Base):
    """What reports group a deployed definition by: its procedure, field, level and agency.

    Read once from the definition (its BPMN) and kept, so a report never parses
    definitions; definitions are immutable, so a row never goes stale.
    """

    __tablename__ = "report_procedures"

    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[str] = mapped_column(String(64))
    fee: Mapped[int] = mapped_column(BigInteger)
    electronic_result: Mapped[bool] = mapped_column(Boolean)


class RatingRow(Base):
    """Đánh giá mức độ hài lòng: the applicant's rating of a finished dossier, once."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_rated_at", "rated_at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    value: Mapped[str] = mapped_column(String(20))  # very_satisfied | satisfied | not_satisfied
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(12))  # web | kiosk | desk | sms
    rated_at: Mapped[datetime]


class FeedbackRow(Base):
    """Phản ánh, kiến nghị (PAKN): answered within 10 working days, and published."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_overdue_sweep", "status", "overdue", "due_at"),
        Index("ix_feedback_received", "received_at"),
        Index("ix_feedback_dossier", "dossier_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # phan_anh | kien_nghi
    agency_id: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    subject: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_contact: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))  # open | answered
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue_at: Mapped[datetime | None]  # when the sweep found it unanswered past due_at
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    sender_verdict: Mapped[str | None] = mapped_column(String(16))  # satisfied | not_satisfied


class IndexSnapshotRow(Base):
    """The Decision 766 index of one scope for one week, kept so a page can show the trend."""

    __tablename__ = "index_snapshots"
    __table_args__ = (UniqueConstraint("scope_kind", "scope_key", "period_start"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    scope_kind: Mapped[str] = mapped_column(String(8))  # all | level | unit
    scope_key: Mapped[str] = mapped_column(String(64))  # "" for all, the level or the unit id
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    score: Mapped[float] = mapped_column(Float)  # points earned on the computed indicators
    max_points: Mapped[float] = mapped_column(Float)  # points of the computed indicators
    band: Mapped[str | None] = mapped_column(String(16))
    complete: Mapped[bool] = mapped_column(Boolean)  # every indicator computed
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    taken_at: Mapped[datetime]
