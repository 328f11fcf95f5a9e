"""`motcua bench`: one table of the benchmarks' quick versions (its shape, never its timings)."""

from __future__ import annotations

import math
import re

import pytest
from click.testing import CliRunner

from api.cli import cli
from api.cli.bench import load_harness, run_all

COLUMNS = ["Benchmark", "Setting", "Engine", "Baseline", "Ratio", "Target", "Met"]


def test_the_step_overhead_benchmark_prints_one_row_on_sqlite() -> None:
    result = CliRunner().invoke(cli, ["bench", "--only", "step_overhead", "--sqlite-only"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "SQLite only (--sqlite-only)."
    header, rule, *rows = lines[1:]
    assert header.split() == COLUMNS
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(rows) == 1
    cells = [cell for cell in rows[0].split("  ") if cell.strip()]
    assert [cell.strip() for cell in cells[:2]] == ["1. step overhead", "SQLite"]
    assert re.fullmatch(r"[\d.]+ ms/step engine \([\d.]+ CPU\)", cells[2].strip())
    assert cells[3].strip().endswith("ms/step raw Spiff")
    assert float(cells[4]) > 0
    assert cells[5].strip() == "≤ 3×"
    assert cells[6].strip() in ("đạt", "CHƯA ĐẠT")


def test_an_unknown_benchmark_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["bench", "--only", "khong_co", "--sqlite-only"])
    assert result.exit_code == 2
    assert "no benchmark named khong_co" in result.output
    assert "step_overhead" in result.output  # the known ones are listed


def test_every_benchmark_is_discovered() -> None:
    names = {name for name, _ in load_harness().discover()}
    assert {"step_overhead", "db_ceiling", "replay", "report_monthly"} <= names


def test_a_failing_benchmark_is_reported_in_its_row_and_counted() -> None:
    harness = load_harness()

    def broken(_url: str | None) -> list[object]:
        raise RuntimeError("hết dung lượng đĩa")

    def fine(_url: str | None) -> list[object]:
        return [harness.Measure("ok", "SQLite", "1 ms", "1 ms", 1.0, "≤ 3×", True)]

    measures, failed = run_all(harness, {"broken": broken, "fine": fine}, None)
    assert failed == 1
    assert [m.benchmark for m in measures] == ["broken", "ok"]
    assert measures[0].engine == "failed: RuntimeError: hết dung lượng đĩa"
    assert measures[0].verdict == "CHƯA ĐẠT" and math.isnan(measures[0].ratio)
    assert "broken" in harness.render(measures)


def test_the_command_exits_non_zero_when_a_benchmark_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    harness = load_harness()

    def broken(_url: str | None) -> list[object]:
        raise RuntimeError("hết dung lượng đĩa")

    monkeypatch.setattr(harness, "discover", lambda: iter([("broken", broken)]))
    result = CliRunner().invoke(cli, ["bench", "--sqlite-only"])
    assert result.exit_code == 1
    assert "failed: RuntimeError: hết dung lượng đĩa" in result.stdout
