"""Benchmark 2: engine commands per second against the database's bare commit rate.

    .venv/bin/python benchmarks/db_ceiling.py [--commands 200] [--url postgresql://…/test]
                                               [--sqlite-only]

In one scratch database (PostgreSQL, and a SQLite file in WAL mode), birth
registrations are received and handed over to appraisal beforehand; then, with 1
and 2 worker processes (multiprocessing, each with its own engine and
connections, started together at a barrier):

* bare: ``--commands`` transactions each, every one a single-row INSERT and a
  COMMIT, through the same SQLAlchemy engine, driver (psycopg 3 / sqlite3) and
  database as the engine uses;
* engine: ``--commands`` engine commands each, every one the appraisal step of a
  dossier of its own through ``engine.tasks.complete`` (lock, load, Spiff step,
  projections, timers, one history event, commit);
* round trips: ``--commands`` transactions each of as many single-row INSERTs
  as the engine's command executes statements (counted on one command before
  the run), with no other work: the rate no command of that many statements
  can beat, whatever the engine does between them.

Rates are total transactions over the slowest worker's wall time. SQLite is
measured with one process only (one writer at a time by design). Target: the
engine reaches at least 25 % of the bare commit rate.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import DEFAULT_POSTGRES, Bench, Officers, backends, scratch_database
from benchmarks.harness import Measure
from engine.store.db import Database

NAME = "2. database ceiling"
TARGET = 0.25
BARE_TABLE = "bench_bare_commits"


@dataclass(frozen=True)
class Rates:
    processes: int
    engine: float  # commands per second
    bare: float  # single-row insert-and-commit transactions per second
    statements: int  # what one engine command executes
    round_trips: float  # transactions of that many single-row inserts per second

    @property
    def share(self) -> float:
        return self.engine / self.bare

    @property
    def floor_share(self) -> float:
        """The share of the bare rate the statements' round trips alone allow."""
        return self.round_trips / self.bare


def measure(postgres_url: str | None, commands: int) -> list[Rates]:
    counts = (1,) if postgres_url is None else (1, 2)
    with tempfile.TemporaryDirectory() as files, scratch_database(postgres_url) as database:
        bench = Bench(database, Path(files))
        officers = bench.create_officers()
        with database.engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {BARE_TABLE} (id INTEGER, note TEXT)"))
        url = database.engine.url.render_as_string(hide_password=False)
        statements = statements_per_command(bench, officers)
        made = []
        for processes in counts:
            batches = [
                [bench.to_appraisal(officers)[1] for _ in range(commands + 1)]
                for _ in range(processes)
            ]
            database.dispose()  # no connection of this process crosses the fork
            bare_jobs = [[commands, 1]] * processes
            bare = run_workers(processes, bare_worker, url, files, bare_jobs)
            engine = run_workers(processes, engine_worker, url, files, batches)
            floor_jobs = [[commands, statements]] * processes
            floor = run_workers(processes, bare_worker, url, files, floor_jobs)
            rate = processes * commands
            made.append(Rates(processes, rate / engine, rate / bare, statements, rate / floor))
        return made


def statements_per_command(bench: Bench, officers: Officers) -> int:
    """The statements one appraisal step executes (BEGIN, COMMIT and the pool's ping aside)."""
    _, task_id = bench.to_appraisal(officers)
    executed: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE; every transaction has it
            executed.append(statement)

    sql_engine = bench.engine.database.engine
    event.listen(sql_engine, "before_cursor_execute", count)
    try:
        bench.engine.tasks.complete(task_id, officers.justice)
    finally:
        event.remove(sql_engine, "before_cursor_execute", count)
    return len(executed)


Worker = Callable[[str, str, list[int], Barrier], float]


def run_workers(
    processes: int, worker: Worker, url: str, files: str, jobs: list[list[int]]
) -> float:
    """The slowest worker's seconds; each process opens its own connections after the fork."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results: multiprocessing.Queue[tuple[float | None, str]] = context.Queue()
    workers = [
        context.Process(target=_report, args=(worker, url, files, job, barrier, results))
        for job in jobs
    ]
    for process in workers:
        process.start()
    try:
        outcomes = [results.get(timeout=600) for _ in workers]
    finally:
        for process in workers:
            process.join(timeout=60)
    failures = [problem for seconds, problem in outcomes if seconds is None]
    if failures:
        raise RuntimeError(f"a worker process failed: {failures[0]}")
    return max(seconds for seconds, _ in outcomes if seconds is not None)


def _report(
    worker: Worker,
    url: str,
    files: str,
    job: list[int],
    barrier: Barrier,
    results: multiprocessing.Queue[tuple[float | None, str]],
) -> None:
    try:
        results.put((worker(url, files, job, barrier), ""))
    except Exception as error:  # reported to the parent, which raises it
        barrier.abort()
        results.put((None, f"{error.__class__.__name__}: {error}"))


def bare_worker(url: str, _files: str, job: list[int], barrier: Barrier) -> float:
    """``job`` = [transactions, single-row inserts in each]."""
    transactions, inserts = job
    database = Database(url)
    insert = text(f"INSERT INTO {BARE_TABLE} (id, note) VALUES (:id, :note)")
    try:
        with database.engine.begin() as connection:  # warm-up: the pool's connection
            connection.execute(insert, {"id": 0, "note": "khởi động"})
        barrier.wait()
        started = time.perf_counter()
        for number in range(transactions):
            with database.engine.begin() as connection:
                for _ in range(inserts):
                    connection.execute(insert, {"id": number, "note": "một dòng"})
        return time.perf_counter() - started
    finally:
        database.dispose()


def engine_worker(url: str, files: str, task_ids: list[int], barrier: Barrier) -> float:
    database = Database(url)
    try:
        bench = Bench(database, Path(files), deploy=False)
        justice = bench.officers().justice
        bench.engine.tasks.complete(task_ids[0], justice)  # warm-up: definitions, pool
        barrier.wait()
        started = time.perf_counter()
        for task_id in task_ids[1:]:
            bench.engine.tasks.complete(task_id, justice)
        return time.perf_counter() - started
    finally:
        database.dispose()


def as_measure(label: str, rates: Rates) -> Measure:
    setting = f"{label}, {rates.processes} process" + ("es" if rates.processes > 1 else "")
    return Measure(
        NAME,
        setting,
        f"{rates.engine:.0f} commands/s",
        f"{rates.bare:.0f} bare commits/s ({rates.statements} inserts a transaction: "
        f"{rates.round_trips:.0f}/s = {rates.floor_share:.0%})",
        rates.share,
        f"≥ {TARGET:.0%}",
        rates.share >= TARGET,
    )


def quick(postgres_url: str | None) -> list[Measure]:
    return [
        as_measure(label, rates)
        for label, url in backends(postgres_url)
        for rates in measure(url, 40)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200, help="Per process.")
    parser.add_argument("--url", default=DEFAULT_POSTGRES, help="PostgreSQL admin URL.")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    for label, url in backends(None if args.sqlite_only else args.url):
        for rates in measure(url, args.commands):
            print(
                f"{label:<11} {rates.processes} process(es): engine {rates.engine:7.0f} "
                f"commands/s   bare {rates.bare:7.0f} commits/s   share {rates.share:6.1%} "
                f"(target ≥ {TARGET:.0%}); {rates.statements} single-row inserts a "
                f"transaction {rates.round_trips:7.0f}/s = {rates.floor_share:6.1%} of bare"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
