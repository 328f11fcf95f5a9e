"""Tables: typed SQLAlchemy 2.0 models. Indexes are named for the query they serve."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "UtcDateTime",
    "DefinitionRow",
    "UnitRow",
    "UserRow",
    "ApiTokenRow",
    "DossierRow",
    "TaskRow",
    "ComponentRow",
    "EventRow",
    "TimerRow",
    "OutboxRow",
    "CounterRow",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite gives them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class DefinitionRow(Base):
    """A deployed definition: immutable; (code, content_hash) identifies it."""

    __tablename__ = "definitions"
    __table_args__ = (
        UniqueConstraint("code", "content_hash"),
        UniqueConstraint("code", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(8))
    source_format: Mapped[str] = mapped_column(String(8))
    source_name: Mapped[str] = mapped_column(String(500))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str | None] = mapped_column(String(100))


class UnitRow(Base):
    """Đơn vị, mirrored from the organisation file so queries can join on it."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(8))
    electronic_id: Mapped[str | None] = mapped_column(String(32))


class UserRow(Base):
    """Cán bộ: an officer, a unit head, a leader, an auditor or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A bearer token for an integration, stored only as its SHA-256; revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown to tell tokens apart
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class DossierRow(Base):
    """Hồ sơ: one application, pinned to the definition version it started on."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_status_due", "status", "due_at"),
        Index("ix_dossiers_procedure_received", "procedure_code", "received_at"),
        Index("ix_dossiers_agency_received", "agency_id", "received_at"),
        Index("ix_dossiers_applicant_search", "applicant_search"),
        Index("ix_dossiers_agency_finished", "agency_id", "finished_at"),  # result-based rates
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"))
    procedure_code: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str] = mapped_column(String(64))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_search: Mapped[str] = mapped_column(String(200))  # lowercase, no diacritics
    applicant_id_number: Mapped[str | None] = mapped_column(String(20))
    applicant: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24))
    received_at: Mapped[datetime]
    received_by: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime | None]  # ngày hẹn trả: the appointment date
    original_due_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # the result was ready (processing end)
    closed_at: Mapped[datetime | None]  # returned, refused, stopped or withdrawn
    paused_at: Mapped[datetime | None]
    pause_kind: Mapped[str | None] = mapped_column(String(12))  # supplement | wait
    remaining_minutes: Mapped[int | None]  # working time left when the clock paused
    supplement_count: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    apologised: Mapped[bool] = mapped_column(Boolean, default=False)
    apology_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the application e-form
    outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)  # reasons, result details
    state: Mapped[bytes] = mapped_column(LargeBinary)  # compressed SpiffWorkflow state
    # projections of `outcome` for reports and the portal (engine.digitisation.projection)
    fee_due: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # VND
    payment_method: Mapped[str | None] = mapped_column(String(12))  # online | cash | transfer
    paid_at: Mapped[datetime | None]
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    result_code: Mapped[str | None] = mapped_column(String(100))  # in the applicant's store
    electronic_result: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - optimistic concurrency


class TaskRow(Base):
    """A user task of a dossier: open, completed or cancelled."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("dossier_id", "key"),
        Index("ix_tasks_assignee_due", "status", "assignee_id", "due_at", "id"),
        Index(  # the unit queue, page by page in due order (0004_inbox_indexes)
            "ix_tasks_unit_queue_unassigned",
            "unit_id",
            "role",
            "due_at",
            "id",
            postgresql_where=text("status = 'open' AND assignee_id IS NULL"),
            sqlite_where=text("status = 'open' AND assignee_id IS NULL"),
        ),
        Index(  # the waiting list, oldest first, and the unit's part of the counts
            "ix_tasks_open_unit",
            "unit_id",
            "role",
            "created_at",
            "id",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index("ix_tasks_dossier", "dossier_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    key: Mapped[str] = mapped_column(String(120))  # "<step id>@<event seq>", stable under replay
    spiff_id: Mapped[str | None] = mapped_column(String(36))
    step_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))  # open | completed | cancelled
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(20))
    form_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation: Mapped[int] = mapped_column(default=0)  # 0 none, 1 unit head, 2 leader


class ComponentRow(Base):
    """A paper received with a dossier (thành phần hồ sơ), with its digitised file."""

    __tablename__ = "components"
    __table_args__ = (Index("ix_components_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    copies: Mapped[int] = mapped_column(default=1)
    original: Mapped[bool] = mapped_column(Boolean, default=False)
    file_key: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(300))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    digitized_code: Mapped[str | None] = mapped_column(String(100))
    reused_from: Mapped[str | None] = mapped_column(String(100))
    added_at: Mapped[datetime]
    added_by: Mapped[str | None] = mapped_column(String(100))
    supplement: Mapped[bool] = mapped_column(Boolean, default=False)


class EventRow(Base):
    """Lịch sử: append-only, each event chained to the previous by SHA-256."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("dossier_id", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    seq: Mapped[int]
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class TimerRow(Base):
    """A pending deadline: fired exactly once by the sweep, or cancelled."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_status_due", "status", "due_at"),
        Index("ix_timers_dossier", "dossier_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    kind: Mapped[str] = mapped_column(String(24))
    task_key: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))  # pending | fired | cancelled
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """A notification to send, written in the transaction of the event that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime]
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    event_seq: Mapped[int | None]
    template: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))  # log | email | sms | webhook
    address: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # pending | sending | sent | dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class CounterRow(Base):
    """Sequences for dossier codes: one row per agency and day."""

    __tablename__ = "counters"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int]
