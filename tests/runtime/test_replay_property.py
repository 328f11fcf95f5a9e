"""Property: whatever officers decide, in whatever order, replay gives the live state."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.commands import Actor
from engine.runtime.engine import Engine

from ..databases import SqliteTemplate
from .conftest import CITIZEN, FIXTURES, MONDAY_8AM

UNITS = {
    "mot_cua": "officer",
    "tu_phap": "officer",
    "lanh_dao": "leader",
    "dia_chinh": "officer",
    "thue_nghiep_vu": "officer",
}
FORMS = {
    "supplement": {"missing": ["Giấy tờ"], "reason": "Thiếu"},
    "refuse": {"reason": "Không đủ điều kiện"},
    "return": {"reason": "Làm lại"},
}


def build(template: SqliteTemplate, clock: FakeClock):  # type: ignore[no-untyped-def]
    context = template.fresh()
    database = context.__enter__()
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(FIXTURES / "units.yaml"),
        clock,
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([FIXTURES / "good"])
    actors = {}
    for unit in UNITS:
        roles = ("officer", "head", "leader")
        user = engine.users.create(f"u_{unit}", f"Cán bộ {unit}", unit, roles)
        actors[unit] = user.actor
    return context, engine, actors


def step(engine: Engine, actors: dict[str, Actor], code: str, choice: int) -> None:
    dossier = engine.runtime.get(code)
    if dossier.status.value == "supplement":
        engine.runtime.resume(code, actors["mot_cua"])
        return
    if not dossier.open_tasks:
        return
    task = dossier.open_tasks[choice % len(dossier.open_tasks)]
    loaded = engine.repository.definition(engine.repository.latest(dossier.procedure_code))
    spec = loaded.task(task.step_id)
    decisions = spec.step.decisions if spec.kind.value == "step" else ("approve",)
    decision = decisions[(choice // 7) % len(decisions)]
    if task.step_id == "tra_ket_qua":
        engine.runtime.return_result(code, actors["mot_cua"])
    else:
        engine.tasks.complete(task.id, actors[task.unit_id], decision, FORMS.get(decision, {}))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    procedure=st.sampled_from(["1.001193", "1.000001"]),
    choices=st.lists(st.integers(0, 1000), min_size=1, max_size=25),
    pauses=st.lists(st.integers(0, 30), min_size=25, max_size=25),
)
def test_replay_matches_the_live_dossier_after_any_decisions(
    sqlite_template: SqliteTemplate, procedure: str, choices: list[int], pauses: list[int]
) -> None:
    clock = FakeClock(MONDAY_8AM)
    context, engine, actors = build(sqlite_template, clock)
    try:
        code = engine.runtime.receive(
            procedure, CITIZEN, actors["mot_cua"], components=_papers(procedure)
        ).dossier_code
        assert code is not None
        for choice, pause in zip(choices, pauses, strict=False):
            clock.advance(timedelta(hours=pause))
            step(engine, actors, code, choice)
        report = engine.history.verify(code)
        assert report.ok, report.failures
        assert engine.history.replay(code).state["status"] == engine.runtime.get(code).status
    finally:
        context.__exit__(None, None, None)


def _papers(procedure: str) -> tuple:  # type: ignore[type-arg]
    from .conftest import BIRTH_PAPERS

    return BIRTH_PAPERS if procedure == "1.001193" else ()
