"""Read models returned by the services: plain, immutable, cheap to build from rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from engine.store.models import DossierRow, TaskRow

from .dossier import DossierStatus

PlainRow = Any  # a row read by engine.store.direct: a named tuple of the table's columns

__all__ = ["TaskView", "DossierView", "DossierSummary"]


@dataclass(frozen=True)
class TaskView:
    id: int
    key: str
    dossier_code: str
    procedure_code: str
    applicant_name: str
    step_id: str
    name: str
    kind: str
    unit_id: str
    role: str
    status: str
    assignee_id: int | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: int | None
    decision: str | None
    late: bool

    @classmethod
    def of(cls, task: TaskRow | Row[Any] | PlainRow, dossier: DossierRow | PlainRow) -> TaskView:
        return cls(
            id=task.id,
            key=task.key,
            dossier_code=dossier.code,
            procedure_code=dossier.procedure_code,
            applicant_name=dossier.applicant_name,
            step_id=task.step_id,
            name=task.name,
            kind=task.kind,
            unit_id=task.unit_id,
            role=task.role,
            status=task.status,
            assignee_id=task.assignee_id,
            created_at=task.created_at,
            due_at=task.due_at,
            completed_at=task.completed_at,
            completed_by=task.completed_by,
            decision=task.decision,
            late=task.late,
        )

    def overdue_at(self, moment: datetime) -> bool:
        return self.status == "open" and self.due_at is not None and self.due_at < moment


@dataclass(frozen=True)
class DossierView:
    code: str
    procedure_code: str
    definition_id: int
    agency_id: str
    applicant: dict[str, Any]
    channel: str
    status: DossierStatus
    received_at: datetime
    received_by: str | None
    due_at: datetime | None
    original_due_at: datetime | None
    finished_at: datetime | None
    closed_at: datetime | None
    paused_at: datetime | None
    supplement_count: int
    overdue: bool
    apologised: bool
    data: dict[str, Any]
    outcome: dict[str, Any]
    version: int
    open_tasks: tuple[TaskView, ...]

    @classmethod
    def of(cls, row: DossierRow | PlainRow, tasks: Iterable[TaskRow | PlainRow]) -> DossierView:
        """From the dossier's row and its tasks (ORM objects or plain rows with the same
        columns); only the open tasks are kept."""
        return cls(
            code=row.code,
            procedure_code=row.procedure_code,
            definition_id=row.definition_id,
            agency_id=row.agency_id,
            applicant=dict(row.applicant),
            channel=row.channel,
            status=DossierStatus(row.status),
            received_at=row.received_at,
            received_by=row.received_by,
            due_at=row.due_at,
            original_due_at=row.original_due_at,
            finished_at=row.finished_at,
            closed_at=row.closed_at,
            paused_at=row.paused_at,
            supplement_count=row.supplement_count,
            overdue=row.overdue,
            apologised=row.apologised,
            data=dict(row.data),
            outcome=dict(row.outcome),
            version=row.version,
            open_tasks=tuple(TaskView.of(t, row) for t in tasks if t.status == "open"),
        )


@dataclass(frozen=True)
class DossierSummary:
    """One line of a dossier list: no e-form data, no history."""

    id: int
    code: str
    procedure_code: str
    agency_id: str
    applicant_name: str
    channel: str
    status: DossierStatus
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    closed_at: datetime | None
    supplement_count: int
    overdue: bool

    @classmethod
    def of(cls, row: DossierRow) -> DossierSummary:
        return cls(
            id=row.id,
            code=row.code,
            procedure_code=row.procedure_code,
            agency_id=row.agency_id,
            applicant_name=row.applicant_name,
            channel=row.channel,
            status=DossierStatus(row.status),
            received_at=row.received_at,
            due_at=row.due_at,
            finished_at=row.finished_at,
            closed_at=row.closed_at,
            supplement_count=row.supplement_count,
            overdue=row.overdue,
        )
