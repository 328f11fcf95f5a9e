"""Giấy tờ: the official forms of a dossier, filled from what the engine recorded.

    render_dossier_document(engine, code, "01", public_base_url=...)  -> (docx bytes, filename)
    render_tracking_book(engine, period, unit="ubnd_xa")             -> (docx bytes, filename)

Each form is built from the dossier's own record (``forms.document_model`` is
the contract):

* 01 receipt: the dossier, its papers, the appointment given at reception (the
  original one), the receiving officer; its QR code opens the public lookup,
  ``<web.public_base_url>/lookup?code=<code>``;
* 02 supplement request: a request recorded in ``outcome["supplement_requests"]``
  (the last one unless ``index`` says which), signed by the officer who asked;
* 03 refusal: ``outcome["refusal_reason"]``, by the officer who refused;
* 04 apology: the recorded letter (``outcome["apologies"]``), or the draft the
  engine prepared when the letter was asked for (``outcome["apology_draft"]``),
  signed by the head of the unit at fault;
* 05 stop notice: ``outcome["stop_reason"]``, signed by the agency's leader;
* 06 control sheet: the hand-overs of :meth:`HistoryService.control_sheet`;
* 07 tracking book: every dossier received in a period (:func:`render_tracking_book`);
* ``result``: the procedure's result document, when its ``result.template`` is set.

A form that does not apply to the dossier (a refusal for a dossier that was not
refused) raises :class:`FormNotApplicable` saying why; a field the form needs
but the record lacks raises the forms' ``MissingContextField`` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import select

from engine.audit.history import HandOver as SheetRow
from engine.definitions.executable import TaskKind
from engine.definitions.model import Duration, Procedure, TimeUnit
from engine.definitions.organisation import Organisation, Unit
from engine.store.models import ComponentRow, DefinitionRow, DossierRow
from forms import document_model as doc
from forms.document_catalogue import Form, parse_form
from forms.documents import render, render_result

from .dossier import DossierStatus
from .errors import InvalidTransition
from .timeliness import Timeliness, classify
from .views import DossierView, TaskView

if TYPE_CHECKING:
    from .engine import Engine

__all__ = [
    "FormNotApplicable",
    "RESULT",
    "LOOKUP_PATH",
    "lookup_url",
    "place_name",
    "dossier_context",
    "render_dossier_document",
    "tracking_book_context",
    "render_tracking_book",
]

RESULT = "result"  # the procedure's result document, beside forms 01-07
LOOKUP_PATH = "/lookup"
APPLICANT_SIDE = "Tổ chức, cá nhân"
UNASSIGNED = "Chưa phân công"
_PLACE = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(.+)$", re.I)
_NUMBER_SUFFIX = {
    Form.RECEIPT: "TN",
    Form.SUPPLEMENT_REQUEST: "YCBS",
    Form.REFUSAL: "TC",
    Form.APOLOGY: "XL",
    Form.STOP_NOTICE: "TB",
}


DossierFormContext = (
    doc.ReceiptContext
    | doc.SupplementRequestContext
    | doc.RefusalContext
    | doc.ApologyContext
    | doc.StopNoticeContext
    | doc.ControlSheetContext
)


class FormNotApplicable(InvalidTransition):
    """The form does not apply to this dossier (e.g. Mẫu 03 for a dossier not refused)."""

    code = "form_not_applicable"


def lookup_url(public_base_url: str, code: str) -> str:
    """The public lookup page of a dossier: ``<base>/lookup?code=<code>``."""
    return f"{public_base_url.rstrip('/')}{LOOKUP_PATH}?code={quote(code, safe='')}"


def place_name(organisation: Organisation, unit_id: str) -> str:
    """Where an agency sits, for the date line: "Phước Lộc" for "Ủy ban nhân dân xã Phước
    Lộc"; the nearest parent that names one, else the unit's own name."""
    for unit in organisation.ancestors(unit_id):
        match = _PLACE.search(unit.name)
        if match:
            return match.group(1).strip()
    own = organisation.units.get(unit_id)
    return own.name if own else unit_id


# --- what a dossier's forms are made of -------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """Everything the forms of one dossier read, loaded once."""

    view: DossierView
    procedure: Procedure
    tasks: list[TaskView]
    components: list[ComponentRow]
    names: dict[int, str]  # user id → full name

    @property
    def sequence(self) -> int:
        tail = self.view.code.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 0


