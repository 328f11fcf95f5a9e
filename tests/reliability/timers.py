"""What the reliability tests watch in the timers table while processes come and go."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.store.db import Database
from engine.store.models import TimerRow


def due_timers(database: Database) -> int:
    """Pending timers whose moment (by the database's clock) has come."""
    with database.read() as session:
        query = (
            select(func.count())
            .select_from(TimerRow)
            .where(TimerRow.status == "pending", TimerRow.due_at <= func.now())
        )
        return session.scalar(query) or 0


def fired_timers(database: Database) -> int:
    with database.read() as session:
        query = select(func.count()).select_from(TimerRow).where(TimerRow.status == "fired")
        return session.scalar(query) or 0
