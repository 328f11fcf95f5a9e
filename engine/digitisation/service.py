"""Digitisation of a dossier: what is still to scan, scans, and the electronic result.

Each change is one command on the dossier (an event in its history) and, when
the paper has a type, one paper in the applicant's data store, in a single
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.model import Component, Procedure
from engine.files import StoredFile
from engine.runtime.commands import Actor, Command, ReturnResult
from engine.runtime.dossier import Applicant
from engine.runtime.errors import InvalidCommand
from engine.runtime.reception import SubmittedComponent
from engine.store.models import ComponentRow, DossierRow, TaskRow, UserRow
from engine.store.models_digitisation import StoredPaperRow

from .access import Grounds, authorise, authorise_dossier, record_access
from .commands import AttachResult, AttachScan, FileFacts
from .errors import PaperNotFound
from .papers import PaperDetails, ensure_applicant, lock_applicant, store_paper
from .rates import Period, Rates, digitisation_rates, digitisation_rates_by
from .reception import complete_file, components_to_scan
from .views import ComponentToScan, OpenedComponent

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["ResultFile", "DigitisationService"]


@dataclass(frozen=True)
class ResultFile:
    """The signed electronic result and what is written on it."""

    file: StoredFile
    number: str | None = None  # số, ký hiệu (e.g. "125/GKS")
    summary: str | None = None
    issued_on: date | None = None  # default: today
    valid_until: date | None = None
    signed_by: str | None = None  # username; default: who completed the last step before return


class DigitisationService:
    def __init__(self, engine: Engine):
        self._engine = engine

    def rates(
        self, period: Period, agency_id: str | None = None, level: str | None = None
    ) -> Rates:
        """Digitisation, electronic-result, reuse, online and online-payment rates."""
        return digitisation_rates(self._engine.database, period, agency_id=agency_id, level=level)

    def rates_by(self, period: Period, by: str) -> dict[str, Rates]:
        """The same rates per agency (``"agency"``) or per level (``"level"``)."""
        return digitisation_rates_by(self._engine.database, period, by)

    def still_to_scan(self, code: str) -> list[ComponentToScan]:
        """Components handed in that must be digitised and have no file yet (reception page)."""
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            procedure = self._procedure(session, row)
            return components_to_scan(session, row.id, procedure)

    def open_component(
        self, code: str, component: str, actor: Actor, grounds: Grounds
    ) -> OpenedComponent:
        """A component's file, for an officer handling the dossier or an auditor; recorded
        in the applicant's access log (when the applicant has a data store)."""

        def work(session: Session) -> OpenedComponent:
            row = self._engine.dossier_row(session, code)
            authorise_dossier(session, actor, row, grounds)
            found = session.scalar(
                select(ComponentRow)
                .where(
                    ComponentRow.dossier_id == row.id,
                    ComponentRow.code == component,
                    ComponentRow.file_key.is_not(None),
                )
                .order_by(ComponentRow.id.desc())
                .limit(1)
            )
            key = found.file_key if found is not None else None
            if found is None or key is None or not self._engine.files.exists(key):
                raise PaperNotFound(f"Thành phần {component} của hồ sơ {code} chưa có tệp.")
            self._log_opening(session, row, found, actor, grounds)
            return OpenedComponent(
                code,
                component,
                found.file_name or component,
                found.media_type or "application/octet-stream",
                found.size or 0,
                self._engine.files.open(key),
            )

        return self._engine.in_transaction(work)

    def log_download(self, code: str, component_id: int, actor: Actor) -> None:
        """Record, in the applicant's access log, that a reader of the dossier (whom the
        caller has authorised) downloaded one of its files."""

        def work(session: Session) -> None:
            row = self._engine.dossier_row(session, code)
            found = session.get(ComponentRow, component_id)
            if found is not None and found.dossier_id == row.id:
                self._log_opening(session, row, found, actor, Grounds.dossier(code))

        self._engine.in_transaction(work)

    def _log_opening(
        self,
        session: Session,
        row: DossierRow,
        component: ComponentRow,
        actor: Actor,
        grounds: Grounds,
    ) -> None:
        if not row.applicant_id_number:
            return
        applicant = lock_applicant(session, row.applicant_id_number)
        if applicant is None:
            return
        paper = component.digitized_code or f"{row.code}#{component.code}"
        record_access(session, applicant, actor, "open", grounds, self._engine.clock.now(), [paper])

    def attach_scan(self, code: str, component: str, file: StoredFile, actor: Actor) -> str | None:
        """Attach a component's scan; returns its code in the applicant's store, if stored."""

        def work(session: Session) -> str | None:
            row = self._engine.dossier_row(session, code, lock=True)
            spec = _component(self._procedure(session, row), component)
            facts = self._facts(file, component)
            digitized = None
            if spec.digitize and spec.paper_type:
                paper = self._store_paper(
                    session, row, actor, spec.paper_type, facts, "reception", PaperDetails()
                )
                digitized = paper.code if paper else None
            command = AttachScan(component, facts.as_dict(), digitized)
            self._engine.apply_to_row(session, row, command, actor)
            _write_component(session, row, spec, facts, digitized, actor, self._engine)
            return digitized

        return self._engine.in_transaction(work)

    def attach_result(self, code: str, actor: Actor, result: ResultFile) -> str | None:
        """Attach the electronic result; it goes into the applicant's store (returns its code)."""
        return self._with_result(code, actor, result, None)

    def return_with_result(
        self, code: str, actor: Actor, result: ResultFile, returned: ReturnResult
    ) -> str | None:
        """Attach the electronic result and return it, in one transaction (two events)."""
        return self._with_result(code, actor, result, returned)

    def _with_result(
        self, code: str, actor: Actor, result: ResultFile, returned: ReturnResult | None
    ) -> str | None:
        def work(session: Session) -> str | None:
            row = self._engine.dossier_row(session, code, lock=True)
            procedure = self._procedure(session, row)
            facts = self._facts(result.file, "KQ")
            signer = result.signed_by or _last_signer(session, row.id)
            issued = result.issued_on or self._engine.clock.now().astimezone(self._engine.tz).date()
            details = PaperDetails(
                name=procedure.result.name if procedure.result else None,
                summary=result.summary,
                number=result.number,
                issuer=self._agency_name(procedure),
                issued_on=issued,
                valid_until=result.valid_until,
            )
            paper = None
            paper_type = procedure.result.paper_type if procedure.result else None
            if paper_type:
                paper = self._store_paper(
                    session, row, actor, paper_type, facts, "result", details, signer
                )
            command = AttachResult(
                facts.as_dict(),
                result.number,
                result.summary,
                issued.isoformat(),
                result.valid_until.isoformat() if result.valid_until else None,
                signer,
                paper.code if paper else None,
                paper.public_id if paper else None,
            )
            steps: list[tuple[Command, None]] = [(command, None)]
            if returned is not None:
                steps.append((returned, None))
            self._engine.apply_in_turn(session, row, list(steps), actor)
            return paper.code if paper else None

        return self._engine.in_transaction(work)

    # --- helpers --------------------------------------------------------------------------------

    def _procedure(self, session: Session, row: DossierRow) -> Procedure:
        return self._engine.definitions.get(session, row.definition_id).definition.procedure

    def _facts(self, file: StoredFile, code: str) -> FileFacts:
        item = complete_file(
            SubmittedComponent(code, file_key=file.key, file_name=file.name), self._engine.files
        )
        assert item.file_key and item.file_name and item.media_type and item.size is not None
        return FileFacts(item.file_key, item.file_name, item.media_type, item.size)

    def _store_paper(
        self,
        session: Session,
        row: DossierRow,
        actor: Actor,
        paper_type: str,
        facts: FileFacts,
        source: str,
        details: PaperDetails,
        signer: str | None = None,
    ) -> StoredPaperRow | None:
        """Into the applicant's store on the grounds of this dossier (checked and recorded)."""
        now = self._engine.clock.now()
        applicant = ensure_applicant(session, Applicant.from_dict(row.applicant), actor, now)
        if applicant is None:
            return None
        grounds = Grounds.dossier(row.code)
        authorise(session, self._engine.definitions, actor, applicant, grounds)
        stored = StoredFile(facts.file_key, facts.size, facts.media_type, facts.file_name)
        return store_paper(
            session,
            applicant,
            paper_type,
            stored,
            source=source,
            actor=actor,
            grounds=grounds,
            now=now,
            tz=self._engine.tz,
            catalogue=self._engine.paper_types,
            details=details,
            source_dossier=row.code,
            certified_by=signer or actor.username,
        )

    def _agency_name(self, procedure: Procedure) -> str | None:
        unit = self._engine.organisation.units.get(procedure.agency)
        return unit.name if unit else None