def _load(engine: Engine, code: str) -> _Record:
    view = engine.runtime.get(code)
    with engine.database.read() as session:
        procedure = engine.definitions.get(session, view.definition_id).definition.procedure
    names = {user.id: user.full_name for user in engine.users.list()}
    return _Record(
        view, procedure, engine.tasks.of_dossier(code), engine.runtime.components(code), names
    )


def dossier_context(
    engine: Engine,
    code: str,
    form: Form | str,
    *,
    public_base_url: str,
    number: str | None = None,
    index: int | None = None,
) -> DossierFormContext:
    """The context of form ``form`` for dossier ``code``, or FormNotApplicable."""
    chosen = parse_form(form)
    record = _load(engine, code)
    builders: dict[Form, Callable[[Engine, _Record, _Options], DossierFormContext]] = {
        Form.RECEIPT: _receipt,
        Form.SUPPLEMENT_REQUEST: _supplement_request,
        Form.REFUSAL: _refusal,
        Form.APOLOGY: _apology,
        Form.STOP_NOTICE: _stop_notice,
        Form.CONTROL_SHEET: _control_sheet,
    }
    if chosen not in builders:
        raise FormNotApplicable(
            "Sổ theo dõi hồ sơ lập cho một khoảng thời gian, không cho một hồ sơ.", form="07"
        )
    context: DossierFormContext = builders[chosen](
        engine, record, _Options(public_base_url, number, index)
    )
    return context


def render_dossier_document(
    engine: Engine,
    code: str,
    form: Form | str,
    *,
    public_base_url: str,
    number: str | None = None,
    index: int | None = None,
    template_dirs: Sequence[Path | str] = (),
) -> tuple[bytes, str]:
    """The DOCX of form ``form`` (``"01"``…``"06"``, a form name, or ``"result"``) and a
    file name for it."""
    if str(form).strip().lower() == RESULT:
        return _result_document(engine, code, number, template_dirs)
    chosen = parse_form(form)
    context = dossier_context(
        engine, code, chosen, public_base_url=public_base_url, number=number, index=index
    )
    content = render(chosen, context, template_dirs=template_dirs)
    return content, f"{_slug(chosen.value)}_{code}.docx"


@dataclass(frozen=True)
class _Options:
    public_base_url: str
    number: str | None
    index: int | None


# --- the forms --------------------------------------------------------------------------------


def _receipt(engine: Engine, r: _Record, o: _Options) -> doc.ReceiptContext:
    if r.view.original_due_at is None:
        raise FormNotApplicable(
            f"Hồ sơ {r.view.code} bị từ chối ngay khi tiếp nhận: không có giấy hẹn (Mẫu 01); "
            "dùng Phiếu từ chối (Mẫu 03)."
        )
    return doc.ReceiptContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o, appointment=r.view.original_due_at),
        receiving_officer=_officer_by_username(engine, r.view.received_by),
        number=o.number or _number(r, Form.RECEIPT),
        issued_at=r.view.received_at,
    )


def _supplement_request(engine: Engine, r: _Record, o: _Options) -> doc.SupplementRequestContext:
    requests = r.view.outcome.get("supplement_requests") or []
    if not requests:
        raise FormNotApplicable(f"Hồ sơ {r.view.code} chưa có yêu cầu bổ sung nào.")
    position = len(requests) if o.index is None else o.index
    if not 1 <= position <= len(requests):
        raise FormNotApplicable(
            f"Hồ sơ {r.view.code} có {len(requests)} yêu cầu bổ sung; "
            f"không có yêu cầu số {position}."
        )
    request = requests[position - 1]
    reason = str(request.get("reason") or "").strip() or "Chưa có hoặc chưa đầy đủ theo quy định"
    missing = request.get("missing") or []
    items = [missing] if isinstance(missing, str) else list(missing)
    task = _task(r, request.get("task"))
    return doc.SupplementRequestContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o),
        missing=tuple(doc.MissingItem(name=str(item), reason=reason) for item in items),
        requested_by=_officer(engine, task.completed_by if task else None, r),
        number=o.number or _number(r, Form.SUPPLEMENT_REQUEST, position),
        issued_at=_moment(request.get("at")) or r.view.received_at,
    )


