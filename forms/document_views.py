"""From a context to the values a template prints: checked, formatted, NFC, in Vietnam time.

Templates never format anything themselves: ``{{ dossier.received }}`` is already
"08 giờ 15 phút, ngày 03/02/2027". That keeps an agency's restyled template free
of logic, and every rule about how the forms write things in one place.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from forms.document_catalogue import VIETNAM, Form, FormSpec
from forms.document_errors import InvalidContextField, MissingContextField
from forms.document_model import (
    Agency,
    ApologyContext,
    Applicant,
    BookEntry,
    Component,
    ControlSheetContext,
    Dossier,
    FormContext,
    HandOver,
    Officer,
    ReceiptContext,
    RefusalContext,
    ResultContext,
    Signer,
    StopNoticeContext,
    SupplementRequestContext,
    TrackingBookContext,
)
from forms.document_text import (
    date_line,
    day_month_year,
    money,
    nfc,
    short_date,
    time_and_date,
    upper,
)

__all__ = ["CONTEXT_TYPES", "template_values", "result_values", "check_context"]

View = dict[str, Any]

CONTEXT_TYPES: Mapping[Form, type] = {
    Form.RECEIPT: ReceiptContext,
    Form.SUPPLEMENT_REQUEST: SupplementRequestContext,
    Form.REFUSAL: RefusalContext,
    Form.APOLOGY: ApologyContext,
    Form.STOP_NOTICE: StopNoticeContext,
    Form.CONTROL_SHEET: ControlSheetContext,
    Form.TRACKING_BOOK: TrackingBookContext,
}

# Optional fields of the shared dataclasses that a given form prints, so must be there.
_REQUIRED: Mapping[Form, tuple[str, ...]] = {
    Form.RECEIPT: (
        "dossier.code",
        "dossier.appointment_at",
        "dossier.time_limit_text",
        "dossier.fee",
        "dossier.result_pickup",
        "dossier.lookup_url",
        "dossier.components",
    ),
    Form.SUPPLEMENT_REQUEST: ("missing",),
    Form.REFUSAL: (),
    Form.APOLOGY: ("dossier.code",),
    Form.STOP_NOTICE: ("dossier.code",),
    Form.CONTROL_SHEET: ("dossier.code",),
    Form.TRACKING_BOOK: (),
}


def check_context(label: str, context: object, required: Iterable[str] = ()) -> None:
    """Raise the first missing or malformed field, by its dotted path, before anything is made."""
    _check_fields(label, context, "")
    for path in required:
        if _is_empty(_lookup(context, path)):
            raise MissingContextField(label, path)


def template_values(spec: FormSpec, context: FormContext) -> View:
    """Check ``context`` for ``spec``'s form and return the values its template prints."""
    expected = CONTEXT_TYPES[spec.form]
    if not isinstance(context, expected):
        raise InvalidContextField(
            spec.label, "context", f"must be a {expected.__name__}, got {type(context).__name__}"
        )
    check_context(spec.label, context, _REQUIRED[spec.form])
    form = {"number": spec.number, "title": spec.title, "circular": spec.circular.value}
    return {"form": form, **_VIEWS[spec.form](context)}


def result_values(context: ResultContext) -> View:
    check_context("result document", context)
    return {
        **_letter(context.agency, context.number, context.issued_at),
        "applicant": _applicant(context.applicant),
        "dossier": _dossier(context.dossier),
        "signer": _signer(context.signer),
        "data": {key: _printable(value) for key, value in context.data.items()},
    }


# --- one view per form ------------------------------------------------------------------


def _receipt(c: ReceiptContext) -> View:
    return {
        **_letter(c.agency, c.number, c.issued_at),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "components": [_component(i, x) for i, x in enumerate(c.dossier.components, 1)],
        "officer": _officer(c.receiving_officer),
    }


def _supplement(c: SupplementRequestContext) -> View:
    return {
        **_letter(c.agency, c.number, c.issued_at),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "missing": [
            {"index": i, "name": nfc(m.name), "reason": nfc(m.reason)}
            for i, m in enumerate(c.missing, 1)
        ],
        "officer": _officer(c.requested_by),
    }


def _refusal(c: RefusalContext) -> View:
    return {
        **_letter(c.agency, c.number, c.issued_at),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "reason": nfc(c.reason),
        "officer": _officer(c.refused_by),
    }


def _apology(c: ApologyContext) -> View:
    return {
        **_letter(c.issuer, c.number, c.issued_at),
        "receiving_agency": nfc(c.agency.name),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "reason": nfc(c.reason),
        "old_appointment": time_and_date(c.old_appointment_at),
        "new_appointment": time_and_date(c.new_appointment_at),
        "new_appointment_day": day_month_year(c.new_appointment_at.astimezone(VIETNAM).date()),
        "signer": _signer(c.head),
    }


def _stop_notice(c: StopNoticeContext) -> View:
    return {
        **_letter(c.agency, c.number, c.issued_at),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "reason": nfc(c.reason),
        "requested": time_and_date(c.requested_at),
        "stopped_day": day_month_year(c.issued_at.astimezone(VIETNAM).date()),
        "signer": _signer(c.signer),
    }


def _control_sheet(c: ControlSheetContext) -> View:
    return {
        **_heading(c.agency),
        "applicant": _applicant(c.applicant),
        "dossier": _dossier(c.dossier),
        "rows": [_hand_over(i, row) for i, row in enumerate(c.rows, 1)],
    }


