"""Supplements and waiting steps pause the clock; the appointment moves by the pause."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import FakeClock
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine

from .conftest import BIRTH_PAPERS, CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


def test_supplement_pauses_the_clock_and_resume_continues_with_the_time_left(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.set(at(7, 9))
    engine.tasks.request_supplement(
        open_task(engine, code, "tham_dinh"),
        officers.justice,
        ["Giấy chứng sinh bản chính"],
        "Bản sao không rõ",
    )
    waiting = engine.runtime.get(code)
    assert (waiting.status, waiting.paused_at, waiting.supplement_count) == (
        DossierStatus.WAITING_SUPPLEMENT,
        at(7, 9),
        1,
    )
    clock.set(at(10, 14))  # the applicant comes back on Thursday afternoon
    engine.runtime.resume(code, officers.receiver, ["GCS"], "Đã nộp bản chính")
    resumed = engine.runtime.get(code)
    # 14.5 working hours were left on Monday 09:00; from Thursday 14:00 they end Monday 11:00
    assert (resumed.status, resumed.paused_at, resumed.due_at) == (
        DossierStatus.PROCESSING,
        None,
        at(14, 11),
    )
    assert resumed.original_due_at == at(8, 17)
    task = engine.tasks.get(open_task(engine, code, "tham_dinh"))
    assert (task.key, task.due_at) == ("tham_dinh@4", at(11, 8, 30))


def test_a_restart_procedure_counts_the_whole_limit_again_after_a_supplement(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive("1.000001", CITIZEN, officers.receiver).dossier_code
    assert code is not None
    assert engine.runtime.get(code).due_at == at(21, 17)
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.request_supplement(
        open_task(engine, code, "tham_dinh"), officers.cadastral, ["Trích lục bản đồ"]
    )
    clock.set(at(9, 9))
    engine.runtime.resume(code, officers.receiver)
    assert engine.runtime.get(code).due_at == at(23, 17)


def test_a_second_supplement_request_is_allowed_but_counted(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    for _ in range(2):
        engine.tasks.request_supplement(
            open_task(engine, code, "tham_dinh"), officers.justice, ["Giấy chứng sinh"]
        )
        clock.advance(timedelta(hours=1))
        engine.runtime.resume(code, officers.receiver)
    dossier = engine.runtime.get(code)
    assert dossier.supplement_count == 2
    assert len(dossier.outcome["supplement_requests"]) == 2


def test_a_dossier_past_its_appointment_is_late_and_stays_counted_late(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    clock.set(at(9, 8))  # the day after the appointment
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    late = engine.runtime.get(code)
    assert (late.status, late.overdue) == (DossierStatus.LATE, True)
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)
    engine.runtime.return_result(code, officers.receiver)
    assert engine.runtime.get(code).overdue is True
