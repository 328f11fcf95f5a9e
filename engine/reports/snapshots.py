"""Weekly snapshots of the Decision 766 index, so a page can draw its trend.

The scheduler calls :func:`take_weekly_snapshot` every Monday (and once when it
starts): it scores the week that ended (Monday to Sunday) for everything, each
level and each agency with data, and keeps one row per scope and week. Taking
it again changes nothing (the row exists), so any number of schedulers may run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from engine.store.models_reports import IndexSnapshotRow

from .index766 import ScopeScore
from .periods import Period, weekly

if TYPE_CHECKING:
    from .service import ReportService

__all__ = ["SnapshotPoint", "last_week", "take_weekly_snapshot", "trend"]


@dataclass(frozen=True)
class SnapshotPoint:
    """One week of one scope's index."""

    period_start: datetime
    period_end: datetime
    score: float
    max_points: float
    band: str | None
    complete: bool

    @property
    def scaled(self) -> float | None:
        return 100 * self.score / self.max_points if self.max_points else None


def last_week(now: datetime, reports: ReportService) -> Period:
    """The Monday-to-Sunday week before the one holding ``now``."""
    local = now.astimezone(reports.tz)
    return weekly(local.date() - timedelta(days=7), reports.tz)


def take_weekly_snapshot(reports: ReportService, now: datetime | None = None) -> int:
    """Score last week once per scope; returns how many rows were added."""
    moment = now or reports.now()
    week = last_week(moment, reports)
    index = reports.service_index(week)
    rows = [_row(scope, week, moment) for scope in index.scopes]
    database = reports.database
    insert = postgresql.insert if database.is_postgresql else sqlite.insert
    added = 0
    with database.write() as session:
        for row in rows:
            statement = (
                insert(IndexSnapshotRow)
                .values(**row)
                .on_conflict_do_nothing()
                .returning(IndexSnapshotRow.id)
            )
            added += len(session.scalars(statement).all())
    return added


def trend(reports: ReportService, kind: str, key: str = "", weeks: int = 26) -> list[SnapshotPoint]:
    """The scope's last ``weeks`` snapshots, oldest first."""
    query = (
        select(IndexSnapshotRow)
        .where(IndexSnapshotRow.scope_kind == kind, IndexSnapshotRow.scope_key == key)
        .order_by(IndexSnapshotRow.period_start.desc())
        .limit(weeks)
    )
    with reports.database.read() as session:
        rows = list(session.scalars(query))
    return [
        SnapshotPoint(r.period_start, r.period_end, r.score, r.max_points, r.band, r.complete)
        for r in reversed(rows)
    ]


def _row(scope: ScopeScore, week: Period, now: datetime) -> dict[str, object]:
    return {
        "scope_kind": scope.kind,
        "scope_key": scope.key,
        "period_start": week.start,
        "period_end": week.end,
        "score": scope.score,
        "max_points": scope.max_points,
        "band": scope.band,
        "complete": scope.complete,
        "indicators": {i.indicator.code: i.as_dict() for i in scope.indicators},
        "taken_at": now,
    }
