"""Tra cứu hồ sơ (public, no login): a dossier's status and appointment date, nothing personal."""

from __future__ import annotations

from typing import Any, cast

from flask import current_app, render_template, request

from engine.reports.feedback import FeedbackService
from engine.runtime.dossier import DossierStatus
from engine.runtime.errors import DossierNotFound
from engine.runtime.views import DossierView

from ..auth import RateLimiter, engine
from . import bp
from .common import definition

LOOKUPS_PER_MINUTE = 30


@bp.get("/tra-cuu")
def lookup() -> Any:
    code = request.args.get("ma", "").strip().upper()
    if not code:
        return render_template("lookup.html", code="")
    if not _limiter().hit(request.remote_addr or "?"):
        message = "Tra cứu quá nhiều lần từ máy này; vui lòng thử lại sau ít phút."
        return render_template("lookup.html", code=code, error=message), 429
    try:
        found = engine().runtime.get(code)
    except DossierNotFound:
        message = f"Không tìm thấy hồ sơ có mã {code}. Kiểm tra lại mã trên giấy hẹn."
        return render_template("lookup.html", code=code, error=message), 404
    procedure = definition(found.definition_id).procedure
    return render_template(
        "lookup.html",
        code=code,
        found=found,
        procedure_name=procedure.name,
        finished=found.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED),
        rateable=_rateable(found),
    )


def _rateable(found: DossierView) -> bool:
    """Processing ended and nobody rated it yet: offer the rating page."""
    if found.finished_at is None and found.closed_at is None:
        return False
    return FeedbackService(engine()).rating(found.code) is None


def _limiter() -> RateLimiter:
    limiter = current_app.extensions.get("motcua.lookup_limiter")
    if limiter is None:
        limiter = RateLimiter(limit=LOOKUPS_PER_MINUTE, window=60)
        current_app.extensions["motcua.lookup_limiter"] = limiter
    return cast(RateLimiter, limiter)
