"""Running the sweep, the notification dispatcher and the portal sync: in-process or as
`motcua scheduler`."""

from __future__ import annotations

import functools
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import InterfaceError, OperationalError

from engine.config import Config
from engine.digitisation.portal import PortalDispatcher, dispatcher_from_config
from engine.notify.dispatch import Dispatcher, senders_from_config
from engine.runtime.engine import Engine

from .jobs import send_daily_digests
from .report_jobs import add_report_jobs
from .sweep import SweepResult, sweep_once

__all__ = ["OutageGuard", "Worker", "build_scheduler", "run_until_idle"]

log = logging.getLogger("motcua.scheduler")


@dataclass
class Worker:
    """One round of background work: fire what is due, then send what is queued."""

    engine: Engine
    dispatcher: Dispatcher
    batch_size: int = 200
    totals: SweepResult = field(default_factory=SweepResult)
    portal: PortalDispatcher | None = None  # the national portal's sync outbox, when configured

    @classmethod
    def from_config(cls, engine: Engine, config: Config) -> Worker:
        notifications = config.notifications
        dispatcher = Dispatcher(
            engine.database,
            senders_from_config(notifications),
            engine.clock,
            notifications.max_attempts,
            notifications.retry_seconds,
        )
        portal = dispatcher_from_config(engine, config.portal)
        return cls(engine, dispatcher, config.scheduler.batch_size, portal=portal)

    def sweep(self) -> SweepResult:
        """Fire due timers batch after batch until a batch comes back short."""
        round_total = SweepResult()
        while True:
            result = sweep_once(self.engine, self.batch_size)
            for name in ("fired", "cancelled", "skipped", "failed"):
                setattr(round_total, name, getattr(round_total, name) + getattr(result, name))
                setattr(self.totals, name, getattr(self.totals, name) + getattr(result, name))
            if result.handled + result.skipped < self.batch_size:
                break
        if round_total.handled:
            log.info(
                "timers: %d fired, %d no longer needed, %d failed",
                round_total.fired,
                round_total.cancelled,
                round_total.failed,
            )
        return round_total

    def dispatch(self) -> None:
        while True:
            sent, failed = self.dispatcher.dispatch()
            if sent + failed == 0:
                return

    def daily(self) -> None:
        """The morning jobs: officers' digests (once a day across all schedulers)."""
        sent = send_daily_digests(self.engine)
        if sent:
            log.info("daily digest sent to %d officers", sent)
        self.dispatch()

    def sync_portal(self) -> None:
        while self.portal is not None:
            delivered, failed = self.portal.dispatch()
            if delivered + failed == 0:
                return

    def tick(self) -> SweepResult:
        result = self.sweep()
        self.dispatch()
        self.sync_portal()
        return result


class OutageGuard:
    """Keeps the jobs running while the database is unreachable (restarted, failed over).

    A job that fails to reach the database logs one line (no traceback) and is
    tried again at its next run; the connection pool's pre-ping then replaces
    the dead connections. Nothing is lost: a round that failed committed nothing.
    """

    def __init__(self) -> None:
        self.failures = 0
        self._lock = threading.Lock()

    def wrap(self, job: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(job)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                result = job(*args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                self._failed(getattr(job, "__name__", "job"), error)
                return None
            self._succeeded()
            return result

        return guarded

    def _failed(self, name: str, error: Exception) -> None:
        with self._lock:
            self.failures += 1
            first = self.failures == 1
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        if first:
            log.warning("database unreachable, %s retried at its next run: %s", name, reason)
        else:
            log.debug("database still unreachable (%s): %s", name, reason)

    def _succeeded(self) -> None:
        with self._lock:
            failures, self.failures = self.failures, 0
        if failures:
            log.warning("database reachable again after %d failed runs", failures)


def build_scheduler(worker: Worker, config: Config, background: bool) -> BaseScheduler:
    """An APScheduler running the worker every `scheduler.sweep_interval_seconds`."""
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone=config.tz)
    scheduler.add_job(
        worker.tick,
        "interval",
        seconds=config.scheduler.sweep_interval_seconds,
        id="sweep",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.add_job(
        worker.daily,
        "cron",
        day_of_week="mon-sat",
        hour=7,
        minute=0,
        id="daily_digest",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3 * 3600,
    )
    add_report_jobs(scheduler, worker.engine, config)
    guard = OutageGuard()
    for job in scheduler.get_jobs():
        scheduler.modify_job(job.id, func=guard.wrap(job.func))
    return scheduler


def run_until_idle(worker: Worker) -> SweepResult:
    """Work until nothing is due (for cron, tests and simulations)."""
    while True:
        result = worker.tick()
        if result.handled == 0 and result.skipped == 0:
            return worker.totals


def run_forever(worker: Worker, config: Config) -> None:
    scheduler = build_scheduler(worker, config, background=False)
    stop = threading.Event()

    def shutdown(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping after the current round", signum)
        stop.set()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    OutageGuard().wrap(worker.tick)()  # at once, even when the database is not up yet
    if not stop.is_set():
        scheduler.start()
