"""Hồ sơ: the dossier aggregate that every command changes.

It holds everything a command needs (status, deadlines, the SpiffWorkflow
workflow, the open tasks) and nothing about storage, so the same code runs a
live command and an auditor's replay. Changes to tasks are recorded as they
happen, for the persistence layer to write.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions.executable import (
    DECISION_VARIABLE,
    REFUSED_END_EVENT,
    ExecutableDefinition,
    TaskKind,
    TaskSpec,
)
from engine.definitions.model import Duration, SupplementPolicy

from ..notify.intents import Notification, applicant, unit_role
from .deadlines import DeadlinePolicy
from .errors import DecisionNotAllowed, InvalidTransition, TaskAlreadyCompleted, TaskNotFound
from .spiff import ProcessSpecs, WorkflowCodec, ready_user_tasks

__all__ = [
    "BusinessCalendar",
    "DossierStatus",
    "Channel",
    "Applicant",
    "OpenTask",
    "TaskClosure",
    "ApplyContext",
    "Dossier",
    "search_text",
    "iso_utc",
]


class BusinessCalendar(Protocol):
    """The working-day calendar as the runtime uses it (engine.calendar.WorkingCalendar)."""

    def add(self, start: datetime, duration: Duration) -> datetime: ...

    def due(
        self, received_at: datetime, duration: Duration, cutoff: str | None = None
    ) -> datetime: ...

    def add_working_hours(self, start: datetime, hours: Decimal) -> datetime: ...

    def subtract_working_hours(self, end: datetime, hours: Decimal) -> datetime: ...

    def working_hours_between(self, start: datetime, end: datetime) -> Decimal: ...


class DossierStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    WAITING_SUPPLEMENT = "supplement"
    WAITING_APPLICANT = "waiting"
    LATE = "late"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    REFUSED = "refused"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in _CLOSED


_STATUS_LABELS = {
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.WAITING_SUPPLEMENT: "Chờ bổ sung hồ sơ",
    DossierStatus.WAITING_APPLICANT: "Chờ người nộp thực hiện",
    DossierStatus.LATE: "Quá hạn",
    DossierStatus.RESULT_READY: "Có kết quả, chờ trả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.REFUSED: "Từ chối",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
}
_CLOSED = {
    DossierStatus.RETURNED,
    DossierStatus.REFUSED,
    DossierStatus.STOPPED,
    DossierStatus.WITHDRAWN,
}


class Channel(StrEnum):
    """How the dossier reached the agency."""

    DESK = "desk"
    ONLINE = "online"
    POST = "post"
    KIOSK = "kiosk"

    @property
    def label(self) -> str:
        return {
            "desk": "Trực tiếp",
            "online": "Trực tuyến",
            "post": "Bưu chính công ích",
            "kiosk": "Ki-ốt",
        }[self.value]


def search_text(text: str) -> str:
    """Lowercase without diacritics, for searching names however they were typed."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@dataclass(frozen=True)
class Applicant:
    """Người nộp hồ sơ: a citizen or an organisation."""

    name: str
    id_number: str | None = None  # 12-digit personal id, or tax / enterprise code
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    organisation: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "organisation": self.organisation,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Applicant:
        return cls(
            name=raw["name"],
            id_number=raw.get("id_number"),
            address=raw.get("address"),
            phone=raw.get("phone"),
            email=raw.get("email"),
            organisation=bool(raw.get("organisation", False)),
        )


@dataclass
class OpenTask:
    """A task waiting for someone: a step, a consultation, or a wait for the applicant."""

    key: str  # "<step id>@<event seq that opened it>": the same in a replay
    spiff_id: str
    step_id: str
    kind: TaskKind
    name: str
    unit: str
    role: str
    created_at: datetime
    due_at: datetime | None
    assignee_id: int | None = None
    late: bool = False
    escalation: int = 0
    warned: bool = False

    def snapshot(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "step": self.step_id,
            "kind": self.kind.value,
            "unit": self.unit,
            "role": self.role,
            "assignee": self.assignee_id,
            "created_at": _iso(self.created_at),
            "due_at": _iso(self.due_at),
            "late": self.late,
            "escalation": self.escalation,
            "warned": self.warned,
        }


