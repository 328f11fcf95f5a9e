"""Finding dossiers: filters, a visibility scope, and keyset pagination (newest first).

Pages are cut on (received_at, id) descending, so a page costs the same however
deep it is and a dossier received while someone pages through never shifts
the pages already seen. The cursor is opaque to callers.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from engine.store.models import DossierRow, TaskRow

from .dossier import search_text
from .errors import InvalidCommand
from .views import DossierSummary

__all__ = ["DossierFilter", "DossierScope", "DossierPage", "MAX_DOSSIER_PAGE", "dossier_query"]

MAX_DOSSIER_PAGE = 200


@dataclass(frozen=True)
class DossierScope:
    """Which dossiers a reader may see: those of some agencies, or with a task of one unit.

    ``None`` for both means every dossier (an auditor).
    """

    agencies: frozenset[str] | None = None
    unit_id: str | None = None

    @property
    def unrestricted(self) -> bool:
        return self.agencies is None and self.unit_id is None


@dataclass(frozen=True)
class DossierFilter:
    statuses: Collection[str] = ()
    procedure_code: str | None = None
    received_from: datetime | None = None  # inclusive
    received_before: datetime | None = None  # exclusive
    query: str | None = None  # a dossier code prefix, or part of the applicant's name
    scope: DossierScope = DossierScope()


@dataclass(frozen=True)
class DossierPage:
    items: list[DossierSummary]
    next_cursor: str | None


def dossier_query(where: DossierFilter, cursor: str | None, limit: int) -> Select[Any]:
    """The query for one page (``limit + 1`` rows, so the caller knows if more follow)."""
    query = select(DossierRow)
    for condition in _conditions(where):
        query = query.where(condition)
    if cursor is not None:
        received, dossier_id = decode_cursor(cursor)
        query = query.where(
            tuple_(DossierRow.received_at, DossierRow.id) < tuple_(received, dossier_id)
        )
    return query.order_by(DossierRow.received_at.desc(), DossierRow.id.desc()).limit(limit + 1)


def _conditions(where: DossierFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.statuses:
        conditions.append(DossierRow.status.in_(sorted(where.statuses)))
    if where.procedure_code:
        conditions.append(DossierRow.procedure_code == where.procedure_code)
    if where.received_from is not None:
        conditions.append(DossierRow.received_at >= where.received_from)
    if where.received_before is not None:
        conditions.append(DossierRow.received_at < where.received_before)
    text = (where.query or "").replace("\x00", "").strip()  # NUL: no database takes it
    if text:
        conditions.append(
            or_(
                DossierRow.code.startswith(text.upper(), autoescape=True),
                DossierRow.applicant_search.contains(search_text(text), autoescape=True),
            )
        )
    visible = _visible(where.scope)
    if visible is not None:
        conditions.append(visible)
    return conditions


def _visible(scope: DossierScope) -> ColumnElement[bool] | None:
    if scope.unrestricted:
        return None
    allowed: list[ColumnElement[bool]] = []
    if scope.agencies:
        allowed.append(DossierRow.agency_id.in_(sorted(scope.agencies)))
    if scope.unit_id is not None:
        allowed.append(
            exists().where(TaskRow.dossier_id == DossierRow.id, TaskRow.unit_id == scope.unit_id)
        )
    if not allowed:
        return DossierRow.id.is_(None)  # a scope that allows nothing
    return or_(*allowed)


def encode_cursor(item: DossierSummary) -> str:
    text = f"{item.received_at.astimezone(UTC).isoformat()}|{item.id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        received_text, dossier_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        received = datetime.fromisoformat(received_text)
        if received.tzinfo is None:
            raise ValueError("naive time in a cursor")
        return received, int(dossier_id)
    except (ValueError, UnicodeError) as error:
        raise InvalidCommand("Con trỏ phân trang không hợp lệ.", field="cursor") from error
