"""One simulated dossier's life: each call does what the next person would do to it.

An officer (or the applicant at the desk) reads the dossier, then acts on its
first open task: approves, returns it for rework, asks for a supplement,
refuses, records an apology letter, takes in the supplement, hands over the
result, or takes the withdrawal. The function returns when the dossier will
next be touched, from the step's duration (drawn well over it for a late
dossier) or from the applicant's own time.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from engine.definitions.executable import ExecutableDefinition, TaskKind
from engine.definitions.model import Duration
from engine.runtime.commands import (
    Actor,
    Command,
    Complete,
    RecordApology,
    Resume,
    ReturnResult,
    Withdraw,
)
from engine.runtime.dossier import Channel, Dossier, DossierStatus
from engine.runtime.views import DossierView, TaskView

from .officers import random_applicant
from .plan import DossierPlan, Fate

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.runtime.reception import SubmittedComponent

    from .officers import Staff

__all__ = ["Case", "Agency", "SimulationError", "act", "FINAL"]

FINAL = frozenset(
    {
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
    }
)
WORKING_KINDS = frozenset({TaskKind.STEP.value, TaskKind.CONSULTATION.value, TaskKind.WAIT.value})
MAX_ACTIONS = 80


class SimulationError(RuntimeError):
    """A simulated dossier got stuck: the engine left it with nothing anyone could do."""


@dataclass
class Case:
    plan: DossierPlan
    rng: random.Random
    code: str | None = None
    actions: int = 0
    supplements: int = 0
    reworked: bool = False


@dataclass
class Agency:
    """What every dossier's actions share: the engine, its people, parsed definitions."""

    engine: Engine
    staff: Staff
    papers: dict[str, tuple[SubmittedComponent, ...]]
    commands: Counter[str] = field(default_factory=Counter)
    _definitions: dict[str, ExecutableDefinition] = field(default_factory=dict)

    def definition(self, procedure_code: str) -> ExecutableDefinition:
        found = self._definitions.get(procedure_code)
        if found is None:
            repository = self.engine.repository
            found = repository.definition(repository.latest(procedure_code))
            self._definitions[procedure_code] = found
        return found

    def execute(self, code: str, command: Command, actor: Actor, label: str = "") -> Dossier:
        after = self.engine.execute(code, command, actor)
        self.commands[label or command.name] += 1
        return after


def act(agency: Agency, case: Case) -> datetime | None:
    """Do the dossier's next thing at the clock's time; when to come back, or None when done."""
    if case.code is None:
        return _receive(agency, case)
    view = agency.engine.runtime.get(case.code)
    if view.status in FINAL:
        return None
    case.actions += 1
    if case.actions > MAX_ACTIONS:
        raise SimulationError(f"dossier {case.code} still {view.status} after {MAX_ACTIONS} acts")
    return _next(agency, case, view)


def _next(agency: Agency, case: Case, view: DossierView) -> datetime | None:
    definition = agency.definition(view.procedure_code)
    first = next(definition.procedure.iter_steps())
    code = view.code
    if case.plan.fate is Fate.WITHDRAWN and case.actions > case.plan.withdraw_after:
        actor = agency.staff.actor(case.rng, first.unit, first.role)
        agency.execute(code, Withdraw("Người nộp đề nghị rút hồ sơ"), actor)
        return None
    apology = next((t for t in view.open_tasks if t.kind == TaskKind.APOLOGY.value), None)
    if apology is not None and _running_late(case, view):
        after = _apologise(agency, case, view, apology)
    elif view.status is DossierStatus.WAITING_SUPPLEMENT:
        after = _resume(agency, case, view, first.unit, first.role)
    elif view.status is DossierStatus.RESULT_READY:
        after = _return_result(agency, case, view)
    else:
        task = next((t for t in view.open_tasks if t.kind in WORKING_KINDS), None)
        if task is None:
            raise SimulationError(f"dossier {code} is {view.status} with no task to work")
        after = _complete(agency, case, definition, task)
    return _when_next(agency, case, _Shape.of_dossier(after))


def _running_late(case: Case, view: DossierView) -> bool:
    """The head writes the apology letter only for a dossier that will really be late.

    The apology timer fires a working day before the appointment whatever the
    progress (at once for a same-day procedure); a dossier on track finishes
    first and its apology task is cancelled unanswered.
    """
    if view.overdue or case.plan.fate is Fate.LATE:
        return True
    if view.status is DossierStatus.RESULT_READY:
        return False  # the result is ready in time; only its hand-over waits
    return any(t.late for t in view.open_tasks if t.kind in WORKING_KINDS)


def _receive(agency: Agency, case: Case) -> datetime | None:
    plan = case.plan
    engine = agency.engine
    first = next(agency.definition(plan.procedure_code).procedure.iter_steps())
    actor = agency.staff.actor(case.rng, first.unit, first.role)
    papers = agency.papers[plan.procedure_code]
    applicant = random_applicant(case.rng)
    if plan.fate is Fate.REFUSED_AT_RECEPTION:
        reason = "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"
        case.code = engine.runtime.refuse_at_reception(
            plan.procedure_code, applicant, actor, reason, plan.channel, papers
        )
        agency.commands["refuse_at_reception"] += 1
        return None
    outcome = engine.runtime.receive(plan.procedure_code, applicant, actor, plan.channel, papers)
    if outcome.dossier_code is None:
        raise SimulationError(f"reception refused the sample papers: {outcome.missing}")
    case.code = outcome.dossier_code
    agency.commands["receive"] += 1
    return _when_next(agency, case, _Shape.of_view(engine.runtime.get(case.code)))


