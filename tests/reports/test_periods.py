"""Report windows: the 21st of the previous month to the 20th, quarters and years made of them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.reports.periods import (
    InvalidPeriod,
    PeriodKind,
    between,
    monthly,
    parse_period,
    weekly,
)

from .conftest import VN


def days(text: str, closing_day: int = 20) -> tuple[str, str]:
    period = parse_period(text, closing_day)
    return period.first_day.isoformat(), period.last_day.isoformat()


def test_a_month_runs_from_the_21st_of_the_previous_month_to_the_20th() -> None:
    assert days("2026-10") == ("2026-09-21", "2026-10-20")


def test_january_starts_in_december_of_the_year_before() -> None:
    assert days("2027-01") == ("2026-12-21", "2027-01-20")


def test_a_quarter_is_its_three_report_months() -> None:
    assert days("2026-Q3") == ("2026-06-21", "2026-09-20")
    assert days("2026-q1") == ("2025-12-21", "2026-03-20")


def test_a_year_runs_from_the_21st_of_december_to_the_20th_of_december() -> None:
    assert days("2026") == ("2025-12-21", "2026-12-20")


def test_the_closing_day_is_configurable() -> None:
    assert days("2026-03", closing_day=15) == ("2026-02-16", "2026-03-15")


def test_the_window_is_local_midnight_to_local_midnight_end_excluded() -> None:
    period = monthly(2026, 10)
    assert period.start == datetime(2026, 9, 21, tzinfo=VN)
    assert period.end == datetime(2026, 10, 21, tzinfo=VN)
    assert period.contains(datetime(2026, 10, 20, 23, 59, tzinfo=VN))
    assert not period.contains(datetime(2026, 10, 21, tzinfo=VN))


def test_labels_are_the_report_headings() -> None:
    assert parse_period("2026-10").label == "Tháng 10 năm 2026"
    assert parse_period("2026-Q3").label == "Quý III năm 2026"
    assert parse_period("2026").label == "Năm 2026"
    assert parse_period("2026-10").window_text == "Từ ngày 21/09/2026 đến ngày 20/10/2026"


def test_a_week_runs_monday_to_sunday() -> None:
    week = weekly(date(2026, 12, 10))
    assert (week.kind, week.first_day, week.last_day) == (
        PeriodKind.WEEK,
        date(2026, 12, 7),
        date(2026, 12, 13),
    )
    assert week.code == "2026-W50"


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "tháng 10", ""])
def test_a_bad_period_is_refused_with_the_forms_it_accepts(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def test_a_closing_day_past_the_28th_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="between 1 and 28"):
        monthly(2026, 3, closing_day=30)


def test_a_run_of_days_must_not_end_before_it_starts() -> None:
    with pytest.raises(InvalidPeriod):
        between(date(2026, 10, 2), date(2026, 10, 1))
