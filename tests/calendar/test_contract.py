"""What the calendar refuses, and the small promises callers rely on."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from engine.calendar import (
    CalendarRangeError,
    OfficeSession,
    WorkingCalendar,
    parse_cutoff,
    working_time,
)
from engine.definitions.model import Duration

from .conftest import at


def test_naive_moments_are_refused_with_a_hint(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match=r"naive datetime 2027-02-03T16:30:00: give it a time"):
        calendar.due(datetime(2027, 2, 3, 16, 30), Duration.days(3))
    with pytest.raises(ValueError, match="naive"):
        calendar.working_time_between(at("2027-02-03 16:30"), datetime(2027, 2, 4))


def test_a_datetime_is_not_a_day(calendar: WorkingCalendar) -> None:
    with pytest.raises(TypeError, match="takes a date, not a datetime"):
        calendar.is_working_day(at("2027-02-03 16:30"))


@pytest.mark.parametrize("amount", [Decimal(-1), -1, -0.5])
def test_negative_amounts_are_refused(calendar: WorkingCalendar, amount: Decimal) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        calendar.add_working_hours(at("2027-02-03 09:00"), amount)


def test_negative_time_limit_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        calendar.due(at("2027-02-03 09:00"), Duration.days(-1))


def test_float_hours_are_read_as_written() -> None:
    assert working_time(0.1) == timedelta(minutes=6)
    assert working_time(Decimal("0.1")) == timedelta(minutes=6)


def test_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        working_time(Decimal("NaN"))
    with pytest.raises(TypeError):
        working_time(True)


def test_years_outside_the_calendar_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(CalendarRangeError, match=r"1999 is outside .* \(2000-2100\)"):
        calendar.is_working_day(date(1999, 12, 31))
    with pytest.raises(CalendarRangeError, match="2101"):
        calendar.add_working_hours(at("2100-12-30 09:00"), 100)


def test_sessions_must_make_an_eight_hour_day() -> None:
    with pytest.raises(ValueError, match="make 9 hours"):
        WorkingCalendar(afternoon=OfficeSession(time(13), time(18)))


def test_a_session_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        OfficeSession(time(17), time(13))


@pytest.mark.parametrize("text", ["3pm", "15h", "24:00", "15:60", "1500"])
def test_bad_cutoff_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match='expected a cut-off time "HH:MM"'):
        parse_cutoff(text)


def test_zero_hours_returns_the_start_unchanged(calendar: WorkingCalendar) -> None:
    saturday = at("2027-02-06 20:00")
    assert calendar.add_working_hours(saturday, 0) == saturday
    assert calendar.subtract_working_hours(saturday, 0) == saturday


def test_subtracting_undoes_adding_up_to_closed_office_time(calendar: WorkingCalendar) -> None:
    start = at("2027-02-03 16:30")
    end = calendar.add_working_hours(start, 12)
    assert calendar.subtract_working_hours(end, 12) == start


def test_receipt_moment_after_hours_is_the_next_morning(calendar: WorkingCalendar) -> None:
    assert calendar.receipt_moment(at("2027-02-03 20:00")) == at("2027-02-11 07:30")
    assert calendar.receipt_moment(at("2027-02-03 15:30"), "15:00") == at("2027-02-11 07:30")
    assert calendar.receipt_moment(at("2027-02-03 14:59"), "15:00") == at("2027-02-03 14:59")
