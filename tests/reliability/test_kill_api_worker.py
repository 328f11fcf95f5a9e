"""Commands under load while a gunicorn worker and the scheduler are SIGKILLed.

Two gunicorn workers (`motcua serve`) and a `motcua scheduler` run on the test
session's own PostgreSQL database. Threads receive dossiers with their scans,
claim and complete tasks over HTTP, and note every 2xx answer. Part of the
dossiers were received in January, so their timers are long due and the
scheduler fires them while officers work on the same dossiers. In the middle,
one worker and the scheduler are killed with SIGKILL; gunicorn starts a new
worker and the scheduler is started again. Afterwards every acknowledged
command is in the database, every dossier is whole, `motcua verify --all`
passes and no timer fired twice.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock, SystemClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.engine import Engine
from engine.store.db import Database
from engine.store.models import DossierRow, EventRow, TaskRow

from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, FAST_HASHER, VN
from .processes import FIXTURES, Client, children, free_port, motcua_env, run, start, wait_for
from .timers import assert_each_timer_fired_once, due_timers, fired_timers

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

PAST_DOSSIERS = 16  # received in January: their timers are due
OFFICERS = 5  # threads moving dossiers on, beside one receiving new ones
AFTER_KILL = 30  # acknowledged commands after the kills before the load stops
APPLICANT = {"name": "Nguyễn Thị Hồng Nhung", "id_number": "079190001234", "phone": "0905123456"}
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 20
USERS = {  # username: (full name, unit, roles)
    "tiepnhan": ("Trần Thị Thu", "mot_cua", ["officer"]),
    "tuphap": ("Lê Văn Bình", "tu_phap", ["officer"]),
    "tuphap2": ("Phạm Thị Hoa", "tu_phap", ["officer"]),
    "chutich": ("Nguyễn Văn An", "lanh_dao", ["leader"]),
    "thanhtra": ("Đinh Thị Thanh", None, ["auditor"]),
}
WORKERS_OF_STEP = {
    "tiep_nhan": ["tiepnhan"],
    "tham_dinh": ["tuphap", "tuphap2"],
    "ky_duyet": ["chutich"],
}


@dataclass
class Acknowledged:
    """What the server said was done (2xx), and how many answers of each status came back."""

    received: list[str] = field(default_factory=list)
    claimed: list[tuple[int, str]] = field(default_factory=list)  # (task id, username)
    completed: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lost: int = 0  # connection lost: outcome unknown
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.lost += 1
            else:
                self.statuses[status] = self.statuses.get(status, 0) + 1


class Load:
    """Officers working through the API until stopped: the desk receives new dossiers,
    the others each take a dossier from the queue, move it on a step and put it back."""

    def __init__(self, port: int, tokens: dict[str, str], past: list[str]):
        self.clients = {user: Client(port, token) for user, token in tokens.items()}
        self.work: queue.Queue[str] = queue.Queue()
        self.done = Acknowledged()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        for code in past:  # twice each: two officers may pick the same dossier at once
            self.work.put(code)
            self.work.put(code)

    def start(self, officers: int) -> None:
        targets = [self._desk] + [self._officer] * officers
        self.threads = [threading.Thread(target=target, daemon=True) for target in targets]
        for thread in self.threads:
            thread.start()

    def acknowledged(self) -> int:
        with self.done.lock:
            return len(self.done.received) + len(self.done.claimed) + len(self.done.completed)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "an officer thread hung"

    def _desk(self) -> None:
        while not self.stopping.is_set():
            code = self._receive()
            if code is not None:
                self.work.put(code)
                self.work.put(code)

    def _officer(self) -> None:
        while not self.stopping.is_set():
            try:
                code = self.work.get(timeout=0.2)
            except queue.Empty:
                continue
            if self._move_on(code):
                self.work.put(code)

    def _receive(self) -> str | None:
        body = {
            "procedure_code": "1.001193",
            "applicant": APPLICANT,
            "components": [{"code": "TK"}, {"code": "GCS"}],
        }
        answer = self.clients["tiepnhan"].post_multipart(
            "/api/v1/dossiers", {"dossier": json.dumps(body)}, {"TK": PDF, "GCS": PDF}
        )
        self.done.count(answer.status if answer else None)
        if answer is None or answer.status != 201:
            return None
        code = str(answer.body["code"])
        with self.done.lock:
            self.done.received.append(code)
        return code

    def _move_on(self, code: str) -> bool:
        """One action on the dossier's first open step task; False when there is none."""
        answer = self.clients["thanhtra"].get(f"/api/v1/dossiers/{code}")
        if answer is None or answer.status != 200:
            return answer is None  # lost: try again
        tasks = [
            t
            for t in answer.body["open_tasks"]
            if t["kind"] == "step" and t["step_id"] in WORKERS_OF_STEP
        ]
        if not tasks:
            return False
        task = tasks[0]
        user = random.choice(WORKERS_OF_STEP[task["step_id"]])
        client = self.clients[user]
        if task["assignee_id"] is None:
            claim = client.post_json(f"/api/v1/tasks/{task['id']}/claim", {})
            self.done.count(claim.status if claim else None)
            if claim is not None and claim.status == 200:
                with self.done.lock:
                    self.done.claimed.append((task["id"], user))
            return True
        complete = client.post_json(f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"})
        self.done.count(complete.status if complete else None)
        if complete is not None and complete.status == 200:
            with self.done.lock:
                self.done.completed.append(task["id"])
        return True


@dataclass(frozen=True)
class Prepared:
    tokens: dict[str, str]  # username: bearer token
    past: list[str]  # codes of the dossiers received in January


@pytest.fixture
def prepared(database: Database) -> Prepared:
    """Users with tokens, the fixture procedures, and dossiers received in January."""
    organisation = load_organisation(FIXTURES / "units.yaml")
    calendar = WorkingCalendar.from_config(Config())
    now = Engine(database, calendar, organisation, SystemClock(), password_hasher=FAST_HASHER)
    now.repository.sync_units()
    now.repository.deploy_paths([FIXTURES / "good"])
    tokens: dict[str, str] = {}
    for username, (name, unit, roles) in USERS.items():
        now.users.create(username, name, unit, roles)
        tokens[username] = now.tokens.create(username, "kiểm thử tải").secret
    january = Engine(
        database, calendar, organisation, FakeClock(datetime(2026, 1, 5, 8, tzinfo=VN))
    )
    receiver = now.users.get("tiepnhan").actor
    past = []
    for _ in range(PAST_DOSSIERS):
        outcome = january.runtime.receive("1.001193", CITIZEN, receiver, components=BIRTH_PAPERS)
        assert outcome.dossier_code is not None
        past.append(outcome.dossier_code)
    return Prepared(tokens, past)


@dataclass
class System:
    """gunicorn's master (with its two workers) and the scheduler, on one database."""

    master: subprocess.Popen[bytes]
    port: int
    env: dict[str, str]
    scheduler_log: Path
    scheduler: subprocess.Popen[bytes] | None = None

    def start_scheduler(self) -> None:
        self.scheduler = start(self.env, "scheduler", log=self.scheduler_log)

    def kill_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.send_signal(signal.SIGKILL)
            self.scheduler.wait(timeout=10)


@pytest.fixture
def system(database_url: str, prepared: Prepared, tmp_path: Path) -> Iterator[System]:
    env = motcua_env(
        database_url,
        tmp_path,
        MOTCUA_SCHEDULER__SWEEP_INTERVAL_SECONDS="1",
        MOTCUA_SCHEDULER__BATCH_SIZE="5",
    )
    port = free_port()
    arguments = ["serve", "--port", str(port), "--workers", "2", "--no-scheduler"]
    master = start(env, *arguments, log=tmp_path / "serve.log")
    running = System(master, port, env, tmp_path / "scheduler.log")
    try:
        wait_for(lambda: len(children(master.pid)) == 2 and _healthy(port), 60, "two workers")
        yield running
    finally:
        running.kill_scheduler()
        master.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        master.wait(timeout=30)


def _healthy(port: int) -> bool:
    answer = Client(port, "").get("/api/v1/health")
    return answer is not None and answer.status == 200


def test_acknowledged_commands_survive_killed_workers_and_scheduler(
    database: Database, prepared: Prepared, system: System
) -> None:
    master, env = system.master, system.env
    system.start_scheduler()
    load = Load(system.port, prepared.tokens, prepared.past)
    load.start(OFFICERS)

    wait_for(lambda: fired_timers(database) > 0, 60, "the scheduler to fire timers")
    before = load.acknowledged()
    victim = min(children(master.pid))
    os.kill(victim, signal.SIGKILL)
    system.kill_scheduler()
    system.start_scheduler()
    wait_for(
        lambda: len(workers := children(master.pid)) == 2 and victim not in workers,
        60,
        "gunicorn to replace the killed worker",
    )
    wait_for(lambda: load.acknowledged() >= before + AFTER_KILL, 90, "commands after the kill")
    load.stop()
    wait_for(lambda: due_timers(database) == 0, 60, "the restarted scheduler to catch up")
    system.kill_scheduler()

    done = load.done
    assert done.statuses.get(201, 0) > 0 and done.statuses.get(200, 0) > 0, done.statuses
    assert set(done.statuses) <= {200, 201, 409}, done.statuses  # no 500 even while killing
    _assert_acknowledged_are_stored(database, done)
    _assert_every_dossier_whole(database)
    assert_each_timer_fired_once(database)
    verified = run(env, "verify", "--all")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    stored = _dossiers(database)
    assert (
        PAST_DOSSIERS + len(done.received)
        <= stored
        <= PAST_DOSSIERS + len(done.received) + done.lost
    )
    assert f"{stored} dossiers verified" in verified.stdout


def _dossiers(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(DossierRow)) or 0


def _assert_acknowledged_are_stored(database: Database, done: Acknowledged) -> None:
    with database.read() as session:
        for code in done.received:
            row = session.scalar(select(DossierRow).where(DossierRow.code == code))
            assert row is not None, f"dossier {code} acknowledged but not stored"
            first = session.scalar(
                select(EventRow.command).where(EventRow.dossier_id == row.id, EventRow.seq == 1)
            )
            assert first == "receive"
        for task_id, username in done.claimed:
            task = session.get(TaskRow, task_id)
            assert task is not None
            assert _event_of(session, task, "claim"), f"claim of task {task_id} by {username} lost"
        for task_id in done.completed:
            task = session.get(TaskRow, task_id)
            assert task is not None and task.status == "completed", f"task {task_id}"
            assert task.decision == "approve"
            assert _event_of(session, task, "complete"), f"completion of task {task_id} lost"


def _event_of(session: Session, task: TaskRow, command: str) -> bool:
    events = session.scalars(
        select(EventRow.payload).where(
            EventRow.dossier_id == task.dossier_id, EventRow.command == command
        )
    )
    return any(payload.get("task") == task.key for payload in events)


def _assert_every_dossier_whole(database: Database) -> None:
    """Events numbered 1..last_seq, the row's hash is the last event's, open tasks belong
    to events that exist, and no completed task lacks its completion."""
    with database.read() as session:
        for row in session.scalars(select(DossierRow)):
            events = session.execute(
                select(EventRow.seq, EventRow.hash)
                .where(EventRow.dossier_id == row.id)
                .order_by(EventRow.seq)
            ).all()
            assert [seq for seq, _ in events] == list(range(1, row.last_seq + 1)), row.code
            assert events[-1].hash == row.last_hash, row.code
            for task in session.scalars(select(TaskRow).where(TaskRow.dossier_id == row.id)):
                created_at = int(task.key.rsplit("@", 1)[1])
                assert created_at <= row.last_seq, (row.code, task.key)
                if task.status == "completed":
                    assert task.completed_at is not None, (row.code, task.key)