def _refusal(engine: Engine, r: _Record, o: _Options) -> doc.RefusalContext:
    if r.view.status is not DossierStatus.REFUSED:
        raise FormNotApplicable(
            f"Hồ sơ {r.view.code} không bị từ chối ({r.view.status.label}): không lập Mẫu 03."
        )
    refusing = next((t for t in r.tasks if t.decision == "refuse"), None)
    officer = (
        _officer(engine, refusing.completed_by, r)
        if refusing is not None
        else _officer_by_username(engine, r.view.received_by)
    )
    at_reception = bool(r.view.outcome.get("refused_at_reception"))
    return doc.RefusalContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o, with_code=not at_reception),
        reason=str(r.view.outcome.get("refusal_reason") or ""),
        refused_by=officer,
        number=o.number or _number(r, Form.REFUSAL),
        issued_at=r.view.closed_at or r.view.received_at,
    )


def _apology(engine: Engine, r: _Record, o: _Options) -> doc.ApologyContext:
    recorded = r.view.outcome.get("apologies") or []
    draft = r.view.outcome.get("apology_draft")
    if recorded:
        letter = recorded[-1]
        task = next((t for t in reversed(r.tasks) if t.kind == TaskKind.APOLOGY.value), None)
        head = _signer_user(engine, task.completed_by if task else None, "head")
        old, new = _moment(letter.get("old_due_at")), _moment(letter.get("new_due_at"))
        issued, number = _moment(letter.get("at")), letter.get("number") or None
    elif draft:
        letter = draft
        head = _unit_signer(engine, str(draft.get("unit")), ("head", "leader"))
        old, new = r.view.due_at, _moment(draft.get("proposed_due_at"))
        issued, number = engine.clock.now(), None
    else:
        raise FormNotApplicable(
            f"Hồ sơ {r.view.code} chưa đến lúc lập văn bản xin lỗi và chưa có văn bản nào."
        )
    organisation = engine.organisation
    fault = organisation.agency_of(str(letter.get("unit") or r.view.agency_id))
    return doc.ApologyContext(
        agency=_agency(organisation, r.view.agency_id),
        agency_at_fault=_agency(organisation, fault.id)
        if fault is not None and fault.id != r.view.agency_id
        else None,
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o),
        reason=str(letter.get("reason") or ""),
        old_appointment_at=old or r.view.received_at,
        new_appointment_at=new or r.view.received_at,
        head=head,
        number=o.number or number or _number(r, Form.APOLOGY),
        issued_at=issued or engine.clock.now(),
    )


def _stop_notice(engine: Engine, r: _Record, o: _Options) -> doc.StopNoticeContext:
    if r.view.status is not DossierStatus.STOPPED:
        raise FormNotApplicable(
            f"Hồ sơ {r.view.code} không dừng giải quyết ({r.view.status.label}): "
            "không lập thông báo dừng."
        )
    stopped = r.view.closed_at or r.view.received_at
    return doc.StopNoticeContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o),
        reason=str(r.view.outcome.get("stop_reason") or ""),
        requested_at=stopped,
        signer=_unit_signer(engine, r.view.agency_id, ("leader", "head")),
        number=o.number or _number(r, Form.STOP_NOTICE),
        issued_at=stopped,
    )


def _control_sheet(engine: Engine, r: _Record, o: _Options) -> doc.ControlSheetContext:
    sheet = engine.history.control_sheet(r.view.code)
    rows: list[doc.HandOver] = []
    for row in sheet:
        opened = [t for t in r.tasks if t.key.endswith(f"@{row.seq}") and t.kind != "apology"]
        rows += [_hand_over(engine, r, row, task) for task in opened]
        if not opened and r.view.finished_at is not None and row.at >= r.view.finished_at:
            rows.append(_hand_back(engine, r, row))
    return doc.ControlSheetContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, o),
        rows=tuple(rows),
    )


