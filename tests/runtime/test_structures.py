"""Parallel consultations, inter-agency hand-over and waiting steps, end to end."""

from __future__ import annotations

import pytest

from engine.clock import FakeClock
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine

from .conftest import CITIZEN, Officers, at, open_task

pytestmark = pytest.mark.postgres


def test_parallel_consultation_waits_for_every_branch_then_hands_over_to_the_tax_office(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive("1.000001", CITIZEN, officers.receiver).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.cadastral)
    opened = sorted(t.step_id for t in engine.runtime.get(code).open_tasks)
    assert opened == ["y_kien_dia_chinh", "y_kien_tu_phap"]
    engine.tasks.complete(open_task(engine, code, "y_kien_tu_phap"), officers.justice)
    assert [t.step_id for t in engine.runtime.get(code).open_tasks] == ["y_kien_dia_chinh"]
    engine.tasks.complete(open_task(engine, code, "y_kien_dia_chinh"), officers.cadastral_head)
    (tax,) = engine.runtime.get(code).open_tasks
    assert (tax.step_id, tax.unit_id, tax.role) == ("thue_xac_dinh", "thue_nghiep_vu", "officer")


def test_waiting_for_the_applicant_pauses_the_clock_until_the_desk_records_it(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    code = engine.runtime.receive("1.000001", CITIZEN, officers.receiver).dossier_code
    assert code is not None
    for step, officer in [
        ("tiep_nhan", officers.receiver),
        ("tham_dinh", officers.cadastral),
        ("y_kien_tu_phap", officers.justice),
        ("y_kien_dia_chinh", officers.cadastral_head),
        ("thue_xac_dinh", officers.tax),
        ("thue_thong_bao", officers.tax_head),
    ]:
        engine.tasks.complete(open_task(engine, code, step), officer)
    waiting = engine.runtime.get(code)
    assert (waiting.status, waiting.paused_at) == (DossierStatus.WAITING_APPLICANT, at(7, 8))
    clock.set(at(14, 8))  # a week later the applicant brings the tax receipt
    engine.tasks.complete(open_task(engine, code, "nop_thue"), officers.receiver)
    resumed = engine.runtime.get(code)
    assert resumed.status is DossierStatus.PROCESSING
    assert resumed.due_at == at(28, 17)  # the whole week of waiting did not count
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)
    engine.runtime.return_result(code, officers.receiver, "post", "EB123456789VN")
    done = engine.runtime.get(code)
    assert done.status is DossierStatus.RETURNED
    assert done.outcome["returned"]["tracking_number"] == "EB123456789VN"
