"""Public lookup (tra cứu hồ sơ): anyone, without signing in, by dossier code.

It shows what the receipt already tells the applicant (status, dates, the
procedure's name) and never personal data: no name, no address, no e-form, no
file. Requests are limited per address, so codes cannot be harvested.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth import RateLimiter, engine
from .bodies import STATUSES
from .requests import abort
from .schemas import ApiSchema, LocalDateTime

PREFIX = "/public"
blp = Blueprint("public", __name__, description="Tra cứu hồ sơ công khai (không cần đăng nhập)")
LOOKUPS_PER_MINUTE = 30


class PublicDossierSchema(ApiSchema):
    code = fields.String(required=True, metadata={"example": "000.31.36.H10-261207-0001"})
    procedure_code = fields.String(required=True)
    procedure_name = fields.String(required=True, metadata={"example": "Đăng ký khai sinh"})
    status = fields.String(required=True, metadata={"enum": STATUSES})
    status_label = fields.String(required=True, metadata={"example": "Đang giải quyết"})
    received_at = LocalDateTime(required=True)
    due_at = LocalDateTime(allow_none=True, metadata={"description": "ngày hẹn trả kết quả"})


def _limiter() -> RateLimiter:
    limiter: RateLimiter | None = current_app.extensions.get("motcua.lookup_limiter")
    if limiter is None:
        limiter = RateLimiter(limit=LOOKUPS_PER_MINUTE, window=60)
        current_app.extensions["motcua.lookup_limiter"] = limiter
    return limiter


@blp.route("/dossiers/<code>")
class PublicDossier(MethodView):
    @blp.doc(security=[])
    @blp.response(200, PublicDossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self, code: str) -> dict[str, Any]:
        """Tra cứu: status and appointment date of a dossier, by its code; no personal data."""
        if not _limiter().hit(request.remote_addr or "unknown"):
            abort(429, headers={"Retry-After": "60"})
        dossier = engine().runtime.get(code.strip().upper())
        procedure = engine().repository.by_id(dossier.definition_id)
        return {
            "code": dossier.code,
            "procedure_code": dossier.procedure_code,
            "procedure_name": procedure.name,
            "status": dossier.status.value,
            "status_label": dossier.status.label,
            "received_at": dossier.received_at,
            "due_at": dossier.due_at,
        }
