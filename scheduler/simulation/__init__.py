"""A scaled year of a province's one-stop work, driven through the real engine.

``simulate`` creates a database of its own (a fresh SQLite file, or a PostgreSQL
database beside the one given, dropped afterwards), deploys the procedures of
``procedures/``, creates officers for every unit and role of the organisation
file, then lives through the year on a fake clock (see ``run.py``) and reports
throughput, outcomes and the verification of every dossier's history.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from engine.audit.history import VerifyReport
from engine.clock import FakeClock
from engine.config import Config
from engine.store.scratch import scratch_postgres

from .run import (
    PROVINCE_YEAR,
    RunStats,
    Settings,
    prepare,
    run_workers,
    simulation_engine,
    sqlite_url,
)
from .summary import OUTCOME_LABELS, Outcomes, read_outcomes, verify_line

__all__ = ["Settings", "SimulationReport", "simulate", "PROVINCE_YEAR", "own_database", "hours"]


@dataclass
class SimulationReport:
    settings: Settings
    backend: str
    stats: RunStats
    outcomes: Outcomes
    verify: VerifyReport
    verify_seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def dossiers_per_second(self) -> float:
        return self.settings.dossiers / self.stats.seconds if self.stats.seconds else 0.0

    @property
    def commands_per_second(self) -> float:
        return self.stats.command_count / self.stats.seconds if self.stats.seconds else 0.0

    @property
    def province_year_seconds(self) -> float:
        """The wall time for a whole province's year at this rate."""
        rate = self.dossiers_per_second
        return PROVINCE_YEAR / rate if rate else float("inf")

    @property
    def ok(self) -> bool:
        return self.verify.ok and self.outcomes.consistent

    def lines(self) -> list[str]:
        s, stats, found = self.settings, self.stats, self.outcomes
        lines = [
            f"simulated {s.dossiers} dossiers on {self.backend} with {s.workers} worker(s), "
            f"seed {s.seed}, arriving over {s.days:g} days",
            f"time: {stats.seconds:.1f} s; {self.dossiers_per_second:.2f} dossiers/s; "
            f"{stats.command_count} commands, {self.commands_per_second:.1f} commands/s; "
            f"{stats.sweeps} sweeps",
            f"900,000 dossiers would take {hours(self.province_year_seconds)} at this rate "
            "(target: 3 h)",
            "outcomes:",
        ]
        for key, label in OUTCOME_LABELS.items():
            lines.append(f"  {label}: {found.outcomes[key]}")
        lines += [
            "channels: " + _counts(found.channels),
            "procedures: " + _counts(found.procedures),
            f"supplements: {found.with_supplement} dossiers; apologies: {found.apologised}",
            "timers fired: " + (_counts(found.timers) or "none"),
            "commands: " + _counts(stats.commands),
            f"left open: {found.open_tasks} tasks, {found.pending_timers} pending timers; "
            f"{found.events} events",
            f"apology tasks never answered (dossier finished in time): {found.open_apologies}",
            verify_line(self.verify) + f" ({self.verify_seconds:.1f} s)",
        ]
        lines += [f"  {failure}" for failure in self.verify.failures[:20]]
        return lines + self.notes


def hours(seconds: float) -> str:
    if seconds == float("inf"):
        return "forever"
    whole = int(seconds)
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))


def simulate(
    config: Config, settings: Settings, database: str | None = None, keep: bool = False
) -> SimulationReport:
    """Run the year; ``database`` is a PostgreSQL admin URL, or None for a fresh SQLite file."""
    if database is None:
        name = f"simulate-{os.getpid()}.db"
        url = sqlite_url(config, name)
        config.path(config.paths.data).mkdir(parents=True, exist_ok=True)
        _remove_sqlite(url)
        report = _simulate(config, url, settings, "SQLite")
        report.notes.append(f"database: {make_url(url).database}")
        return report
    with own_database(database, keep) as url:
        return _simulate(config, url, settings, "PostgreSQL")


def _simulate(config: Config, url: str, settings: Settings, backend: str) -> SimulationReport:
    prepare(config, url)
    stats = run_workers(config, url, settings)
    engine = simulation_engine(config, url, FakeClock(stats.last_moment or settings.start))
    try:
        outcomes = read_outcomes(engine)
        started = time.perf_counter()
        verified = engine.history.verify_all()
        spent = time.perf_counter() - started
    finally:
        engine.database.dispose()
    return SimulationReport(settings, backend, stats, outcomes, verified, spent)


@contextmanager
def own_database(admin_url: str, keep: bool = False) -> Iterator[str]:
    """A new PostgreSQL database beside the one ``admin_url`` names; dropped unless ``keep``.
    Yields its SQLAlchemy URL."""
    with scratch_postgres(admin_url, "motcua_sim", keep) as url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)


def _remove_sqlite(url: str) -> None:
    from pathlib import Path

    database = make_url(url).database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
