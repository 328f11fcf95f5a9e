"""`calendar.overrides` and the office sessions: bad values are named by their key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar, YearOverrides, parse_overrides
from engine.config import Config, ConfigError, load_config
from engine.definitions.model import Duration

from .conftest import at


def load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Config:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ=environ or {})


def error_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, environ)
    return str(caught.value)


def test_overrides_add_days_off_and_working_saturdays(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
calendar:
  overrides:
    2027:
      days_off: ["2027-02-03", {date: "2027-02-11", name: "Nghỉ Tết thêm"}]
      working_days: [2027-01-30]
""",
    )
    calendar = WorkingCalendar.from_config(config)
    assert not calendar.is_working_day(date(2027, 2, 3))
    assert not calendar.is_working_day(date(2027, 2, 11))
    assert calendar.is_working_day(date(2027, 1, 30))
    names = {special.day: special.name for special in calendar.special_days(2027)}
    assert names[date(2027, 2, 11)] == "Nghỉ Tết thêm"
    assert names[date(2027, 2, 3)] == "Ngày nghỉ (theo cấu hình)"
    assert names[date(2027, 1, 30)] == "Ngày làm bù"


def test_an_override_changes_due_dates(tmp_path: Path) -> None:
    config = load(tmp_path, 'calendar: {overrides: {2027: {days_off: ["2027-02-11"]}}}')
    calendar = WorkingCalendar.from_config(config)
    assert calendar.due(at("2027-02-03 16:30"), Duration.days(3)) == at("2027-02-16 17:00")


def test_working_days_can_cancel_a_holiday_of_the_package(tmp_path: Path) -> None:
    config = load(tmp_path, "calendar: {overrides: {2027: {working_days: ['2027-02-10']}}}")
    calendar = WorkingCalendar.from_config(config)
    assert calendar.is_working_day(date(2027, 2, 10))
    assert date(2027, 2, 10) not in {special.day for special in calendar.special_days(2027)}


def test_days_off_can_cancel_a_swapped_saturday_of_the_package(tmp_path: Path) -> None:
    config = load(tmp_path, "calendar: {overrides: {2026: {days_off: ['2026-08-22']}}}")
    assert not WorkingCalendar.from_config(config).is_working_day(date(2026, 8, 22))


