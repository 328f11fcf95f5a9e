"""Periodic jobs of reports: the feedback (PAKN) overdue sweep and the weekly 766 snapshot.

Both are safe to run from any number of schedulers: the sweep flips each
feedback row to overdue at most once, and a week's snapshot row is written once.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from engine.config import Config
from engine.reports.feedback import FeedbackService
from engine.reports.service import ReportService
from engine.runtime.engine import Engine

__all__ = ["add_report_jobs", "sweep_feedback", "snapshot_index"]

log = logging.getLogger("motcua.scheduler")


def sweep_feedback(engine: Engine) -> list[str]:
    """Mark feedback unanswered past its 10 working days overdue."""
    marked = FeedbackService(engine).mark_overdue()
    if marked:
        log.info("feedback overdue: %s", ", ".join(marked))
    return marked


def snapshot_index(engine: Engine, config: Config) -> int:
    """Keep last week's Decision 766 index (once per scope and week)."""
    added = ReportService.from_config(engine, config).take_weekly_snapshot()
    if added:
        log.info("766 index: %d weekly snapshots taken", added)
    return added


def add_report_jobs(scheduler: BaseScheduler, engine: Engine, config: Config) -> None:
    """The feedback sweep with the timer sweep's interval; the snapshot on Mondays at 01:00
    and once at start-up (a week missed while no scheduler ran is caught up)."""
    common = {"max_instances": 1, "coalesce": True}
    scheduler.add_job(
        sweep_feedback,
        "interval",
        args=(engine,),
        seconds=config.scheduler.sweep_interval_seconds,
        id="feedback_overdue",
        **common,
    )
    scheduler.add_job(
        snapshot_index,
        "cron",
        args=(engine, config),
        day_of_week="mon",
        hour=1,
        id="index_snapshot",
        misfire_grace_time=None,
        **common,
    )
    scheduler.add_job(snapshot_index, args=(engine, config), id="index_snapshot_start")
