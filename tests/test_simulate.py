"""`motcua simulate` lives through a small year of dossiers and every one ends verified."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.bootstrap import build_engine
from engine.config import load_config
from engine.runtime.dossier import DossierStatus

from .conftest import IN_CI
from .databases import ADMIN_URL, postgres_problem

FINAL = {"returned", "refused", "withdrawn", "stopped"}
OUTCOME = re.compile(r"^  (.+) \((.+)\): (\d+)$")


def environment(data: Path) -> dict[str, str]:
    return {"MOTCUA_PATHS__DATA": str(data), "MOTCUA_PATHS__UPLOADS": str(data / "uploads")}


def run(env: dict[str, str], *arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["simulate", *arguments], env=env)
    return result.exit_code, result.output  # stdout and stderr, as a terminal shows them


def outcomes(output: str) -> dict[str, int]:
    found = {}
    for line in output.splitlines():
        match = OUTCOME.match(line)
        if match:
            found[match.group(1)] = int(match.group(3))
    return found


def check_report(output: str, dossiers: int) -> None:
    lines = output.splitlines()
    assert lines[0].startswith(f"simulated {dossiers} dossiers on ")
    assert re.search(r"[\d.]+ dossiers/s; \d+ commands, [\d.]+ commands/s", output)
    assert re.search(r"900,000 dossiers would take \d+ h \d\d min", output)
    counted = outcomes(output)
    assert sum(counted.values()) == dossiers
    assert counted["unfinished"] == 0
    assert counted["returned on time"] + counted["returned late"] > 0
    assert "left open: 0 tasks, 0 pending timers" in output
    assert re.search(
        r"^apology tasks never answered \(dossier finished in time\): \d+$", output, re.M
    )
    assert f"verify: {dossiers} dossiers verified" in output
    fired = re.search(r"^timers fired: (.*)$", output, re.M)
    assert fired is not None and "task_overdue" in fired.group(1), output


def test_a_small_year_on_sqlite_ends_closed_and_verified(tmp_path: Path) -> None:
    env = environment(tmp_path)
    code, output = run(env, "--dossiers", "40", "--seed", "11")
    assert code == 0, output
    check_report(output, 40)
    database = re.search(r"^database: (.+)$", output, re.M)
    assert database is not None
    engine = build_engine(
        load_config(environ={**env, "MOTCUA_DATABASE__URL": f"sqlite:///{database.group(1)}"})
    )
    try:
        codes = engine.runtime.codes()
        assert len(codes) == 40
        for dossier_code in codes:
            view = engine.runtime.get(dossier_code)
            assert view.status.value in FINAL, (dossier_code, view.status)
            # an apology task the timer opened before a dossier finished in time stays open
            assert all(task.kind == "apology" for task in view.open_tasks), dossier_code
            assert view.closed_at is not None
            if view.status is DossierStatus.RETURNED:
                assert view.finished_at is not None and view.finished_at <= view.closed_at
        assert engine.history.verify_all().ok
    finally:
        engine.database.dispose()


def test_at_a_province_density_the_dossiers_arrive_within_a_slice_of_the_year(
    tmp_path: Path,
) -> None:
    code, output = run(environment(tmp_path), "--dossiers", "30", "--density", "province")
    assert code == 0, output
    check_report(output, 30)
    window = re.search(r"arriving over ([\d.e-]+) days$", output.splitlines()[0])
    assert window is not None, output
    assert float(window.group(1)) == pytest.approx(365 * 30 / 900_000, rel=1e-4)


@pytest.mark.postgres
def test_a_small_year_on_postgresql_with_two_workers(tmp_path: Path) -> None:
    problem = postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    code, output = run(
        environment(tmp_path), "--dossiers", "24", "--workers", "2", "--database", ADMIN_URL
    )
    assert code == 0, output
    check_report(output, 24)
    assert "on PostgreSQL with 2 worker(s)" in output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--dossiers", "0"), "--dossiers"),
        (("--workers", "2"), "several workers need PostgreSQL"),
        (("--database", "sqlite:///x.db"), "give a PostgreSQL URL"),
        (("--database", "::nonsense"), "is not a database URL"),
        (("--seed", "abc"), "--seed"),
        (("--density", "dense"), "--density"),
    ],
)
def test_bad_arguments_are_clear_errors(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    code, output = run(environment(tmp_path), *arguments)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_the_year_mix_is_mostly_commune_level_over_every_channel_and_fate() -> None:
    from collections import Counter

    from engine.calendar import WorkingCalendar
    from engine.config import Config
    from scheduler.simulation.plan import Fate, ProcedureChoice, draw_plans
    from scheduler.simulation.run import START

    calendar = WorkingCalendar.from_config(Config())
    choices = [
        ProcedureChoice("xa-1", "xa"),
        ProcedureChoice("xa-2", "xa"),
        ProcedureChoice("huyen-1", "huyen"),
        ProcedureChoice("tinh-1", "tinh"),
    ]
    start = calendar.next_working_moment(START)
    end = START.replace(year=START.year + 1)
    plans = list(draw_plans(2000, choices, calendar, start, end, seed=5))
    levels = Counter(plan.procedure_code.split("-")[0] for plan in plans)
    assert levels["xa"] > levels["huyen"] + levels["tinh"]
    assert levels["huyen"] > levels["tinh"] > 0
    channels = Counter(plan.channel.value for plan in plans)
    assert set(channels) == {"desk", "online", "post", "kiosk"}
    assert channels["desk"] > channels["online"] > channels["post"] > channels["kiosk"]
    assert {plan.fate for plan in plans} == set(Fate)
    arrivals = [plan.arrival for plan in plans]
    assert arrivals == sorted(arrivals)
    assert start <= arrivals[0] and arrivals[-1] < end
    assert all(calendar.is_working_day(a.astimezone(calendar.tz).date()) for a in arrivals)
    again = list(draw_plans(2000, choices, calendar, start, end, seed=5))
    assert again == plans
