"""The timer sweep: 100,000 due timers fired by one and by two `motcua scheduler` processes.

    .venv/bin/python benchmarks/timer_sweep.py [--timers 100000] [--url postgresql://…/test]
        [--keep]

Receives real dossiers of the birth registration procedure through the engine
(in January, on a fake clock: four deadline timers each, long due today), in a
PostgreSQL database of its own beside --url, copies that database (CREATE
DATABASE … TEMPLATE) so each run starts from the same timers, then starts real
``motcua scheduler --until-idle`` processes on it: 1, then 2 at once. Firing does
the real work (an event per timer, warnings, overdue notices and escalations to
the unit head and the leader in the outbox, sent by the dispatcher; escalation
timers created by the firing fire too). The same with one process on SQLite.

Prints timers fired per second each way (wall time of the processes, start-up
included) and checks that every timer fired exactly once: fired rows equal
``fire_timer`` events, no dossier has the same firing twice, no notification was
written twice, and nothing due is left.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bulk import ADMIN_URL, ROOT, VN, bench_database, engine_on, sqlalchemy_url
from benchmarks.harness import Measure
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.dossiers import _Intake
from engine.runtime.reception import SubmittedComponent
from engine.store.db import Database
from engine.store.models import EventRow, OutboxRow, TimerRow

BENCHMARK = "5. timer sweep"
RECEIVED = datetime(2026, 1, 5, 8, tzinfo=VN)  # every deadline is long past today
PROCEDURE = "1.001193"  # đăng ký khai sinh
PAPERS = (
    SubmittedComponent("TK", sha256="a" * 64, file_name="to-khai.pdf"),
    SubmittedComponent("GCS", sha256="b" * 64, file_name="giay-chung-sinh.pdf"),
    SubmittedComponent("GTTT"),
)
CITIZEN = Applicant("Nguyễn Thị Hồng Nhung", "079190001234", "Thôn 3, xã Phước Lộc", "0905123456")
PER_TRANSACTION = 250


@dataclass(frozen=True)
class Sweep:
    setting: str
    processes: int
    timers: int  # due when the processes started
    fired: int  # including the escalations the firing created
    seconds: float
    problems: list[str]

    @property
    def rate(self) -> float:
        return self.fired / self.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--url", default=ADMIN_URL)
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only.")
    args = parser.parse_args()
    sweeps = measure(args.url, args.timers, not args.no_sqlite, args.keep)
    for sweep in sweeps:
        print(
            f"{sweep.setting:<28} {sweep.timers:>8,} due, {sweep.fired:>8,} fired in "
            f"{sweep.seconds:7.1f} s: {sweep.rate:7.0f} timers/s   "
            + ("exactly once" if not sweep.problems else "PROBLEMS: " + "; ".join(sweep.problems))
        )
    one, two = sweeps[0], sweeps[1]
    print(f"2 processes / 1 process on PostgreSQL: {two.rate / one.rate:.2f}×")
    return 0 if all(not s.problems for s in sweeps) else 1


def quick(postgres_url: str | None) -> list[Measure]:
    """600 timers: 1 and 2 processes on PostgreSQL (when it answers), 1 on SQLite."""
    sweeps = measure(postgres_url, 600, True, keep=False)
    base = sweeps[0]
    return [
        Measure(
            BENCHMARK,
            sweep.setting,
            f"{sweep.rate:.0f} timers/s, "
            + ("each fired once" if not sweep.problems else "; ".join(sweep.problems)),
            f"{base.rate:.0f} timers/s {base.setting}",
            sweep.rate / base.rate,
            "each timer fires exactly once",
            not sweep.problems,
        )
        for sweep in sweeps
    ]


def measure(admin_url: str | None, timers: int, sqlite: bool, keep: bool) -> list[Sweep]:
    dossiers = max(1, timers // 4)
    sweeps = []
    if admin_url is not None:
        with bench_database(admin_url, keep, prefix="motcua_timers") as url:
            due = fill(Database(sqlalchemy_url(url)), dossiers)
            for processes in (1, 2):
                with copy_of(admin_url, url, keep, processes) as run_url:
                    sweeps.append(
                        sweep(f"PostgreSQL, {processes} process(es)", run_url, processes, due)
                    )
    if sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/timers.db"
            due = fill(Database(url), dossiers)
            sweeps.append(sweep("SQLite, 1 process", url, 1, due))
    return sweeps


# --- the timers -------------------------------------------------------------------------------


def fill(database: Database, dossiers: int) -> int:
    """``dossiers`` birth registrations received in January; returns their pending timers."""
    try:
        engine = engine_on(database, RECEIVED)
        receiver = engine.users.create("tiepnhan", "Trần Thị Thu", "mot_cua_xa", ["officer"]).actor
        deployed = engine.repository.latest(PROCEDURE)
        started = time.perf_counter()

        def receive(session, count: int) -> None:  # type: ignore[no-untyped-def]
            loaded = engine.definitions.get(session, deployed.id)
            intake = _Intake(CITIZEN, Channel.DESK, PAPERS, {}, None)
            for _ in range(count):  # many in one transaction: set-up, not the API's path
                engine.runtime._create(session, loaded, intake, receiver, None)

        for done in range(0, dossiers, PER_TRANSACTION):
            count = min(PER_TRANSACTION, dossiers - done)
            engine.in_transaction(lambda session, count=count: receive(session, count))
        with database.read() as session:
            pending = session.scalar(
                select(func.count()).select_from(TimerRow).where(TimerRow.status == "pending")
            )
        print(
            f"received {dossiers:,} dossiers with {pending:,} timers "
            f"in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        return int(pending or 0)
    finally:
        database.dispose()


@contextmanager
def copy_of(admin_url: str, url: str, keep: bool, number: int) -> Iterator[str]:
    """A copy of the database at ``url`` (CREATE DATABASE … TEMPLATE), dropped afterwards."""
    source = url.rsplit("/", 1)[1]
    name = f"{source}_run{number}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield sqlalchemy_url(url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sweep(setting: str, url: str, processes: int, due: int) -> Sweep:
    env = dict(
        os.environ,
        MOTCUA_DATABASE__URL=url,
        MOTCUA_PATHS__UNITS=str(ROOT / "procedures" / "units.yaml"),
        MOTCUA_PATHS__PROCEDURES=str(ROOT / "procedures"),
    )
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "scheduler",
        "--until-idle",
    ]
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(processes)
    ]
    problems = []
    for process in running:
        output, _ = process.communicate()
        if process.returncode != 0:
            problems.append(
                f"a scheduler exited with {process.returncode}: {output.decode()[-500:]}"
            )
    seconds = time.perf_counter() - started
    fired, found = check(url)
    return Sweep(setting, processes, due, fired, seconds, problems + found)


def check(url: str) -> tuple[int, list[str]]:
    """How many timers fired, and what is wrong: every firing once, every notice once."""
    database = Database(url)
    try:
        with database.read() as session:
            fired = (
                session.scalar(
                    select(func.count()).select_from(TimerRow).where(TimerRow.status == "fired")
                )
                or 0
            )
            events = (
                session.scalar(
                    select(func.count())
                    .select_from(EventRow)
                    .where(EventRow.command == "fire_timer")
                )
                or 0
            )
            twice = session.execute(
                text(
                    "SELECT count(*) FROM (SELECT dossier_id, CAST(payload AS TEXT) FROM events"
                    " WHERE command = 'fire_timer' GROUP BY 1, 2 HAVING count(*) > 1) AS d"
                )
            ).scalar_one()
            notices = (
                session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(
                        OutboxRow.event_seq.in_(
                            select(EventRow.seq).where(
                                EventRow.command == "fire_timer",
                                EventRow.dossier_id == OutboxRow.dossier_id,
                            )
                        )
                    )
                )
                or 0
            )
            notices_twice = session.execute(
                text(
                    "SELECT count(*) FROM (SELECT dossier_id, event_seq, template, channel, address"
                    " FROM outbox WHERE dossier_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
                    " HAVING count(*) > 1) AS d"
                )
            ).scalar_one()
            left = (
                session.scalar(
                    select(func.count())
                    .select_from(TimerRow)
                    .where(TimerRow.status == "pending", TimerRow.due_at <= datetime.now(VN))
                )
                or 0
            )
    finally:
        database.dispose()
    problems = []
    if fired != events:
        problems.append(f"{fired:,} timers marked fired but {events:,} fire_timer events")
    if twice:
        problems.append(f"{twice:,} firings recorded twice")
    if notices_twice:
        problems.append(f"{notices_twice:,} notifications written twice")
    if not notices:
        problems.append("no notification from any firing")
    if left:
        problems.append(f"{left:,} due timers left pending")
    return int(fired), problems


if __name__ == "__main__":
    sys.exit(main())
