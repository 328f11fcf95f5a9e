"""Pieces of a dossier that several pages show: its data, files, outcome, and the deadline input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.runtime.views import DossierView
from engine.store.models import ComponentRow

from ..auth import engine
from .eforms import APPLICANT_FORM, display_rows, form_named

__all__ = [
    "DataSection",
    "data_sections",
    "outcome_rows",
    "component_rows",
    "local_input",
    "parse_local_input",
]


@dataclass(frozen=True)
class DataSection:
    name: str
    title: str
    rows: Sequence[tuple[str | None, str, str]]


def data_sections(data: Mapping[str, Any]) -> list[DataSection]:
    """The dossier's e-forms, each with its title and labelled values."""
    sections = []
    for name, values in sorted(data.items(), key=lambda item: item[0] != APPLICANT_FORM):
        form = form_named(name)
        if form is not None and isinstance(values, dict):
            sections.append(DataSection(name, form.title, display_rows(form, values)))
        elif isinstance(values, dict):
            rows = [(None, str(k), _plain(v)) for k, v in values.items()]
            sections.append(DataSection(name, name, rows))
        else:
            sections.append(DataSection(name, name, [(None, name, _plain(values))]))
    return sections


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ComponentLine:
    id: int
    code: str
    name: str
    copies: int
    original: bool
    file_name: str | None
    has_file: bool
    supplement: bool


def component_rows(code: str) -> list[ComponentLine]:
    rows: list[ComponentRow] = engine().runtime.components(code)
    return [
        ComponentLine(
            r.id,
            r.code,
            r.name,
            r.copies,
            r.original,
            r.file_name,
            bool(r.file_key and engine().files.exists(r.file_key)),
            r.supplement,
        )
        for r in rows
    ]


def outcome_rows(dossier: DossierView) -> list[tuple[str, str]]:
    """What has been decided about the dossier, in words: reasons, requests, letters, delivery."""
    outcome = dossier.outcome
    rows: list[tuple[str, str]] = []
    for key, label in (
        ("refusal_reason", "Lý do từ chối"),
        ("withdraw_reason", "Lý do rút hồ sơ"),
        ("stop_reason", "Lý do dừng giải quyết"),
    ):
        if outcome.get(key):
            rows.append((label, str(outcome[key])))
    for asked in outcome.get("supplement_requests", []):
        missing = asked.get("missing") or []
        text = "; ".join(str(m) for m in missing) if isinstance(missing, list) else str(missing)
        if asked.get("reason"):
            text += f" — {asked['reason']}"
        rows.append((f"Yêu cầu bổ sung lúc {_local(asked.get('at'))}", text))
    for letter in outcome.get("apologies", []):
        number = f"số {letter['number']}, " if letter.get("number") else ""
        rows.append(
            (
                "Văn bản xin lỗi (Mẫu 04)",
                f"{number}hẹn lại {_local(letter.get('new_due_at'))}: {letter.get('reason', '')}",
            )
        )
    returned = outcome.get("returned")
    if isinstance(returned, dict):
        from .labels import RETURN_METHODS

        method = RETURN_METHODS.get(str(returned.get("method")), str(returned.get("method")))
        tracking = (
            f" (mã vận đơn {returned['tracking_number']})"
            if returned.get("tracking_number")
            else ""
        )
        rows.append(("Đã trả kết quả", method + tracking))
    return rows


def _local(iso: Any) -> str:
    if not iso:
        return "—"
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return moment.astimezone(engine().tz).strftime("%H:%M %d/%m/%Y")


def local_input(moment: datetime | None, tz: ZoneInfo) -> str:
    """A moment as the value of a ``datetime-local`` input, in the agency's zone."""
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if moment else ""


def parse_local_input(text: str, tz: ZoneInfo) -> datetime | None:
    """A ``datetime-local`` value (2027-02-03T08:00) in the agency's zone; None if unreadable."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
