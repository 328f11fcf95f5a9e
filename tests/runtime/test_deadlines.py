"""Deadlines: timers follow the dossier's state and fire through the command path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.clock import FakeClock
from engine.runtime.commands import RecordApology
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine
from engine.store.models import OutboxRow, TimerRow
from scheduler.sweep import sweep_once

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


def pending(engine: Engine) -> list[tuple[str, str | None, object]]:
    with engine.database.read() as session:
        rows = session.scalars(
            select(TimerRow)
            .where(TimerRow.status == "pending")
            .order_by(TimerRow.due_at, TimerRow.kind)
        )
        return [(r.kind, r.task_key, r.due_at.astimezone(at(1, 0).tzinfo)) for r in rows]


def outbox(engine: Engine, template: str) -> list[OutboxRow]:
    with engine.database.read() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.template == template)))


@pytest.fixture
def code(engine: Engine, officers: Officers) -> str:
    received = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert received is not None
    return received


def test_a_received_dossier_has_its_step_and_appointment_timers(engine: Engine, code: str) -> None:
    assert pending(engine) == [
        ("task_warning", "tiep_nhan@1", at(7, 8, 45)),  # a quarter of one hour before 09:00
        ("task_overdue", "tiep_nhan@1", at(7, 9)),
        ("dossier_apology", None, at(7, 17)),  # a working day before: all 8 planned hours ahead
        ("dossier_overdue", None, at(8, 17)),
    ]


def test_a_supplement_cancels_the_deadlines_and_resume_brings_them_back_later(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.request_supplement(
        open_task(engine, code, "tham_dinh"), officers.justice, ["Giấy chứng sinh"]
    )
    assert pending(engine) == []
    clock.set(at(9, 8))
    engine.runtime.resume(code, officers.receiver)
    kinds = {(kind, due) for kind, _, due in pending(engine)}
    assert ("dossier_overdue", at(10, 17)) in kinds  # 15.5 h were left: Wednesday 08:00 + 15.5 h


def test_due_timers_warn_then_mark_late_then_escalate(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    clock.set(at(7, 8, 50))
    assert sweep_once(engine).fired == 1
    assert len(outbox(engine, "task_warning")) == 1
    clock.set(at(7, 9, 5))
    sweep_once(engine)
    task = engine.tasks.get(open_task(engine, code, "tiep_nhan"))
    assert task.late
    assert [r.address for r in outbox(engine, "task_overdue")] == ["tiepnhan"]
    assert ("task_escalation", "tiep_nhan@1", at(8, 9)) in pending(engine)
    clock.set(at(8, 9))
    sweep_once(engine)
    assert [e.command for e in engine.history.events(code)][-1] == "fire_timer"
    assert engine.history.verify(code).ok


def test_a_dossier_on_plan_is_not_asked_to_apologise_and_each_step_moves_the_moment(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    def apology_at() -> list[object]:
        return [due for kind, _, due in pending(engine) if kind == "dossier_apology"]

    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    assert apology_at() == [at(8, 8, 30)]  # 7 planned hours before at(8, 17)
    clock.set(at(7, 10))
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    assert apology_at() == [at(8, 14)]  # signature and hand-back: 3 hours
    clock.set(at(7, 17))
    sweep_once(engine)
    assert [t.kind for t in engine.runtime.get(code).open_tasks] == ["step"]


def test_the_apology_task_opens_when_the_planned_work_no_longer_fits(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.set(at(8, 9))  # the 7 planned hours after reception no longer fit before at(8, 17)
    sweep_once(engine)
    dossier = engine.runtime.get(code)
    apology = [t for t in dossier.open_tasks if t.kind == "apology"]
    assert [(t.unit_id, t.role, t.due_at) for t in apology] == [("tu_phap", "head", at(8, 17))]
    draft = dossier.outcome["apology_draft"]
    assert draft["unit"] == "tu_phap"
    assert draft["proposed_due_at"] > at(8, 17).isoformat()


def test_an_apology_not_yet_written_is_no_longer_asked_for_once_the_result_is_ready(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.set(at(8, 9))  # the 7 planned hours after reception no longer fit before at(8, 17)
    sweep_once(engine)
    assert [t.kind for t in engine.runtime.get(code).open_tasks].count("apology") == 1
    clock.set(at(8, 9))
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)
    dossier = engine.runtime.get(code)
    assert dossier.status is DossierStatus.RESULT_READY
    assert [t.kind for t in dossier.open_tasks] == ["step"]  # only handing back the result
    assert engine.history.verify(code).ok


def test_recording_the_apology_moves_the_appointment_once_and_counts_the_dossier_late(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    head = engine.users.create("truongtp", "Trưởng Tư pháp", "tu_phap", ["head"]).actor
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.set(at(8, 9))  # the 7 planned hours after reception no longer fit before at(8, 17)
    sweep_once(engine)
    (task,) = [t for t in engine.runtime.get(code).open_tasks if t.kind == "apology"]
    command = RecordApology(
        task.key, head.user_id, "Chờ xác minh hộ tịch", at(11, 17).isoformat(), "12/XL-UBND"
    )
    engine.execute(code, command, head)
    dossier = engine.runtime.get(code)
    assert (dossier.due_at, dossier.apologised, dossier.overdue) == (at(11, 17), True, True)
    assert dossier.status is DossierStatus.LATE
    assert len(outbox(engine, "apology_sent")) == 1
    with pytest.raises(Exception):  # noqa: B017 - the task is gone: TaskAlreadyCompleted
        engine.execute(code, command, head)
    assert engine.history.verify(code).ok


def test_a_timer_whose_task_was_done_meanwhile_is_cancelled_without_an_event(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    events = len(engine.history.events(code))
    with engine.database.write() as session:  # a timer left behind by a crash, say
        session.add(
            TimerRow(
                dossier_id=1,
                kind="task_overdue",
                task_key="tiep_nhan@1",
                due_at=at(7, 9),
                status="pending",
                created_at=at(7, 8),
                attempts=0,
            )
        )
    clock.set(at(7, 9, 30))
    result = sweep_once(engine)
    assert (result.fired, result.cancelled) == (0, 1)
    assert len(engine.history.events(code)) == events


def test_withdrawal_cancels_every_timer(engine: Engine, officers: Officers, code: str) -> None:
    engine.runtime.withdraw(code, officers.receiver, "Người nộp rút hồ sơ")
    assert pending(engine) == []


def test_a_finished_dossier_has_no_deadlines_left(
    engine: Engine, officers: Officers, clock: FakeClock, code: str
) -> None:
    for step, officer in [
        ("tiep_nhan", officers.receiver),
        ("tham_dinh", officers.justice),
        ("ky_duyet", officers.leader),
    ]:
        engine.tasks.complete(open_task(engine, code, step), officer)
    assert [kind for kind, _, _ in pending(engine)] == ["task_warning", "task_overdue"]
    engine.runtime.return_result(code, officers.receiver)
    assert pending(engine) == []
    clock.advance(timedelta(days=30))
    assert sweep_once(engine).handled == 0
