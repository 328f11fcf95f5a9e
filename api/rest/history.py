"""History (lịch sử): events, replay at a moment, verification, the process control sheet.

Read under the rules of ``api.rest.access``: auditors every dossier, officers
those of their agency or that their unit works on.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from engine.audit.history import EventView, HandOver
from engine.runtime.timeliness import Timeliness

from ..auth import engine
from .access import readable_dossier
from .requests import caller, requires
from .schemas import ApiSchema, LocalDateTime

PREFIX = "/dossiers"
blp = Blueprint("history", __name__, description="Lịch sử hồ sơ: sự kiện, tái hiện, kiểm tra")


class EventSchema(ApiSchema):
    seq = fields.Integer(required=True)
    occurred_at = LocalDateTime(required=True)
    actor = fields.String(required=True)
    command = fields.String(required=True, metadata={"example": "complete"})
    payload = fields.Dict(required=True)
    state_hash = fields.String(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class ReplayArgs(ApiSchema):
    at = LocalDateTime(
        metadata={"description": "the moment to rebuild, ISO 8601 with offset; default now"}
    )


class ReplaySchema(ApiSchema):
    code = fields.String(required=True)
    at = LocalDateTime(allow_none=True)
    state = fields.Dict(required=True, metadata={"description": "empty before the reception"})
    events = fields.List(fields.Nested(EventSchema), required=True)


class FailureSchema(ApiSchema):
    seq = fields.Integer(allow_none=True)
    reason = fields.String(required=True)


class VerifySchema(ApiSchema):
    code = fields.String(required=True)
    ok = fields.Boolean(required=True)
    failures = fields.List(fields.Nested(FailureSchema), required=True)


class OpenedSchema(ApiSchema):
    task = fields.String(required=True)
    unit = fields.String(required=True)


class HandOverSchema(ApiSchema):
    seq = fields.Integer(required=True)
    at = LocalDateTime(required=True)
    step = fields.String(required=True)
    from_unit = fields.String(allow_none=True)
    from_person = fields.String(required=True)
    to = fields.List(fields.Nested(OpenedSchema), required=True)
    due_at = LocalDateTime(allow_none=True)
    done_at = LocalDateTime(required=True)
    timeliness = fields.String(required=True, metadata={"enum": [t.value for t in Timeliness]})
    timeliness_label = fields.String(required=True, metadata={"example": "Đúng hạn"})


@blp.route("/<code>/history")
class History(MethodView):
    @requires()
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> list[EventView]:
        """Sự kiện: every event of the dossier, hash-chained, in order."""
        readable_dossier(code, caller())
        return engine().history.events(code)


@blp.route("/<code>/replay")
class Replay(MethodView):
    @requires()
    @blp.arguments(ReplayArgs, location="query")
    @blp.response(200, ReplaySchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], code: str) -> Any:
        """Tái hiện: the dossier as it was at `at`, rebuilt from its events."""
        readable_dossier(code, caller())
        return engine().history.replay(code, args.get("at"))


@blp.route("/<code>/verify")
class Verify(MethodView):
    @requires()
    @blp.response(200, VerifySchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> dict[str, Any]:
        """Kiểm tra toàn vẹn: the hash chain holds and the replay matches the stored dossier."""
        readable_dossier(code, caller())
        report = engine().history.verify(code)
        failures = [{"seq": f.seq, "reason": f.reason} for f in report.failures]
        return {"code": code, "ok": report.ok, "failures": failures}


@blp.route("/<code>/control-sheet")
class ControlSheet(MethodView):
    @requires()
    @blp.response(200, HandOverSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str) -> list[dict[str, Any]]:
        """Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06): one row per hand-over."""
        readable_dossier(code, caller())
        return [_hand_over(row) for row in engine().history.control_sheet(code)]


def _hand_over(row: HandOver) -> dict[str, Any]:
    return {
        **vars(row),
        "to": [{"task": task, "unit": unit} for task, unit in row.to],
        "timeliness_label": Timeliness(row.timeliness).label,
    }
