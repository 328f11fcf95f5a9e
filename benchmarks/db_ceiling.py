"""Benchmark 2: engine commands per second against the database's bare commit rate.

    .venv/bin/python benchmarks/db_ceiling.py [--commands 200] [--url postgresql://…/test]
                                               [--sqlite-only]

In one scratch database (PostgreSQL, and a SQLite file in WAL mode), birth
registrations are received and handed over to appraisal beforehand; then, with 1
and 2 worker processes (multiprocessing, each with its own engine and
connections, started together at a barrier):

* bare: ``--commands`` transactions each, every one a single-row INSERT and a
  COMMIT on the driver's own connection (psycopg 3 / sqlite3, no SQLAlchemy),
  the database's own rate; and the same through the SQLAlchemy engine the
  engine uses (``begin()``, ``execute``, commit), the rate of earlier figures;
* engine: ``--commands`` engine commands each, every one the appraisal step of a
  dossier of its own through ``engine.tasks.complete`` (lock, load, Spiff step,
  projections, timers, one history event, commit);
* floor: ``--commands`` transactions each of the engine command's statements
  with no work between them, sent the way the engine sends them: as many
  single-row SELECTs as it reads, one after the other, then as many single-row
  INSERTs as it writes, together (one pipeline on PostgreSQL), counted on one
  command before the run. No command of those statements can beat it.

Rates are total transactions over the slowest worker's wall time. SQLite is
measured with one process only (one writer at a time by design). Target: the
engine reaches at least 25 % of the bare commit rate, the driver's (the
stricter of the two).
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

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, event, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import DEFAULT_POSTGRES, Bench, Officers, backends, scratch_database
from benchmarks.harness import Measure
from engine.store.db import Database
from engine.store.direct import DirectStatement, WriteBatch

NAME = "2. database ceiling"
TARGET = 0.25
BARE_TABLE = "bench_bare_commits"


@dataclass(frozen=True)
class Rates:
    processes: int
    engine: float  # commands per second
    bare: float  # single-row insert-and-commit transactions per second, on the driver
    bare_sqlalchemy: float  # the same through SQLAlchemy's engine
    shape: Shape  # what one engine command executes
    floor: float  # transactions of the command's statements and nothing else, per second

    @property
    def share(self) -> float:
        return self.engine / self.bare

    @property
    def floor_share(self) -> float:
        """The share of the bare rate the command's statements alone allow."""
        return self.floor / self.bare


@dataclass(frozen=True)
class Shape:
    """The statements of one engine command (BEGIN, COMMIT and the pool's ping aside)."""

    reads: int
    writes: int


def measure(postgres_url: str | None, commands: int) -> list[Rates]:
    counts = (1,) if postgres_url is None else (1, 2)
    with tempfile.TemporaryDirectory() as files, scratch_database(postgres_url) as database:
        bench = Bench(database, Path(files))
        officers = bench.create_officers()
        with database.engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {BARE_TABLE} (id INTEGER, note TEXT)"))
        url = database.engine.url.render_as_string(hide_password=False)
        shape = statements_per_command(bench, officers)
        made = []
        for processes in counts:
            batches = [
                [bench.to_appraisal(officers)[1] for _ in range(commands + 1)]
                for _ in range(processes)
            ]
            database.dispose()  # no connection of this process crosses the fork
            bare_jobs = [[commands]] * processes
            bare = run_workers(processes, driver_worker, url, files, bare_jobs)
            bare_sqlalchemy = run_workers(processes, sqlalchemy_worker, url, files, bare_jobs)
            engine = run_workers(processes, engine_worker, url, files, batches)
            floor_jobs = [[commands, shape.reads, shape.writes]] * processes
            floor = run_workers(processes, floor_worker, url, files, floor_jobs)
            rate = processes * commands
            made.append(
                Rates(
                    processes,
                    rate / engine,
                    rate / bare,
                    rate / bare_sqlalchemy,
                    shape,
                    rate / floor,
                )
            )
        return made


def statements_per_command(bench: Bench, officers: Officers) -> Shape:
    """The statements one appraisal step executes (BEGIN, COMMIT and the pool's ping aside),
    counted on a second step, as the run's commands find the engine's caches warm."""
    _, warm_up = bench.to_appraisal(officers)
    bench.engine.tasks.complete(warm_up, officers.justice)
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
    reads = sum(1 for statement in executed if statement.lstrip().startswith("SELECT"))
    return Shape(reads, len(executed) - reads)


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


def driver_worker(url: str, _files: str, job: list[int], barrier: Barrier) -> float:
    """``job`` = [transactions]: each one INSERT and a COMMIT on the driver's connection."""
    (transactions,) = job
    database = Database(url)
    try:
        with database.engine.connect() as pooled:
            driver = pooled.connection.dbapi_connection
            assert driver is not None
            marker = "%s" if database.is_postgresql else "?"
            sql = f"INSERT INTO {BARE_TABLE} (id, note) VALUES ({marker}, {marker})"
            pooled.rollback()  # the driver's own transactions from here
            driver.cursor().execute(sql, (0, "khởi động"))
            driver.commit()
            barrier.wait()
            started = time.perf_counter()
            for number in range(transactions):
                driver.cursor().execute(sql, (number, "một dòng"))
                driver.commit()
            return time.perf_counter() - started
    finally:
        database.dispose()


def sqlalchemy_worker(url: str, _files: str, job: list[int], barrier: Barrier) -> float:
    """``job`` = [transactions]: each one INSERT and a COMMIT through SQLAlchemy's engine."""
    (transactions,) = job
    database = Database(url)
    insert = text(f"INSERT INTO {BARE_TABLE} (id, note) VALUES (:id, :note)")
    try:
        with database.engine.begin() as connection:  # warm-up: the pool's connection
            connection.execute(insert, {"id": 0, "note": "khởi động"})
        barrier.wait()
        started = time.perf_counter()
        for number in range(transactions):
            with database.engine.begin() as connection:
                connection.execute(insert, {"id": number, "note": "một dòng"})
        return time.perf_counter() - started
    finally:
        database.dispose()


def floor_worker(url: str, _files: str, job: list[int], barrier: Barrier) -> float:
    """``job`` = [transactions, reads, writes]: the command's statements, nothing else."""
    transactions, reads, writes = job
    database = Database(url)
    table = Table(BARE_TABLE, MetaData(), Column("id", Integer), Column("note", Text))
    read = DirectStatement(select(table.c.id).where(table.c.id == bindparam("id")).limit(1))
    write = DirectStatement.insert(table, ("id", "note"))
    row = {"id": 0, "note": "một dòng"}
    try:
        for number in range(transactions + 1):
            if number == 1:  # after a warm-up transaction
                barrier.wait()
                started = time.perf_counter()
            with database.write() as session:
                connection = session.connection()
                for _ in range(reads):
                    read.rows(connection, row)
                batch = WriteBatch()
                for _ in range(writes):
                    batch.add(write, [row])
                batch.send(connection)
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
        f"{rates.bare:.0f} bare commits/s ({rates.bare_sqlalchemy:.0f} through SQLAlchemy); "
        f"the command's {rates.shape.reads} reads and {rates.shape.writes} writes alone "
        f"{rates.floor:.0f}/s = {rates.floor_share:.0%}",
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
                f"(target ≥ {TARGET:.0%})   [through SQLAlchemy {rates.bare_sqlalchemy:.0f}/s: "
                f"{rates.engine / rates.bare_sqlalchemy:.1%}]   floor ({rates.shape.reads} reads, "
                f"{rates.shape.writes} writes) {rates.floor:7.0f}/s = {rates.floor_share:6.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
