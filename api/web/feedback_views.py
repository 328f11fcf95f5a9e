"""Public pages (no login): rate a finished dossier, send feedback (PAKN), read the answers."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from engine.reports.feedback import FeedbackKind, RatingValue
from engine.runtime.errors import DomainError, NotAuthorised

from ..auth import check_csrf, engine, login_required
from ..citizen import allowed, check_length, published, rate_as_applicant, submit_feedback
from ..problems import status_of
from ..reporting import EVERYTHING_ROLES, feedback_service, own_agency
from . import NAV, bp
from .common import actor, user

NAV.append(
    ("web.feedback_inbox", "Phản ánh", frozenset({"officer", "head", "leader", "auditor", "admin"}))
)

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


# --- officers: answer and publish the feedback their agency received ----------------------------


@bp.get("/phan-anh/xu-ly")
@login_required
def feedback_inbox() -> Any:
    return _inbox_page()


def _inbox_page(status: int = 200, error: str | None = None) -> Any:
    me = user()
    everything = bool(me.roles & EVERYTHING_ROLES)
    agency = None if everything else own_agency(me)
    if agency is None and not everything:
        raise NotAuthorised("Tài khoản này không thuộc cơ quan nào nên không nhận phản ánh.")
    open_only = request.args.get("chua_tra_loi") == "1"
    found = feedback_service().find(agency_id=agency, open_only=open_only)
    page = render_template(
        "feedback_inbox.html",
        items=found,
        open_only=open_only,
        error=error,
        now=engine().clock.now(),
        can_answer=not everything or me.unit_id is not None,
    )
    return page, status


@bp.post("/phan-anh/xu-ly/<code>/tra-loi")
@login_required
def answer_feedback(code: str) -> Any:
    text = request.form.get("tra_loi", "")
    try:
        check_length("answer", text)
        feedback_service().answer(code, actor(), text, request.form.get("cong_khai") == "1")
    except DomainError as error:
        return _inbox_page(status_of(error), error.message)
    flash(f"Đã trả lời phản ánh, kiến nghị {code}.", "info")
    return redirect(url_for("web.feedback_inbox"))


@bp.post("/phan-anh/xu-ly/<code>/cong-khai")
@login_required
def publish_feedback(code: str) -> Any:
    try:
        feedback_service().publish(code, actor())
    except DomainError as error:
        return _inbox_page(status_of(error), error.message)
    flash(f"Đã công khai câu trả lời {code}.", "info")
    return redirect(url_for("web.feedback_inbox"))
