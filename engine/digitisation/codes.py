"""Identifiers of applicants and the code of a digitised paper (mã giấy tờ số hóa).

The rule (DOMAIN.md, digitisation at reception): ``<identifier>.<paper type>``,
where the identifier is the citizen's 12-digit personal identification number
or the organisation's tax or enterprise code. One applicant may hold several
papers of one type (two land-use certificates, a new ID card after the old
one): the first keeps the plain code, the n-th gets ``.n`` (``.2``, ``.3``, …).

- A code is handed out once and never again, even when its paper is revoked:
  codes are counted per applicant and type in the ``counters`` table (an upsert,
  so two officers scanning at once get different numbers on SQLite and
  PostgreSQL alike).
- A code reads back unambiguously: identifiers are digits (a branch tax code
  adds ``-NNN``), paper types are capitals and digits starting with a letter,
  and the suffix is a plain number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.store.models import CounterRow

__all__ = [
    "CITIZEN_ID",
    "ORGANISATION_ID",
    "PaperCode",
    "applicant_kind",
    "next_paper_code",
]

CITIZEN_ID = re.compile(r"^\d{12}$")
ORGANISATION_ID = re.compile(r"^\d{10}(-\d{3})?$|^\d{13}$")
_CODE = re.compile(r"^(\d{10}(?:-\d{3})?|\d{12,13})\.([A-Z][A-Z0-9]{1,19})(?:\.([2-9]|[1-9]\d+))?$")


def applicant_kind(identifier: str) -> str | None:
    """``citizen`` for a 12-digit personal number, ``organisation`` for a tax code, else None."""
    if CITIZEN_ID.match(identifier):
        return "citizen"
    if ORGANISATION_ID.match(identifier):
        return "organisation"
    return None


@dataclass(frozen=True)
class PaperCode:
    identifier: str
    paper_type: str
    number: int = 1  # the n-th paper of this type for this applicant

    def __str__(self) -> str:
        base = f"{self.identifier}.{self.paper_type}"
        return base if self.number == 1 else f"{base}.{self.number}"

    @classmethod
    def parse(cls, text: str) -> PaperCode | None:
        match = _CODE.match(text)
        if match is None:
            return None
        identifier, paper_type, number = match.groups()
        return cls(identifier, paper_type, int(number) if number else 1)


def next_paper_code(session: Session, identifier: str, paper_type: str) -> PaperCode:
    """The next unused code for this applicant and paper type, safe under concurrency."""
    key = f"paper:{identifier}.{paper_type}"
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(CounterRow)
        .values(key=key, value=1)
        .on_conflict_do_update(index_elements=["key"], set_={"value": CounterRow.value + 1})
        .returning(CounterRow.value)
    )
    number = session.connection().execute(statement).scalar_one()
    return PaperCode(identifier, paper_type, number)