def _hand_over(engine: Engine, r: _Record, row: SheetRow, task: TaskView) -> doc.HandOver:
    """One hand-over: the giver of ``row`` to the holder of ``task``, and how it went."""
    waits = task.kind in (TaskKind.SUPPLEMENT.value, TaskKind.WAIT.value)
    units = engine.organisation.units
    done = task.completed_at if task.status == "completed" else None
    giver = _given_by(r, row)
    if giver is not None and giver.kind in (TaskKind.SUPPLEMENT.value, TaskKind.WAIT.value):
        # the applicant brought what was missing (or did what was asked): they hand it over
        from_agency, from_person = APPLICANT_SIDE, r.view.applicant.get("name") or ""
    else:
        from_agency = APPLICANT_SIDE if row.from_unit is None else _unit_name(units, row.from_unit)
        from_person = row.from_person
    if waits:
        receiver, person = APPLICANT_SIDE, r.view.applicant.get("name") or ""
    else:
        holder = task.completed_by if done is not None else task.assignee_id
        receiver = _unit_name(units, task.unit_id)
        person = r.names.get(holder or 0, UNASSIGNED)
    note = task.name
    if task.status == "cancelled":
        note += " (không tiếp tục: hồ sơ đã kết thúc)"
    return doc.HandOver(
        from_agency=from_agency,
        from_person=from_person,
        to_agency=receiver,
        to_person=person,
        handed_at=row.at,
        due_at=task.due_at,
        done_at=done,
        result=_timeliness(done, task.due_at, engine) if done and not waits else None,
        note=note,
    )


def _hand_back(engine: Engine, r: _Record, row: SheetRow) -> doc.HandOver:
    """The last hand-over: the result back to the applicant, judged against the appointment."""
    from engine.reports.rules import dossier_timeliness

    finished = r.view.finished_at
    assert finished is not None
    verdict = dossier_timeliness(finished, r.view.due_at, r.view.overdue, engine.tz)
    return doc.HandOver(
        from_agency=_unit_name(engine.organisation.units, row.from_unit or r.view.agency_id),
        from_person=row.from_person,
        to_agency=APPLICANT_SIDE,
        to_person=r.view.applicant.get("name") or "",
        handed_at=row.at,
        due_at=r.view.due_at,
        done_at=finished,
        result=_FORM_TIMELINESS[verdict],
        note=row.step,
    )


def _given_by(r: _Record, row: SheetRow) -> TaskView | None:
    """The task whose completion is this row of the control sheet."""
    return next(
        (
            t
            for t in r.tasks
            if t.status == "completed" and t.completed_at == row.at and t.name == row.step
        ),
        None,
    )


def _result_document(
    engine: Engine, code: str, number: str | None, template_dirs: Sequence[Path | str]
) -> tuple[bytes, str]:
    r = _load(engine, code)
    result = r.procedure.result
    if result is None or not result.template:
        raise FormNotApplicable(
            f"Thủ tục {r.procedure.code} chưa cấu hình mẫu kết quả (result.template)."
        )
    if r.view.finished_at is None:
        raise FormNotApplicable(f"Hồ sơ {code} chưa có kết quả giải quyết.")
    signing = next(
        (t for t in reversed(r.tasks) if t.role == "leader" and t.status == "completed"), None
    )
    signer = (
        _signer_user(engine, signing.completed_by, "leader")
        if signing is not None
        else _unit_signer(engine, r.view.agency_id, ("leader",))
    )
    options = _Options("", None, None)
    context = doc.ResultContext(
        agency=_agency(engine.organisation, r.view.agency_id),
        applicant=_applicant(r.view),
        dossier=_dossier(engine, r, options),
        signer=signer,
        number=number or f"{r.sequence}/{r.view.finished_at.astimezone(engine.tz).year}",
        issued_at=r.view.finished_at,
        data=dict(r.view.data),
    )
    content = render_result(result.template, context, template_dirs=template_dirs)
    return content, f"ket_qua_{code}.docx"


# --- the tracking book ------------------------------------------------------------------------


def tracking_book_context(
    engine: Engine, first_day: date, last_day: date, unit: str | None = None
) -> doc.TrackingBookContext:
    """Mẫu 07: every dossier the agency received from ``first_day`` to ``last_day``."""
    from engine.reports.periods import between

    period = between(first_day, last_day, engine.tz)
    query = (
        select(DossierRow, DefinitionRow.name)
        .join(DefinitionRow, DefinitionRow.id == DossierRow.definition_id)
        .where(DossierRow.received_at >= period.start, DossierRow.received_at < period.end)
        .order_by(DossierRow.received_at, DossierRow.id)
    )
    agencies = _book_agencies(engine, unit)
    if agencies is not None:
        query = query.where(DossierRow.agency_id.in_(sorted(agencies)))
    with engine.database.read() as session:
        found = [(row, name) for row, name in session.execute(query).all()]
    agency = unit or _only_agency(found, first_day, last_day)
    units = engine.organisation.units
    return doc.TrackingBookContext(
        agency=_agency(engine.organisation, agency),
        period_start=first_day,
        period_end=last_day,
        rows=tuple(_book_entry(row, name, units) for row, name in found),
    )


