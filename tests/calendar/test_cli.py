"""`motcua calendar due` and `motcua calendar year`, and their refusals (exit 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import cli
from engine.config import DEFAULT_CONFIG_FILE


def run(*args: str, config: Path = DEFAULT_CONFIG_FILE) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, ["--config", str(config), "calendar", *args], env={})


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (("2027-02-03T16:30+07:00", "3d"), "2027-02-15T17:00+07:00"),
        (("2027-02-03T16:30+07:00", "12h"), "2027-02-12T11:00+07:00"),
        (("2027-02-03T16:30+07:00", "0.5d"), "2027-02-11T11:30+07:00"),
        (("2027-02-03T16:30+07:00", "0,5d"), "2027-02-11T11:30+07:00"),
        (("2027-02-03T16:30+07:00", "3d", "--cutoff", "15:00"), "2027-02-16T17:00+07:00"),
        (("2027-02-03T09:30Z", "3d"), "2027-02-15T17:00+07:00"),
        (("2027-02-03T16:30+07:00", "3d", "--plain"), "2027-02-15T16:30+07:00"),
        (("2027-02-03T16:30+07:00", "1h", "--plain"), "2027-02-11T08:00+07:00"),
        (("2026-03-03T10:00:15+07:00", "1h"), "2026-03-03T11:00:15+07:00"),
        (("2025-12-31T10:00+07:00", "6d"), "2026-01-10T17:00+07:00"),
    ],
)
def test_due_prints_the_moment_in_vietnam_time(args: tuple[str, ...], printed: str) -> None:
    result = run("due", *args)
    assert result.exit_code == 0, result.output
    assert result.output == printed + "\n"


def test_due_help_says_statutory_is_the_default() -> None:
    result = run("due", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "[default: statutory]" in text
    assert "By default the statutory rule applies" in text
    assert "the day of receipt is not counted" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2027-02-03T16:30", "3d"), "has no UTC offset"),
        (("2027-02-30T16:30+07:00", "3d"), "is not a date and time"),
        (("tomorrow", "3d"), "is not a date and time"),
        (("2027-02-03T16:30+07:00", "3x"), "'3x' is not a duration"),
        (("2027-02-03T16:30+07:00", "3 days"), "'3 days' is not a duration"),
        (("2027-02-03T16:30+07:00", "3d", "--cutoff", "25:00"), "is not a time of day"),
        (("2027-02-03T16:30+07:00", "3d", "--plain", "--cutoff", "15:00"), "statutory"),
        (("1999-02-03T16:30+07:00", "3d"), "outside the years 2000-2100"),
        (("2100-12-30T16:30+07:00", "30d"), "outside the years the calendar knows"),
        (("2027-02-03T16:30+07:00",), "Missing argument 'DURATION'"),
    ],
)
def test_due_refuses_bad_arguments_with_usage_exit(args: tuple[str, ...], message: str) -> None:
    result = run("due", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_year_lists_days_off_and_worked_weekend_days_with_names() -> None:
    result = run("year", "2026")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "2026-01-01  Thứ Năm   nghỉ      Tết Dương lịch",
        "2026-01-02  Thứ Sáu   nghỉ      Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)",
        "2026-01-10  Thứ Bảy   làm việc  Ngày làm bù (cho ngày nghỉ thứ Sáu 02/01/2026)",
    ]
    assert "2026-04-27  Thứ Hai   nghỉ      Nghỉ bù Giỗ Tổ Hùng Vương" in lines
    assert "2026-04-30  Thứ Năm   nghỉ      Ngày Giải phóng miền Nam, thống nhất đất nước" in lines
    assert "2026-08-22  Thứ Bảy   làm việc  Ngày làm bù (cho ngày nghỉ thứ Hai 31/08/2026)" in lines
    assert len(lines) == 16  # 13 weekdays off, 2 Saturdays worked, the count
    assert lines[-1] == "Năm 2026 có 250 ngày làm việc."


def test_year_follows_the_configuration_given(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(
        'calendar: {overrides: {2027: {days_off: [{date: "2027-02-11", name: "Nghỉ thêm"}]}}}',
        encoding="utf-8",
    )
    result = run("year", "2027", config=config)
    assert result.exit_code == 0, result.output
    assert "2027-02-11  Thứ Năm   nghỉ      Nghỉ thêm" in result.output.splitlines()
    # This file replaces config.yaml: 24/11/2027 is the package's day off again.
    assert "2027-11-24  Thứ Tư    nghỉ      Ngày Văn hóa Việt Nam" in result.output.splitlines()
    assert result.output.splitlines()[-1] == "Năm 2027 có 248 ngày làm việc."


@pytest.mark.parametrize("year", ["1999", "2101", "next", "0"])
def test_year_out_of_range_is_a_usage_error(year: str) -> None:
    result = run("year", year)
    assert result.exit_code == 2, result.output
    assert "Invalid value for 'YEAR'" in result.output
    assert "Traceback" not in result.output


def test_bad_configuration_is_reported_not_raised(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text('calendar: {overrides: {2027: {days_off: ["2027-02-30"]}}}', "utf-8")
    result = run("year", "2027", config=config)
    assert result.exit_code == 1
    assert result.output.strip() == (
        'Error: configuration: calendar.overrides.2027.days_off[0]: "2027-02-30" is not a date '
        "(expected YYYY-MM-DD)"
    )
