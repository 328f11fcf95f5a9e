"""The calendar against the holiday schedules the government announced for civil servants.

Each year lists every weekday off and every weekend day worked, as announced:

2025 — Tết Dương lịch 1/1 (Wednesday). Tết Ất Tỵ 25/01-02/02 (Văn bản
8726/VPCP-KGVX of 26/11/2024; Thông báo 6150/TB-BLĐTBXH). Giỗ Tổ Monday 7/4.
30/4-1/5: off 30/4-4/5, Friday 2/5 swapped for Saturday 26/4. Quốc khánh:
30/8-2/9 (Monday 1/9 the adjacent day).

2026 — Tết Dương lịch 1/1-4/1, Friday 2/1 swapped for Saturday 10/1 (Văn bản
12729/VPCP-KGVX of 25/12/2025): the package misses this swap, config.yaml adds
it. Tết Bính Ngọ 14/02-22/02. Giỗ Tổ on Sunday 26/4, off Monday 27/4.
30/4-1/5 on Thursday-Friday. Quốc khánh 29/8-2/9: Tuesday 1/9 adjacent,
Monday 31/8 swapped for Saturday 22/8. Ngày Văn hóa Việt Nam (24/11) is not
yet a holiday in law (Labour Code art. 112 not amended); config.yaml undoes
the package's entry.

2027 — nothing announced yet: the Labour Code rules (Tết is 5 days from New
Year's Eve, a holiday on a weekend gives the next working day off) as the
package applies them, and 24/11 again undone.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar import WorkingCalendar


def days(*texts: str) -> set[date]:
    return {date.fromisoformat(text) for text in texts}


ANNOUNCED = {
    2025: (
        days(
            "2025-01-01",
            *(f"2025-01-{d}" for d in (27, 28, 29, 30, 31)),
            "2025-04-07",
            "2025-04-30",
            "2025-05-01",
            "2025-05-02",
            "2025-09-01",
            "2025-09-02",
        ),
        days("2025-04-26"),
    ),
    2026: (
        days(
            "2026-01-01",
            "2026-01-02",
            *(f"2026-02-{d}" for d in (16, 17, 18, 19, 20)),
            "2026-04-27",
            "2026-04-30",
            "2026-05-01",
            "2026-08-31",
            "2026-09-01",
            "2026-09-02",
        ),
        days("2026-01-10", "2026-08-22"),
    ),
    2027: (
        days(
            "2027-01-01",
            *(f"2027-02-{d:02}" for d in (4, 5, 8, 9, 10)),
            "2027-04-16",
            "2027-04-30",
            "2027-05-03",
            "2027-09-02",
            "2027-09-03",
        ),
        set(),
    ),
}


@pytest.mark.parametrize("year", sorted(ANNOUNCED))
def test_weekdays_off_are_exactly_the_announced_ones(calendar: WorkingCalendar, year: int) -> None:
    off = {special.day for special in calendar.special_days(year) if not special.working}
    assert off == ANNOUNCED[year][0]


@pytest.mark.parametrize("year", sorted(ANNOUNCED))
def test_weekend_days_worked_are_exactly_the_announced_ones(
    calendar: WorkingCalendar, year: int
) -> None:
    worked = {special.day for special in calendar.special_days(year) if special.working}
    assert worked == ANNOUNCED[year][1]


@pytest.mark.parametrize(("year", "count"), [(2025, 250), (2026, 250), (2027, 250)])
def test_working_days_in_the_year(calendar: WorkingCalendar, year: int, count: int) -> None:
    # 261 weekdays each year, minus the weekdays off, plus the Saturdays worked.
    assert calendar.working_days_in_year(year) == count


def test_2025_needs_no_override(
    calendar: WorkingCalendar, package_calendar: WorkingCalendar
) -> None:
    assert package_calendar.special_days(2025) == calendar.special_days(2025)


def test_package_alone_misses_the_new_year_2026_swap(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.is_working_day(date(2026, 1, 2))
    assert not package_calendar.is_working_day(date(2026, 1, 10))


@pytest.mark.parametrize("day", [date(2026, 11, 24), date(2027, 11, 24)])
def test_culture_day_is_worked_until_the_labour_code_says_otherwise(
    calendar: WorkingCalendar, package_calendar: WorkingCalendar, day: date
) -> None:
    assert not package_calendar.is_working_day(day)
    assert calendar.is_working_day(day)


def test_days_carry_the_names_officers_know(calendar: WorkingCalendar) -> None:
    names = {special.day: special.name for special in calendar.special_days(2026)}
    assert names[date(2026, 1, 1)] == "Tết Dương lịch"
    assert names[date(2026, 2, 17)] == "Tết Nguyên đán"
    assert names[date(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert names[date(2026, 4, 30)] == "Ngày Giải phóng miền Nam, thống nhất đất nước"
    assert names[date(2026, 5, 1)] == "Quốc tế Lao động"
    assert names[date(2026, 9, 2)] == "Quốc khánh"
    assert names[date(2026, 8, 31)] == "Nghỉ bù (hoán đổi với thứ Bảy 22/08/2026)"
    assert names[date(2026, 8, 22)] == "Ngày làm bù (cho ngày nghỉ thứ Hai 31/08/2026)"
    assert names[date(2026, 1, 10)] == "Ngày làm bù (cho ngày nghỉ thứ Sáu 02/01/2026)"


def test_hung_kings_day_follows_the_lunar_calendar(package_calendar: WorkingCalendar) -> None:
    # 10th day of the 3rd lunar month.
    names = {s.day: s.name for s in package_calendar.special_days(2025)}
    assert names[date(2025, 4, 7)] == "Giỗ Tổ Hùng Vương"
    names = {s.day: s.name for s in package_calendar.special_days(2027)}
    assert names[date(2027, 4, 16)] == "Giỗ Tổ Hùng Vương"