def render_tracking_book(
    engine: Engine,
    first_day: date,
    last_day: date,
    unit: str | None = None,
    template_dirs: Sequence[Path | str] = (),
) -> tuple[bytes, str]:
    context = tracking_book_context(engine, first_day, last_day, unit)
    content = render(Form.TRACKING_BOOK, context, template_dirs=template_dirs)
    return content, f"so_theo_doi_{first_day:%Y%m%d}_{last_day:%Y%m%d}.docx"


def _book_agencies(engine: Engine, unit: str | None) -> frozenset[str] | None:
    from engine.reports.scopes import agencies_under

    return agencies_under(engine.organisation, unit)


def _only_agency(found: list[tuple[DossierRow, str]], first_day: date, last_day: date) -> str:
    agencies = {row.agency_id for row, _ in found}
    if len(agencies) != 1:
        raise FormNotApplicable(
            f"Từ {first_day:%d/%m/%Y} đến {last_day:%d/%m/%Y} có hồ sơ của "
            f"{len(agencies)} cơ quan: chọn một cơ quan (--unit) để lập sổ."
        )
    return agencies.pop()


def _book_entry(row: DossierRow, procedure_name: str, units: Any) -> doc.BookEntry:
    applicant = row.applicant or {}
    contact = "; ".join(v for v in (applicant.get("address"), applicant.get("phone")) if v)
    status = DossierStatus(row.status)
    return doc.BookEntry(
        code=row.code,
        applicant_name=row.applicant_name,
        procedure_name=procedure_name,
        received_at=row.received_at,
        appointment_at=row.due_at,
        applicant_contact=contact or None,
        processing_unit=_unit_name(units, row.agency_id),
        finished_at=row.finished_at,
        returned_at=row.closed_at if status is DossierStatus.RETURNED else None,
        status=status.label,
        note=_book_note(row),
    )


def _book_note(row: DossierRow) -> str | None:
    outcome = row.outcome or {}
    for key, label in (
        ("refusal_reason", "Lý do từ chối"),
        ("stop_reason", "Lý do dừng"),
        ("withdraw_reason", "Lý do rút"),
    ):
        if outcome.get(key):
            return f"{label}: {outcome[key]}"
    return "Đã xin lỗi, hẹn lại ngày trả" if row.apologised else None


# --- pieces -----------------------------------------------------------------------------------

_FORM_TIMELINESS = {
    Timeliness.EARLY: doc.Timeliness.EARLY,
    Timeliness.ON_TIME: doc.Timeliness.ON_TIME,
    Timeliness.LATE: doc.Timeliness.LATE,
}
_CHANNELS = {
    "desk": doc.Channel.DESK,
    "online": doc.Channel.ONLINE,
    "post": doc.Channel.POST,
    "kiosk": doc.Channel.KIOSK,
}


def _agency(organisation: Organisation, unit_id: str) -> doc.Agency:
    unit = organisation.units[unit_id]
    agency = unit if unit.is_agency else organisation.agency_of(unit_id) or unit
    return doc.Agency(
        name=agency.name,
        place_name=place_name(organisation, agency.id),
        electronic_id=agency.electronic_id or "",
        superior_name=_superior(organisation, agency),
        phone=agency.phone,
    )


def _superior(organisation: Organisation, agency: Unit) -> str | None:
    """The line above the agency's name; a people's committee has none (Decree 30/2020)."""
    if agency.name.lower().startswith("ủy ban nhân dân") or agency.parent is None:
        return None
    parent = organisation.agency_of(agency.parent)
    return parent.name if parent is not None else None


def _applicant(view: DossierView) -> doc.Applicant:
    raw = view.applicant
    return doc.Applicant(
        name=raw.get("name") or "",
        identity_number=raw.get("id_number") or "",
        address=raw.get("address") or "",
        phone=raw.get("phone"),
        email=raw.get("email"),
    )


