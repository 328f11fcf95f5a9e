"""The officers' inbox over a million dossiers and 100,000 open tasks on PostgreSQL.

    .venv/bin/python benchmarks/inbox_scale.py [--dossiers 1000000] [--tasks 100000]
        [--runs 200] [--url postgresql://…/test] [--keep]

Creates a database of its own beside the one named by --url, deploys the real
procedures, bulk-loads two years of dossiers with COPY (``benchmarks/_bulk.py``),
then tops the open tasks up to --tasks, spread over the units, roles and officers
of ``procedures/units.yaml`` (a third waiting in the unit queues), due from ten
days ago to two weeks ahead. It then runs, through ``engine.tasks`` exactly as the
web inbox and the REST API call it, each of

* việc của tôi (my tasks, due first), the unit queue (due first),
* the counts per bucket (quá hạn, đến hạn hôm nay, trong tuần, per procedure),
* a search by dossier code and by applicant name in the unit queue,

--runs times with varied officers, units and terms, and a primary-key lookup of
a dossier through the same pool as the baseline; it prints p50/p95 of each, the
ratio to the lookup, and the EXPLAIN (ANALYZE, BUFFERS) plan of every statement
each query issues, flagging a sequential scan of dossiers or tasks.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bulk import (
    ADMIN_URL,
    NOW,
    TASK_COLUMNS,
    Officer,
    add_officers,
    bench_database,
    copy_rows,
    engine_on,
    load,
    sqlalchemy_url,
)
from benchmarks.harness import Measure
from engine.reports.facts import procedure_facts
from engine.runtime.commands import Actor
from engine.runtime.engine import Engine
from engine.runtime.tasks import InboxFilter
from engine.store.db import Database

BENCHMARK = "4. inbox at scale"
TARGET_MS = 20.0
OFFICERS_PER_UNIT = 6
STEPS = (
    ("tham_dinh", "Thẩm định hồ sơ"),
    ("xem_xet", "Xem xét, trình ký"),
    ("phe_duyet", "Phê duyệt"),
)


@dataclass(frozen=True)
class Timing:
    name: str
    p50: float  # seconds
    p95: float


@dataclass(frozen=True)
class Plan:
    name: str
    lines: list[str]

    @property
    def seq_scans(self) -> list[str]:
        return [line for line in self.lines if re.search(r"Seq Scan on (dossiers|tasks)\b", line)]


@dataclass(frozen=True)
class Workload:
    actors: list[Actor]  # officers and heads with something in their inbox
    codes: list[tuple[Actor, str]]  # an officer and the code of a dossier in their unit queue
    names: list[str]  # applicants' names as an officer types them
    dossier_ids: list[int]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=100_000, help="Open tasks in all.")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--url", default=ADMIN_URL)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    timings, plans = measure(args.url, args.dossiers, args.tasks, args.runs, args.keep)
    base = timings[-1]
    for timing in timings:
        print(
            f"{timing.name:<34} p50 {timing.p50 * 1000:7.2f} ms   p95 {timing.p95 * 1000:7.2f} ms"
            f"   p95 ratio to the lookup {timing.p95 / base.p95:6.1f}"
        )
    for plan in plans:
        print(
            f"\n--- {plan.name}"
            + ("   SEQ SCAN: " + "; ".join(plan.seq_scans) if plan.seq_scans else "")
        )
        print("\n".join(plan.lines))
    slow = [t.name for t in timings[:-1] if t.p95 * 1000 > TARGET_MS]
    scans = [p.name for p in plans if p.seq_scans]
    print(
        f"\ntarget p95 ≤ {TARGET_MS:.0f} ms: {'met' if not slow else 'NOT met: ' + ', '.join(slow)}"
    )
    print(f"sequential scans of dossiers/tasks: {', '.join(scans) if scans else 'none'}")
    return 0 if not slow and not scans else 1


def quick(postgres_url: str | None) -> list[Measure]:
    """50,000 dossiers, 5,000 open tasks, 50 runs of each query (PostgreSQL only)."""
    if postgres_url is None:
        return []
    timings, plans = measure(postgres_url, 50_000, 5_000, 50, keep=False)
    base = timings[-1]
    scans = {p.name.split(":")[0] for p in plans if p.seq_scans}
    return [
        Measure(
            BENCHMARK,
            "PostgreSQL, 50 000 dossiers / 5 000 tasks",
            f"{t.name}: p95 {t.p95 * 1000:.1f} ms" + (" (seq scan)" if t.name in scans else ""),
            f"p95 {base.p95 * 1000:.2f} ms primary-key lookup",
            t.p95 / base.p95,
            f"p95 ≤ {TARGET_MS:.0f} ms",
            t.p95 * 1000 <= TARGET_MS and t.name not in scans,
        )
        for t in timings[:-1]
    ]


def measure(
    admin_url: str, dossiers: int, tasks: int, runs: int, keep: bool
) -> tuple[list[Timing], list[Plan]]:
    with bench_database(admin_url, keep, prefix="motcua_inbox") as url:
        database = Database(sqlalchemy_url(url))
        try:
            engine = engine_on(database)
            started = time.perf_counter()
            load(url, dossiers, list(procedure_facts(engine).values()))
            workload = add_inbox(url, engine, tasks)
            print(
                f"loaded {dossiers:,} dossiers and {tasks:,} open tasks "
                f"in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
            return run_queries(engine, workload, runs)
        finally:
            database.dispose()


# --- the open tasks ---------------------------------------------------------------------------


def add_inbox(url: str, engine: Engine, target: int) -> Workload:
    """Officers and heads in every unit, and open tasks up to ``target`` spread over them."""
    random.seed(9)
    units = sorted(engine.organisation.units)
    with psycopg.connect(url) as connection:
        officers = add_officers(connection, units, OFFICERS_PER_UNIT * len(units))
        heads = add_officers(connection, units, len(units), role="head")
        have = int(_one(connection, "SELECT count(*) FROM tasks WHERE status = 'open'"))
        newest = int(_one(connection, "SELECT max(id) FROM dossiers"))
        rows = list(open_tasks(max(0, target - have), units, officers, newest))
        copy_rows(connection, "tasks", TASK_COLUMNS, rows)
        connection.commit()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return workload(engine, officers + heads)


def open_tasks(
    count: int, units: list[str], officers: list[Officer], newest: int
) -> Iterator[tuple[Any, ...]]:
    by_unit: dict[str, list[Officer]] = {}
    for officer in officers:
        by_unit.setdefault(officer[2], []).append(officer)
    oldest = max(1, newest - newest // 4)  # the last six months' dossiers are the ones in work
    for number in range(count):
        unit = random.choice(units)
        role = "head" if random.random() < 0.15 else "officer"
        assignee = (
            random.choice(by_unit[unit])[0]
            if role == "officer" and random.random() < 0.66
            else None
        )
        step, name = random.choice(STEPS)
        kind = (
            "consultation"
            if random.random() < 0.05
            else "wait"
            if random.random() < 0.03
            else "step"
        )
        created = NOW - timedelta(days=random.uniform(1, 20))
        due = NOW + timedelta(hours=random.uniform(-240, 336))
        yield (
            random.randint(oldest, newest), f"{step}@{1000 + number}", step, kind, name, unit,
            role, "open", assignee, created, due, None, None, None, "{}", False, False, 0,
        )  # fmt: skip


def workload(engine: Engine, people: list[Officer]) -> Workload:
    actors = [engine.users.get(username).actor for _, username, _ in people]
    with engine.database.read() as session:
        codes = session.execute(
            text(
                "SELECT t.unit_id, t.role, d.code FROM tasks t"
                " JOIN dossiers d ON d.id = t.dossier_id"
                " WHERE t.status = 'open' AND t.kind IN ('step', 'consultation')"
                " AND t.assignee_id IS NULL ORDER BY random() LIMIT 500"
            )
        ).all()
        names = session.scalars(
            text("SELECT applicant_name FROM dossiers ORDER BY random() LIMIT 200")
        ).all()
        top = int(session.scalar(text("SELECT max(id) FROM dossiers")) or 1)
    by_place = {(a.unit_id, role): a for a in actors for role in a.roles}
    found = [
        (by_place[(unit, role)], code) for unit, role, code in codes if (unit, role) in by_place
    ]
    return Workload(actors, found, list(names), [random.randint(1, top) for _ in range(1000)])


def _one(connection: psycopg.Connection[Any], sql: str) -> Any:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


# --- the queries ------------------------------------------------------------------------------


def queries(engine: Engine, work: Workload) -> list[tuple[str, Callable[[], object]]]:
    tasks = engine.tasks

    def name_term() -> str:
        name = random.choice(work.names)  # the full name, or the given name: "Lan"
        return name if random.random() < 0.5 else name.rsplit(" ", 1)[-1]

    def code_search() -> object:
        actor, code = random.choice(work.codes)
        return tasks.unit_queue(actor, InboxFilter(query=code))

    def lookup() -> object:
        with engine.database.read() as session:
            wanted = random.choice(work.dossier_ids)
            return session.execute(
                text("SELECT * FROM dossiers WHERE id = :id"), {"id": wanted}
            ).first()

    return [
        ("việc của tôi", lambda: tasks.my_tasks(random.choice(work.actors))),
        ("hàng chờ đơn vị", lambda: tasks.unit_queue(random.choice(work.actors))),
        ("đếm theo nhóm (quá hạn/hôm nay/tuần)", lambda: tasks.counts(random.choice(work.actors))),
        ("tìm theo mã hồ sơ", code_search),
        (
            "tìm theo tên người nộp",
            lambda: tasks.unit_queue(random.choice(work.actors), InboxFilter(query=name_term())),
        ),
        ("primary-key lookup (baseline)", lookup),
    ]


def run_queries(engine: Engine, work: Workload, runs: int) -> tuple[list[Timing], list[Plan]]:
    random.seed(20)
    timings, plans = [], []
    for name, query in queries(engine, work):
        query()  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            query()
            times.append(time.perf_counter() - started)
        times.sort()
        timings.append(Timing(name, statistics.median(times), times[int(0.95 * (len(times) - 1))]))
        with captured(engine.database) as statements:
            query()
        plans.extend(explain(engine.database, name, statements))
    return timings, plans


@contextmanager
def captured(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) the engine sends while the block runs."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def explain(database: Database, name: str, statements: list[tuple[str, Any]]) -> list[Plan]:
    plans = []
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for number, (statement, parameters) in enumerate(statements, 1):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [str(row[0]) for row in cursor.fetchall()]
            plans.append(Plan(f"{name}: statement {number}", summary(lines)))
        raw.rollback()
    finally:
        raw.close()
    return plans


def summary(lines: list[str]) -> list[str]:
    """The plan's nodes with their actual times and buffers, planning and execution time."""
    keep = re.compile(r"(->|^\S)|Index Cond|Filter:|Buffers:|Time:|Rows Removed")
    return [re.sub(r"\(cost=[^)]*\) ", "", line) for line in lines if keep.search(line)]


if __name__ == "__main__":
    sys.exit(main())
