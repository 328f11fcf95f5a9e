"""The list to the chairman: officers and units that held up dossiers in December 2026.

D1 07/12  reception due 09:00, done 10:00 by Trần Thị Thu         completed late
D2 07/12  appraisal claimed by Phạm Thị Hoa, never done            still overdue at the end
D3 08/12  appraisal nobody claimed, never done                     still overdue (the unit)
D4 09/12  appraisal done 11/12 by Lê Văn Bình, the dossier late    completed late
"""

from __future__ import annotations

import pytest

from engine.reports import ReportService
from engine.reports.late import LateEntry, UnitLateness
from engine.runtime.engine import Engine
from scheduler.sweep import sweep_once

from .conftest import Desk, Officers, open_task, vn

pytestmark = pytest.mark.postgres


@pytest.fixture
def codes(engine: Engine, officers: Officers, desk: Desk) -> list[str]:
    d1 = desk.receive(vn(12, 7))
    desk.step(d1, "tiep_nhan", vn(12, 7, 10))
    desk.step(d1, "tham_dinh", vn(12, 7, 10, 30))
    desk.step(d1, "ky_duyet", vn(12, 7, 11))
    d2 = desk.receive(vn(12, 7, 8, 5))
    desk.step(d2, "tiep_nhan", vn(12, 7, 8, 30))
    engine.tasks.claim(open_task(engine, d2, "tham_dinh"), officers.justice_2)
    d3 = desk.receive(vn(12, 8))
    desk.step(d3, "tiep_nhan", vn(12, 8, 8, 10))
    d4 = desk.receive(vn(12, 9))
    desk.step(d4, "tiep_nhan", vn(12, 9, 8, 10))
    desk.step(d4, "tham_dinh", vn(12, 11, 9))
    desk.step(d4, "ky_duyet", vn(12, 11, 9, 30))
    desk.clock.set(vn(12, 22, 9))
    sweep_once(engine)  # the scheduler has marked what is overdue
    return [d1, d2, d3, d4]


def test_each_officer_and_the_unclaimed_queue_with_their_late_steps(
    engine: Engine, codes: list[str]
) -> None:
    d1, d2, d3, d4 = codes
    reports = ReportService(engine)
    late = reports.dossier_report(reports.parse_period("2026-12")).late
    users = {u.username: u.id for u in engine.users.list()}
    assert late.entries == (  # one step each: by unit name, then officer name
        LateEntry("mot_cua", "Bộ phận Một cửa", users["tiepnhan"], "Trần Thị Thu", 1, 0, 0, (d1,)),
        LateEntry("tu_phap", "Tư pháp - Hộ tịch", None, "", 0, 1, 1, (d3,)),
        LateEntry("tu_phap", "Tư pháp - Hộ tịch", users["tuphap"], "Lê Văn Bình", 1, 0, 1, (d4,)),
        LateEntry("tu_phap", "Tư pháp - Hộ tịch", users["tuphap2"], "Phạm Thị Hoa", 0, 1, 1, (d2,)),
    )
    assert late.units == (
        UnitLateness("tu_phap", "Tư pháp - Hộ tịch", 1, 2, 3, 2),
        UnitLateness("mot_cua", "Bộ phận Một cửa", 1, 0, 0, 1),
    )


def test_a_step_completed_late_before_the_period_is_not_listed(
    engine: Engine, codes: list[str]
) -> None:
    reports = ReportService(engine)
    november = reports.dossier_report(reports.parse_period("2026-11")).late
    assert (november.entries, november.units) == ((), ())
