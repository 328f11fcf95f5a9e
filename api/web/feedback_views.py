"""Public pages (no login): rate a finished dossier, send feedback (PAKN), read the answers."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from engine.reports.feedback import FeedbackKind, RatingValue
from engine.runtime.errors import DomainError

from ..auth import check_csrf, engine
from ..citizen import allowed, published, rate_as_applicant, submit_feedback
from ..problems import status_of
from . import bp

TOO_MANY = "Thao tác quá nhiều lần từ máy này; vui lòng thử lại sau ít phút."


def _agencies() -> list[tuple[str, str]]:
    return [(u.id, u.name) for u in engine().organisation.units.values() if u.is_agency]


def _rating_page(status: int = 200, **values: Any) -> Any:
    page = render_template(
        "rating.html",
        ratings=[(r.value, r.label) for r in RatingValue],
        form=request.form if request.method == "POST" else request.args,
        **values,
    )
    return page, status


@bp.get("/danh-gia")
def rating_form() -> Any:
    return _rating_page()


@bp.post("/danh-gia")
def rate() -> Any:
    check_csrf()
    if not allowed():
        return _rating_page(429, error=TOO_MANY)
    form = request.form
    try:
        done = rate_as_applicant(
            form.get("ma", ""),
            form.get("kiem_tra", ""),
            form.get("muc_do", ""),
            form.get("y_kien"),
            "web",
        )
    except DomainError as error:
        return _rating_page(status_of(error), error=error.message)
    return _rating_page(done=done)


def _feedback_page(status: int = 200, **values: Any) -> Any:
    page = render_template(
        "feedback.html",
        kinds=[(k.value, k.label) for k in FeedbackKind],
        agencies=_agencies(),
        form=request.form if request.method == "POST" else request.args,
        **values,
    )
    return page, status


@bp.get("/phan-anh")
def feedback_form() -> Any:
    return _feedback_page()


@bp.post("/phan-anh")
def send_feedback() -> Any:
    check_csrf()
    if not allowed():
        return _feedback_page(429, error=TOO_MANY)
    form = request.form
    try:
        sent = submit_feedback(
            form.get("loai", ""),
            form.get("tieu_de", ""),
            form.get("noi_dung", ""),
            form.get("ho_ten", ""),
            form.get("lien_he"),
            form.get("ma_ho_so"),
            form.get("co_quan") or None,
        )
    except DomainError as error:
        where = error.details.get("field")
        return _feedback_page(status_of(error), error=error.message, field=where)
    return _feedback_page(sent=sent)


@bp.get("/phan-anh/tra-loi")
def feedback_answers() -> Any:
    return render_template("feedback_answers.html", answers=published())