def test_environment_variables_can_add_overrides(tmp_path: Path) -> None:
    environ = {"MOTCUA_CALENDAR__OVERRIDES__2028": "{days_off: [2028-01-04]}"}
    calendar = WorkingCalendar.from_config(load(tmp_path, "{}", environ))
    assert not calendar.is_working_day(date(2028, 1, 4))


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            'calendar: {overrides: {2027: {days_off: ["2027-02-03", "2027-02-30"]}}}',
            'calendar.overrides.2027.days_off[1]: "2027-02-30" is not a date (expected YYYY-MM-DD)',
        ),
        (
            "calendar: {overrides: {2027: {days_off: [2027-02-03, 2027-02-30]}}}",
            'calendar.overrides.2027.days_off[1]: "2027-02-30" is not a date (expected YYYY-MM-DD)',
        ),
        (
            'calendar: {overrides: {2027: {working_days: ["30/01/2027"]}}}',
            'calendar.overrides.2027.working_days[0]: "30/01/2027" is not a date '
            "(expected YYYY-MM-DD)",
        ),
        (
            "calendar: {overrides: {2027: {days_off: [20270203]}}}",
            "calendar.overrides.2027.days_off[0]: 20270203 is not a date (expected YYYY-MM-DD)",
        ),
        (
            'calendar: {overrides: {2027: {days_off: ["2026-02-03"]}}}',
            "calendar.overrides.2027.days_off[0]: 2026-02-03 is not in 2027",
        ),
        (
            'calendar: {overrides: {2027: {holidays: ["2027-02-03"]}}}',
            "calendar.overrides.2027.holidays: unknown key (expected days_off or working_days)",
        ),
        (
            'calendar: {overrides: {2027: {days_off: "2027-02-03"}}}',
            "calendar.overrides.2027.days_off: expected a list of dates, got '2027-02-03'",
        ),
        (
            'calendar: {overrides: {2027: ["2027-02-03"]}}',
            "calendar.overrides.2027: expected days_off and/or working_days, got ['2027-02-03']",
        ),
        (
            'calendar: {overrides: {2027: {days_off: ["2027-02-03"], '
            'working_days: ["2027-01-30", "2027-02-03"]}}}',
            "calendar.overrides.2027.working_days[1]: 2027-02-03 is also in days_off; "
            "it cannot be both",
        ),
        (
            'calendar: {overrides: {next: {days_off: ["2027-02-03"]}}}',
            "calendar.overrides.next: expected a year such as 2027",
        ),
        (
            'calendar: {overrides: {1990: {days_off: ["1990-02-03"]}}}',
            "calendar.overrides.1990: expected a year from 2000 to 2100",
        ),
        (
            "calendar: {overrides: {2027: {days_off: [{name: Tết}]}}}",
            "calendar.overrides.2027.days_off[0]: missing date",
        ),
        (
            'calendar: {overrides: {2027: {days_off: [{date: "2027-02-03", note: x}]}}}',
            "calendar.overrides.2027.days_off[0].note: unknown key (expected date and name)",
        ),
        (
            'calendar: {overrides: {2027: {days_off: [{date: "2027-02-31", name: Tết}]}}}',
            'calendar.overrides.2027.days_off[0].date: "2027-02-31" is not a date '
            "(expected YYYY-MM-DD)",
        ),
        (
            'calendar: {overrides: {2027: {days_off: [{date: "2027-02-03", name: 5}]}}}',
            "calendar.overrides.2027.days_off[0].name: expected text, got 5",
        ),
    ],
)
def test_bad_override_is_reported_by_its_key(tmp_path: Path, yaml_text: str, message: str) -> None:
    assert error_of(tmp_path, yaml_text) == message


def test_bad_override_from_the_environment_is_reported_by_its_key(tmp_path: Path) -> None:
    environ = {"MOTCUA_CALENDAR__OVERRIDES__2027": "{days_off: [2027-13-01]}"}
    assert error_of(tmp_path, "{}", environ) == (
        'calendar.overrides.2027.days_off[0]: "2027-13-01" is not a date (expected YYYY-MM-DD)'
    )


def test_sessions_must_make_an_eight_hour_day(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'calendar: {morning: "07:30-11:30", afternoon: "13:30-17:00"}')
    assert message == (
        "calendar: the sessions 07:30-11:30 and 13:30-17:00 make 7.5 hours; "
        "a working day is 8 hours (fractional days convert at it)"
    )


def test_sessions_must_not_overlap(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'calendar: {morning: "07:00-12:00", afternoon: "11:00-14:00"}')
    assert message == (
        "calendar: the afternoon session 11:00-14:00 starts before the morning 07:00-12:00 ends"
    )


def test_other_session_times_are_honoured(tmp_path: Path) -> None:
    config = load(tmp_path, 'calendar: {morning: "07:00-11:00", afternoon: "13:30-17:30"}')
    calendar = WorkingCalendar.from_config(config)
    assert calendar.due(at("2026-03-03 10:00"), Duration.days(1)) == at("2026-03-04 17:30")
    assert calendar.due(at("2026-03-03 10:30"), Duration.hours(1)) == at("2026-03-03 14:00")


def test_project_configuration_is_valid_and_holds_the_2026_corrections() -> None:
    overrides = parse_overrides(load_config(environ={}).calendar.overrides)
    assert overrides[2026].days_off.keys() == {date(2026, 1, 2)}
    assert overrides[2026].working_days.keys() == {date(2026, 1, 10), date(2026, 11, 24)}
    assert overrides[2027] == YearOverrides(working_days={date(2027, 11, 24): None})
