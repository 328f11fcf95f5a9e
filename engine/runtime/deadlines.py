"""Deadlines: which timers a dossier needs now, and what each one does when it fires.

Timers are a projection of the dossier's state: after every command the
engine compares the timers the dossier needs with the pending rows and
cancels or creates the difference in the same transaction. A pause (supplement,
waiting step) therefore cancels the dossier's deadlines by itself, and a resume
brings them back at their new times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from engine.definitions.executable import TaskKind
from engine.definitions.model import Duration

from ..notify.intents import Notification, Recipient, agency_role, applicant, unit_role, user

if TYPE_CHECKING:
    from .dossier import ApplyContext, Dossier, OpenTask

__all__ = ["DeadlinePolicy", "TimerKind", "TimerSpec", "desired_timers", "fire", "APOLOGY_STEP"]

APOLOGY_STEP = "xin_loi"


@dataclass(frozen=True)
class DeadlinePolicy:
    """How early to warn, when to ask for the apology letter, when to escalate."""

    warning_lead: Decimal = Decimal("0.25")  # share of the step's duration
    apology_lead_working_days: Decimal = Decimal(1)
    escalation_delay_working_hours: Decimal = Decimal(8)


class TimerKind(StrEnum):
    TASK_WARNING = "task_warning"
    TASK_OVERDUE = "task_overdue"
    TASK_ESCALATION = "task_escalation"
    DOSSIER_APOLOGY = "dossier_apology"
    DOSSIER_OVERDUE = "dossier_overdue"


@dataclass(frozen=True, order=True)
class TimerSpec:
    due_at: datetime
    kind: TimerKind
    task: str | None = None


def desired_timers(dossier: Dossier, ctx: ApplyContext) -> set[TimerSpec]:
    """The timers this dossier needs in its present state."""
    if dossier.status.is_closed or dossier.paused_at is not None:
        return set()
    timers: set[TimerSpec] = set()
    for task in dossier.open_tasks.values():
        timers |= _task_timers(task, dossier, ctx)
    if dossier.due_at is not None and dossier.finished_at is None:
        if not dossier.apology_requested:
            timers.add(TimerSpec(_apology_moment(dossier, ctx), TimerKind.DOSSIER_APOLOGY))
        if not dossier.overdue:
            timers.add(TimerSpec(dossier.due_at, TimerKind.DOSSIER_OVERDUE))
    return timers


def _apology_moment(dossier: Dossier, ctx: ApplyContext) -> datetime:
    """When the dossier will be late unless officers beat their steps' durations: the
    apology is asked for then, and never later than the lead before the appointment.

    A dossier whose planned work still fits before the appointment is not asked to
    apologise (a one-day procedure is not asked at reception); as time passes without
    progress the moment comes, and each completed step moves it on."""
    assert dossier.due_at is not None
    lead = ctx.policy.apology_lead_working_days * 8
    return ctx.calendar.subtract_working_hours(dossier.due_at, min(lead, _work_ahead(dossier)))


def _work_ahead(dossier: Dossier) -> Decimal:
    """Planned working hours still ahead on the longest path from the open steps."""
    ahead = dossier.definition.hours_to_end
    working = (t for t in dossier.open_tasks.values() if t.kind in _WORKING)
    return max((ahead.get(t.step_id, Decimal(0)) for t in working), default=Decimal(0))


_WORKING = (TaskKind.STEP, TaskKind.CONSULTATION)


def _task_timers(task: OpenTask, dossier: Dossier, ctx: ApplyContext) -> set[TimerSpec]:
    if task.due_at is None or task.kind not in (TaskKind.STEP, TaskKind.CONSULTATION):
        return set()
    timers = set()
    hours = dossier.definition.task(task.step_id).step.duration.working_hours
    if not task.warned and not task.late and hours > 0:
        at = ctx.calendar.subtract_working_hours(task.due_at, hours * ctx.policy.warning_lead)
        timers.add(TimerSpec(at, TimerKind.TASK_WARNING, task.key))
    if not task.late:
        timers.add(TimerSpec(task.due_at, TimerKind.TASK_OVERDUE, task.key))
    elif task.escalation < 2:
        delay = ctx.policy.escalation_delay_working_hours
        at = ctx.calendar.add_working_hours(task.due_at, delay)
        timers.add(TimerSpec(at, TimerKind.TASK_ESCALATION, task.key))
    return timers


def fire(dossier: Dossier, kind: TimerKind, task_key: str | None, ctx: ApplyContext) -> None:
    """What a due timer does: warn, mark late, escalate, ask for the apology letter."""
    if kind is TimerKind.DOSSIER_APOLOGY:
        _ask_for_apology(dossier, ctx)
    elif kind is TimerKind.DOSSIER_OVERDUE:
        _dossier_overdue(dossier, ctx)
    else:
        task = dossier.task(task_key or "")
        {
            TimerKind.TASK_WARNING: _warn,
            TimerKind.TASK_OVERDUE: _task_overdue,
            TimerKind.TASK_ESCALATION: _escalate,
        }[kind](dossier, task, ctx)
        dossier.touched.add(task.key)


def _values(dossier: Dossier, task: OpenTask | None = None) -> dict[str, object]:
    values: dict[str, object] = {
        "code": dossier.code,
        "procedure": dossier.definition.procedure.name,
        "due": _iso(dossier.due_at),
    }
    if task is not None:
        values.update(task=task.name, task_due=_iso(task.due_at), unit=task.unit)
    return values


def _iso(moment: datetime | None) -> str | None:
    from .dossier import iso_utc

    return iso_utc(moment)


def _workers(task: OpenTask) -> tuple[Recipient, ...]:
    return (user(task.assignee_id),) if task.assignee_id else (unit_role(task.unit, task.role),)


def _warn(dossier: Dossier, task: OpenTask, ctx: ApplyContext) -> None:
    task.warned = True
    dossier.notify(Notification("task_warning", _workers(task), _values(dossier, task)))


def _task_overdue(dossier: Dossier, task: OpenTask, ctx: ApplyContext) -> None:
    task.late = True
    task.escalation = 1
    recipients = (*_workers(task), unit_role(task.unit, "head"))
    dossier.notify(Notification("task_overdue", recipients, _values(dossier, task)))


def _escalate(dossier: Dossier, task: OpenTask, ctx: ApplyContext) -> None:
    task.escalation = 2
    dossier.notify(
        Notification("task_escalated", (agency_role(task.unit, "leader"),), _values(dossier, task))
    )


def _dossier_overdue(dossier: Dossier, ctx: ApplyContext) -> None:
    dossier.overdue = True
    dossier.refresh_late_status()
    holders = sorted({t.unit for t in dossier.open_tasks.values()})
    recipients = tuple(
        r for unit in holders for r in (unit_role(unit, "head"), agency_role(unit, "leader"))
    )
    dossier.notify(Notification("dossier_overdue", recipients, _values(dossier)))


def _ask_for_apology(dossier: Dossier, ctx: ApplyContext) -> None:
    """Open the apology and extension task (Mẫu 04) for the head of the unit holding it."""
    dossier.apology_requested = True
    holder = _holding_task(dossier)
    if holder is None:
        return
    proposed = proposed_new_due(dossier, ctx)
    dossier.open_side_task(
        APOLOGY_STEP,
        TaskKind.APOLOGY,
        "Lập văn bản xin lỗi và đề nghị gia hạn (Mẫu 04)",
        holder.unit,
        "head",
        dossier.due_at,
        ctx,
    )
    dossier.outcome["apology_draft"] = {
        "unit": holder.unit,
        "step": holder.name,
        "reason": f"Hồ sơ đang ở bước “{holder.name}” và không kịp hoàn thành đúng hẹn.",
        "proposed_due_at": _iso(proposed),
    }
    values = {**_values(dossier, holder), "apology_due": _iso(dossier.due_at)}
    dossier.notify(Notification("apology_requested", (unit_role(holder.unit, "head"),), values))


def _holding_task(dossier: Dossier) -> OpenTask | None:
    working = [t for t in dossier.iter_open() if t.kind in (TaskKind.STEP, TaskKind.CONSULTATION)]
    return working[0] if working else None


def proposed_new_due(dossier: Dossier, ctx: ApplyContext) -> datetime:
    """A realistic new appointment: the longest remaining path from where the dossier is."""
    remaining = max(_work_ahead(dossier), Decimal(8))  # at least one working day
    due = dossier.due_at or ctx.now
    return ctx.calendar.due(max(due, ctx.now), Duration.hours(remaining))


def applicant_apology(dossier: Dossier, reason: str, new_due: datetime) -> Notification:
    values = {**_values(dossier), "reason": reason, "new_due": _iso(new_due)}
    return Notification("apology_sent", (applicant(),), values)
