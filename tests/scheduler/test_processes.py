"""Several `motcua scheduler` processes on one PostgreSQL database: every timer fires once.

Dossiers are received in the past (a fake clock in January), so all their
timers are long due when real scheduler processes start; firing creates more
(escalations), which must fire once too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.dossier import Channel
from engine.runtime.dossiers import _Intake
from engine.runtime.engine import Engine
from engine.store.db import Database
from engine.store.models import EventRow, TimerRow

from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, FIXTURES, VN

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]
DOSSIERS = 2_500  # four due timers each: 10,000


def fill(database: Database) -> int:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(FIXTURES / "units.yaml"),
        FakeClock(datetime(2026, 1, 5, 8, tzinfo=VN)),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([FIXTURES / "good"])
    receiver = engine.users.create("tiepnhan", "Trần Thị Thu", "mot_cua", ["officer"]).actor
    deployed = engine.repository.latest("1.001193")

    def receive_many(session, count: int) -> None:  # type: ignore[no-untyped-def]
        loaded = engine.definitions.get(session, deployed.id)
        intake = _Intake(CITIZEN, Channel.DESK, BIRTH_PAPERS, {}, None)
        for _ in range(count):  # one transaction for many: this is test set-up, not the API
            engine.runtime._create(session, loaded, intake, receiver, None)

    for _ in range(DOSSIERS // 500):
        engine.in_transaction(lambda session: receive_many(session, 500))
    with database.read() as session:
        return (
            session.scalar(
                select(func.count()).select_from(TimerRow).where(TimerRow.status == "pending")
            )
            or 0
        )


def scheduler(url: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        MOTCUA_DATABASE__URL=url,
        MOTCUA_PATHS__UNITS=str(FIXTURES / "units.yaml"),
        MOTCUA_SCHEDULER__BATCH_SIZE="100",
    )
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "scheduler",
        "--until-idle",
    ]
    return subprocess.Popen(
        command,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output.decode()


def assert_each_timer_fired_once(database: Database) -> None:
    with database.read() as session:
        fired = session.scalar(
            select(func.count()).select_from(TimerRow).where(TimerRow.status == "fired")
        )
        events = session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.command == "fire_timer")
        )
        duplicates = session.execute(
            text(
                "SELECT dossier_id, payload::text, count(*) FROM events"
                " WHERE command = 'fire_timer' GROUP BY 1, 2 HAVING count(*) > 1"
            )
        ).all()
        due_left = session.scalar(
            select(func.count())
            .select_from(TimerRow)
            .where(TimerRow.status == "pending", TimerRow.due_at <= func.now())
        )
    assert duplicates == []
    assert fired == events
    assert due_left == 0


@pytest.mark.parametrize("count", [2, 4])
def test_every_due_timer_fires_exactly_once_across_processes(
    database: Database, database_url: str, count: int
) -> None:
    assert fill(database) >= 10_000
    finish([scheduler(database_url) for _ in range(count)])
    assert_each_timer_fired_once(database)


def test_a_scheduler_killed_mid_batch_loses_nothing_and_fires_nothing_twice(
    database: Database, database_url: str
) -> None:
    fill(database)
    victim = scheduler(database_url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with database.read() as session:
            fired = (
                session.scalar(
                    select(func.count()).select_from(TimerRow).where(TimerRow.status == "fired")
                )
                or 0
            )
        if fired > 1_000:
            break
        time.sleep(0.2)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    finish([scheduler(database_url)])
    assert_each_timer_fired_once(database)
