"""Running the simulated year: the fake clock, the dossiers' actions, the sweeps.

The clock moves through working hours. Within each hour every dossier due to be
touched is acted on at its own moment; at the end of the hour the scheduler's
sweep fires whatever timers fell due (warnings, overdue marks, apology tasks,
escalations), exactly as a running scheduler would. With several worker
processes (PostgreSQL only) each works its own share of the dossiers and they
meet at every hour's end, so no dossier's events ever go back in time; the
first worker sweeps.
"""

from __future__ import annotations

import dataclasses
import heapq
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import func, select

from engine.bootstrap import build_engine
from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config, DatabaseConfig
from engine.definitions.loading import known_forms
from engine.digitisation.demo import sample_components
from engine.runtime.engine import Engine
from engine.store import migrate
from engine.store.models import TimerRow
from scheduler.sweep import sweep_once

from .dossiers import Agency, Case, act
from .officers import Staff, create_staff
from .plan import DossierPlan, ProcedureChoice, draw_plans

__all__ = ["Settings", "RunStats", "prepare", "simulate_share", "run_workers", "START"]

PROVINCE_YEAR = 900_000  # dossiers a province receives in a year
START = datetime(2026, 1, 5, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday
HOUR = Decimal(1)
INFINITY = float("inf")
SWEEP_BATCH = 100  # dossiers per sweep transaction, as the scheduler runs it


class _Barrier(Protocol):
    def wait(self, timeout: float | None = None) -> int: ...


@dataclass(frozen=True)
class Settings:
    dossiers: int
    seed: int
    workers: int = 1
    start: datetime = START
    days: float = 365  # arrivals spread over this many calendar days

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    @classmethod
    def at_province_density(cls, dossiers: int, seed: int, workers: int = 1) -> Settings:
        """Arrivals as dense as a real province's (as many per working hour as 900,000 a
        year): a slice of the year rather than a sparse year, so the sweep, the hourly
        meeting of the workers and the other costs per simulated hour weigh what they
        would in the real year."""
        return cls(dossiers, seed, workers, days=365 * dossiers / PROVINCE_YEAR)


@dataclass
class RunStats:
    """What one worker did, and how long it took."""

    commands: Counter[str] = field(default_factory=Counter)
    timers_fired: int = 0
    sweeps: int = 0
    seconds: float = 0.0
    last_moment: datetime | None = None

    def add(self, other: RunStats) -> None:
        self.commands.update(other.commands)
        self.timers_fired += other.timers_fired
        self.sweeps += other.sweeps
        self.seconds = max(self.seconds, other.seconds)
        if other.last_moment and (self.last_moment is None or other.last_moment > self.last_moment):
            self.last_moment = other.last_moment

    @property
    def command_count(self) -> int:
        return sum(self.commands.values()) + self.timers_fired


def simulation_engine(config: Config, url: str, clock: FakeClock) -> Engine:
    database = dataclasses.replace(config.database, url=url)
    return build_engine(
        dataclasses.replace(config, database=database),
        clock,
        PasswordHasher(time_cost=1, memory_cost=8192),
    )


def prepare(config: Config, url: str) -> None:
    """Migrate the empty database, deploy the procedures, create the officers."""
    clock = FakeClock(START)
    engine = simulation_engine(config, url, clock)
    try:
        migrate.upgrade(engine.database)
        engine.repository.sync_units()
        forms = known_forms(config.path(config.paths.forms))
        engine.repository.deploy_paths([config.path(config.paths.procedures)], "simulate", forms)
        create_staff(engine, random.Random(0))
    finally:
        engine.database.dispose()


def simulate_share(
    config: Config,
    url: str,
    settings: Settings,
    worker: int = 0,
    sync: tuple[_Barrier, Any] | None = None,
) -> RunStats:
    """Run this worker's share of the dossiers to the end; ``sync`` = (barrier, shared times)."""
    clock = FakeClock(settings.start)
    engine = simulation_engine(config, url, clock)
    try:
        agency = _agency(engine)
        plans = _plans(engine, WorkingCalendar.from_config(config), settings)
        cases = {
            p.number: Case(p, random.Random(p.seed)) for p in plans if _mine(p, settings, worker)
        }
        return _Loop(agency, clock, cases, worker, sync).run(settings.start)
    finally:
        engine.database.dispose()


def _mine(plan: DossierPlan, settings: Settings, worker: int) -> bool:
    return plan.number % settings.workers == worker


def _agency(engine: Engine) -> Agency:
    staff = Staff()
    for user in engine.users.list():
        for role in user.roles:
            if user.unit_id is not None:
                staff.posts.setdefault((user.unit_id, role), []).append(user)
        staff.by_id[user.id] = user
    codes = [deployed.code for deployed in engine.repository.list_latest()]
    papers = {code: sample_components(engine, code) for code in codes}
    return Agency(engine, staff, papers)


def _plans(engine: Engine, calendar: WorkingCalendar, settings: Settings) -> list[DossierPlan]:
    choices = []
    for deployed in engine.repository.list_latest():
        procedure = engine.repository.definition(deployed).procedure
        choices.append(ProcedureChoice(deployed.code, procedure.level.value))
    start = calendar.next_working_moment(settings.start)
    return list(
        draw_plans(settings.dossiers, choices, calendar, start, settings.end, settings.seed)
    )


class _Loop:
    def __init__(
        self,
        agency: Agency,
        clock: FakeClock,
        cases: dict[int, Case],
        worker: int,
        sync: tuple[_Barrier, Any] | None,
    ):
        self.agency = agency
        self.clock = clock
        self.cases = cases
        self.worker = worker
        self.sync = sync
        self.stats = RunStats(commands=agency.commands)
        self.queue: list[tuple[datetime, int]] = [(c.plan.arrival, n) for n, c in cases.items()]
        heapq.heapify(self.queue)
        self.dirty = True  # timers may have changed since ``next_due`` was read
        self.next_due: datetime | None = None
        self.round = 0

    def run(self, start: datetime) -> RunStats:
        started = time.perf_counter()
        add = self.agency.engine.calendar.add_working_hours
        boundary = add(start, HOUR)
        while True:
            self._act_until(boundary)
            after = self._hour_end(boundary)
            if after is None:
                break
            next_event, next_due = after
            boundary = add(boundary, HOUR)
            while boundary.timestamp() <= next_event and boundary.timestamp() < next_due:
                boundary = add(boundary, HOUR)
        self.stats.seconds = time.perf_counter() - started
        self.stats.last_moment = boundary
        return self.stats

    def _act_until(self, boundary: datetime) -> None:
        while self.queue and self.queue[0][0] < boundary:
            moment, number = heapq.heappop(self.queue)
            self.clock.set(moment)
            later = act(self.agency, self.cases[number])
            self.dirty = True
            if later is not None:
                heapq.heappush(self.queue, (max(later, moment), number))

    def _hour_end(self, boundary: datetime) -> tuple[float, float] | None:
        """Sweep at the hour's end; then (next event, next timer) as timestamps, or None at the end.

        With several workers everyone meets here: each posts its next event, the
        first sweeps and posts the next timer, all read the same figures and so
        jump to the same next hour.
        """
        mine = self.queue[0][0].timestamp() if self.queue else INFINITY
        if self.sync is None:
            self._sweep(boundary)
            due = self._due()
            return None if mine == INFINITY and due == INFINITY else (mine, due)
        barrier, shared = self.sync
        size = len(shared) // 2  # two halves used in turn: a round's figures stay readable
        self.round += 1  # while the fastest worker already posts the next round's
        base = size * (self.round % 2)
        shared[base + self.worker + 1] = mine
        barrier.wait()
        if self.worker == 0:
            self.dirty = True  # the others' commands changed timers too
            self._sweep(boundary)
            self.dirty = True
            shared[base] = self._due()
        barrier.wait()
        next_event, due = min(shared[base + 1 : base + size]), shared[base]
        return None if next_event == INFINITY else (next_event, due)

    def _due(self) -> float:
        if self.dirty:
            self.next_due = _next_due(self.agency.engine)
            self.dirty = False
        return self.next_due.timestamp() if self.next_due is not None else INFINITY

    def _sweep(self, boundary: datetime) -> None:
        """Fire what fell due; skipped (no query at all) while no timer can be due yet."""
        if self._due() > boundary.timestamp():
            return
        self.clock.set(boundary)
        self.stats.sweeps += 1
        self.dirty = True
        while True:  # a batch of fewer than SWEEP_BATCH timers took every dossier due
            result = sweep_once(self.agency.engine, SWEEP_BATCH)
            self.stats.timers_fired += result.fired
            if result.handled < SWEEP_BATCH:
                return


def _next_due(engine: Engine) -> datetime | None:
    with engine.database.read() as session:
        return session.scalar(select(func.min(TimerRow.due_at)).where(TimerRow.status == "pending"))


def run_workers(config: Config, url: str, settings: Settings) -> RunStats:
    """Every worker in its own process, meeting at each hour's end; their stats summed."""
    if settings.workers == 1:
        return simulate_share(config, url, settings)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(settings.workers)
    shared = context.Array("d", 2 * (settings.workers + 1))  # next timer, each next event; x2
    results: Any = context.Queue()
    processes = [
        context.Process(
            target=_worker_main,
            args=(config, url, settings, worker, (barrier, shared), results),
            daemon=True,
        )
        for worker in range(settings.workers)
    ]
    for process in processes:
        process.start()
    return _collect(processes, results, barrier.abort)


def _worker_main(
    config: Config, url: str, settings: Settings, worker: int, sync: Any, results: Any
) -> None:
    try:
        results.put(("ok", simulate_share(config, url, settings, worker, sync)))
    except BaseException as error:  # reported to the parent, which stops the others
        results.put(("error", f"worker {worker}: {error.__class__.__name__}: {error}"))
        sync[0].abort()


def _collect(processes: list[Any], results: Any, abort: Callable[[], None]) -> RunStats:
    total = RunStats()
    problems: list[str] = []
    for _ in processes:
        status, payload = results.get()
        if status == "ok":
            total.add(payload)
        else:
            problems.append(payload)
            abort()
    for process in processes:
        process.join()
    if problems:
        raise RuntimeError("; ".join(problems))
    return total


def sqlite_url(config: Config, name: str) -> str:
    return f"sqlite:///{config.path(config.paths.data) / name}"


def config_with(config: Config, url: str) -> Config:
    return dataclasses.replace(config, database=DatabaseConfig(url=url))