def _component(procedure: Procedure, code: str) -> Component:
    for component in procedure.components:
        if component.code == code:
            return component
    raise InvalidCommand(
        f"Thành phần hồ sơ “{code}” không có trong thủ tục {procedure.code}.", field="component"
    )


def _write_component(
    session: Session,
    row: DossierRow,
    spec: Component,
    facts: FileFacts,
    digitized: str | None,
    actor: Actor,
    engine: Engine,
) -> None:
    found = session.scalar(
        select(ComponentRow)
        .where(ComponentRow.dossier_id == row.id, ComponentRow.code == spec.code)
        .order_by(ComponentRow.id)
        .limit(1)
    )
    if found is None:  # brought later (a supplement): a new row
        found = ComponentRow(
            dossier_id=row.id,
            code=spec.code,
            name=spec.name,
            copies=spec.copies,
            original=spec.original,
            added_at=engine.clock.now(),
            added_by=actor.username,
            supplement=row.supplement_count > 0,
        )
        session.add(found)
    found.file_key, found.file_name = facts.file_key, facts.file_name
    found.media_type, found.size, found.sha256 = facts.media_type, facts.size, facts.file_key
    found.digitized_code, found.reused_from = digitized, None


def _last_signer(session: Session, dossier_id: int) -> str | None:
    """Who completed the last step before the result was ready: the signer, usually."""
    query = (
        select(UserRow.username)
        .join(TaskRow, TaskRow.completed_by == UserRow.id)
        .where(TaskRow.dossier_id == dossier_id, TaskRow.status == "completed")
        .order_by(TaskRow.completed_at.desc(), TaskRow.id.desc())
        .limit(1)
    )
    return session.scalar(query)
