"""Số hóa: the applicant's data store (Kho), scans attached after reception, fees at the
desk, and the national portal's sync outbox for administrators.

Stored papers are personal data: the Kho page asks for grounds (a dossier of
the applicant the officer is handling, or an auditor's reason), and the
engine checks them and writes every look into the applicant's access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import FileStorage

from engine.digitisation.access import Grounds
from engine.digitisation.views import AccessEntry, PaperView
from engine.files import FileRejected, StoredFile
from engine.runtime.errors import DomainError, InvalidCommand, NotAuthorised

from ..auth import engine, login_required
from . import NAV, bp
from .access import AUDITOR, readable_dossier
from .common import actor, safe_next, user
from .filters import vnd

ADMINS = frozenset({"admin"})
DESK_METHODS = {"cash": "Tiền mặt tại Bộ phận Một cửa", "transfer": "Chuyển khoản"}

NAV.append(("web.sync_admin", "Đồng bộ Cổng DVC", ADMINS))


# --- the data store -------------------------------------------------------------------------


@dataclass(frozen=True)
class KhoPage:
    identifier: str
    dossier: str
    reason: str
    papers: list[PaperView] | None
    log: list[AccessEntry] | None

    @property
    def query(self) -> dict[str, str]:
        """The grounds, to carry on links that open a paper."""
        return {"dossier": self.dossier} if self.dossier else {"reason": self.reason}


@bp.get("/kho/<identifier>")
@login_required
def kho(identifier: str) -> Any:
    dossier = request.args.get("dossier", "").strip()
    reason = request.args.get("reason", "").strip()
    if not dossier and not reason:
        return render_template("kho.html", page=KhoPage(identifier, "", "", None, None))
    grounds = _grounds(dossier, reason)
    papers = engine().datastore.papers(identifier, actor(), grounds, include_invalid=True)
    log = None
    if not dossier and AUDITOR in user().roles:
        log = engine().datastore.access_log(identifier, actor(), reason)
    page = KhoPage(identifier, dossier, reason, papers, log)
    return render_template("kho.html", page=page, today=_today())


@bp.get("/kho/<identifier>/papers/<public_id>")
@login_required
def kho_paper(identifier: str, public_id: str) -> Response:
    grounds = _grounds(request.args.get("dossier", ""), request.args.get("reason", ""))
    opened = engine().datastore.open_paper(public_id, actor(), grounds)
    if opened.paper.applicant != identifier:
        opened.stream.close()
        raise NotAuthorised("Giấy tờ này không thuộc kho dữ liệu của người đang xem.")
    response = send_file(opened.stream, mimetype=opened.paper.media_type, etag=False)
    response.headers.update(opened.headers())
    return response


def _grounds(dossier: str, reason: str) -> Grounds:
    if dossier.strip():
        return Grounds.dossier(dossier.strip().upper())
    return Grounds.audit(reason.strip())


def _today() -> Any:
    current = engine()
    return current.clock.now().astimezone(current.tz).date()


# --- scans after reception ------------------------------------------------------------------


@bp.post("/dossiers/<code>/scans/<component>")
@login_required
def attach_scan(code: str, component: str) -> Any:
    readable_dossier(code)
    back = safe_next(url_for("web.dossier", code=code))
    upload: FileStorage | None = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Chọn tệp bản quét (PDF, JPG, PNG, TIFF) trước khi tải lên.", "error")
        return redirect(back)
    try:
        stored = _store(upload)
        digitized = engine().digitisation.attach_scan(code, component, stored, actor())
    except FileRejected as error:
        flash(str(error), "error")
        return redirect(back)
    stored_in = f"; mã giấy tờ số hóa {digitized}" if digitized else ""
    flash(f"Đã đính kèm bản quét thành phần {component} của hồ sơ {code}{stored_in}.", "info")
    return redirect(back)


def _store(upload: FileStorage) -> StoredFile:
    return engine().files.put(
        cast(BinaryIO, upload.stream), upload.filename or "ban-quet", upload.mimetype
    )


# --- fees at the desk -----------------------------------------------------------------------


@bp.post("/dossiers/<code>/payment")
@login_required
def record_payment(code: str) -> Any:
    readable_dossier(code)
    method = request.form.get("method", "")
    reference = request.form.get("reference", "").strip() or None
    back = url_for("web.dossier", code=code)
    try:
        if method not in DESK_METHODS:
            raise InvalidCommand("Chọn hình thức thu: tiền mặt hoặc chuyển khoản.", field="method")
        fee = engine().payments.record(code, actor(), method, reference=reference)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    flash(f"Đã ghi nhận thu phí, lệ phí hồ sơ {code}: {fee.method_label}.", "info")
    return redirect(back)


@bp.post("/dossiers/<code>/payment/online")
@login_required
def start_online_payment(code: str) -> Any:
    """Thông báo nộp phí trực tuyến: an order with the gateway; the citizen pays at its link."""
    readable_dossier(code)
    back = url_for("web.dossier", code=code)
    try:
        checkout = engine().payments.start_online(code, actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    flash(
        f"Đã tạo thông báo nộp phí {vnd(checkout.amount)} (mã {checkout.order_ref}); "
        f"người nộp thanh toán tại: {checkout.checkout_url}",
        "info",
    )
    return redirect(back)


# --- the national portal's sync -------------------------------------------------------------


@bp.get("/admin/sync")
@login_required
def sync_admin() -> Any:
    _require_admin()
    portal = engine().portal
    return render_template("sync_admin.html", counts=portal.counts(), dead=portal.dead())


@bp.post("/admin/sync/retry")
@login_required
def sync_retry() -> Any:
    _require_admin()
    raw = request.form.get("id", "").strip()
    if raw and not raw.isdigit():
        raise InvalidCommand("Mã bản ghi đồng bộ không hợp lệ.", field="id")
    count = engine().portal.requeue([int(raw)] if raw else None)
    flash(f"Đã đưa {count} bản ghi trở lại hàng đợi gửi Cổng Dịch vụ công quốc gia.", "info")
    return redirect(url_for("web.sync_admin"))


def _require_admin() -> None:
    if not user().roles & ADMINS:
        raise NotAuthorised("Chỉ quản trị hệ thống được xem hàng đợi đồng bộ.")


# --- what the dossier and task pages show ---------------------------------------------------


@dataclass(frozen=True)
class DossierDigitisation:
    to_scan: list[Any]
    fee: Any
    methods: dict[str, str]
    online: bool  # a payment gateway is configured


@bp.app_template_global()
def dossier_digitisation(code: str) -> DossierDigitisation:
    """Still to scan and the fee, for the dossier's and its tasks' pages."""
    current = engine()
    return DossierDigitisation(
        current.digitisation.still_to_scan(code),
        current.payments.fee(code),
        DESK_METHODS,
        current.payments.gateway is not None,
    )
