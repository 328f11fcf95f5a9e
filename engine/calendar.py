"""Lịch làm việc: working days, office hours and the deadlines counted on them.

Working time is Monday to Friday, two office sessions a day (by default
07:30-11:30 and 13:00-17:00, 8 hours), minus Vietnam's public holidays from
the `holidays` package, corrected by the per-year overrides in configuration
(``calendar.overrides``). Every moment given to or returned by a
:class:`WorkingCalendar` is timezone-aware; results are in the calendar's
time zone (Asia/Ho_Chi_Minh by default).

Working time is exact: internally it is a :class:`~datetime.timedelta`
(whole microseconds), and hours given as :class:`~decimal.Decimal` convert to
it exactly (rounded to the microsecond only below that). A working day is
always :data:`~engine.definitions.model.HOURS_PER_WORKING_DAY` hours, so the
two sessions must add up to exactly that.

Two kinds of addition, on purpose:

* :meth:`WorkingCalendar.add` and ``add_working_*`` are plain working-time
  arithmetic (a step due 2 working days after it started: 16 office hours
  later);
* :meth:`WorkingCalendar.due` applies the statutory counting of Civil Code
  art. 147-148 to a procedure's time limit (the day of receipt is not counted;
  see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from engine.config import CalendarConfig, Config, ConfigError
from engine.definitions.model import HOURS_PER_WORKING_DAY, Duration, TimeUnit

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "WEEKDAY_NAMES",
    "CalendarRangeError",
    "OfficeSession",
    "YearOverrides",
    "SpecialDay",
    "WorkingCalendar",
    "working_time",
    "parse_overrides",
    "parse_session",
    "parse_cutoff",
    "check_calendar_config",
]

FIRST_YEAR = 2000
LAST_YEAR = 2100  # the lunar tables of the `holidays` package end here

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

Hours = Decimal | int | float
_MICROSECONDS_PER_HOUR = 3_600_000_000
_ONE_DAY = timedelta(days=1)
_SESSION = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_CUTOFF = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CalendarRangeError(ValueError):
    """A computation left the years the calendar knows (FIRST_YEAR to LAST_YEAR)."""


def working_time(hours: Hours) -> timedelta:
    """Hours of working time as an exact timedelta (rounded half-even below a microsecond).

    >>> working_time(Decimal("0.5"))
    datetime.timedelta(seconds=1800)

    A float is read by its decimal repr (``0.1`` is 0.1, not 0.1000000000000000055...).
    Negative amounts are refused: use the ``subtract_*`` methods.
    """
    if isinstance(hours, bool) or not isinstance(hours, Decimal | int | float):
        raise TypeError(f"working hours must be a Decimal, int or float, got {hours!r}")
    amount = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    if not amount.is_finite():
        raise ValueError(f"working hours must be a finite number, got {hours!r}")
    if amount < 0:
        raise ValueError(f"working hours must not be negative, got {hours!r}")
    with localcontext() as context:
        context.prec = 60
        micros = (amount * _MICROSECONDS_PER_HOUR).to_integral_value(ROUND_HALF_EVEN)
    try:
        return timedelta(microseconds=int(micros))
    except OverflowError as error:
        raise CalendarRangeError(f"{hours} working hours is beyond any calendar") from error


def _hours(delta: timedelta) -> Decimal:
    micros = delta // timedelta(microseconds=1)
    with localcontext() as context:
        context.prec = 40
        return Decimal(micros) / _MICROSECONDS_PER_HOUR


@dataclass(frozen=True)
class OfficeSession:
    """Buổi làm việc: one office session of a working day, in local wall-clock time."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"an office session must end after it starts: {self}")

    @property
    def length(self) -> timedelta:
        return _wall(self.end) - _wall(self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _wall(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)


def parse_session(text: str) -> OfficeSession:
    """``"07:30-11:30"`` as an :class:`OfficeSession`; ValueError if malformed."""
    match = _SESSION.match(text)
    if not match:
        raise ValueError(f'expected an office session "HH:MM-HH:MM", got {text!r}')
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    return OfficeSession(time(start_h, start_m), time(end_h, end_m))


def parse_cutoff(cutoff: str | time | None) -> time | None:
    """A per-procedure cut-off ``"15:00"`` as a time; ValueError if malformed."""
    if cutoff is None or isinstance(cutoff, time):
        return cutoff
    match = _CUTOFF.match(cutoff)
    if not match:
        raise ValueError(f'expected a cut-off time "HH:MM", got {cutoff!r}')
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class YearOverrides:
    """One year's corrections to the package: extra days off and extra working days.

    Each maps a date to the name shown in ``motcua calendar year`` (None: a
    default name). ``working_days`` may hold a weekend day (a Saturday worked
    to make up for a bridging day off: làm bù) or a weekday the package lists
    as a holiday (which it then stops being).
    """

    days_off: Mapping[date, str | None] = field(default_factory=dict)
    working_days: Mapping[date, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SpecialDay:
    """A weekday that is not worked, or a weekend day that is."""

    day: date
    name: str
    working: bool

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.day.weekday()]


@dataclass(frozen=True)
class _Year:
    days_off: Mapping[date, str]  # weekdays not worked
    working_weekend_days: Mapping[date, str]


class WorkingCalendar:
    """Lịch làm việc: when the agency works, and how deadlines are counted on it.

    Conventions every method follows:

    * a *working moment* is inside an office session, start included, end
      excluded: 07:30 and 11:29 are working moments, 11:30 and 12:00 are not;
    * adding ``h > 0`` working hours returns the *earliest* moment at which
      ``h`` hours of office time have passed, so a result is never at the
      start of a session but may be at its end: Monday 07:30 + 8 h is Monday
      17:00, not Tuesday 07:30;
    * subtracting likewise returns the *earliest* moment from which ``h``
      hours of office time remain: Monday 17:00 - 8 h is Friday 17:00 (the
      end of the previous working day), not Monday 07:30.
    """

    def __init__(
        self,
        *,
        timezone: str | ZoneInfo = "Asia/Ho_Chi_Minh",
        morning: OfficeSession | None = None,
        afternoon: OfficeSession | None = None,
        overrides: Mapping[int, YearOverrides] | None = None,
    ):
        self.tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self.sessions = (
            morning or OfficeSession(time(7, 30), time(11, 30)),
            afternoon or OfficeSession(time(13, 0), time(17, 0)),
        )
        _check_sessions(*self.sessions)
        self.overrides = dict(overrides or {})
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_config(cls, config: Config) -> WorkingCalendar:
        """The calendar the configuration describes; ConfigError names a bad key."""
        morning, afternoon, overrides = _read_calendar_config(config.calendar)
        return cls(timezone=config.tz, morning=morning, afternoon=afternoon, overrides=overrides)

    # -- days ---------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Monday-Friday that is not a day off, or a weekend day made a working day.

        >>> cal = WorkingCalendar()
        >>> cal.is_working_day(date(2026, 8, 31)), cal.is_working_day(date(2026, 8, 22))
        (False, True)
        """
        if isinstance(day, datetime):
            raise TypeError(f"is_working_day takes a date, not a datetime: {day!r}")
        year = self._year(day.year)
        if day.weekday() >= 5:
            return day in year.working_weekend_days
        return day not in year.days_off

    def special_days(self, year: int) -> list[SpecialDay]:
        """The year's weekdays off and weekend working days, in date order, with their names."""
        data = self._year(year)
        days = [SpecialDay(day, name, False) for day, name in data.days_off.items()]
        days += [SpecialDay(day, name, True) for day, name in data.working_weekend_days.items()]
        return sorted(days, key=lambda special: special.day)

    def working_days_in_year(self, year: int) -> int:
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        return sum(self.is_working_day(first + _ONE_DAY * offset) for offset in range(days))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    # -- moments ------------------------------------------------------------

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if it is a working moment, else the start of the next session.

        Friday 28 August 2026 at 17:00 gives Thursday 3 September 07:30: the
        weekend, the bridging Monday 31 August (swapped for Saturday the
        22nd) and Quốc khánh on 1-2 September are off.

        >>> cal = WorkingCalendar()
        >>> print(cal.next_working_moment(datetime.fromisoformat("2026-08-28T12:10+07:00")))
        2026-08-28 13:00:00+07:00
        >>> print(cal.next_working_moment(datetime.fromisoformat("2026-08-28T17:00+07:00")))
        2026-09-03 07:30:00+07:00
        """
        now = self._utc(moment)
        for start, end in self._sessions_from(now):
            if now < end:
                return self._local(max(start, now))
        raise AssertionError("unreachable: _sessions_from never ends")  # pragma: no cover

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest moment at which ``amount`` of office time has passed since ``start``.

        ``start`` may be outside office hours: counting begins at the next
        session. A zero amount returns ``start`` unchanged (in the calendar's
        zone). Friday 2026-02-13 16:00 + 2 h = Monday 2026-02-23 08:30
        (16:00-17:00, then Tết from the 14th to the 22nd, then 07:30-08:30):

        >>> friday = datetime.fromisoformat("2026-02-13T16:00+07:00")
        >>> print(WorkingCalendar().add_working_time(friday, timedelta(hours=2)))
        2026-02-23 08:30:00+07:00
        """
        now = self._utc(start)
        remaining = _non_negative(amount)
        if not remaining:
            return self._local(now)
        for session_start, session_end in self._sessions_from(now):
            begin = max(session_start, now)
            if begin >= session_end:
                continue
            if remaining <= session_end - begin:
                return self._local(begin + remaining)
            remaining -= session_end - begin
        raise AssertionError("unreachable: _sessions_from never ends")  # pragma: no cover

    def add_working_hours(self, start: datetime, hours: Hours) -> datetime:
        """:meth:`add_working_time` with the amount in hours (``Decimal("1.5")``: 90 minutes).

        Friday 2025-04-25 16:00 + 3 h = Saturday 2025-04-26 09:30 (worked
        in exchange for Friday 2 May); Tuesday 2025-04-29 16:00 + 2 h =
        Monday 2025-05-05 08:30 (30 April to 4 May are off):

        >>> cal = WorkingCalendar()
        >>> print(cal.add_working_hours(datetime.fromisoformat("2025-04-25T16:00+07:00"), 3))
        2025-04-26 09:30:00+07:00
        >>> print(cal.add_working_hours(datetime.fromisoformat("2025-04-29T16:00+07:00"), 2))
        2025-05-05 08:30:00+07:00
        """
        return self.add_working_time(start, working_time(hours))

    def add_working_days(self, start: datetime, days: Hours) -> datetime:
        """Plain working-day arithmetic: ``days`` x 8 office hours after ``start``.

        Tuesday 10:00 + 1 day = Wednesday 10:00; Friday 07:30 + 1 day =
        Friday 17:00. No receipt rule: for a procedure's time limit use :meth:`due`.

        >>> friday = datetime.fromisoformat("2026-03-06T07:30+07:00")
        >>> print(WorkingCalendar().add_working_days(friday, 1))
        2026-03-06 17:00:00+07:00
        """
        return self.add_working_time(start, working_time(days) * int(HOURS_PER_WORKING_DAY))

    def add(self, start: datetime, duration: Duration) -> datetime:
        """``start`` plus a step's duration as plain working time (days count 8 hours each).

        This is how a task's due time is computed: a step of 0.5 day started
        Monday 15:00 is due Tuesday 09:30 (2 h on Monday, 2 h on Tuesday).

        >>> monday = datetime.fromisoformat("2026-03-02T15:00+07:00")
        >>> print(WorkingCalendar().add(monday, Duration.days("0.5")))
        2026-03-03 09:30:00+07:00
        """
        return self.add_working_time(start, working_time(duration.working_hours))

    def subtract_working_time(self, end: datetime, amount: timedelta) -> datetime:
        """The earliest moment from which exactly ``amount`` of office time remains until ``end``.

        The inverse of :meth:`add_working_time` up to time outside office hours:
        ``working_time_between(subtract_working_time(t, d), t) == d``. At a
        session boundary it returns the end of the previous session: Monday
        2027-04-19 17:00 - 8 h = Thursday 2027-04-15 17:00, because Friday
        16 April 2027 is Giỗ Tổ Hùng Vương. A zero amount returns ``end``.

        >>> monday = datetime.fromisoformat("2027-04-19T17:00+07:00")
        >>> print(WorkingCalendar().subtract_working_time(monday, timedelta(hours=8)))
        2027-04-15 17:00:00+07:00
        """
        now = self._utc(end)
        remaining = _non_negative(amount)
        if not remaining:
            return self._local(now)
        for session_start, session_end in self._sessions_before(now):
            finish = min(session_end, now)
            if finish <= session_start:
                continue
            if not remaining:
                return self._local(finish)
            if remaining < finish - session_start:
                return self._local(finish - remaining)
            remaining -= finish - session_start
        raise AssertionError("unreachable: _sessions_before never ends")  # pragma: no cover

    def subtract_working_hours(self, end: datetime, hours: Hours) -> datetime:
        """:meth:`subtract_working_time` with the amount in hours."""
        return self.subtract_working_time(end, working_time(hours))

    def subtract_working_days(self, end: datetime, days: Hours) -> datetime:
        """``days`` x 8 office hours before ``end``: the apology deadline helper.

        The apology letter (Mẫu 04) is due "no later than one working day
        before the due date": ``subtract_working_days(appointment, 1)``. For an
        appointment at the end of office hours (every limit in whole days) that
        is the end of the previous working day: appointment Thursday
        2026-09-03 17:00 gives Friday 2026-08-28 17:00 (Monday 31 August to
        Wednesday 2 September are off). For an appointment part-way through a
        day it is the same time of day on the previous working day, earlier
        than the end of that day and so on the safe side.

        >>> appointment = datetime.fromisoformat("2026-09-03T17:00+07:00")
        >>> print(WorkingCalendar().subtract_working_days(appointment, 1))
        2026-08-28 17:00:00+07:00
        """
        return self.subtract_working_time(end, working_time(days) * int(HOURS_PER_WORKING_DAY))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time in ``[start, end]``, exact; negative when ``end`` is before ``start``.

        Friday 2026-04-24 15:00 to Tuesday 2026-04-28 09:00 is 3.5 h (2 h on
        Friday, Monday the 27th is the Giỗ Tổ day off, 1.5 h on Tuesday):

        >>> friday = datetime.fromisoformat("2026-04-24T15:00+07:00")
        >>> tuesday = datetime.fromisoformat("2026-04-28T09:00+07:00")
        >>> print(WorkingCalendar().working_time_between(friday, tuesday))
        3:30:00
        """
        low, high = self._utc(start), self._utc(end)
        if high < low:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        for session_start, session_end in self._sessions_from(low):
            if session_start >= high:
                return total
            total += max(timedelta(0), min(session_end, high) - max(session_start, low))
        raise AssertionError("unreachable: _sessions_from never ends")  # pragma: no cover

    def working_hours_between(self, start: datetime, end: datetime) -> Decimal:
        """:meth:`working_time_between` in hours.

        Exact whenever the span is a multiple of 36 seconds (0.01 h), which
        includes every span the ``add_*`` methods produce from hours with two
        decimals; a span of one minute is 1/60 h and is rounded to 40
        significant digits. Carry remaining time (a paused clock) as the
        exact timedelta of :meth:`working_time_between` instead.
        """
        return _hours(self.working_time_between(start, end))

    # -- statutory time limits ------------------------------------------------

    def receipt_moment(self, received_at: datetime, cutoff: str | time | None = None) -> datetime:
        """The working moment from which a dossier received at ``received_at`` counts.

        A dossier received outside office hours (before 07:30, during lunch,
        after 17:00, on a weekend or a holiday) counts as received at the
        start of the next session; one received on a working day after the
        procedure's cut-off (strictly later than, say, 15:00) counts as
        received at the start of the next working day.
        """
        local = self._local(self._utc(received_at))
        limit = parse_cutoff(cutoff)
        if limit is not None and self.is_working_day(local.date()) and local.time() > limit:
            return self._start_of(self.next_working_day(local.date()))
        return self.next_working_moment(local)

    def due(
        self, received_at: datetime, limit: Duration, cutoff: str | time | None = None
    ) -> datetime:
        """Thời hạn giải quyết: when a dossier received at ``received_at`` is due.

        Counting follows Civil Code art. 147-148 as DOMAIN.md reads it:

        1. the dossier counts as received at :meth:`receipt_moment` (outside
           office hours or after the cut-off: the next working day);
        2. a limit in **working days** does not count the day of receipt: it
           starts with the next working day (the first counted day) and ends
           at the end of office hours of the last counted day; a fraction
           ends part-way (0.5 day: 4 office hours into the first counted
           day). A limit of 0 days ends at the end of the day of receipt;
        3. a limit in **working hours** starts at the receipt moment and
           counts office time only.

        Because only working days are counted, a limit never ends on a day
        off. Worked examples on the 2027 calendar (Tết: 4-10 February):

        - received Wednesday 03/02 16:30, 3 days: counted 11, 12, 15
          February, due Monday 15/02 17:00;
        - the same with cut-off "15:00": counts as received Thursday 11/02,
          counted 12, 15, 16 February, due Tuesday 16/02 17:00;
        - received Wednesday 03/02 16:30, 0.5 day: due Thursday 11/02 11:30;
        - received Wednesday 03/02 16:30, 12 hours: 30 minutes on the 3rd,
          8 hours on the 11th, 3.5 hours on the 12th: due Friday 12/02 11:00.

        >>> cal, received = WorkingCalendar(), datetime.fromisoformat("2027-02-03T16:30+07:00")
        >>> print(cal.due(received, Duration.days(3)))
        2027-02-15 17:00:00+07:00
        >>> print(cal.due(received, Duration.days(3), cutoff="15:00"))
        2027-02-16 17:00:00+07:00
        >>> print(cal.due(received, Duration.days("0.5")))
        2027-02-11 11:30:00+07:00
        >>> print(cal.due(received, Duration.hours(12)))
        2027-02-12 11:00:00+07:00
        """
        if limit.amount < 0:
            raise ValueError(f"a time limit cannot be negative: {limit}")
        received = self.receipt_moment(received_at, cutoff)
        if limit.unit is TimeUnit.HOURS:
            return self.add_working_time(received, working_time(limit.amount))
        if limit.amount == 0:
            return self._end_of(received.date())
        first_counted = self._start_of(self.next_working_day(received.date()))
        return self.add_working_time(first_counted, working_time(limit.working_hours))

    # -- internals ------------------------------------------------------------

    def _utc(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {moment!r}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"naive datetime {moment.isoformat()}: give it a time zone, "
                f"e.g. {moment.isoformat()}+07:00"
            )
        return moment.astimezone(UTC)

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def _session_bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's sessions as UTC intervals (elapsed time is real even across offsets)."""
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, session.start, self.tz).astimezone(UTC),
                datetime.combine(day, session.end, self.tz).astimezone(UTC),
            )
            for session in self.sessions
        ]

    def _sessions_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Sessions in time order from the day of ``moment`` on; raises at the calendar's end."""
        day = self._local(moment).date()
        while True:
            yield from self._session_bounds(day)
            day = _step(day, +1)

    def _sessions_before(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Sessions in reverse time order from the day of ``moment`` back."""
        day = self._local(moment).date()
        while True:
            yield from reversed(self._session_bounds(day))
            day = _step(day, -1)

    def _start_of(self, day: date) -> datetime:
        return datetime.combine(day, self.sessions[0].start, self.tz)

    def _end_of(self, day: date) -> datetime:
        return datetime.combine(day, self.sessions[-1].end, self.tz)

    def _year(self, year: int) -> _Year:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CalendarRangeError(
                f"{year} is outside the years the calendar knows ({FIRST_YEAR}-{LAST_YEAR})"
            )
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = _build_year(year, self.overrides.get(year))
        return data


def _step(day: date, direction: int) -> date:
    try:
        return day + _ONE_DAY * direction
    except OverflowError as error:  # pragma: no cover - stopped earlier by the year range
        raise CalendarRangeError("the calendar has no more days") from error


def _non_negative(amount: timedelta) -> timedelta:
    if not isinstance(amount, timedelta):
        raise TypeError(f"expected a timedelta of working time, got {amount!r}")
    if amount < timedelta(0):
        raise ValueError(f"working time must not be negative, got {amount}")
    return amount


def _check_sessions(morning: OfficeSession, afternoon: OfficeSession) -> None:
    if morning.end > afternoon.start:
        raise ValueError(
            f"the afternoon session {afternoon} starts before the morning {morning} ends"
        )
    total = morning.length + afternoon.length
    if total != working_time(HOURS_PER_WORKING_DAY):
        raise ValueError(
            f"the sessions {morning} and {afternoon} make {_hours(total).normalize()} hours; "
            f"a working day is {HOURS_PER_WORKING_DAY} hours (fractional days convert at it)"
        )


# -- holidays ------------------------------------------------------------------

_PACKAGE_NAMES = {
    "Tết Dương lịch": "Tết Dương lịch",
    "Ngày Giỗ Tổ Hùng Vương": "Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng": "Ngày Giải phóng miền Nam, thống nhất đất nước",
    "Ngày Quốc tế Lao động": "Quốc tế Lao động",
    "Quốc khánh": "Quốc khánh",
    "Ngày Văn hóa Việt Nam": "Ngày Văn hóa Việt Nam",
}
_SWAPPED = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")
_QUALIFIED = re.compile(r"^(?P<name>.+) \((?P<observed>nghỉ bù)?(?:, )?(?P<estimated>dự kiến)?\)$")
DEFAULT_DAY_OFF_NAME = "Ngày nghỉ (theo cấu hình)"
DEFAULT_WORKING_DAY_NAME = "Ngày làm bù"


def _build_year(year: int, overrides: YearOverrides | None) -> _Year:
    package = holidays.country_holidays("VN", years=range(year - 1, year + 2), language="vi")
    swaps = _swapped_pairs(package)
    days_off = {
        day: "; ".join(_holiday_name(label) for label in package.get_list(day))
        for day in package
        if day.year == year and day.weekday() < 5
    }
    working = {
        saturday: _working_day_name(swaps.get(saturday))
        for saturday in package.weekend_workdays
        if saturday.year == year
    }
    overrides = overrides or YearOverrides()
    for day, name in overrides.days_off.items():
        working.pop(day, None)
        if day.weekday() < 5:
            days_off[day] = name or DEFAULT_DAY_OFF_NAME
    for day, name in overrides.working_days.items():
        days_off.pop(day, None)
        if day.weekday() >= 5:
            working[day] = name or DEFAULT_WORKING_DAY_NAME
    return _Year(days_off=days_off, working_weekend_days=working)


def _swapped_pairs(package: Mapping[date, str]) -> dict[date, date]:
    """Both directions of each swap: worked weekend day <-> bridging day off."""
    pairs: dict[date, date] = {}
    for day_off, label in package.items():
        for part in label.split("; "):
            match = _SWAPPED.match(part)
            if match:
                day_of_month, month, year = (int(group) for group in match.groups())
                worked = date(year, month, day_of_month)
                pairs[worked], pairs[day_off] = day_off, worked
    return pairs


def _holiday_name(label: str) -> str:
    """The package's Vietnamese label in the wording the agencies' notices use."""
    swapped = _SWAPPED.match(label)
    if swapped:
        day_of_month, month, year = (int(group) for group in swapped.groups())
        worked = date(year, month, day_of_month)
        return f"Nghỉ bù (hoán đổi với {_day_phrase(worked)})"
    qualified = _QUALIFIED.match(label)
    if qualified and (qualified["observed"] or qualified["estimated"]):
        name = _holiday_name(qualified["name"])
        name = f"Nghỉ bù {name}" if qualified["observed"] else name
        return f"{name} (dự kiến)" if qualified["estimated"] else name
    if "Tết" in label and label != "Tết Dương lịch":
        return "Tết Nguyên đán"
    return _PACKAGE_NAMES.get(label, label)


def _working_day_name(day_off: date | None) -> str:
    if day_off is None:
        return DEFAULT_WORKING_DAY_NAME
    return f"{DEFAULT_WORKING_DAY_NAME} (cho ngày nghỉ {_day_phrase(day_off)})"


def _day_phrase(day: date) -> str:
    weekday = WEEKDAY_NAMES[day.weekday()]
    return f"{weekday[0].lower()}{weekday[1:]} {day:%d/%m/%Y}"


# -- configuration -------------------------------------------------------------


def check_calendar_config(calendar: CalendarConfig) -> None:
    """Raise ConfigError, naming the key, if the ``calendar`` section is unusable."""
    _read_calendar_config(calendar)


def _read_calendar_config(
    calendar: CalendarConfig,
) -> tuple[OfficeSession, OfficeSession, dict[int, YearOverrides]]:
    sessions = []
    for key in ("morning", "afternoon"):
        try:
            sessions.append(parse_session(getattr(calendar, key)))
        except ValueError as error:
            raise ConfigError(f"calendar.{key}: {error}") from error
    try:
        _check_sessions(*sessions)
    except ValueError as error:
        raise ConfigError(f"calendar: {error}") from error
    return sessions[0], sessions[1], parse_overrides(calendar.overrides)


def parse_overrides(
    raw: Mapping[Any, Any], key: str = "calendar.overrides"
) -> dict[int, YearOverrides]:
    """Read ``calendar.overrides``; every bad value is reported by its key.

    ``{2027: {days_off: ["2027-02-03", {date: "2027-02-11", name: "..."}],
    working_days: ["2027-01-30"]}}``: years as numbers (or digit strings, as
    environment variables give them), dates as ``YYYY-MM-DD`` within that
    year, optionally with a name. A date may not be both off and worked.
    """
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{key}: expected a mapping of years to changes, got {raw!r}")
    parsed: dict[int, YearOverrides] = {}
    for year_key, changes in raw.items():
        year = _parse_year(year_key, key)
        parsed[year] = _parse_year_overrides(changes, year, f"{key}.{year_key}")
    return parsed


def _parse_year(value: Any, key: str) -> int:
    text = str(value)
    if isinstance(value, bool) or not (isinstance(value, int) or text.isdigit()):
        raise ConfigError(f"{key}.{value}: expected a year such as 2027")
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ConfigError(f"{key}.{value}: expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year


def _parse_year_overrides(changes: Any, year: int, key: str) -> YearOverrides:
    if changes is None:
        return YearOverrides()
    if not isinstance(changes, Mapping):
        raise ConfigError(f"{key}: expected days_off and/or working_days, got {changes!r}")
    for name in changes:
        if name not in ("days_off", "working_days"):
            raise ConfigError(f"{key}.{name}: unknown key (expected days_off or working_days)")
    days_off = _parse_days(changes.get("days_off"), year, f"{key}.days_off")
    working_days = _parse_days(changes.get("working_days"), year, f"{key}.working_days")
    for index, day in enumerate(working_days):
        if day in days_off:
            raise ConfigError(
                f"{key}.working_days[{index}]: {day} is also in days_off; it cannot be both"
            )
    return YearOverrides(days_off=days_off, working_days=working_days)


def _parse_days(entries: Any, year: int, key: str) -> dict[date, str | None]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ConfigError(f"{key}: expected a list of dates, got {entries!r}")
    days: dict[date, str | None] = {}
    for index, entry in enumerate(entries):
        day, name = _parse_day(entry, year, f"{key}[{index}]")
        days[day] = name
    return days


def _parse_day(entry: Any, year: int, key: str) -> tuple[date, str | None]:
    name = None
    if isinstance(entry, Mapping):
        unknown = sorted(str(field) for field in entry if field not in ("date", "name"))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}: unknown key (expected date and name)")
        if "date" not in entry:
            raise ConfigError(f"{key}: missing date")
        name = entry.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ConfigError(f"{key}.name: expected text, got {name!r}")
        key, entry = f"{key}.date", entry["date"]
    day = _parse_date(entry, key)
    if day.year != year:
        raise ConfigError(f"{key}: {day} is not in {year}")
    return day, name


def _parse_date(value: Any, key: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    raise ConfigError(f"{key}: {shown} is not a date (expected YYYY-MM-DD)")
