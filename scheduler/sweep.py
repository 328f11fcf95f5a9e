"""The sweep: fire every due timer exactly once, through the normal command path.

Any number of sweepers may run against one PostgreSQL database. Each takes
the dossier's row lock first (``FOR UPDATE SKIP LOCKED``: a dossier being
worked by someone else is left for the next round), then its timers' locks,
the same order officers' commands use, so the two never deadlock. Timers are
re-read under their locks and marked fired in the same transaction as the
events the firing writes: a crash before the commit fires nothing; after it
the timers are no longer pending. On SQLite the write transaction is exclusive.

A dossier's due timers fire in turn on one loaded dossier (one event each,
one write), which matters when a backlog builds up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.runtime.commands import Actor, Command, FireTimer
from engine.runtime.deadlines import TimerKind, TimerSpec, desired_timers
from engine.runtime.dossier import ApplyContext, Dossier
from engine.runtime.engine import Engine
from engine.runtime.errors import DomainError
from engine.store.models import DossierRow, TimerRow

__all__ = ["SweepResult", "sweep_once", "MAX_ATTEMPTS"]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass
class SweepResult:
    fired: int = 0
    cancelled: int = 0  # no longer needed when their turn came
    skipped: int = 0  # the dossier was busy; retried next round
    failed: int = 0
    fired_ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.fired + self.cancelled + self.failed

    def add(self, other: SweepResult) -> None:
        self.fired += other.fired
        self.cancelled += other.cancelled
        self.skipped += other.skipped
        self.failed += other.failed
        self.fired_ids.extend(other.fired_ids)


def sweep_once(engine: Engine, batch_size: int = 100, now: datetime | None = None) -> SweepResult:
    """Fire the due timers of up to ``batch_size`` dossiers in one transaction."""
    moment = now or engine.clock.now()
    result = SweepResult()
    due = (TimerRow.status == "pending") & (TimerRow.due_at <= moment)
    with engine.database.write() as session:
        first_due = (
            select(TimerRow.dossier_id)
            .where(due)
            .group_by(TimerRow.dossier_id)
            .order_by(func.min(TimerRow.due_at))
            .limit(batch_size)
        )
        timers = session.execute(
            select(TimerRow.dossier_id, TimerRow.id)
            .where(due, TimerRow.dossier_id.in_(first_due.scalar_subquery()))
            .order_by(TimerRow.due_at, TimerRow.id)
        )
        by_dossier: dict[int, list[int]] = {}  # the dossier whose timer is due first, first
        for dossier_id, timer_id in timers:
            by_dossier.setdefault(dossier_id, []).append(timer_id)
        for dossier_id, timer_ids in by_dossier.items():
            _fire_dossier(engine, session, dossier_id, timer_ids, result)
    return result


def _fire_dossier(
    engine: Engine, session: Session, dossier_id: int, timer_ids: list[int], result: SweepResult
) -> None:
    try:
        with session.begin_nested():
            row = session.scalar(
                select(DossierRow)
                .where(DossierRow.id == dossier_id)
                .with_for_update(skip_locked=True)
            )
            if row is None:
                result.skipped += len(timer_ids)
                return
            timers = list(
                session.scalars(
                    select(TimerRow)
                    .where(TimerRow.id.in_(timer_ids), TimerRow.status == "pending")
                    .order_by(TimerRow.due_at, TimerRow.id)
                    .with_for_update()
                )
            )
            if timers:
                result.add(_fire(engine, session, row, timers))
    except DomainError as error:
        for timer_id in timer_ids:
            _give_up(session, timer_id, "cancelled", error.message)
        result.cancelled += len(timer_ids)
    except (StaleDataError, OperationalError) as error:
        log.info("dossier %s busy, its timers retried next round (%s)", dossier_id, error)
        result.skipped += len(timer_ids)
    except Exception:
        log.exception("timers %s of dossier %s failed", timer_ids, dossier_id)
        for timer_id in timer_ids:
            if _record_failure(session, timer_id) >= MAX_ATTEMPTS:
                result.failed += 1
            else:
                result.skipped += 1


def _fire(engine: Engine, session: Session, row: DossierRow, timers: list[TimerRow]) -> SweepResult:
    result = SweepResult()
    now = engine.clock.now()
    steps: list[tuple[Command, Callable[[Dossier, ApplyContext], bool] | None]] = []
    for timer in timers:
        spec = TimerSpec(timer.due_at, TimerKind(timer.kind), timer.task_key)
        steps.append(
            (FireTimer(timer.kind, timer.task_key, timer.due_at.isoformat()), _still_needed(spec))
        )
    _, applied = engine.apply_in_turn(session, row, steps, Actor.system())
    for timer, fired in zip(timers, applied, strict=True):
        timer.attempts += 1
        if fired:
            timer.status, timer.fired_at = "fired", now
            result.fired += 1
            result.fired_ids.append(timer.id)
        elif timer.status == "pending":  # not already cancelled by the dossier's new state
            timer.status = "cancelled"
            result.cancelled += 1
        else:
            result.cancelled += 1
    return result


def _still_needed(spec: TimerSpec) -> Callable[[Dossier, ApplyContext], bool]:
    """Declines a firing whose timer the dossier no longer needs (its state moved on)."""

    def check(dossier: Dossier, ctx: ApplyContext) -> bool:
        return spec in desired_timers(dossier, ctx)

    return check


def _give_up(session: Session, timer_id: int, status: str, reason: str) -> None:
    timer = session.get(TimerRow, timer_id)
    if timer is not None and timer.status == "pending":
        timer.status = status
        timer.last_error = reason


def _record_failure(session: Session, timer_id: int) -> int:
    timer = session.get(TimerRow, timer_id)
    if timer is None:
        return MAX_ATTEMPTS
    timer.attempts += 1
    timer.last_error = "firing failed; see the scheduler log"
    if timer.attempts >= MAX_ATTEMPTS:
        timer.status = "failed"
    return timer.attempts
