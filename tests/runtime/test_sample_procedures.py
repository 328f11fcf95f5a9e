"""Every real procedure in procedures/ runs end to end: as approved, and every way it branches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.executable import ExecutableDefinition, TaskKind
from engine.definitions.organisation import load_organisation
from engine.digitisation.demo import sample_components
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant, DossierStatus
from engine.runtime.engine import Engine
from engine.store.db import Database

from .conftest import FAST_HASHER

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
CODES = sorted(
    {
        line.split('"')[1]
        for path in PROCEDURES.glob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("code:")
    }
)
FORMS = {
    "supplement": {"missing": ["Bản sao giấy tờ"], "reason": "Chưa rõ"},
    "refuse": {"reason": "Không đủ điều kiện"},
    "return": {"reason": "Cần làm lại"},
}


@pytest.fixture
def real(database: Database, clock: FakeClock) -> Iterator[Engine]:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(PROCEDURES / "units.yaml"),
        clock,
        password_hasher=FAST_HASHER,
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([PROCEDURES])
    yield engine


class Office:
    """One officer per unit and role the procedure needs."""

    def __init__(self, engine: Engine, definition: ExecutableDefinition):
        self.engine = engine
        self.definition = definition
        self.people: dict[tuple[str, str], Actor] = {}
        for task in definition.tasks.values():
            self.actor(task.step.unit, task.step.role)

    def actor(self, unit: str, role: str) -> Actor:
        if (unit, role) not in self.people:
            name = f"u{len(self.people)}"
            user = self.engine.users.create(name, f"Cán bộ {name}", unit, [role])
            self.people[(unit, role)] = user.actor
        return self.people[(unit, role)]

    def receive(self) -> str:
        procedure = self.definition.procedure
        first = next(procedure.iter_steps())
        papers = sample_components(self.engine, procedure.code)
        outcome = self.engine.runtime.receive(
            procedure.code,
            Applicant("Phạm Minh Châu"),
            self.actor(first.unit, first.role),
            components=papers,
        )
        assert outcome.dossier_code is not None
        return outcome.dossier_code

    def act(self, code: str, decide: dict[str, str] | None = None) -> str | None:
        """Complete one open task (approve, unless ``decide`` names its step); its step id."""
        dossier = self.engine.runtime.get(code)
        if dossier.status is DossierStatus.WAITING_SUPPLEMENT:
            self.engine.runtime.resume(code, self.actor(*self._desk()))
            return "resume"
        if dossier.status is DossierStatus.RESULT_READY:
            step = self.definition.procedure.return_step
            assert step is not None
            self.engine.runtime.return_result(code, self.actor(step.unit, step.role))
            return step.id
        tasks = [t for t in dossier.open_tasks if t.kind != TaskKind.APOLOGY.value]
        if not tasks:
            return None
        task = tasks[0]
        decision = (decide or {}).get(task.step_id, "approve")
        self.engine.tasks.complete(
            task.id, self.actor(task.unit_id, task.role), decision, FORMS.get(decision, {})
        )
        return task.step_id

    def run(self, code: str, decide: dict[str, str] | None = None) -> list[str]:
        done = []
        for _ in range(60):
            step = self.act(code, decide)
            if step is None:
                return done
            done.append(step)
        raise AssertionError(f"{code} did not finish: {done}")

    def _desk(self) -> tuple[str, str]:
        first = next(self.definition.procedure.iter_steps())
        return first.unit, first.role

    def steps_offering(self, decision: str) -> list[str]:
        return [
            t.id
            for t in self.definition.tasks.values()
            if t.kind is TaskKind.STEP and decision in t.step.decisions
        ]


def office(engine: Engine, code: str) -> Office:
    return Office(engine, engine.repository.definition(engine.repository.latest(code)))


@pytest.mark.parametrize("code", CODES)
def test_approved_at_every_step_the_dossier_is_returned_and_verifies(
    real: Engine, code: str
) -> None:
    desk = office(real, code)
    dossier = desk.receive()
    desk.run(dossier)
    assert real.runtime.get(dossier).status is DossierStatus.RETURNED
    assert real.history.verify(dossier).ok


@pytest.mark.parametrize("code", CODES)
def test_a_return_sends_the_dossier_back_and_it_still_finishes(real: Engine, code: str) -> None:
    desk = office(real, code)
    returning = desk.steps_offering("return")
    assert returning, f"{code}: no step can return the dossier for rework"
    step = returning[0]
    target = desk.definition.task(step).step.outcomes["return"]
    dossier = desk.receive()
    while desk.act(dossier, {step: "return"}) != step:
        pass
    assert target in [t.step_id for t in real.runtime.get(dossier).open_tasks]
    desk.run(dossier)
    assert real.runtime.get(dossier).status is DossierStatus.RETURNED


@pytest.mark.parametrize("code", CODES)
def test_a_supplement_waits_for_the_applicant_then_finishes(real: Engine, code: str) -> None:
    desk = office(real, code)
    step = desk.steps_offering("supplement")[0]
    dossier = desk.receive()
    while desk.act(dossier, {step: "supplement"}) != step:
        pass
    assert real.runtime.get(dossier).status is DossierStatus.WAITING_SUPPLEMENT
    desk.run(dossier)
    finished = real.runtime.get(dossier)
    assert (finished.status, finished.supplement_count) == (DossierStatus.RETURNED, 1)


@pytest.mark.parametrize("code", CODES)
def test_a_refusal_ends_the_dossier(real: Engine, code: str) -> None:
    desk = office(real, code)
    step = desk.steps_offering("refuse")[0]
    dossier = desk.receive()
    desk.run(dossier, {step: "refuse"})
    assert real.runtime.get(dossier).status is DossierStatus.REFUSED
    assert real.history.verify(dossier).ok


def test_the_land_procedure_consults_in_parallel_and_hands_over_to_the_tax_office(
    real: Engine,
) -> None:
    desk = office(real, "1.012753")
    groups = {t.group for t in desk.definition.tasks.values() if t.group}
    dossier = desk.receive()
    parallel_seen = tax_seen = waiting_seen = False
    for _ in range(60):
        current = real.runtime.get(dossier)
        kinds = [t.kind for t in current.open_tasks]
        parallel_seen |= kinds.count("consultation") >= 2
        tax_seen |= any(
            desk.definition.task(t.step_id).group in groups
            for t in current.open_tasks
            if t.kind == "step"
        )
        waiting_seen |= current.status is DossierStatus.WAITING_APPLICANT
        if desk.act(dossier) is None:
            break
    assert (parallel_seen, tax_seen, waiting_seen) == (True, True, True)
    assert real.runtime.get(dossier).status is DossierStatus.RETURNED