def _complete(
    agency: Agency, case: Case, definition: ExecutableDefinition, task: TaskView
) -> Dossier:
    decisions = definition.tasks[task.step_id].step.decisions
    decision, form = _decide(case, decisions)
    actor = agency.staff.actor(case.rng, task.unit_id, task.role, task.assignee_id)
    command = Complete(task.key, decision, actor.user_id, form)
    return agency.execute(task.dossier_code, command, actor, f"complete:{decision}")


def _decide(case: Case, decisions: tuple[str, ...]) -> tuple[str, dict[str, object]]:
    fate = case.plan.fate
    wanted = {Fate.SUPPLEMENT: 1, Fate.SUPPLEMENT_TWICE: 2}.get(fate, 0)
    if fate is Fate.REFUSED and "refuse" in decisions:
        return "refuse", {"reason": "Hồ sơ không đủ điều kiện theo quy định"}
    if case.supplements < wanted and "supplement" in decisions:
        case.supplements += 1
        missing = ["Bản sao có chứng thực giấy tờ tùy thân"]
        return "supplement", {"missing": missing, "reason": "Bản sao không rõ nét"}
    if fate is Fate.REWORK and not case.reworked and "return" in decisions:
        case.reworked = True
        return "return", {"reason": "Dự thảo còn sai sót, đề nghị kiểm tra lại"}
    return "approve", {}


def _apologise(agency: Agency, case: Case, view: DossierView, task: TaskView) -> Dossier:
    calendar = agency.engine.calendar
    base = max(view.due_at or agency.engine.clock.now(), agency.engine.clock.now())
    new_due = calendar.add(base, Duration.days(case.rng.randint(2, 5)))
    reason = "Hồ sơ cần xác minh thêm nên chưa giải quyết kịp thời hạn"
    number = f"{case.plan.number + 1}/VB-XL"
    actor = agency.staff.actor(case.rng, task.unit_id, task.role, task.assignee_id)
    command = RecordApology(task.key, actor.user_id, reason, new_due.isoformat(), number)
    return agency.execute(view.code, command, actor)


def _resume(agency: Agency, case: Case, view: DossierView, unit: str, role: str) -> Dossier:
    actor = agency.staff.actor(case.rng, unit, role)
    papers = agency.papers[view.procedure_code]
    supplied = [papers[0].code] if papers else []
    command = Resume(actor.user_id, supplied, "Người nộp đã bổ sung giấy tờ")
    return agency.execute(view.code, command, actor)


def _return_result(agency: Agency, case: Case, view: DossierView) -> Dossier:
    task = next(t for t in view.open_tasks if t.kind in WORKING_KINDS)
    channel = Channel(view.channel)
    method = {Channel.ONLINE: "online", Channel.POST: "post"}.get(channel, "desk")
    tracking = f"EB{case.plan.number:09d}VN" if method == "post" else None
    actor = agency.staff.actor(case.rng, task.unit_id, task.role, task.assignee_id)
    return agency.execute(view.code, ReturnResult(actor.user_id, method, tracking), actor)


@dataclass(frozen=True)
class _Shape:
    """What the dossier waits for: its status and its open tasks (kind, step)."""

    code: str
    procedure_code: str
    status: DossierStatus
    tasks: tuple[tuple[str, str], ...]
    due_at: datetime | None

    @classmethod
    def of_view(cls, view: DossierView) -> _Shape:
        tasks = tuple((t.kind, t.step_id) for t in view.open_tasks)
        return cls(view.code, view.procedure_code, view.status, tasks, view.due_at)

    @classmethod
    def of_dossier(cls, dossier: Dossier) -> _Shape:
        tasks = tuple((t.kind.value, t.step_id) for t in dossier.iter_open())
        code = dossier.definition.procedure.code
        return cls(dossier.code, code, dossier.status, tasks, dossier.due_at)


def _when_next(agency: Agency, case: Case, shape: _Shape) -> datetime | None:
    """When someone next touches the dossier, from what it now waits for."""
    if shape.status in FINAL:
        return None
    rng = case.rng
    kinds = {kind for kind, _ in shape.tasks}
    if kinds <= {TaskKind.APOLOGY.value}:
        hours = rng.uniform(1, 4)
    elif shape.status is DossierStatus.WAITING_SUPPLEMENT or TaskKind.WAIT.value in kinds:
        hours = rng.uniform(8, 40)  # the applicant's own time: the clock is paused
    elif shape.status is DossierStatus.RESULT_READY:
        hours = _until_appointment(agency, rng, shape.due_at)
    else:
        hours = _step_hours(agency, case, shape)
    later = agency.engine.calendar.add_working_hours(
        agency.engine.clock.now(), Decimal(str(round(hours, 3)))
    )
    return later


def _until_appointment(agency: Agency, rng: random.Random, due_at: datetime | None) -> float:
    """The applicant collects the result by the appointment; a late one within the hour."""
    now = agency.engine.clock.now()
    if due_at is None or due_at <= now:
        return rng.uniform(0.1, 1)
    left = float(agency.engine.calendar.working_hours_between(now, due_at))
    return max(0.05, left * rng.uniform(0.1, 0.95))


def _step_hours(agency: Agency, case: Case, shape: _Shape) -> float:
    definition = agency.definition(shape.procedure_code)
    step = next((step for kind, step in shape.tasks if kind in WORKING_KINDS), None)
    if step is None:
        raise SimulationError(f"dossier {shape.code} is {shape.status} with no task to work")
    duration = float(definition.tasks[step].step.duration.working_hours)
    if case.plan.fate is Fate.LATE and case.actions + 1 == case.plan.slow_action:
        return max(duration * case.rng.uniform(2.5, 4), 12.0)  # drags on: timers fire
    return max(duration * case.rng.uniform(0.2, 0.9), 0.1)
