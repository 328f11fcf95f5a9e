"""Procedure facts: what reports group dossiers by (procedure, field, level, agency).

A dossier row knows its definition; the definition's field (lĩnh vực), fee and
result live in its BPMN. Parsing every definition for every report would cost
seconds on a province's two thousand procedures, so the facts of each deployed
definition are read once and kept in ``report_procedures`` (definitions are
immutable: a kept row never goes stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.definitions.model import Level
from engine.store.models import DefinitionRow
from engine.store.models_reports import ProcedureFactsRow

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["ProcedureFacts", "procedure_facts", "level_label", "UNKNOWN_FIELD"]

UNKNOWN_FIELD = "Chưa xác định lĩnh vực"


@dataclass(frozen=True)
class ProcedureFacts:
    definition_id: int
    code: str
    name: str
    field: str
    level: str  # tinh | huyen | xa
    agency_id: str
    fee: int
    electronic_result: bool


def procedure_facts(engine: Engine) -> dict[int, ProcedureFacts]:
    """Every deployed definition's facts by definition id; new definitions are read once."""
    with engine.database.read() as session:
        known = set(session.scalars(select(ProcedureFactsRow.definition_id)))
        missing = [i for i in session.scalars(select(DefinitionRow.id)) if i not in known]
    if missing:
        engine.in_transaction(lambda session: _remember(engine, session, missing))
    with engine.database.read() as session:
        return {
            row.definition_id: _facts(row) for row in session.scalars(select(ProcedureFactsRow))
        }


def level_label(level: str | None) -> str:
    try:
        return Level(level or "").label
    except ValueError:
        return "Chưa xác định cấp"


def _remember(engine: Engine, session: Session, definition_ids: list[int]) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for definition_id in definition_ids:
        procedure = engine.definitions.get(session, definition_id).definition.procedure
        values = {
            "definition_id": definition_id,
            "code": procedure.code,
            "name": procedure.name,
            "field": procedure.field or UNKNOWN_FIELD,
            "level": procedure.level.value,
            "agency_id": procedure.agency,
            "fee": int(procedure.fee),
            "electronic_result": bool(procedure.result and procedure.result.electronic),
        }
        session.execute(insert(ProcedureFactsRow).values(**values).on_conflict_do_nothing())


def _facts(row: ProcedureFactsRow) -> ProcedureFacts:
    return ProcedureFacts(
        row.definition_id,
        row.code,
        row.name,
        row.field,
        row.level,
        row.agency_id,
        row.fee,
        row.electronic_result,
    )
