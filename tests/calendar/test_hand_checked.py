"""Due dates worked out by hand on the paper calendar, one case per rule and holiday.

Days off used below (weekdays), from the official schedules and config.yaml:
2025: 1/1; Tết 27-31/1; Giỗ Tổ 7/4; 30/4, 1/5, 2/5 (Saturday 26/4 worked); 1-2/9.
2026: 1/1, 2/1 (Saturday 10/1 worked); Tết 16-20/2; Giỗ Tổ observed 27/4; 30/4,
1/5; 31/8 (Saturday 22/8 worked), 1-2/9. 2027 (package, not yet announced):
1/1; Tết 4, 5, 8, 9, 10/2; Giỗ Tổ 16/4; 30/4; 1/5 observed 3/5; 2-3/9.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from engine.calendar import WorkingCalendar
from engine.definitions.model import Duration

from .conftest import at

D, H = Duration.days, Duration.hours

# received, limit, cut-off, due, why
STATUTORY_CASES = [
    # Tết 2025
    ("2025-01-24 10:00", D(1), None, "2025-02-03 17:00", "Tết 2025: first counted day after Tết"),
    ("2025-01-24 10:00", D(3), None, "2025-02-05 17:00", "Tết 2025: three days after Tết"),
    ("2025-01-23 16:00", H(12), None, "2025-02-03 10:30", "Tết 2025: 1 h + 8 h + 3 h"),
    ("2025-01-29 09:00", D(2), None, "2025-02-05 17:00", "received during Tết: Mon 3/2 uncounted"),
    # Tết 2026
    ("2026-02-13 16:00", D(1), None, "2026-02-23 17:00", "Tết 2026: Friday before Tết"),
    ("2026-02-13 14:00", D("0.5"), None, "2026-02-23 11:30", "Tết 2026: half a day"),
    ("2026-02-12 15:30", D(1), "15:00", "2026-02-23 17:00", "Tết 2026: cut-off moves receipt"),
    ("2026-02-12 15:30", D(1), None, "2026-02-13 17:00", "Tết 2026: same without cut-off"),
    ("2026-02-14 10:00", H(4), None, "2026-02-23 11:30", "received on Saturday of Tết, hours"),
    # Tết 2027
    ("2027-02-03 16:30", D(3), None, "2027-02-15 17:00", "Tết 2027: the issue's example"),
    ("2027-02-03 16:30", H(12), None, "2027-02-12 11:00", "Tết 2027: 0.5 h + 8 h + 3.5 h"),
    ("2027-02-03 16:30", D("0.5"), None, "2027-02-11 11:30", "Tết 2027: half a day"),
    ("2027-02-03 16:30", D(3), "15:00", "2027-02-16 17:00", "Tết 2027: after the cut-off"),
    ("2027-02-03 10:00", D(1), None, "2027-02-11 17:00", "Tết 2027: one day"),
    # 30/4-1/5
    ("2025-04-25 10:00", D(1), None, "2025-04-26 17:00", "2025: next day is a worked Saturday"),
    ("2025-04-29 10:00", D(1), None, "2025-05-05 17:00", "2025: 30/4-4/5 off"),
    ("2025-04-26 09:00", H(2), None, "2025-04-26 11:00", "2025: received on the worked Saturday"),
    ("2025-04-27 09:00", D(2), None, "2025-05-05 17:00", "2025: Sunday, Monday uncounted"),
    ("2026-04-24 11:00", D(2), None, "2026-04-29 17:00", "2026: Giỗ Tổ observed Monday 27/4"),
    ("2026-04-24 11:00", D(3), None, "2026-05-04 17:00", "2026: then 30/4-3/5"),
    # Giỗ Tổ Hùng Vương
    ("2025-04-04 14:00", D(1), None, "2025-04-08 17:00", "Giỗ Tổ 2025 on Monday 7/4"),
    ("2027-04-15 09:00", D(1), None, "2027-04-19 17:00", "Giỗ Tổ 2027 on Friday 16/4"),
    # 2/9 with its adjacent day
    ("2025-08-29 16:59", D(1), None, "2025-09-03 17:00", "2/9/2025 with Monday 1/9"),
    ("2025-08-29 16:00", H(8), None, "2025-09-03 16:00", "2/9/2025: 1 h then 4 h + 3 h"),
    ("2026-08-21 10:00", D(1), None, "2026-08-22 17:00", "2026: Saturday 22/8 is worked"),
    ("2026-08-28 10:00", D(1), None, "2026-09-03 17:00", "2026: 31/8 swapped, 1-2/9"),
    ("2026-08-29 10:00", D(1), None, "2026-09-04 17:00", "2026: received Saturday 29/8"),
    ("2027-09-01 10:00", D(1), None, "2027-09-06 17:00", "2/9/2027 with Friday 3/9"),
    # year ends
    ("2025-12-31 10:00", D(1), None, "2026-01-05 17:00", "1/1 and the swapped 2/1/2026"),
    ("2025-12-31 10:00", D(6), None, "2026-01-10 17:00", "sixth day is Saturday 10/1/2026"),
    ("2026-12-31 16:00", H(4), None, "2027-01-04 10:30", "1 h in 2026, 3 h in 2027"),
    ("2024-12-31 10:00", D(1), None, "2025-01-02 17:00", "1/1/2025 on a Wednesday"),
    # outside office hours
    ("2026-03-03 12:15", H(1), None, "2026-03-03 14:00", "lunch: starts at 13:00"),
    ("2026-03-03 12:15", D(1), None, "2026-03-04 17:00", "lunch: still received that day"),
    ("2026-03-03 06:45", H(1), None, "2026-03-03 08:30", "before 07:30: starts at 07:30"),
    ("2026-03-03 06:45", D(1), None, "2026-03-04 17:00", "before 07:30: received that day"),
    ("2026-03-03 17:30", D(1), None, "2026-03-05 17:00", "after 17:00: received next day"),
    ("2026-03-03 17:30", H(1), None, "2026-03-04 08:30", "after 17:00: hours next day"),
    ("2026-03-03 17:00", H(1), None, "2026-03-04 08:30", "17:00 is already closed"),
    ("2026-03-07 10:00", D(1), None, "2026-03-10 17:00", "Saturday: received Monday"),
    # cut-off
    ("2026-03-03 15:00", D(1), "15:00", "2026-03-04 17:00", "at the cut-off is not after it"),
    ("2026-03-03 15:01", D(1), "15:00", "2026-03-05 17:00", "a minute after the cut-off"),
    ("2026-03-03 15:30", H(2), "15:00", "2026-03-04 09:30", "cut-off applies to hours too"),
    ("2026-03-06 15:30", D(1), "15:00", "2026-03-10 17:00", "cut-off on a Friday"),
    ("2026-03-07 16:00", D(1), "15:00", "2026-03-10 17:00", "cut-off ignored on a weekend"),
    # fractional days and hours across days
    ("2026-03-03 10:00", D("1.5"), None, "2026-03-05 11:30", "1.5 days"),
    ("2026-03-03 10:00", D("0.25"), None, "2026-03-04 09:30", "a quarter day: 2 h"),
    ("2026-03-03 10:00", D("2.75"), None, "2026-03-06 15:00", "2.75 days: 6 h on the third"),
    ("2026-03-03 10:00", D(0), None, "2026-03-03 17:00", "0 days: the day of receipt"),
    ("2026-03-02 16:00", H(10), None, "2026-03-04 08:30", "1 h + 8 h + 1 h"),
    ("2026-03-06 11:00", H(16), None, "2026-03-10 11:00", "4.5 h + 8 h + 3.5 h"),
]


@pytest.mark.parametrize(
    ("received", "limit", "cutoff", "expected", "why"),
    STATUTORY_CASES,
    ids=[case[-1] for case in STATUTORY_CASES],
)
def test_statutory_due_date(
    calendar: WorkingCalendar,
    received: str,
    limit: Duration,
    cutoff: str | None,
    expected: str,
    why: str,
) -> None:
    assert calendar.due(at(received), limit, cutoff) == at(expected), why


def test_due_is_returned_in_vietnam_time_whatever_the_input_zone(
    calendar: WorkingCalendar,
) -> None:
    due = calendar.due(datetime.fromisoformat("2027-02-03T09:30Z"), D(3))
    assert due.isoformat() == "2027-02-15T17:00:00+07:00"
    assert str(due.tzinfo) == "Asia/Ho_Chi_Minh"


PLAIN_CASES = [
    ("2026-03-02 15:00", D("0.5"), "2026-03-03 09:30", "a half-day step: 2 h + 2 h"),
    ("2026-02-13 16:00", D(1), "2026-02-23 16:00", "one day across Tết 2026"),
    ("2026-03-03 10:00", D(1), "2026-03-04 10:00", "one day is 8 office hours"),
    ("2026-03-06 07:30", D(1), "2026-03-06 17:00", "ends at 17:00, not Monday 07:30"),
    ("2026-03-03 10:00", H(0), "2026-03-03 10:00", "zero is immediate"),
    ("2025-04-25 16:00", H(3), "2025-04-26 09:30", "into the worked Saturday"),
    ("2025-04-29 16:00", H(2), "2025-05-05 08:30", "over 30/4-4/5"),
]


@pytest.mark.parametrize(
    ("start", "duration", "expected", "why"), PLAIN_CASES, ids=[c[-1] for c in PLAIN_CASES]
)
def test_plain_addition_for_step_due_times(
    calendar: WorkingCalendar, start: str, duration: Duration, expected: str, why: str
) -> None:
    assert calendar.add(at(start), duration) == at(expected), why


APOLOGY_CASES = [
    ("2026-09-03 17:00", "2026-08-28 17:00", "before the 2/9/2026 holidays"),
    ("2026-02-23 17:00", "2026-02-13 17:00", "before Tết 2026"),
    ("2026-01-05 17:00", "2025-12-31 17:00", "across the year end"),
    ("2025-05-05 17:00", "2025-04-29 17:00", "before 30/4-4/5/2025"),
    ("2027-04-19 17:00", "2027-04-15 17:00", "before Giỗ Tổ 2027"),
    ("2027-02-11 11:30", "2027-02-03 11:30", "a half-day appointment: same time of day"),
]


@pytest.mark.parametrize(
    ("appointment", "deadline", "why"), APOLOGY_CASES, ids=[c[-1] for c in APOLOGY_CASES]
)
def test_apology_is_due_one_working_day_before_the_appointment(
    calendar: WorkingCalendar, appointment: str, deadline: str, why: str
) -> None:
    assert calendar.subtract_working_days(at(appointment), 1) == at(deadline), why


def test_two_working_days_back_lands_on_a_worked_saturday(calendar: WorkingCalendar) -> None:
    assert calendar.subtract_working_days(at("2025-04-29 17:00"), 2) == at("2025-04-26 17:00")


BETWEEN_CASES = [
    ("2026-04-24 15:00", "2026-04-28 09:00", Decimal("3.5"), "over the Giỗ Tổ Monday"),
    ("2025-01-24 07:30", "2025-02-03 07:30", Decimal(8), "over Tết 2025: one Friday"),
    ("2025-02-03 07:30", "2025-01-24 07:30", Decimal(-8), "backwards is negative"),
    ("2026-12-31 16:00", "2027-01-04 10:30", Decimal(4), "across the year end"),
    ("2026-03-03 11:00", "2026-03-03 13:30", Decimal(1), "lunch does not count"),
    ("2026-03-07 08:00", "2026-03-08 16:00", Decimal(0), "a weekend is empty"),
]


@pytest.mark.parametrize(
    ("start", "end", "hours", "why"), BETWEEN_CASES, ids=[c[-1] for c in BETWEEN_CASES]
)
def test_working_hours_between(
    calendar: WorkingCalendar, start: str, end: str, hours: Decimal, why: str
) -> None:
    assert calendar.working_hours_between(at(start), at(end)) == hours, why


def test_one_minute_is_exact_as_time_and_rounded_only_as_hours(
    calendar: WorkingCalendar,
) -> None:
    start, end = at("2026-03-03 09:00"), at("2026-03-03 09:01")
    assert calendar.working_time_between(start, end) == timedelta(minutes=1)
    assert calendar.working_hours_between(start, end) * 60 == pytest.approx(1)


NEXT_MOMENT_CASES = [
    ("2026-03-03 09:00", "2026-03-03 09:00", "inside a session: itself"),
    ("2026-03-03 11:30", "2026-03-03 13:00", "end of the morning: the afternoon"),
    ("2026-03-03 07:29", "2026-03-03 07:30", "before opening"),
    ("2026-08-28 17:00", "2026-09-03 07:30", "over 29/8-2/9/2026"),
    ("2026-08-21 17:00", "2026-08-22 07:30", "to the worked Saturday 22/8"),
]


@pytest.mark.parametrize(
    ("moment", "expected", "why"), NEXT_MOMENT_CASES, ids=[c[-1] for c in NEXT_MOMENT_CASES]
)
def test_next_working_moment(
    calendar: WorkingCalendar, moment: str, expected: str, why: str
) -> None:
    assert calendar.next_working_moment(at(moment)) == at(expected), why