def _tracking_book(c: TrackingBookContext) -> View:
    if c.period_end < c.period_start:
        raise InvalidContextField("Sổ theo dõi hồ sơ", "period_end", "is before period_start")
    return {
        **_heading(c.agency),
        "period": f"Từ ngày {short_date(c.period_start)} đến ngày {short_date(c.period_end)}",
        "volume": nfc(c.volume),
        "rows": [_book_entry(i, row) for i, row in enumerate(c.rows, 1)],
    }


_VIEWS: Mapping[Form, Callable[[Any], View]] = {
    Form.RECEIPT: _receipt,
    Form.SUPPLEMENT_REQUEST: _supplement,
    Form.REFUSAL: _refusal,
    Form.APOLOGY: _apology,
    Form.STOP_NOTICE: _stop_notice,
    Form.CONTROL_SHEET: _control_sheet,
    Form.TRACKING_BOOK: _tracking_book,
}


# --- shared pieces ----------------------------------------------------------------------


def _heading(agency: Agency) -> View:
    return {
        "agency": {
            "name": nfc(agency.name),
            "name_upper": upper(agency.name),
            "superior_upper": upper(agency.superior_name),
            "place": nfc(agency.place_name),
            "electronic_id": nfc(agency.electronic_id),
            "phone": nfc(agency.phone),
        }
    }


def _letter(agency: Agency, number: str, issued_at: datetime) -> View:
    return {
        **_heading(agency),
        "number": f"Số: {nfc(number)}",
        "date_line": date_line(agency.place_name, issued_at),
    }


def _applicant(a: Applicant) -> View:
    return {
        "name": nfc(a.name),
        "name_upper": upper(a.name),
        "identity_number": nfc(a.identity_number),
        "address": nfc(a.address),
        "phone": nfc(a.phone),
        "email": nfc(a.email),
    }


def _dossier(d: Dossier) -> View:
    entry = d.register_entry
    return {
        "code": nfc(d.code),
        "procedure_code": nfc(d.procedure_code),
        "procedure_name": nfc(d.procedure_name),
        "received": time_and_date(d.received_at),
        "received_day": day_month_year(d.received_at.astimezone(VIETNAM).date()),
        "appointment": time_and_date(d.appointment_at),
        "time_limit": nfc(d.time_limit_text),
        "fee": _fee(d.fee),
        "channel": d.channel.value,
        "result_pickup": nfc(d.result_pickup),
        "lookup_url": nfc(d.lookup_url),
        "sets": f"{d.sets:02d}",
        "register_volume": nfc(entry.volume) if entry else "",
        "register_sequence": str(entry.sequence) if entry else "",
    }


def _fee(amount: int | None) -> str:
    if amount is None:
        return ""
    return money(amount) if amount else "Không thu phí, lệ phí"


def _component(index: int, c: Component) -> View:
    return {
        "index": index,
        "name": nfc(c.name),
        "kind": "Bản chính" if c.original else "Bản sao",
        "copies": f"{c.copies:02d}",
        "digitised": "Đã số hóa" if c.digitised else "Chưa số hóa",
    }


def _officer(o: Officer) -> View:
    return {"name": nfc(o.name), "title": nfc(o.title)}


def _signer(s: Signer) -> View:
    return {"name": nfc(s.name), "title_upper": upper(s.title), "authority": upper(s.authority)}


def _hand_over(index: int, h: HandOver) -> View:
    return {
        "index": index,
        "giver": f"1. Giao: {nfc(h.from_agency)}",
        "receiver": f"2. Nhận: {nfc(h.to_agency)}",
        "handed": time_and_date(h.handed_at),
        "from_person": nfc(h.from_person),
        "to_person": nfc(h.to_person),
        "due": f"Hạn: {time_and_date(h.due_at)}" if h.due_at else "",
        "done": f"Xong: {time_and_date(h.done_at)}" if h.done_at else "",
        "result": h.result.value if h.result else "",
        "note": nfc(h.note),
    }


def _book_entry(index: int, e: BookEntry) -> View:
    return {
        "index": index,
        "code": nfc(e.code),
        "applicant": nfc(e.applicant_name),
        "contact": nfc(e.applicant_contact),
        "procedure": nfc(e.procedure_name),
        "unit": nfc(e.processing_unit),
        "received": time_and_date(e.received_at),
        "appointment": time_and_date(e.appointment_at),
        "finished": time_and_date(e.finished_at),
        "returned": time_and_date(e.returned_at),
        "status": nfc(e.status),
        "note": nfc(e.note),
    }


def _printable(value: Any) -> Any:
    """E-form data as the result template prints it: dates the Vietnamese way, text NFC."""
    if isinstance(value, datetime):
        return time_and_date(value)
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


# --- checking ---------------------------------------------------------------------------


def _check_fields(label: str, obj: object, prefix: str) -> None:
    hints = _hints(type(obj))
    for f in fields(obj):  # type: ignore[arg-type]
        path = prefix + f.name
        value = getattr(obj, f.name)
        if _is_empty(value):
            if not _is_optional(hints[f.name]) and not isinstance(value, tuple | Mapping):
                raise MissingContextField(label, path)
            continue
        _check_value(label, path, value)


def _check_value(label: str, path: str, value: object) -> None:
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise InvalidContextField(label, path, "has no time zone (naive datetime)")
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise InvalidContextField(label, path, f"must not be negative, got {value}")
    if is_dataclass(value):
        _check_fields(label, value, path + ".")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            if is_dataclass(item):
                _check_fields(label, item, f"{path}[{index}].")


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, tuple | Mapping) and not value


def _lookup(obj: object, path: str) -> object:
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_optional(hint: Any) -> bool:
    return isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
