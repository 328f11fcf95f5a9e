"""What the reliability tests watch in the timers table while processes come and go."""

from __future__ import annotations

from sqlalchemy import func, select, text

from engine.store.db import Database
from engine.store.models import EventRow, TimerRow


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


def assert_each_timer_fired_once(database: Database) -> None:
    """No timer fired twice: no repeated `fire_timer` event, one event per fired timer."""
    with database.read() as session:
        duplicates = session.execute(
            text(
                "SELECT dossier_id, payload::text, count(*) FROM events"
                " WHERE command = 'fire_timer' GROUP BY 1, 2 HAVING count(*) > 1"
            )
        ).all()
        events = session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.command == "fire_timer")
        )
    assert duplicates == []
    assert events == fired_timers(database)
