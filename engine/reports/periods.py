"""Kỳ báo cáo: the data windows reports cover, in local days.

A monthly report covers the day after the previous month's closing day to the
closing day (by default the 21st of the previous month to the 20th: the
provinces' official window); a quarter is its three months' windows, a year
its twelve (21 December to 20 December). Weeks (the index snapshots) run from
Monday to Sunday. A window starts at local midnight of its first day and ends,
exclusive, at local midnight after its last day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_CLOSING_DAY",
    "PeriodKind",
    "Period",
    "InvalidPeriod",
    "monthly",
    "quarterly",
    "yearly",
    "weekly",
    "between",
    "parse_period",
]

DEFAULT_CLOSING_DAY = 20
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_ROMAN = ("I", "II", "III", "IV")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class InvalidPeriod(ValueError):
    """A period that cannot be read or has no days."""


class PeriodKind(StrEnum):
    MONTH = "monthly"
    QUARTER = "quarterly"
    YEAR = "yearly"
    WEEK = "weekly"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A report window: its first and last local day, both included."""

    kind: PeriodKind
    code: str  # "2026-10", "2026-Q3", "2026", "2026-W47", "2026-10-21..2026-11-20"
    label: str  # "Tháng 10 năm 2026", as a report heading says it
    first_day: date
    last_day: date
    tz: ZoneInfo = VIETNAM

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidPeriod(f"period {self.code} ends before it starts")

    @property
    def start(self) -> datetime:
        """Local midnight of the first day (included)."""
        return datetime.combine(self.first_day, time(0), self.tz)

    @property
    def end(self) -> datetime:
        """Local midnight after the last day (excluded)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), self.tz)

    @property
    def window_text(self) -> str:
        """``Từ ngày 21/09/2026 đến ngày 20/10/2026``."""
        return f"Từ ngày {self.first_day:%d/%m/%Y} đến ngày {self.last_day:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def monthly(
    year: int, month: int, closing_day: int = DEFAULT_CLOSING_DAY, tz: ZoneInfo = VIETNAM
) -> Period:
    """The report month: from the day after the previous closing day to the closing day."""
    _check_closing_day(closing_day)
    if not 1 <= month <= 12:
        raise InvalidPeriod(f"there is no month {month}")
    previous = date(year - 1, 12, closing_day) if month == 1 else date(year, month - 1, closing_day)
    return Period(
        PeriodKind.MONTH,
        f"{year:04d}-{month:02d}",
        f"Tháng {month} năm {year}",
        previous + timedelta(days=1),
        date(year, month, closing_day),
        tz,
    )


def quarterly(
    year: int, quarter: int, closing_day: int = DEFAULT_CLOSING_DAY, tz: ZoneInfo = VIETNAM
) -> Period:
    """Quý: the windows of its three months."""
    if not 1 <= quarter <= 4:
        raise InvalidPeriod(f"there is no quarter {quarter}")
    first = monthly(year, 3 * quarter - 2, closing_day, tz)
    last = monthly(year, 3 * quarter, closing_day, tz)
    label = f"Quý {_ROMAN[quarter - 1]} năm {year}"
    return Period(
        PeriodKind.QUARTER, f"{year:04d}-Q{quarter}", label, first.first_day, last.last_day, tz
    )


def yearly(year: int, closing_day: int = DEFAULT_CLOSING_DAY, tz: ZoneInfo = VIETNAM) -> Period:
    """Năm: the windows of its twelve months (21 December to 20 December by default)."""
    first = monthly(year, 1, closing_day, tz)
    last = monthly(year, 12, closing_day, tz)
    return Period(PeriodKind.YEAR, f"{year:04d}", f"Năm {year}", first.first_day, last.last_day, tz)


def weekly(day: date, tz: ZoneInfo = VIETNAM) -> Period:
    """The Monday-to-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    iso_year, iso_week, _ = monday.isocalendar()
    label = f"Tuần {iso_week} năm {iso_year} ({monday:%d/%m} - {monday + timedelta(days=6):%d/%m})"
    return Period(
        PeriodKind.WEEK,
        f"{iso_year:04d}-W{iso_week:02d}",
        label,
        monday,
        monday + timedelta(days=6),
        tz,
    )


def between(first_day: date, last_day: date, tz: ZoneInfo = VIETNAM) -> Period:
    """Any run of days, both ends included (a tracking book, a custom report)."""
    if last_day < first_day:
        raise InvalidPeriod(f"{last_day:%d/%m/%Y} is before {first_day:%d/%m/%Y}")
    label = f"Từ ngày {first_day:%d/%m/%Y} đến ngày {last_day:%d/%m/%Y}"
    return Period(PeriodKind.CUSTOM, f"{first_day}..{last_day}", label, first_day, last_day, tz)


def parse_period(
    text: str, closing_day: int = DEFAULT_CLOSING_DAY, tz: ZoneInfo = VIETNAM
) -> Period:
    """``2026-10`` (a report month), ``2026-Q3`` (a quarter) or ``2026`` (a year)."""
    value = text.strip()
    if match := _MONTH.match(value):
        return monthly(int(match[1]), int(match[2]), closing_day, tz)
    if match := _QUARTER.match(value):
        return quarterly(int(match[1]), int(match[2]), closing_day, tz)
    if match := _YEAR.match(value):
        return yearly(int(match[1]), closing_day, tz)
    raise InvalidPeriod(
        f"{text!r} is not a period: write a month 2026-10, a quarter 2026-Q3 or a year 2026"
    )


def _check_closing_day(closing_day: int) -> None:
    if not 1 <= closing_day <= 28:
        raise InvalidPeriod(f"the closing day must be between 1 and 28, got {closing_day}")
