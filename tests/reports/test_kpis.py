"""The provincial targets: measured where the data allows, "not computed" otherwise."""

from __future__ import annotations

import pytest

from engine.reports import ReportService
from engine.reports.feedback import FeedbackService
from engine.reports.index766 import Status
from engine.reports.kpi import KpiReport, field_target, prorated_target
from engine.reports.measures import Ratio
from engine.reports.periods import monthly, weekly
from engine.runtime.dossier import Channel
from engine.runtime.engine import Engine

from .conftest import FULL, Desk, Officers, vn

pytestmark = pytest.mark.postgres

# 2026 under the `holidays` package alone (the fixture engine has no overrides): 261 weekdays
# less 13 weekdays off (1/1; Tết 16-20/2; 27/4; 30/4; 1/5; 31/8, 1/9, 2/9; 24/11) plus
# Saturday 22/8 worked = 249 working days. 21/11-20/12/2026 has 20 weekdays, less 24/11: 19.
YEAR_2026 = 249


@pytest.fixture
def kpis(engine: Engine, officers: Officers, desk: Desk) -> KpiReport:
    feedback = FeedbackService(engine)
    k1 = desk.receive(vn(12, 7))
    desk.result_ready(k1, vn(12, 7, 10))
    k2 = desk.receive(vn(12, 7, 9), channel=Channel.ONLINE)
    desk.result_ready(k2, vn(12, 7, 11))
    k3 = desk.receive(vn(12, 7, 10), FULL)
    desk.clock.set(vn(12, 8))
    engine.runtime.withdraw(k3, officers.receiver, "Người nộp rút hồ sơ")
    feedback.rate(k1, "very_satisfied")
    feedback.rate(k2, "not_satisfied")
    feedback.rate(k3, "satisfied")
    reports = ReportService(engine)
    return reports.dossier_report(reports.parse_period("2026-12")).kpis


def result(kpis: KpiReport, code: str) -> tuple[Status, Ratio | None, bool | None]:
    found = next(r for r in kpis.results if r.code == code)
    return found.status, found.ratio, found.met


def test_measured_targets(kpis: KpiReport) -> None:
    assert result(kpis, "online_share") == (Status.COMPUTED, Ratio(1, 3), False)
    assert result(kpis, "satisfaction") == (Status.COMPUTED, Ratio(2, 3), False)
    assert result(kpis, "reuse") == (Status.COMPUTED, Ratio(0, 3), False)


def test_targets_without_data_are_not_computed_and_say_why(kpis: KpiReport) -> None:
    missing = {r.code: r for r in kpis.results if r.status is Status.NOT_COMPUTED}
    assert set(missing) == {
        "digitised_dossiers",
        "electronic_results",
        "portal_sync",
        "online_payment",
        "desk_waiting",
    }
    assert all(r.ratio is None and r.met is None and r.note for r in missing.values())


def test_satisfaction_by_field_uses_the_lower_target_for_land(kpis: KpiReport) -> None:
    by_field = {f.field: (f.ratio, f.target, f.met) for f in kpis.satisfaction_by_field}
    assert by_field == {
        "Hộ tịch": (Ratio(1, 2), 0.9, False),
        "Đất đai": (Ratio(1, 1), 0.85, True),
    }


def test_each_receiving_officer_against_the_prorated_yearly_target(kpis: KpiReport) -> None:
    assert kpis.officer_target == pytest.approx(1600 * 19 / YEAR_2026)
    ((name, unit, received, met),) = [
        (o.name, o.unit_name, o.received, o.met) for o in kpis.officers
    ]
    assert (name, unit, received, met) == ("Trần Thị Thu", "Bộ phận Một cửa", 3, False)


def test_a_week_is_five_working_days_of_the_yearly_target(engine: Engine) -> None:
    week = weekly(vn(12, 7).date())
    assert prorated_target(engine.calendar, week, 1600) == pytest.approx(1600 * 5 / YEAR_2026)
    assert prorated_target(object(), monthly(2026, 12), 1600) is None  # no working calendar


@pytest.mark.parametrize(
    ("field", "target"),
    [("Đất đai", 0.85), ("Xây dựng", 0.85), ("Đầu tư tại Việt Nam", 0.85), ("Hộ tịch", 0.9)],
)
def test_field_targets(field: str, target: float) -> None:
    assert field_target(field) == target
