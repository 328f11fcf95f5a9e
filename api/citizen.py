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
from engine.runtime.errors import DossierNotFound, InvalidCommand, NotAuthorised

from .auth import RateLimiter, engine

__all__ = [
    "CHECK_DIGITS",
    "ATTEMPTS_PER_MINUTE",
    "LIMITS",
    "allowed",
    "rate_as_applicant",
    "submit_feedback",
    "published",
]

CHECK_DIGITS = 4
ATTEMPTS_PER_MINUTE = 10
_DIGITS = re.compile(r"^\d{4,12}$")
# The longest text each field keeps (the columns' sizes; free text is bounded too).
LIMITS = {
    "subject": 300,
    "content": 10000,
    "sender_name": 200,
    "sender_contact": 200,
    "comment": 2000,
    "answer": 10000,
}
_LABELS = {
    "subject": "Tiêu đề",
    "content": "Nội dung",
    "sender_name": "Họ và tên",
    "sender_contact": "Thông tin liên hệ",
    "comment": "Ý kiến",
    "answer": "Nội dung trả lời",
}


def check_length(field: str, value: str | None) -> None:
    """InvalidCommand (422) naming the field when ``value`` is longer than it may be."""
    if value is not None and len(value.strip()) > LIMITS[field]:
        raise InvalidCommand(
            f"{_LABELS[field]} không được dài quá {LIMITS[field]} ký tự.", field=field
        )
    if value is not None and "\x00" in value:
        raise InvalidCommand(f"{_LABELS[field]} chứa ký tự không hợp lệ.", field=field)


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
    check_length("comment", comment)
    digits = check.strip()
    if not _DIGITS.match(digits):
        raise InvalidCommand(
            "Nhập ít nhất 4 chữ số cuối của số điện thoại hoặc số định danh đã khai khi nộp.",
            field="check",
        )
    dossier = engine().runtime.get(_dossier_code(code))
    known = [
        re.sub(r"\D", "", str(dossier.applicant.get(name) or "")) for name in ("phone", "id_number")
    ]
    if not any(number and number.endswith(digits) for number in known):
        raise NotAuthorised(
            "Số kiểm tra không khớp với số điện thoại hoặc số định danh của người nộp hồ sơ."
        )
    return FeedbackService(engine()).rate(dossier.code, value, comment, source)


def submit_feedback(
    kind: str,
    subject: str,
    content: str,
    sender_name: str,
    sender_contact: str | None,
    dossier_code: str | None,
    agency_id: str | None,
) -> FeedbackView:
    """Phản ánh, kiến nghị from anyone: about a dossier (its agency) or to an agency."""
    values = {
        "subject": subject,
        "content": content,
        "sender_name": sender_name,
        "sender_contact": sender_contact,
    }
    for field, value in values.items():
        check_length(field, value)
    code = _dossier_code(dossier_code) if (dossier_code or "").strip() else None
    return FeedbackService(engine()).submit(
        kind,
        subject,
        content,
        sender_name,
        sender_contact,
        dossier_code=code,
        agency_id=None if code else agency_id,
    )


def _dossier_code(text: str | None) -> str:
    """A dossier code as typed; one that cannot exist (too long, a NUL) is a 404 at once."""
    code = (text or "").strip().upper()
    if not code or len(code) > 64 or "\x00" in code:
        raise DossierNotFound(f"Không tìm thấy hồ sơ có mã “{code[:64]}”.", code=code[:64])
    return code


def published(limit: int = 50) -> list[FeedbackView]:
    """Answered feedback the agencies published, newest first."""
    return FeedbackService(engine()).find(published_only=True, limit=limit)
