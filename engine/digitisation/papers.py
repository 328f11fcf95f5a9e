"""Writing to the data store inside a caller's transaction: applicants and their papers.

These functions never check who asks; their callers do (the data-store
service for officers, reception and results for the command path), and every
paper stored is written to the applicant's access log here.
"""

from __future__ import annotations

import calendar
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.audit.chain import GENESIS
from engine.definitions.paper_types import PAPER_TYPE_CODE, PaperType, PaperTypeCatalogue
from engine.files import StoredFile
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.store.models_digitisation import ApplicantRow, StoredPaperRow

from .access import Grounds, record_access
from .codes import applicant_kind, next_paper_code
from .errors import PaperNotReusable

__all__ = [
    "PaperDetails",
    "ensure_applicant",
    "lock_applicant",
    "store_paper",
    "add_months",
]

SOURCES = ("reception", "result", "online", "demo")


@dataclass(frozen=True)
class PaperDetails:
    """What an officer records about a paper besides its file (all optional)."""

    name: str | None = None  # defaults to the paper type's name
    summary: str | None = None  # trích yếu
    number: str | None = None  # số, ký hiệu
    issuer: str | None = None  # cơ quan cấp
    issued_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None


def ensure_applicant(
    session: Session, applicant: Applicant, actor: Actor, now: datetime
) -> ApplicantRow | None:
    """The applicant's row, locked, created on first sight; None without an identifier."""
    identifier = applicant.id_number
    kind = applicant_kind(identifier) if identifier else None
    if identifier is None or kind is None:
        return None
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ApplicantRow)
        .values(
            identifier=identifier,
            kind=kind,
            name=applicant.name,
            address=applicant.address,
            phone=applicant.phone,
            email=applicant.email,
            created_at=now,
            created_by=actor.username,
            updated_at=now,
            access_seq=0,
            access_hash=GENESIS,
        )
        .on_conflict_do_nothing(index_elements=["identifier"])
    )
    session.connection().execute(statement)  # two receptions at once create one row
    row = lock_applicant(session, identifier)
    assert row is not None
    _refresh(row, applicant, now)
    return row


def _refresh(row: ApplicantRow, applicant: Applicant, now: datetime) -> None:
    """The latest contact details the applicant gave win; the identifier never changes."""
    changed = False
    for field in ("name", "address", "phone", "email"):
        value = getattr(applicant, field)
        if value and value != getattr(row, field):
            setattr(row, field, value)
            changed = True
    if changed:
        row.updated_at = now


def lock_applicant(session: Session, identifier: str) -> ApplicantRow | None:
    """The applicant's row, held to the end of the transaction (its access chain head)."""
    query = select(ApplicantRow).where(ApplicantRow.identifier == identifier).with_for_update()
    return session.scalar(query)


def store_paper(
    session: Session,
    applicant: ApplicantRow,
    paper_type: str,
    file: StoredFile,
    *,
    source: str,
    actor: Actor,
    grounds: Grounds,
    now: datetime,
    tz: ZoneInfo,
    catalogue: PaperTypeCatalogue | None,
    details: PaperDetails = PaperDetails(),
    source_dossier: str | None = None,
    digitised_by: str | None = None,
    certified_by: str | None = None,
) -> StoredPaperRow:
    """Put a digitised paper into the applicant's store with the next code of its type.

    The same file stored again for the same applicant and type is the same paper:
    its row is returned and no new code is used. Without a catalogue (an engine
    configured without one) any well-formed type is taken, named by the details.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    kind = _paper_type(catalogue, paper_type)
    existing = session.scalar(
        select(StoredPaperRow).where(
            StoredPaperRow.applicant_id == applicant.id,
            StoredPaperRow.paper_type == paper_type,
            StoredPaperRow.sha256 == file.sha256,
        )
    )
    if existing is not None:
        return existing
    today = now.astimezone(tz).date()
    valid_until = details.valid_until
    if valid_until is None and kind.validity_months is not None:
        start = details.issued_on or details.valid_from or today
        valid_until = add_months(start, kind.validity_months)
    code = next_paper_code(session, applicant.identifier, paper_type)
    row = StoredPaperRow(
        public_id=secrets.token_hex(16),
        applicant_id=applicant.id,
        code=str(code),
        paper_type=paper_type,
        name=_text(details.name) or kind.name,
        summary=_text(details.summary),
        number=_text(details.number),
        issuer=_text(details.issuer),
        issued_on=details.issued_on,
        valid_from=details.valid_from or details.issued_on,
        valid_until=valid_until,
        file_key=file.key,
        file_name=file.name,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        source=source,
        source_dossier=source_dossier,
        digitised_by=digitised_by or actor.username,
        digitised_at=now,
        certified_by=certified_by,
        certified_at=now if certified_by else None,
        status="valid",
    )
    session.add(row)
    record_access(session, applicant, actor, "store", grounds, now, [row.code])
    return row


def _paper_type(catalogue: PaperTypeCatalogue | None, code: str) -> PaperType:
    if catalogue is None and PAPER_TYPE_CODE.match(code):
        return PaperType(code, code)
    kind = catalogue.get(code) if catalogue is not None else None
    if kind is None:
        raise PaperNotReusable(f"Loại giấy tờ “{code}” không có trong danh mục.", paper_type=code)
    return kind


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return unicodedata.normalize("NFC", " ".join(value.split()))
