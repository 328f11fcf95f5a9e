"""Tiếp nhận: pick a procedure, fill the applicant and the application e-form, tick or upload
the papers; the result is the receipt (Mẫu 01), the supplement list (Mẫu 02) or a refusal
(Mẫu 03)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from engine.definitions.executable import ExecutableDefinition
from engine.definitions.model import Component, Procedure
from engine.digitisation.views import ComponentOffer
from engine.files import FileRejected, StoredFile, safe_file_name, sniff_media_type
from engine.runtime.dossier import Applicant, Channel
from engine.runtime.errors import DomainError, InvalidCommand
from engine.runtime.reception import SubmittedComponent

from ..auth import engine, login_required
from ..problems import status_of
from . import NAV, bp
from .access import readable_dossier
from .common import actor, definition, user
from .eforms import APPLICANT_FORM, FilledForm, blank, fill, form_named
from .parts import component_rows

APPLICANT_PREFIX = "nop__"

NAV.append(("web.reception", "Tiếp nhận", frozenset({"officer"})))


@dataclass
class ReceptionForm:
    """The reception page for one procedure: its forms, the papers, and what went wrong."""

    procedure: Procedure
    applicant: FilledForm
    application: list[tuple[Component, FilledForm]]
    ticked: set[str] = field(default_factory=set)
    files: dict[str, StoredFile] = field(default_factory=dict)
    component_errors: dict[str, str] = field(default_factory=dict)
    channel: str = Channel.DESK.value
    postal_item: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    looked_up: bool = False  # the officer asked for the applicant's stored papers
    offers: dict[str, ComponentOffer] = field(default_factory=dict)
    reuse: dict[str, str] = field(default_factory=dict)  # component → stored paper's code

    @property
    def still_to_scan(self) -> list[Component]:
        """Papers handed in that must be digitised and have neither a scan nor a stored copy."""
        return [
            c
            for c in self.procedure.components
            if c.digitize
            and c.code in self.ticked
            and c.code not in self.files
            and c.code not in self.reuse
        ]


@bp.get("/reception")
@login_required
def reception() -> Any:
    return render_template("reception_pick.html", procedures=_receivable())


@bp.get("/reception/<procedure_code>")
@login_required
def reception_form(procedure_code: str) -> Any:
    return _render(_blank_form(_procedure(procedure_code)))


@bp.post("/reception/<procedure_code>")
@login_required
def reception_submit(procedure_code: str) -> Any:
    page = _posted_form(_procedure(procedure_code))
    action = request.form.get("action")
    if action == "lookup" or page.looked_up:
        try:
            _look_up(page)
        except DomainError as error:
            return _failed(page, error)
    if action == "lookup":
        return _render(page)
    if action == "refuse":
        return _refuse(page)
    return _receive(page)


@bp.get("/reception/receipt/<code>")
@login_required
def receipt(code: str) -> Any:
    found = readable_dossier(code)
    executable = definition(found.definition_id)
    return render_template(
        "receipt.html",
        dossier=found,
        procedure=executable.procedure,
        components=component_rows(code),
        receiver=user(),
    )


# --- what can be received -------------------------------------------------------------------


def _receivable() -> list[tuple[str, Procedure]]:
    """The latest procedures whose first step this officer works (who may receive them)."""
    current = engine()
    me = actor()
    found = []
    for deployed in current.repository.list_latest():
        procedure = current.repository.definition(deployed).procedure
        first = next(iter(procedure.iter_steps()), None)
        if first is not None and me.can_work(first.unit, first.role):
            found.append((deployed.code, procedure))
    return found


def _procedure(code: str) -> Procedure:
    current = engine()
    executable: ExecutableDefinition = current.repository.definition(
        current.repository.latest(code)
    )
    return executable.procedure


def _blank_form(procedure: Procedure) -> ReceptionForm:
    applicant = form_named(APPLICANT_FORM)
    if applicant is None:
        raise InvalidCommand(f"Thiếu biểu mẫu “{APPLICANT_FORM}” trong thư mục biểu mẫu.")
    return ReceptionForm(
        procedure,
        blank(applicant, APPLICANT_PREFIX, {"hinh_thuc_nhan_ket_qua": "truc_tiep"}),
        [
            (c, blank(form, _prefix(c)))
            for c in procedure.components
            if (form := form_named(c.form)) is not None
        ],
    )


def _prefix(component: Component) -> str:
    return f"don_{component.code.lower()}__"


# --- reading the post -----------------------------------------------------------------------


def _posted_form(procedure: Procedure) -> ReceptionForm:
    page = _blank_form(procedure)
    page.applicant = fill(page.applicant.form, APPLICANT_PREFIX, request.form)
    page.channel = request.form.get("channel", Channel.DESK.value)
    page.postal_item = request.form.get("postal_item", "").strip()
    page.looked_up = bool(request.form.get("looked_up"))
    page.reuse = {
        c.code: chosen
        for c in procedure.components
        if (chosen := request.form.get(f"reuse_{c.code}", "").strip()) and chosen != "scan"
    }
    page.reason = request.form.get("reason", "").strip()
    page.ticked = {c.code for c in procedure.components if request.form.get(f"tick_{c.code}")}
    page.ticked |= set(page.reuse)
    for component in procedure.components:
        _read_file(page, component)
    page.application = [
        (c, fill(f.form, f.prefix, request.form) if c.code in page.ticked else _kept(f))
        for c, f in page.application
    ]
    return page


def _look_up(page: ReceptionForm) -> None:
    """The applicant's valid stored papers each reusable component may take (recorded)."""
    identifier = _applicant(page.applicant.data).id_number
    if not identifier:
        page.looked_up = False
        page.errors["lookup"] = (
            "Nhập số định danh cá nhân (hoặc mã số thuế của tổ chức) hợp lệ để tra cứu kho."
        )
        return
    offers = engine().datastore.offers(page.procedure.code, identifier, actor())
    page.offers = {o.component: o for o in offers if o.papers}
    page.looked_up = True
    offered = {p.code for o in offers for p in o.papers}
    page.reuse = {k: v for k, v in page.reuse.items() if v in offered}


