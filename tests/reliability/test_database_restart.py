"""PostgreSQL stops and starts again under a running `motcua scheduler`.

The scheduler runs against a private cluster. It fires what is due, the
cluster is stopped (the scheduler keeps running, saying the database is
unreachable) and started again; timers that come due after the restart are
fired, each exactly once, by the same scheduler process.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.engine import Engine
from engine.store.db import Database
from engine.store.migrate import upgrade

from ..conftest import IN_CI
from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, FAST_HASHER, VN
from .cluster import Cluster, missing_binaries
from .processes import FIXTURES, free_port, motcua_env, start, wait_for
from .timers import assert_each_timer_fired_once, due_timers, fired_timers

pytestmark = pytest.mark.slow
DOSSIERS = 10  # per round, four due timers each


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    problem = missing_binaries()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: the restart test must run)", pytrace=False)
        pytest.skip(problem)
    private = Cluster(free_port())
    try:
        private.start()
        yield private
    finally:
        private.remove()


@pytest.fixture
def private_database(cluster: Cluster) -> Iterator[Database]:
    name = f"motcua_{uuid.uuid4().hex[:8]}"
    cluster.create_database(name)
    database = Database(cluster.url(name))
    upgrade(database)
    yield database
    database.dispose()


def _january_engine(database: Database) -> Engine:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(FIXTURES / "units.yaml"),
        FakeClock(datetime(2026, 1, 5, 8, tzinfo=VN)),
        password_hasher=FAST_HASHER,
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([FIXTURES / "good"])
    return engine


def _receive_past_dossiers(engine: Engine, receiver: str) -> None:
    """Dossiers received in January: every timer they have is due now."""
    actor = engine.users.get(receiver).actor
    for _ in range(DOSSIERS):
        engine.runtime.receive("1.001193", CITIZEN, actor, components=BIRTH_PAPERS)


def test_the_scheduler_reconnects_after_a_database_restart_and_fires_once(
    cluster: Cluster, private_database: Database, tmp_path: Path
) -> None:
    database = private_database
    engine = _january_engine(database)
    engine.users.create("tiepnhan", "Trần Thị Thu", "mot_cua", ["officer"])
    _receive_past_dossiers(engine, "tiepnhan")
    env = motcua_env(
        database.engine.url.render_as_string(hide_password=False),
        tmp_path,
        MOTCUA_SCHEDULER__SWEEP_INTERVAL_SECONDS="0.5",
    )
    log = tmp_path / "scheduler.log"
    scheduler = start(env, "scheduler", log=log)
    try:
        wait_for(
            lambda: fired_timers(database) > 0 and due_timers(database) == 0, 40, "the first round"
        )
        fired_before = fired_timers(database)
        database.dispose()
        cluster.stop()
        time.sleep(2)  # a few sweeps find no database
        assert scheduler.poll() is None, log.read_text()
        cluster.start()
        _receive_past_dossiers(engine, "tiepnhan")  # due only after the restart
        wait_for(lambda: due_timers(database) == 0, 40, "the timers due after the restart")
        assert scheduler.poll() is None, log.read_text()
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=30)
    assert fired_timers(database) >= fired_before + DOSSIERS  # at least one per new dossier
    output = log.read_text()
    assert "database unreachable, " in output
    assert "database reachable again" in output
    assert "raised an exception" not in output  # one line per outage, no tracebacks
    assert_each_timer_fired_once(database)


def test_a_scheduler_started_while_the_database_is_down_waits_for_it(
    cluster: Cluster, private_database: Database, tmp_path: Path
) -> None:
    database = private_database
    engine = _january_engine(database)
    engine.users.create("tiepnhan", "Trần Thị Thu", "mot_cua", ["officer"])
    env = motcua_env(
        database.engine.url.render_as_string(hide_password=False),
        tmp_path,
        MOTCUA_SCHEDULER__SWEEP_INTERVAL_SECONDS="0.5",
    )
    database.dispose()
    cluster.stop()
    log = tmp_path / "scheduler.log"
    scheduler = start(env, "scheduler", log=log)
    try:
        wait_for(lambda: "database unreachable" in log.read_text(), 30, "the first failed round")
        assert scheduler.poll() is None, log.read_text()
        cluster.start()
        _receive_past_dossiers(engine, "tiepnhan")
        wait_for(lambda: due_timers(database) == 0, 40, "the timers due once the database is up")
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=30)
    assert fired_timers(database) >= DOSSIERS
    assert "raised an exception" not in log.read_text()