def _dossier(
    engine: Engine,
    r: _Record,
    o: _Options,
    *,
    appointment: datetime | None = None,
    with_code: bool = True,
) -> doc.Dossier:
    view, procedure = r.view, r.procedure
    hand_back = procedure.return_step  # where the result is collected
    desk = engine.organisation.units.get(hand_back.unit) if hand_back is not None else None
    return doc.Dossier(
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        received_at=view.received_at,
        code=view.code if with_code else None,
        appointment_at=appointment or view.due_at,
        time_limit_text=time_limit_text(procedure.time_limit),
        fee=int(procedure.fee),
        channel=_CHANNELS[view.channel],
        result_pickup=desk.name if desk is not None else None,
        lookup_url=lookup_url(o.public_base_url, view.code) if o.public_base_url else None,
        components=tuple(
            doc.Component(
                name=c.name,
                original=c.original,
                copies=c.copies,
                digitised=bool(c.file_key or c.sha256),
            )
            for c in r.components
        ),
    )


def time_limit_text(limit: Duration) -> str:
    """``05 ngày làm việc``, ``0,5 ngày làm việc``, ``08 giờ làm việc``."""
    amount = limit.amount
    shown = f"{int(amount):02d}" if amount == amount.to_integral_value() else _decimal(amount)
    unit = "ngày làm việc" if limit.unit is TimeUnit.DAYS else "giờ làm việc"
    return f"{shown} {unit}"


def _decimal(amount: Decimal) -> str:
    return format(amount.normalize(), "f").replace(".", ",")


def _officer(engine: Engine, user_id: int | None, r: _Record) -> doc.Officer:
    if user_id is None:
        return _officer_by_username(engine, r.view.received_by)
    user = engine.users.by_id(user_id)
    return doc.Officer(name=user.full_name, title=user.title)


def _officer_by_username(engine: Engine, username: str | None) -> doc.Officer:
    from .errors import UserNotFound

    try:
        user = engine.users.get(username or "")
    except UserNotFound:
        return doc.Officer(name=username or "")
    return doc.Officer(name=user.full_name, title=user.title)


def _signer_user(engine: Engine, user_id: int | None, role: str) -> doc.Signer:
    if user_id is None:
        raise FormNotApplicable("Không xác định được người ký văn bản.")
    user = engine.users.by_id(user_id)
    title = user.title or engine.organisation.roles.get(role, role)
    return doc.Signer(name=user.full_name, title=title)


def _unit_signer(engine: Engine, unit_id: str, roles: tuple[str, ...]) -> doc.Signer:
    """The first active user with one of ``roles`` (in order) in the unit or its agency."""
    organisation = engine.organisation
    agency = organisation.agency_of(unit_id)
    scope = agency.id if agency is not None else unit_id
    users = [u for u in engine.users.list() if u.active and u.unit_id]
    for role in roles:
        for within in (unit_id, scope):
            for user in users:
                if user.has_role(role) and organisation.belongs_to(user.unit_id or "", within):
                    title = user.title or organisation.roles.get(role, role)
                    return doc.Signer(name=user.full_name, title=title)
    raise FormNotApplicable(
        f"Chưa có cán bộ ({', '.join(roles)}) của {_unit_name(organisation.units, unit_id)} "
        "để ký văn bản."
    )


def _task(r: _Record, key: object) -> TaskView | None:
    return next((t for t in r.tasks if t.key == key), None)


def _timeliness(done: datetime, due: datetime | None, engine: Engine) -> doc.Timeliness:
    return _FORM_TIMELINESS[classify(done, due, engine.tz)]


def _unit_name(units: Any, unit_id: str) -> str:
    unit = units.get(unit_id)
    return unit.name if unit is not None else unit_id


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return datetime.fromisoformat(text)


def _number(r: _Record, form: Form, extra: int | None = None) -> str:
    tail = f"-{extra}" if extra and extra > 1 else ""
    return f"{r.sequence:04d}{tail}/{_NUMBER_SUFFIX[form]}"


def _slug(name: str) -> str:
    return {
        Form.RECEIPT.value: "mau_01_tiep_nhan",
        Form.SUPPLEMENT_REQUEST.value: "mau_02_yeu_cau_bo_sung",
        Form.REFUSAL.value: "mau_03_tu_choi",
        Form.APOLOGY.value: "mau_04_xin_loi",
        Form.STOP_NOTICE.value: "mau_05_dung_giai_quyet",
        Form.CONTROL_SHEET.value: "mau_06_phieu_kiem_soat",
    }[name]
