"""The monthly report over a million dossiers on PostgreSQL, against a plain COUNT(*).

    .venv/bin/python benchmarks/report_monthly.py [--rows 1000000] [--url postgresql://…/test]

Creates a database of its own beside the one named by --url, migrates it,
deploys the real procedures of ``procedures/``, bulk-loads dossiers and their
steps with COPY (not through the engine: two years of a province's work, about
900,000 dossiers a year, with realistic shares of channels, outcomes, late
results, supplements and apologies), then times, in the same run:

* ``SELECT COUNT(*) FROM dossiers`` (the floor: reading the table once),
* the monthly report (every table, the late list and the targets),
* the Decision 766 index of the same month,

each the best of ``--runs`` runs after one warm-up, and prints the ratios. The
database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Measure  # noqa: E402
from engine.calendar import WorkingCalendar  # noqa: E402
from engine.clock import FakeClock  # noqa: E402
from engine.config import Config  # noqa: E402
from engine.definitions.organisation import load_organisation  # noqa: E402
from engine.reports import ReportService  # noqa: E402
from engine.reports.facts import ProcedureFacts, procedure_facts  # noqa: E402
from engine.runtime.engine import Engine  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402

NAME = "report monthly"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 22, 9, tzinfo=VN)  # two days after the December window closed
FIRST_DAY = datetime(2025, 1, 2, tzinfo=VN)
CHANNELS = (("desk", 55), ("online", 35), ("post", 7), ("kiosk", 3))
DOSSIER_COLUMNS = (
    "id, code, definition_id, procedure_code, agency_id, applicant_name, applicant_search, "
    "applicant_id_number, applicant, channel, status, received_at, received_by, due_at, "
    "original_due_at, finished_at, closed_at, paused_at, pause_kind, remaining_minutes, "
    "supplement_count, overdue, apologised, apology_requested, data, outcome, state, version, "
    "last_seq, last_hash"
)
TASK_COLUMNS = (
    "dossier_id, key, step_id, kind, name, unit_id, role, status, assignee_id, created_at, "
    "due_at, completed_at, completed_by, decision, form_data, late, warned, escalation"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--url", default=os.environ.get("MOTCUA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    with scratch(args.url, args.keep) as url:
        run(url, args.rows, args.runs)
    return 0


@contextmanager
def scratch(admin_url: str, keep: bool = False) -> Iterator[str]:
    """The URL of a database of its own beside ``admin_url``, dropped afterwards unless kept."""
    name = f"motcua_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def quick(postgres_url: str | None) -> list[Measure]:
    """20,000 dossiers, one run each after a warm-up; PostgreSQL only (it loads with COPY)."""
    if postgres_url is None:
        return []
    with scratch(postgres_url) as url:
        times = measure(url, 20_000, 1, quiet=True)
    return [
        Measure(NAME, "PostgreSQL, 20,000 dossiers", f"{times.report * 1000:.0f} ms report",
                f"{times.count * 1000:.1f} ms COUNT(*)", times.report / times.count, "-", None),
        Measure(NAME, "PostgreSQL, 20,000 dossiers", f"{times.index * 1000:.0f} ms 766 index",
                f"{times.count * 1000:.1f} ms COUNT(*)", times.index / times.count, "-", None),
    ]  # fmt: skip


@dataclass(frozen=True)
class ReportTimes:
    count: float  # seconds, best of the runs
    report: float
    index: float


def run(url: str, rows: int, runs: int) -> None:
    times = measure(url, rows, runs)
    count, report, index = times.count, times.report, times.index
    print(f"COUNT(*) over {rows:,} dossiers: {count * 1000:8.1f} ms")
    print(f"monthly report:                {report * 1000:8.1f} ms   ratio {report / count:6.1f}")
    print(f"766 index (same month):        {index * 1000:8.1f} ms   ratio {index / count:6.1f}")


def measure(url: str, rows: int, runs: int, quiet: bool = False) -> ReportTimes:
    database = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    upgrade(database)
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(ROOT / "procedures" / "units.yaml"),
        FakeClock(NOW),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([ROOT / "procedures"])
    facts = list(procedure_facts(engine).values())
    started = time.perf_counter()
    loaded = load(url, rows, facts, quiet)
    if not quiet:
        seconds = time.perf_counter() - started
        print(f"loaded {rows:,} dossiers and {loaded:,} steps in {seconds:.0f} s")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    reports = ReportService(engine)
    period = reports.parse_period("2026-12")
    count = best(runs, lambda: count_all(database))
    report = best(runs, lambda: reports.dossier_report(period))
    index = best(runs, lambda: reports.service_index(period))
    made = reports.dossier_report(period)
    total = made.total
    if not quiet:
        print(
            f"December 2026 ({period.window_text}): carried over {total.carried_over:,}, "
            f"received {total.received:,}, resolved {total.resolved:,} "
            f"({total.on_time_rate:.2f} % on time), in progress {total.in_progress:,}; "
            f"{len(made.late.entries)} officers on the late list"
        )
    database.dispose()
    return ReportTimes(count, report, index)


def best(runs: int, work: Callable[[], Any]) -> float:
    work()  # warm-up: caches, plans
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def count_all(database: Database) -> int:
    """The floor, through the same connection pool and session as the report."""
    with database.read() as session:
        return int(session.scalar(text("SELECT COUNT(*) FROM dossiers")) or 0)


# --- the data ---------------------------------------------------------------------------------


def load(url: str, rows: int, facts: list[ProcedureFacts], quiet: bool = False) -> int:
    random.seed(766)
    steps = 0
    with psycopg.connect(url) as connection:
        officers = add_officers(connection)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY dossiers ({DOSSIER_COLUMNS}) FROM STDIN") as dossiers:
                tasks_buffer: list[tuple[Any, ...]] = []
                for number, (dossier, tasks) in enumerate(generate(rows, facts, officers), 1):
                    dossiers.write_row(dossier)
                    tasks_buffer.extend(tasks)
                    if number % 100_000 == 0 and not quiet:
                        print(f"  {number:,} dossiers", file=sys.stderr)
            with cursor.copy(f"COPY tasks ({TASK_COLUMNS}) FROM STDIN") as copy:
                for task in tasks_buffer:
                    copy.write_row(task)
                steps = len(tasks_buffer)
            cursor.execute("SELECT setval('dossiers_id_seq', (SELECT max(id) FROM dossiers))")
        connection.commit()
    return steps


def add_officers(connection: psycopg.Connection[Any]) -> list[tuple[int, str, str]]:
    """Forty officers in the commune, district and province desks and departments."""
    units = ("mot_cua_xa", "tu_phap_xa", "dia_chinh_xa", "lanh_dao_xa")
    made = []
    for number in range(40):
        unit = units[number % len(units)]
        username = f"canbo{number:02d}"
        row = connection.execute(
            "INSERT INTO users (username, full_name, unit_id, roles, active, failed_logins, "
            "created_at) VALUES (%s, %s, %s, '[\"officer\"]', true, 0, now()) RETURNING id",
            (username, f"Cán bộ số {number:02d}", unit),
        ).fetchone()
        assert row is not None
        made.append((int(row[0]), username, unit))
    return made


def generate(
    rows: int, facts: list[ProcedureFacts], officers: list[tuple[int, str, str]]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    span = (NOW - FIRST_DAY).total_seconds()
    channels = [c for c, weight in CHANNELS for _ in range(weight)]
    for number in range(1, rows + 1):  # in the order they were received, as a live system does
        fact = random.choice(facts)
        second = (number + random.random()) * span / (rows + 1)
        received = (FIRST_DAY + timedelta(seconds=second)).astimezone(UTC)
        yield dossier_row(number, fact, received, random.choice(channels), officers)


def dossier_row(
    number: int,
    fact: ProcedureFacts,
    received: datetime,
    channel: str,
    officers: list[tuple[int, str, str]],
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    due: datetime | None = received + timedelta(
        days=random.randint(1, 20), hours=random.randint(0, 8)
    )
    roll = random.random()
    late = random.random() < 0.04
    supplements = 2 if random.random() < 0.01 else 1 if random.random() < 0.1 else 0
    finished = closed = None
    if roll < 0.015:
        status, closed, due = "refused", received, None  # refused at reception
    else:
        assert due is not None
        ended = received + (due - received) * (1.2 if late else random.uniform(0.2, 0.98))
        if ended > NOW:
            status = "late" if due < NOW else "processing"
        elif roll < 0.03:
            status, closed = "refused", ended
        elif roll < 0.04:
            status, closed = "withdrawn", ended
        elif roll < 0.045:
            status, closed = "stopped", ended
        else:
            finished = ended
            returned = ended + timedelta(hours=random.randint(1, 48))
            status, closed = ("returned", returned) if returned < NOW else ("result_ready", None)
    overdue = (late and finished is not None) or status == "late"
    apologised = overdue and random.random() < 0.5
    officer = random.choice(officers)
    code = f"{number:012d}"
    dossier = (
        number, code, fact.definition_id, fact.code, fact.agency_id, "Nguyễn Văn A",
        "nguyen van a", None, "{}", channel, status, received, officer[1], due, due,
        finished, closed, None, None, None, supplements, overdue, apologised, apologised,
        "{}", "{}", b"", 1, 1, "",
    )  # fmt: skip
    return dossier, steps(number, received, due, finished or closed, supplements, apologised, late)


def steps(
    dossier_id: int,
    received: datetime,
    due: datetime | None,
    ended: datetime | None,
    supplements: int,
    apologised: bool,
    late: bool,
) -> list[tuple[Any, ...]]:
    """The appraisal step (late when the dossier was), its supplement requests, the apology."""
    if due is None:
        return []
    step_due = received + (due - received) / 2
    done: datetime | None = (
        step_due + timedelta(hours=4) if late else received + (due - received) / 3
    )
    status = "completed"
    if ended is None or done is None or done > ended:  # still open, or cancelled when it ended
        done, status = ended, "open" if ended is None else "cancelled"
    unit, user = "tu_phap_xa", 1 + dossier_id % 40
    by, decision = (user, "approve") if status == "completed" else (None, None)
    made: list[tuple[Any, ...]] = [
        (
            dossier_id, f"tham_dinh@{2 + supplements}", "tham_dinh", "step", "Thẩm định hồ sơ",
            unit, "officer", status, user, received, step_due, done, by, decision, "{}", late,
            False, 0,
        )
    ]  # fmt: skip
    for request in range(supplements):
        at = received + timedelta(hours=1 + request)
        made.append(
            (
                dossier_id, f"tham_dinh@{1 + request}x", "tham_dinh", "step", "Thẩm định hồ sơ",
                unit, "officer", "completed", user, received, step_due, at, user, "supplement",
                "{}", False, False, 0,
            )
        )  # fmt: skip
    if apologised:
        at = due - timedelta(days=1)
        made.append(
            (
                dossier_id, "xin_loi@9", "xin_loi", "apology", "Lập văn bản xin lỗi", unit, "head",
                "completed", None, at, due, at, None, "approve", "{}", False, False, 0,
            )
        )  # fmt: skip
    return made


if __name__ == "__main__":
    sys.exit(main())
