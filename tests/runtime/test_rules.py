"""What may not be done raises a typed error and changes nothing."""

from __future__ import annotations

import pytest

from engine.runtime.engine import Engine
from engine.runtime.errors import (
    DecisionNotAllowed,
    InvalidCommand,
    InvalidTransition,
    NotAuthorised,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
)
from engine.runtime.reception import SubmittedComponent

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, open_task

pytestmark = pytest.mark.postgres


@pytest.fixture
def code(engine: Engine, officers: Officers) -> str:
    received = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert received is not None
    engine.tasks.complete(open_task(engine, received, "tiep_nhan"), officers.receiver)
    return received


def event_count(engine: Engine, code: str) -> int:
    return len(engine.history.events(code))


def test_completing_a_closed_task_is_refused(engine: Engine, officers: Officers, code: str) -> None:
    task = open_task(engine, code, "tham_dinh")
    engine.tasks.complete(task, officers.justice)
    with pytest.raises(TaskAlreadyCompleted):
        engine.tasks.complete(task, officers.justice)


def test_a_decision_the_step_does_not_offer_is_refused(
    engine: Engine, officers: Officers, code: str
) -> None:
    before = event_count(engine, code)
    with pytest.raises(DecisionNotAllowed) as raised:
        engine.tasks.complete(
            open_task(engine, code, "tham_dinh"), officers.justice, "return", {"reason": "x"}
        )
    assert raised.value.details["allowed"] == ["approve", "supplement", "refuse"]
    assert event_count(engine, code) == before


def test_an_officer_of_another_unit_cannot_complete_the_task(
    engine: Engine, officers: Officers, code: str
) -> None:
    with pytest.raises(NotAuthorised):
        engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.cadastral)


def test_a_task_claimed_by_a_colleague_cannot_be_completed_by_me(
    engine: Engine, officers: Officers, code: str
) -> None:
    task = open_task(engine, code, "tham_dinh")
    engine.tasks.claim(task, officers.justice)
    with pytest.raises(TaskClaimedByOther):
        engine.tasks.complete(task, officers.justice_2)
    with pytest.raises(TaskClaimedByOther):
        engine.tasks.claim(task, officers.justice_2)


def test_claim_unclaim_and_reassign_move_the_task_between_officers(
    engine: Engine, officers: Officers, code: str
) -> None:
    task = open_task(engine, code, "tham_dinh")
    assert engine.tasks.claim(task, officers.justice).assignee_id == officers.justice.user_id
    assert engine.tasks.unclaim(task, officers.justice).assignee_id is None
    engine.tasks.claim(task, officers.justice)
    moved = engine.tasks.reassign(task, officers.justice, "tuphap2", "Nghỉ phép")
    assert moved.assignee_id == officers.justice_2.user_id
    with pytest.raises(InvalidCommand):
        engine.tasks.reassign(task, officers.justice_2, "diachinh")


def test_refusing_or_asking_supplement_needs_a_reason(
    engine: Engine, officers: Officers, code: str
) -> None:
    task = open_task(engine, code, "tham_dinh")
    with pytest.raises(InvalidCommand):
        engine.tasks.complete(task, officers.justice, "refuse")
    with pytest.raises(InvalidCommand):
        engine.tasks.request_supplement(task, officers.justice, [])


def test_a_closed_dossier_cannot_be_withdrawn(
    engine: Engine, officers: Officers, code: str
) -> None:
    engine.runtime.stop(code, officers.receiver, "Người nộp đề nghị dừng")
    with pytest.raises(InvalidTransition):
        engine.runtime.withdraw(code, officers.receiver, "Rút")


def test_resume_when_nothing_was_asked_is_refused(
    engine: Engine, officers: Officers, code: str
) -> None:
    with pytest.raises(InvalidTransition):
        engine.runtime.resume(code, officers.receiver)


def test_someone_outside_the_agency_cannot_withdraw(
    engine: Engine, officers: Officers, code: str
) -> None:
    with pytest.raises(NotAuthorised):
        engine.runtime.withdraw(code, officers.outsider, "Rút")


def test_only_the_reception_unit_may_receive(engine: Engine, officers: Officers) -> None:
    with pytest.raises(NotAuthorised):
        engine.runtime.receive("1.001193", CITIZEN, officers.justice, components=BIRTH_PAPERS)


def test_an_unknown_component_code_is_a_clear_error(engine: Engine, officers: Officers) -> None:
    with pytest.raises(InvalidCommand) as raised:
        engine.runtime.receive(
            "1.001193",
            CITIZEN,
            officers.receiver,
            components=[*BIRTH_PAPERS, SubmittedComponent("XYZ")],
        )
    assert "XYZ" in raised.value.message


def test_a_bad_personal_id_is_refused(engine: Engine, officers: Officers) -> None:
    from dataclasses import replace

    with pytest.raises(InvalidCommand) as raised:
        engine.runtime.receive(
            "1.001193",
            replace(CITIZEN, id_number="12345"),
            officers.receiver,
            components=BIRTH_PAPERS,
        )
    assert raised.value.details["field"] == "applicant.id_number"


def test_a_failure_in_the_middle_of_a_command_writes_nothing(
    engine: Engine, officers: Officers, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = engine.runtime.get(code)
    events = event_count(engine, code)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("engine.runtime.engine.record_event", explode)
    with pytest.raises(RuntimeError):
        engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    after = engine.runtime.get(code)
    assert (after.version, after.status, after.open_tasks) == (
        before.version,
        before.status,
        before.open_tasks,
    )
    assert event_count(engine, code) == events
