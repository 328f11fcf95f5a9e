"""Invariants of working-time arithmetic, over many moments around 2025-2027's holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.config import DEFAULT_CONFIG_FILE, load_config
from engine.definitions.model import Duration, TimeUnit

from .conftest import PROJECT_CALENDAR as CAL

# No deadline: the first call for a year builds its holidays, and timings have no place here.
PROPERTY = settings(deadline=None, max_examples=200)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ZONES = st.sampled_from([VN, UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")])
MOMENTS = st.datetimes(
    min_value=datetime(2024, 12, 1),
    max_value=datetime(2027, 11, 30),
    timezones=ZONES,
    allow_imaginary=False,
)
HOURS = st.decimals(min_value=0, max_value=120, places=2)
POSITIVE_HOURS = st.decimals(min_value=Decimal("0.01"), max_value=120, places=2)
AMOUNTS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
POSITIVE_AMOUNTS = st.timedeltas(
    min_value=timedelta(microseconds=1), max_value=timedelta(hours=120)
)
LIMITS = st.builds(
    Duration,
    st.decimals(min_value=0, max_value=30, places=2),
    st.sampled_from([TimeUnit.DAYS, TimeUnit.HOURS]),
)
CUTOFFS = st.sampled_from([None, "15:00", "16:30", "11:00"])

SESSIONS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))


@cache
def _config_overrides() -> tuple[set[date], set[date]]:
    raw = load_config(DEFAULT_CONFIG_FILE, environ={}).calendar.overrides
    off: set[date] = set()
    worked: set[date] = set()
    for changes in raw.values():
        for target, key in ((off, "days_off"), (worked, "working_days")):
            for entry in changes.get(key, []):
                text = entry["date"] if isinstance(entry, dict) else entry
                target.add(date.fromisoformat(text))
    return off, worked


@cache
def _package(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def independently_working(day: date) -> bool:
    """An oracle that does not use WorkingCalendar: the package plus config.yaml."""
    off, worked = _config_overrides()
    if day in worked:
        return True
    if day in off:
        return False
    package = _package(day.year)
    if day.weekday() >= 5:
        return day in package.weekend_workdays
    return day not in package


def in_order(*moments: datetime) -> list[datetime]:
    """Sorted by the instant (wall-clock order can differ around a DST change)."""
    return sorted(moments, key=lambda moment: moment.astimezone(UTC))


def in_office_hours(moment: datetime) -> bool:
    """On a working day, within a session, its end included but not its start."""
    local = moment.astimezone(VN)
    clock = local.time()
    inside = any(start < clock <= end for start, end in SESSIONS)
    return inside and independently_working(local.date())


def is_working_moment(moment: datetime) -> bool:
    local = moment.astimezone(VN)
    clock = local.time()
    inside = any(start <= clock < end for start, end in SESSIONS)
    return inside and independently_working(local.date())


@PROPERTY
@given(MOMENTS, POSITIVE_HOURS)
def test_measuring_what_was_added_gives_it_back(start: datetime, hours: Decimal) -> None:
    moment = CAL.next_working_moment(start)
    assert CAL.working_hours_between(moment, CAL.add_working_hours(moment, hours)) == hours


@PROPERTY
@given(MOMENTS, AMOUNTS)
def test_exact_time_round_trips_from_any_moment(start: datetime, amount: timedelta) -> None:
    assert CAL.working_time_between(start, CAL.add_working_time(start, amount)) == amount


@PROPERTY
@given(MOMENTS, MOMENTS, AMOUNTS)
def test_a_later_start_never_gives_an_earlier_result(
    first: datetime, second: datetime, amount: timedelta
) -> None:
    early, late = in_order(first, second)
    assert CAL.add_working_time(early, amount) <= CAL.add_working_time(late, amount)


@PROPERTY
@given(MOMENTS, HOURS, HOURS)
def test_more_time_never_gives_an_earlier_result(
    start: datetime, first: Decimal, second: Decimal
) -> None:
    less, more = sorted([first, second])
    assert CAL.add_working_hours(start, less) <= CAL.add_working_hours(start, more)


@PROPERTY
@given(MOMENTS, POSITIVE_AMOUNTS)
def test_results_are_inside_office_hours_of_a_working_day(
    start: datetime, amount: timedelta
) -> None:
    result = CAL.add_working_time(start, amount)
    assert result >= start
    assert in_office_hours(result)
    assert result.tzinfo == CAL.tz


@PROPERTY
@given(MOMENTS, st.integers(min_value=0, max_value=40))
def test_a_day_is_eight_hours_in_plain_arithmetic(start: datetime, days: int) -> None:
    assert CAL.add_working_days(start, days) == CAL.add_working_hours(start, 8 * days)


@PROPERTY
@given(MOMENTS)
def test_next_working_moment_skips_no_office_time(moment: datetime) -> None:
    following = CAL.next_working_moment(moment)
    assert following >= moment
    assert is_working_moment(following)
    assert CAL.working_time_between(moment, following) == timedelta(0)


@PROPERTY
@given(MOMENTS, MOMENTS, MOMENTS)
def test_working_time_adds_up_over_consecutive_spans(
    first: datetime, second: datetime, third: datetime
) -> None:
    a, b, c = in_order(first, second, third)
    assert CAL.working_time_between(a, b) + CAL.working_time_between(b, c) == (
        CAL.working_time_between(a, c)
    )
    assert CAL.working_time_between(c, a) == -CAL.working_time_between(a, c)


@PROPERTY
@given(MOMENTS, POSITIVE_AMOUNTS)
def test_subtracting_leaves_exactly_that_much_time(end: datetime, amount: timedelta) -> None:
    start = CAL.subtract_working_time(end, amount)
    assert start <= end
    assert CAL.working_time_between(start, end) == amount
    assert in_office_hours(start)


@PROPERTY
@given(MOMENTS, LIMITS, CUTOFFS)
def test_due_is_never_before_receipt_and_is_in_office_hours(
    received: datetime, limit: Duration, cutoff: str | None
) -> None:
    due = CAL.due(received, limit, cutoff)
    assert due >= received
    assert independently_working(due.astimezone(VN).date())
    if limit.amount:
        assert in_office_hours(due)


@PROPERTY
@given(MOMENTS, st.integers(min_value=1, max_value=30), CUTOFFS)
def test_whole_days_end_at_closing_time_after_that_many_working_days(
    received: datetime, days: int, cutoff: str | None
) -> None:
    due = CAL.due(received, Duration.days(days), cutoff).astimezone(VN)
    assert due.time() == time(17, 0)
    receipt_day = CAL.receipt_moment(received, cutoff).astimezone(VN).date()
    span = (due.date() - receipt_day).days
    counted = [receipt_day + timedelta(days=n) for n in range(1, span + 1)]
    assert sum(independently_working(day) for day in counted) == days


@PROPERTY
@given(MOMENTS, MOMENTS, LIMITS, CUTOFFS)
def test_later_receipt_never_gives_an_earlier_due(
    first: datetime, second: datetime, limit: Duration, cutoff: str | None
) -> None:
    early, late = in_order(first, second)
    assert CAL.due(early, limit, cutoff) <= CAL.due(late, limit, cutoff)


@PROPERTY
@given(MOMENTS, st.sampled_from(list(TimeUnit)), HOURS, HOURS)
def test_longer_limit_never_gives_an_earlier_due(
    received: datetime, unit: TimeUnit, first: Decimal, second: Decimal
) -> None:
    less, more = sorted([first, second])
    assert CAL.due(received, Duration(less, unit)) <= CAL.due(received, Duration(more, unit))


@PROPERTY
@given(MOMENTS, LIMITS, st.sampled_from(["15:00", "16:30", "11:00"]))
def test_a_cutoff_never_gives_an_earlier_due(
    received: datetime, limit: Duration, cutoff: str
) -> None:
    assert CAL.due(received, limit, cutoff) >= CAL.due(received, limit)


@PROPERTY
@given(MOMENTS, st.decimals(min_value=0, max_value=30, places=2))
def test_days_leave_the_day_of_receipt_uncounted_so_never_end_before_hours(
    received: datetime, days: Decimal
) -> None:
    as_days = CAL.due(received, Duration(days, TimeUnit.DAYS))
    as_hours = CAL.due(received, Duration(days * 8, TimeUnit.HOURS))
    assert as_days >= as_hours


@PROPERTY
@given(MOMENTS, LIMITS)
def test_step_addition_is_the_same_whatever_the_unit(start: datetime, limit: Duration) -> None:
    in_hours = Duration(limit.working_hours, TimeUnit.HOURS)
    assert CAL.add(start, limit) == CAL.add(start, in_hours)


def test_oracle_agrees_that_the_period_has_days_off() -> None:
    # Guards the oracle itself: it must see the holidays the properties rely on.
    assert not independently_working(date(2026, 2, 17))
    assert independently_working(date(2026, 8, 22))
    assert not independently_working(date(2026, 1, 2))
    assert independently_working(date(2026, 11, 24))


def test_calendar_and_oracle_agree_on_every_day_of_2024_to_2028() -> None:
    day = date(2024, 1, 1)
    while day.year < 2029:
        assert CAL.is_working_day(day) == independently_working(day), day
        day += timedelta(days=1)
