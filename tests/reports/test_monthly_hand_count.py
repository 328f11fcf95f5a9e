"""The report for December 2026 (21/11 to 20/12) over a month built by hand, counted by hand.

The month (tests/reports/december.py):

D1  18/11 desk    result 18/11                     before the window: not counted
D2  19/11 desk    due 20/11 17:00, result 23/11    carried over, resolved late
D3  20/11 desk    Đất đai, due 04/12, open         carried over, in progress overdue
D0  21/11 00:00   online, result Mon 23/11         received (first instant), early
D4  07/12 desk    result 07/12, returned           early (due 08/12)
D5  07/12 post    result 08/12                     on time (due 08/12)
D6  08/12 online  supplement 08/12-10/12, result 10/12 (due moved to 11/12 16:00): early
D7  09/12 desk    refused at the appraisal step    refused
D8  09/12 desk    refused at reception             refused (at reception)
D9  10/12 kiosk   withdrawn                        withdrawn
D10 10/12 desk    stopped on 11/12                 stopped
D14 01/12 desk    apology 01/12, result 03/12      late (an apology admits the delay)
D11 14/12 online  due 15/12, open                  in progress overdue
D12 18/12 desk    Đất đai, due in January, open    in progress not yet due
D13 18/12 14:00 online, due Mon 21/12 17:00, open  in progress not yet due
D15 21/12 00:00   after the window                 not counted

carried over 2 + received 12 (desk 6, online 4, post 1, kiosk 1)
  = resolved 6 (early 3, on time 1, late 2) + refused 2 + withdrawn 1 + stopped 1
    + in progress 4 (not due 2, overdue 2);  supplement requests 1, apologies 1.
"""

from __future__ import annotations

import pytest

from engine.reports import DossierReport, ReportService
from engine.reports.activity import Counts
from engine.reports.scopes import UnknownUnit
from engine.runtime.engine import Engine

from .conftest import BIRTH, FULL, Desk, Officers
from .december import build_december

pytestmark = pytest.mark.postgres


@pytest.fixture
def december(engine: Engine, officers: Officers, desk: Desk) -> Engine:
    return build_december(engine, officers, desk)


@pytest.fixture
def report(december: Engine) -> DossierReport:
    reports = ReportService(december)
    return reports.dossier_report(reports.parse_period("2026-12"))


def test_the_window_is_the_21st_of_november_to_the_20th_of_december(report: DossierReport) -> None:
    assert (report.period.first_day.isoformat(), report.period.last_day.isoformat()) == (
        "2026-11-21",
        "2026-12-20",
    )


def test_totals_match_the_hand_count(report: DossierReport) -> None:
    assert report.total == Counts(
        carried_over=2,
        received_desk=6,
        received_online=4,
        received_post=1,
        received_kiosk=1,
        resolved_early=3,
        resolved_on_time=1,
        resolved_late=2,
        refused=2,
        refused_at_reception=1,
        withdrawn=1,
        stopped=1,
        in_progress_not_due=2,
        in_progress_overdue=2,
        supplement_requests=1,
        apologies=1,
    )
    assert report.total.on_time_rate == pytest.approx(100 * 4 / 6)


def test_by_field_splits_civil_status_from_land(report: DossierReport) -> None:
    by_field = {line.key: line.counts for line in report.by_field}
    assert set(by_field) == {"Hộ tịch", "Đất đai"}
    assert by_field["Đất đai"] == Counts(
        carried_over=1, received_desk=1, in_progress_not_due=1, in_progress_overdue=1
    )
    assert by_field["Hộ tịch"] == Counts(
        carried_over=1,
        received_desk=5,
        received_online=4,
        received_post=1,
        received_kiosk=1,
        resolved_early=3,
        resolved_on_time=1,
        resolved_late=2,
        refused=2,
        refused_at_reception=1,
        withdrawn=1,
        stopped=1,
        in_progress_not_due=1,
        in_progress_overdue=1,
        supplement_requests=1,
        apologies=1,
    )


def test_by_procedure_unit_and_level_add_up_to_the_total(report: DossierReport) -> None:
    assert [(line.key, line.label) for line in report.by_procedure] == [
        (FULL, "Thủ tục mẫu đầy đủ"),
        (BIRTH, "Đăng ký khai sinh"),
    ]
    assert [(line.key, line.label) for line in report.by_unit] == [("ubnd_xa", "UBND xã A")]
    assert [(line.key, line.label) for line in report.by_level] == [("xa", "Cấp xã")]
    assert report.by_unit[0].counts == report.by_level[0].counts == report.total


def test_the_online_share_target_counts_dossiers_received_in_the_window(
    report: DossierReport,
) -> None:
    online = next(r for r in report.kpis.results if r.code == "online_share")
    assert online.ratio is not None
    assert (online.ratio.numerator, online.ratio.denominator) == (4, 12)
    assert online.met is False  # 33 % against 50 %


def test_a_report_for_one_agency_counts_only_its_dossiers(december: Engine) -> None:
    reports = ReportService(december)
    period = reports.parse_period("2026-12")
    commune = reports.dossier_report(period, unit="ubnd_xa")
    tax = reports.dossier_report(period, unit="cuc_thue")
    assert (commune.scope_label, commune.total.total) == ("UBND xã A", 14)
    assert (tax.scope_label, tax.total, tax.by_procedure) == ("Thuế cơ sở", Counts(), ())
    with pytest.raises(UnknownUnit):
        reports.dossier_report(period, unit="khong_co")
