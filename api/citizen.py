"""What a citizen does without an account: rate a finished dossier, send feedback (PAKN).

Rating needs the dossier's code and a check that it is the applicant's: the
last digits (at least 4) of the phone number or of the ID number given at
reception. A dossier is rated once (the engine refuses a second rating), and
attempts are limited per address, so the check digits cannot be guessed.
"""

from __future__ import annotations

import re
from typing import cast

from flask import current_app, request

from engine.reports.feedback import FeedbackService, FeedbackView, RatingView
from engine.runtime.errors import InvalidCommand, NotAuthorised

from .auth import RateLimiter, engine

__all__ = ["CHECK_DIGITS", "ATTEMPTS_PER_MINUTE", "allowed", "rate_as_applicant", "published"]

CHECK_DIGITS = 4
ATTEMPTS_PER_MINUTE = 10
_DIGITS = re.compile(r"^\d{4,12}$")


def allowed() -> bool:
    """One more rating or feedback attempt from this address (False: over the limit)."""
    limiter = current_app.extensions.get("motcua.citizen_limiter")
    if limiter is None:
        limiter = RateLimiter(limit=ATTEMPTS_PER_MINUTE, window=60)
        current_app.extensions["motcua.citizen_limiter"] = limiter
    return cast(RateLimiter, limiter).hit(request.remote_addr or "?")


def rate_as_applicant(
    code: str, check: str, value: str, comment: str | None, source: str
) -> RatingView:
    """The applicant's rating of dossier ``code``, once, after checking it is theirs."""
    digits = check.strip()
    if not _DIGITS.match(digits):
        raise InvalidCommand(
            "Nhập ít nhất 4 chữ số cuối của số điện thoại hoặc số định danh đã khai khi nộp.",
            field="check",
        )
    dossier = engine().runtime.get(code.strip().upper())
    known = [
        re.sub(r"\D", "", str(dossier.applicant.get(name) or "")) for name in ("phone", "id_number")
    ]
    if not any(number and number.endswith(digits) for number in known):
        raise NotAuthorised(
            "Số kiểm tra không khớp với số điện thoại hoặc số định danh của người nộp hồ sơ."
        )
    return FeedbackService(engine()).rate(dossier.code, value, comment, source)


def published(limit: int = 50) -> list[FeedbackView]:
    """Answered feedback the agencies published, newest first."""
    return FeedbackService(engine()).find(published_only=True, limit=limit)