def _kept(filled: FilledForm) -> FilledForm:
    """An unticked paper's form keeps what was typed, unchecked."""
    prefix = filled.prefix
    typed = {k.removeprefix(prefix): v for k, v in request.form.items() if k.startswith(prefix)}
    return blank(filled.form, filled.prefix, typed)


def _read_file(page: ReceptionForm, component: Component) -> None:
    upload: FileStorage | None = request.files.get(f"file_{component.code}")
    try:
        if upload is not None and upload.filename:
            page.files[component.code] = engine().files.put(
                cast(BinaryIO, upload.stream), upload.filename, upload.mimetype
            )
        elif request.form.get(f"filekey_{component.code}"):
            page.files[component.code] = _stored(
                request.form[f"filekey_{component.code}"],
                request.form.get(f"filename_{component.code}", ""),
            )
    except FileRejected as error:
        page.component_errors[component.code] = str(error)
        return
    if component.code in page.files:
        page.ticked.add(component.code)


def _stored(key: str, name: str) -> StoredFile:
    """A file uploaded with an earlier attempt of this form, found again by its key."""
    store = engine().files
    if not store.exists(key):
        raise FileRejected("Tệp đã tải lên trước đó không còn; vui lòng chọn lại tệp.")
    path = store.path_of(key)
    with path.open("rb") as handle:
        media_type = sniff_media_type(handle.read(16)) or "application/octet-stream"
    shown = safe_file_name(name) if name.strip() else key[:12]  # the name comes from the form
    return StoredFile(key, path.stat().st_size, media_type, shown)


def _applicant(data: dict[str, Any]) -> Applicant:
    organisation = str(data.get("to_chuc") or "").strip()
    return Applicant(
        name=organisation or str(data.get("ho_ten", "")),
        id_number=(data.get("ma_so_thue") if organisation else data.get("so_dinh_danh")) or None,
        address=data.get("dia_chi"),
        phone=data.get("dien_thoai"),
        email=data.get("email"),
        organisation=bool(organisation),
    )


def _submitted(page: ReceptionForm) -> list[SubmittedComponent]:
    papers = []
    for component in page.procedure.components:
        if component.code not in page.ticked:
            continue
        if component.code in page.reuse:
            papers.append(
                SubmittedComponent(component.code, reused_from=page.reuse[component.code])
            )
            continue
        stored = page.files.get(component.code)
        papers.append(
            SubmittedComponent(
                component.code,
                file_key=stored.key if stored else None,
                file_name=stored.name if stored else None,
                media_type=stored.media_type if stored else None,
                size=stored.size if stored else None,
                sha256=stored.sha256 if stored else None,
            )
        )
    return papers


def _data(page: ReceptionForm) -> dict[str, Any]:
    data: dict[str, Any] = {APPLICANT_FORM: page.applicant.data}
    for component, filled in page.application:
        if component.code in page.ticked and filled.valid:
            data[filled.form.name] = filled.data
    return data


# --- outcomes -------------------------------------------------------------------------------


def _receive(page: ReceptionForm) -> Any:
    invalid = not page.applicant.valid or bool(page.component_errors)
    invalid = invalid or any(c.code in page.ticked and not f.valid for c, f in page.application)
    if invalid:
        page.error = "Hồ sơ chưa tiếp nhận được: xem các lỗi được đánh dấu bên dưới."
        return _render(page, 422)
    try:
        outcome = engine().runtime.receive(
            page.procedure.code,
            _applicant(page.applicant.data),
            actor(),
            _channel(page.channel),
            _submitted(page),
            _data(page),
            postal_item=page.postal_item or None,
        )
    except DomainError as error:
        return _failed(page, error)
    if outcome.dossier_code is None:
        return render_template(
            "supplement_list.html",
            procedure=page.procedure,
            applicant=_applicant(page.applicant.data),
            missing=outcome.missing,
            receiver=user(),
            now=engine().clock.now(),
        )
    flash(f"Đã tiếp nhận hồ sơ {outcome.dossier_code}.", "info")
    return redirect(url_for("web.receipt", code=outcome.dossier_code))


def _refuse(page: ReceptionForm) -> Any:
    if not page.reason:
        page.errors["reason"] = "Phải nêu lý do từ chối tiếp nhận."
    if not page.applicant.valid or page.errors:
        page.error = "Chưa thể từ chối tiếp nhận: xem các lỗi được đánh dấu bên dưới."
        return _render(page, 422)
    try:
        code = engine().runtime.refuse_at_reception(
            page.procedure.code,
            _applicant(page.applicant.data),
            actor(),
            page.reason,
            _channel(page.channel),
            _submitted(page),
            _data(page),
        )
    except DomainError as error:
        return _failed(page, error)
    flash(
        f"Đã từ chối tiếp nhận; hồ sơ {code} được ghi nhận để lập Phiếu từ chối (Mẫu 03).", "info"
    )
    return redirect(url_for("web.receipt", code=code))


def _channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError as error:
        raise InvalidCommand("Hình thức nộp không hợp lệ.", field="channel") from error


def _failed(page: ReceptionForm, error: DomainError) -> Any:
    where = error.details.get("field")
    if isinstance(where, str):
        page.errors[where] = error.message
    page.error = error.message
    return _render(page, status_of(error))


def _render(page: ReceptionForm, status: int = 200) -> Any:
    return render_template("reception_form.html", page=page, channels=list(Channel)), status
