"""Health: is the database reachable, how many timers and notifications are waiting."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select, text

from engine.store.models import OutboxRow, TimerRow

from ..auth import engine

PREFIX = "/health"
blp = Blueprint("health", __name__, description="Tình trạng hệ thống")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    database = fields.String(required=True)
    timers_due = fields.Integer(required=True)
    outbox_waiting = fields.Integer(required=True)


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Liveness and backlog: timers past due, notifications not yet sent."""
        current = engine()
        now = current.clock.now()
        with current.database.read() as session:
            session.execute(text("SELECT 1"))
            due = (
                session.scalar(
                    select(func.count())
                    .select_from(TimerRow)
                    .where(TimerRow.status == "pending", TimerRow.due_at <= now)
                )
                or 0
            )
            waiting = (
                session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.status.in_(("pending", "sending")))
                )
                or 0
            )
        return {
            "status": "ok",
            "database": current.database.engine.dialect.name,
            "timers_due": due,
            "outbox_waiting": waiting,
        }
