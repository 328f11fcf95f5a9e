"""A dossier from reception to result, and every way it can go on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import FakeClock
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


def receive_birth(engine: Engine, officers: Officers) -> str:
    outcome = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    )
    assert outcome.dossier_code is not None
    return outcome.dossier_code


def test_receiving_gives_a_code_an_appointment_and_the_first_task(
    engine: Engine, officers: Officers
) -> None:
    code = receive_birth(engine, officers)
    dossier = engine.runtime.get(code)
    assert code == "000.31.36.H10-261207-0001"
    assert dossier.status is DossierStatus.RECEIVED
    assert dossier.received_at == at(7, 8)
    assert dossier.due_at == at(8, 17)  # 1 working day, the day of receipt not counted
    (task,) = dossier.open_tasks
    assert (task.step_id, task.assignee_id, task.due_at) == (
        "tiep_nhan",
        officers.receiver.user_id,
        at(7, 9),
    )


def test_codes_count_up_per_agency_and_day(engine: Engine, officers: Officers) -> None:
    codes = [receive_birth(engine, officers) for _ in range(3)]
    assert codes == [f"000.31.36.H10-261207-000{n}" for n in (1, 2, 3)]


def test_missing_required_papers_give_a_supplement_list_not_a_dossier(
    engine: Engine, officers: Officers
) -> None:
    outcome = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=[SubmittedComponent("TK")]
    )
    assert outcome.dossier_code is None
    assert [c.code for c in outcome.missing] == ["GCS"]
    assert engine.runtime.codes() == []


def test_happy_path_ends_returned_on_time(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = receive_birth(engine, officers)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    assert engine.runtime.get(code).status is DossierStatus.PROCESSING
    clock.advance(timedelta(hours=1))
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    clock.advance(timedelta(hours=1))
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)
    ready = engine.runtime.get(code)
    assert (ready.status, ready.finished_at) == (DossierStatus.RESULT_READY, at(7, 10))
    clock.advance(timedelta(hours=1))
    engine.runtime.return_result(code, officers.receiver)
    done = engine.runtime.get(code)
    assert (done.status, done.closed_at, done.overdue) == (DossierStatus.RETURNED, at(7, 11), False)
    assert done.open_tasks == ()


def test_return_sends_the_dossier_back_for_rework(engine: Engine, officers: Officers) -> None:
    code = receive_birth(engine, officers)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    engine.tasks.complete(
        open_task(engine, code, "ky_duyet"),
        officers.leader,
        "return",
        {"reason": "Sai ngày sinh trên dự thảo"},
    )
    again = engine.tasks.get(open_task(engine, code, "tham_dinh"))
    assert again.key == "tham_dinh@4"
    decisions = [(t.step_id, t.decision) for t in engine.tasks.of_dossier(code) if t.decision]
    assert decisions == [("tiep_nhan", "approve"), ("tham_dinh", "approve"), ("ky_duyet", "return")]


def test_refusal_during_processing_ends_the_dossier_with_its_reason(
    engine: Engine, officers: Officers
) -> None:
    code = receive_birth(engine, officers)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.complete(
        open_task(engine, code, "tham_dinh"),
        officers.justice,
        "refuse",
        {"reason": "Không thuộc thẩm quyền"},
    )
    dossier = engine.runtime.get(code)
    assert dossier.status is DossierStatus.REFUSED
    assert dossier.outcome["refusal_reason"] == "Không thuộc thẩm quyền"
    assert dossier.open_tasks == ()


def test_refusal_at_reception_is_recorded_and_closed(engine: Engine, officers: Officers) -> None:
    code = engine.runtime.refuse_at_reception(
        "1.001193", CITIZEN, officers.receiver, "Trẻ đã được đăng ký khai sinh"
    )
    dossier = engine.runtime.get(code)
    assert (dossier.status, dossier.closed_at) == (DossierStatus.REFUSED, at(7, 8))
    assert dossier.outcome["refusal_reason"] == "Trẻ đã được đăng ký khai sinh"


@pytest.mark.parametrize("action", ["withdraw", "stop"])
def test_withdraw_and_stop_cancel_every_open_task(
    engine: Engine, officers: Officers, action: str
) -> None:
    code = receive_birth(engine, officers)
    getattr(engine.runtime, action)(code, officers.receiver, "Người nộp đề nghị")
    dossier = engine.runtime.get(code)
    expected = DossierStatus.WITHDRAWN if action == "withdraw" else DossierStatus.STOPPED
    assert (dossier.status, dossier.open_tasks) == (expected, ())
    assert {t.status for t in engine.tasks.of_dossier(code)} == {"cancelled"}