@dataclass(frozen=True)
class TaskClosure:
    key: str
    status: str  # completed | cancelled
    at: datetime
    by: int | None = None
    decision: str | None = None
    form_data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApplyContext:
    """What a command may use besides the dossier: time, calendar, the parsed process."""

    now: datetime
    seq: int
    calendar: BusinessCalendar
    specs: ProcessSpecs | None
    codec: WorkflowCodec
    policy: DeadlinePolicy = field(default_factory=lambda: DeadlinePolicy())


@dataclass
class Dossier:
    code: str
    definition: ExecutableDefinition
    definition_id: int
    agency_id: str
    applicant: Applicant
    channel: Channel
    status: DossierStatus
    received_at: datetime
    received_by: str | None
    data: dict[str, Any] = field(default_factory=dict)
    outcome: dict[str, Any] = field(default_factory=dict)
    due_at: datetime | None = None
    original_due_at: datetime | None = None
    finished_at: datetime | None = None
    closed_at: datetime | None = None
    paused_at: datetime | None = None
    pause_kind: str | None = None
    remaining_minutes: int | None = None
    supplement_count: int = 0
    overdue: bool = False
    apologised: bool = False
    apology_requested: bool = False
    workflow: BpmnWorkflow | None = None
    open_tasks: dict[str, OpenTask] = field(default_factory=dict)
    id: int | None = None
    # what the current command changed, for persistence
    opened: list[OpenTask] = field(default_factory=list)
    closed: list[TaskClosure] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    notifications: list[Notification] = field(default_factory=list)

    # --- starting ---------------------------------------------------------------------------

    def start(self, ctx: ApplyContext) -> None:
        """Compute the appointment date and run the process to its first tasks."""
        procedure = self.definition.procedure
        self.due_at = ctx.calendar.due(
            self.received_at, procedure.time_limit, procedure.clock.cutoff
        )
        self.original_due_at = self.due_at
        if ctx.specs is None:
            raise ValueError("starting a dossier needs its parsed process")
        self.workflow = ctx.codec.new(ctx.specs)
        self.workflow.do_engine_steps()
        self.after_change(ctx)
        self.notifications = [n for n in self.notifications if n.template != "handover"]
        self.notify(
            Notification(
                "dossier_received",
                (applicant(),),
                {
                    "code": self.code,
                    "procedure": procedure.name,
                    "received": _iso(self.received_at),
                    "due": _iso(self.due_at),
                },
            )
        )

    # --- tasks ------------------------------------------------------------------------------

    def task(self, key: str) -> OpenTask:
        task = self.open_tasks.get(key)
        if task is None:
            raise TaskAlreadyCompleted(
                f"Công việc {key} đã hoàn thành hoặc không còn mở.", task=key
            )
        return task

    def spec_of(self, task: OpenTask) -> TaskSpec:
        return self.definition.task(task.step_id)

    def allowed_decisions(self, task: OpenTask) -> tuple[str, ...]:
        if task.kind is TaskKind.APOLOGY:
            return ("approve",)
        spec = self.spec_of(task)
        if spec.kind in (TaskKind.SUPPLEMENT, TaskKind.WAIT, TaskKind.CONSULTATION):
            return ("approve",)
        return spec.step.decisions

    def complete(
        self,
        key: str,
        decision: str,
        form_data: dict[str, Any],
        user_id: int | None,
        ctx: ApplyContext,
    ) -> None:
        """Finish a task with a decision and let the process move on."""
        self.require_active()
        task = self.task(key)
        if decision not in self.allowed_decisions(task):
            allowed = ", ".join(self.allowed_decisions(task))
            raise DecisionNotAllowed(
                f"Bước “{task.name}” không có quyết định “{decision}”; chọn một trong: {allowed}.",
                decision=decision,
                allowed=list(self.allowed_decisions(task)),
            )
        spiff_task = self._spiff_task(task)
        spiff_task.data[DECISION_VARIABLE] = decision
        spiff_task.run()
        assert self.workflow is not None
        self.workflow.do_engine_steps()
        self.open_tasks.pop(key)
        self.closed.append(TaskClosure(key, "completed", ctx.now, user_id, decision, form_data))
        if decision == "supplement":
            self.supplement_count += 1
        self.after_change(ctx)

    def assign(self, key: str, user_id: int | None) -> None:
        self.require_active()
        task = self.task(key)
        task.assignee_id = user_id
        self.touched.add(key)

    def _spiff_task(self, task: OpenTask) -> Any:
        assert self.workflow is not None
        spiff_task = self.workflow.get_task_from_id(UUID(task.spiff_id))
        if spiff_task is None or spiff_task.state != TaskState.READY:
            raise TaskNotFound(f"Công việc {task.key} không còn chờ xử lý.", task=task.key)
        return spiff_task

    # --- after every change -----------------------------------------------------------------

    def after_change(self, ctx: ApplyContext) -> None:
        self._sync_tasks(ctx)
        self._refresh_status(ctx)

    def _sync_tasks(self, ctx: ApplyContext) -> None:
        assert self.workflow is not None
        ready = {str(t.id): t for t in ready_user_tasks(self.workflow)}
        known = {t.spiff_id for t in self.open_tasks.values()}
        for key, task in list(self.open_tasks.items()):
            if task.kind is TaskKind.APOLOGY:
                continue  # not a BPMN task: it lives until the letter is recorded
            if task.spiff_id not in ready:  # ended by the process itself (a terminate end)
                self.open_tasks.pop(key)
                self.closed.append(TaskClosure(key, "cancelled", ctx.now))
        for spiff_id, spiff_task in ready.items():
            if spiff_id not in known:
                self._open(spiff_id, spiff_task.task_spec.bpmn_id or spiff_task.task_spec.name, ctx)

    def _open(self, spiff_id: str, step_id: str, ctx: ApplyContext) -> None:
        spec = self.definition.task(step_id)
        due = None
        if spec.kind in (TaskKind.STEP, TaskKind.CONSULTATION):
            due = ctx.calendar.add(ctx.now, spec.step.duration)
        task = OpenTask(
            key=f"{step_id}@{ctx.seq}",
            spiff_id=spiff_id,
            step_id=step_id,
            kind=spec.kind,
            name=_task_name(spec),
            unit=spec.step.unit,
            role=spec.step.role,
            created_at=ctx.now,
            due_at=due,
        )
        self.open_tasks[task.key] = task
        self.opened.append(task)
        if due is not None:
            recipients = (unit_role(task.unit, task.role), unit_role(task.unit, "head"))
            self.notify(
                Notification(
                    "handover",
                    recipients,
                    {
                        "code": self.code,
                        "procedure": self.definition.procedure.name,
                        "task": task.name,
                        "task_due": _iso(due),
                        "unit": task.unit,
                    },
                )
            )

    def open_side_task(
        self,
        step_id: str,
        kind: TaskKind,
        name: str,
        unit: str,
        role: str,
        due: datetime | None,
        ctx: ApplyContext,
    ) -> OpenTask:
        """A task the runtime adds outside the BPMN process (the apology letter)."""
        task = OpenTask(
            key=f"{step_id}@{ctx.seq}",
            spiff_id="",
            step_id=step_id,
            kind=kind,
            name=name,
            unit=unit,
            role=role,
            created_at=ctx.now,
            due_at=due,
        )
        self.open_tasks[task.key] = task
        self.opened.append(task)
        return task

    def close_side_task(
        self, key: str, user_id: int | None, form_data: dict[str, Any], ctx: ApplyContext
    ) -> None:
        self.open_tasks.pop(key)
        self.closed.append(TaskClosure(key, "completed", ctx.now, user_id, "approve", form_data))

    def notify(self, notification: Notification) -> None:
        self.notifications.append(notification)

    def refresh_late_status(self) -> None:
        if self.overdue and self.status in (DossierStatus.PROCESSING, DossierStatus.RECEIVED):
            self.status = DossierStatus.LATE

    def _refresh_status(self, ctx: ApplyContext) -> None:
        assert self.workflow is not None
        if self.workflow.completed:
            self._finish_process(ctx)
            return
        kinds = {t.kind for t in self.open_tasks.values()}
        working = kinds & {TaskKind.STEP, TaskKind.CONSULTATION}
        if not working and TaskKind.APOLOGY in kinds and len(kinds) == 1:
            kinds = set()
        if TaskKind.SUPPLEMENT in kinds:
            self.pause(ctx, "supplement")
            if self.status is not DossierStatus.WAITING_SUPPLEMENT:
                self.notify(
                    Notification(
                        "supplement_requested",
                        (applicant(),),
                        {
                            "code": self.code,
                            "procedure": self.definition.procedure.name,
                        },
                    )
                )
            self.status = DossierStatus.WAITING_SUPPLEMENT
            return
        if TaskKind.WAIT in kinds and not working:
            self.pause(ctx, "wait")
            self.status = DossierStatus.WAITING_APPLICANT
            return
        self.resume(ctx)
        self._mark_overdue(ctx.now)
        return_step = self.definition.procedure.return_step
        if return_step is not None and any(
            t.step_id == return_step.id for t in self.open_tasks.values()
        ):
            if self.status is not DossierStatus.RESULT_READY:
                self.notify(
                    Notification(
                        "result_ready",
                        (applicant(),),
                        {
                            "code": self.code,
                            "procedure": self.definition.procedure.name,
                        },
                    )
                )
            self.finished_at = self.finished_at or ctx.now
            self.status = DossierStatus.RESULT_READY
            self._drop_apology_tasks(ctx)
        elif self._only_reception_open():
            self.status = DossierStatus.LATE if self.overdue else DossierStatus.RECEIVED
        else:
            self.status = DossierStatus.LATE if self.overdue else DossierStatus.PROCESSING

    def _only_reception_open(self) -> bool:
        steps = self.definition.procedure.steps
        first = steps[0].id if steps else None
        working = [t for t in self.open_tasks.values() if t.kind is not TaskKind.APOLOGY]
        return bool(working) and all(t.step_id == first for t in working)

    def _finish_process(self, ctx: ApplyContext) -> None:
        assert self.workflow is not None
        refused = any(
            t.task_spec.bpmn_id == REFUSED_END_EVENT
            for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
        )
        self.resume(ctx)
        self._drop_apology_tasks(ctx)
        if refused:
            self.close(DossierStatus.REFUSED, ctx.now)
        else:
            self.finished_at = self.finished_at or ctx.now
            self._mark_overdue(self.finished_at)
            self.close(DossierStatus.RETURNED, ctx.now)

    def _drop_apology_tasks(self, ctx: ApplyContext) -> None:
        """Once the result is ready (or the dossier refused) there is no delay left to
        apologise for: an apology letter not yet written is no longer asked for."""
        for key, task in list(self.open_tasks.items()):
            if task.kind is TaskKind.APOLOGY:
                self.open_tasks.pop(key)
                self.closed.append(TaskClosure(key, "cancelled", ctx.now))

    def close(self, status: DossierStatus, now: datetime) -> None:
        self.status = status
        self.closed_at = now
        self.paused_at = None
        self.pause_kind = None
        self.remaining_minutes = None

    def cancel(self, status: DossierStatus, ctx: ApplyContext) -> None:
        """End the dossier early (withdrawn, stopped): every open task is cancelled."""
        self.require_active()
        if self.workflow is not None:
            self.workflow.cancel()
        for key in list(self.open_tasks):
            self.open_tasks.pop(key)
            self.closed.append(TaskClosure(key, "cancelled", ctx.now))
        self.close(status, ctx.now)

    def require_active(self) -> None:
        if self.status.is_closed:
            raise InvalidTransition(
                f"Hồ sơ {self.code} đã kết thúc ({self.status.label}).", status=self.status.value
            )

    # --- the clock --------------------------------------------------------------------------

    def pause(self, ctx: ApplyContext, kind: str) -> None:
        """Stop counting: remember the working time left until the appointment."""
        if self.paused_at is not None or self.due_at is None:
            return
        self._mark_overdue(ctx.now)
        left = ctx.calendar.working_hours_between(ctx.now, self.due_at)
        if self.due_at < ctx.now:
            left = -ctx.calendar.working_hours_between(self.due_at, ctx.now)
        self.remaining_minutes = int(left * 60)
        self.paused_at = ctx.now
        self.pause_kind = kind

    def resume(self, ctx: ApplyContext) -> None:
        """Count again: the appointment moves by the time spent waiting."""
        if self.paused_at is None:
            return
        procedure = self.definition.procedure
        restart = (
            self.pause_kind == "supplement"
            and procedure.clock.on_supplement is SupplementPolicy.RESTART
        )
        if restart:
            self.due_at = ctx.calendar.due(ctx.now, procedure.time_limit, procedure.clock.cutoff)
        elif self.remaining_minutes is not None and self.remaining_minutes > 0:
            hours = Decimal(self.remaining_minutes) / 60
            self.due_at = ctx.calendar.add_working_hours(ctx.now, hours)
        self.paused_at = None
        self.pause_kind = None
        self.remaining_minutes = None

    def _mark_overdue(self, moment: datetime) -> None:
        if self.due_at is not None and moment > self.due_at:
            self.overdue = True

    # --- what auditors compare --------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The observable state: what replay must rebuild exactly."""
        return {
            "code": self.code,
            "definition": self.definition.content_hash,
            "status": self.status.value,
            "channel": self.channel.value,
            "applicant": self.applicant.to_dict(),
            "received_at": _iso(self.received_at),
            "due_at": _iso(self.due_at),
            "original_due_at": _iso(self.original_due_at),
            "finished_at": _iso(self.finished_at),
            "closed_at": _iso(self.closed_at),
            "paused_at": _iso(self.paused_at),
            "pause_kind": self.pause_kind,
            "remaining_minutes": self.remaining_minutes,
            "supplement_count": self.supplement_count,
            "overdue": self.overdue,
            "apologised": self.apologised,
            "apology_requested": self.apology_requested,
            "data": self.data,
            "outcome": self.outcome,
            "open_tasks": [
                t.snapshot() for t in sorted(self.open_tasks.values(), key=lambda t: t.key)
            ],
        }

    def iter_open(self) -> Iterator[OpenTask]:
        return iter(sorted(self.open_tasks.values(), key=lambda t: (t.created_at, t.key)))

    def take_changes(self) -> tuple[list[OpenTask], list[TaskClosure], set[str]]:
        changes = (self.opened, self.closed, self.touched)
        self.opened, self.closed, self.touched = [], [], set()
        return changes

    def take_notifications(self) -> list[Notification]:
        notifications, self.notifications = self.notifications, []
        return notifications


def _task_name(spec: TaskSpec) -> str:
    if spec.kind is TaskKind.SUPPLEMENT:
        return f"Chờ bổ sung hồ sơ ({spec.step.name})"
    return spec.step.name


def iso_utc(moment: datetime | None) -> str | None:
    """One text per moment, whatever zone it came in: replay compares these strings."""
    return moment.astimezone(UTC).isoformat() if moment is not None else None


_iso = iso_utc
