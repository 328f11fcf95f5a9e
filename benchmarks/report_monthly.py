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
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bulk import ADMIN_URL, bench_database, engine_on, load, sqlalchemy_url
from benchmarks.harness import Measure
from engine.reports import ReportService
from engine.reports.facts import procedure_facts
from engine.store.db import Database

NAME = "report monthly"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=ADMIN_URL)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    with bench_database(args.url, args.keep) as url:
        run(url, args.rows, args.runs)
    return 0


def quick(postgres_url: str | None) -> list[Measure]:
    """20,000 dossiers, one run each after a warm-up; PostgreSQL only (it loads with COPY)."""
    if postgres_url is None:
        return []
    with bench_database(postgres_url, False) as url:
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
    database = Database(sqlalchemy_url(url))
    engine = engine_on(database)
    facts = list(procedure_facts(engine).values())
    started = time.perf_counter()
    loaded = load(url, rows, facts)
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


if __name__ == "__main__":
    sys.exit(main())
