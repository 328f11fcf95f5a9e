"""The data-store service (Kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

Every method that shows anything of a person's papers takes the reader and the
grounds, checks them and appends to the person's access log in one
transaction (engine.digitisation.access): there is no way to read a stored
paper, or even its list, without the check and the record. The views never
carry a file's storage key; content comes only from :meth:`open_paper`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.model import Procedure
from engine.files import StoredFile
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.runtime.errors import DefinitionNotFound, InvalidCommand
from engine.store.models import DefinitionRow
from engine.store.models_digitisation import ApplicantRow, PaperAccessRow, StoredPaperRow

from .access import Grounds, authorise, chain_problem, may_receive, record_access
from .errors import ApplicantNotFound, PaperAccessDenied, PaperNotFound
from .papers import PaperDetails, ensure_applicant, lock_applicant, store_paper
from .reception import paper_is_valid
from .views import AccessEntry, ApplicantView, ComponentOffer, OpenedPaper, PaperView

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["DataStoreService"]

T = TypeVar("T")


class DataStoreService:
    def __init__(self, engine: Engine):
        self._engine = engine

    # --- reading: each checks the grounds and is recorded ------------------------------------

    def applicant(self, identifier: str, actor: Actor, grounds: Grounds) -> ApplicantView:
        return self._read(
            identifier, actor, grounds, "view", lambda s, a: (ApplicantView.of(a), [])
        )

    def papers(
        self, identifier: str, actor: Actor, grounds: Grounds, include_invalid: bool = False
    ) -> list[PaperView]:
        """The person's stored papers, newest first; valid ones only unless asked.

        For an officer handling a dossier of the person, or an auditor; at reception
        the officer sees only what :meth:`offers` offers.
        """
        _not_at_reception(grounds)

        def work(session: Session, applicant: ApplicantRow) -> tuple[list[PaperView], list[str]]:
            today = self._today()
            rows = self._papers_of(session, applicant.id)
            chosen = [r for r in rows if include_invalid or paper_is_valid(r, today)]
            return [PaperView.of(r, identifier) for r in chosen], [r.code for r in chosen]

        return self._read(identifier, actor, grounds, "list", work)

    def open_paper(self, public_id: str, actor: Actor, grounds: Grounds) -> OpenedPaper:
        """The paper's file, for one authorised reader; serve it with ``headers()``.

        At reception only a paper of a type the procedure may reuse can be opened.
        """

        def work(session: Session) -> OpenedPaper:
            paper, applicant = self._locked_paper(session, public_id)
            authorise(session, self._engine.definitions, actor, applicant, grounds)
            if grounds.kind == "reception":
                self._require_offerable(session, grounds, paper)
            if not self._engine.files.exists(paper.file_key):
                raise PaperNotFound(f"Tệp của giấy tờ {paper.code} không còn trong kho tệp.")
            record_access(session, applicant, actor, "open", grounds, self._now(), [paper.code])
            view = PaperView.of(paper, applicant.identifier)
            return OpenedPaper(view, self._engine.files.open(paper.file_key))

        return self._engine.in_transaction(work)

    def offers(self, procedure_code: str, identifier: str, actor: Actor) -> list[ComponentOffer]:
        """Tiếp nhận: for each reusable component of the procedure, the applicant's valid papers.

        For an officer who receives this procedure; the papers offered are recorded.
        """

        def work(session: Session) -> list[ComponentOffer]:
            procedure = self._procedure(session, procedure_code)
            if not may_receive(session, self._engine.definitions, actor, procedure_code):
                raise PaperAccessDenied(
                    f"Bạn không tiếp nhận hồ sơ thủ tục {procedure_code}, nên không được xem kho "
                    "dữ liệu của người nộp."
                )
            applicant = lock_applicant(session, identifier)
            rows = self._papers_of(session, applicant.id) if applicant is not None else []
            today = self._today()
            offers = _offers(procedure, [r for r in rows if paper_is_valid(r, today)], identifier)
            shown = [p.code for offer in offers for p in offer.papers]
            if applicant is not None and shown:
                grounds = Grounds.reception(procedure_code)
                record_access(session, applicant, actor, "offer", grounds, self._now(), shown)
            return offers

        return self._engine.in_transaction(work)

    def access_log(self, identifier: str, actor: Actor, reason: str) -> list[AccessEntry]:
        """The person's access log, for an auditor (reading it is itself recorded)."""
        grounds = Grounds.audit(reason)

        def work(session: Session, applicant: ApplicantRow) -> tuple[list[AccessEntry], list[str]]:
            rows = self._log_of(session, applicant.id)
            return [AccessEntry.of(r) for r in rows], []

        return self._read(identifier, actor, grounds, "log", work)

    def accesses_for_dossier(self, dossier_code: str) -> list[AccessEntry]:
        """Accesses made on the grounds of one dossier: for its history page."""
        query = (
            select(PaperAccessRow)
            .where(PaperAccessRow.dossier_code == dossier_code)
            .order_by(PaperAccessRow.at, PaperAccessRow.id)
        )
        with self._engine.database.read() as session:
            return [AccessEntry.of(row) for row in session.scalars(query)]

    # --- writing --------------------------------------------------------------------------------

    def store(
        self,
        applicant: Applicant,
        paper_type: str,
        file: StoredFile,
        actor: Actor,
        grounds: Grounds,
        details: PaperDetails | None = None,
        source: str = "reception",
    ) -> PaperView:
        """Digitise a paper into the person's store (certified by the officer storing it)."""

        def work(session: Session) -> PaperView:
            now = self._now()
            row = ensure_applicant(session, applicant, actor, now)
            if row is None:
                raise ApplicantNotFound("Phải có số định danh cá nhân hoặc mã số thuế hợp lệ.")
            authorise(session, self._engine.definitions, actor, row, grounds)
            paper = store_paper(
                session,
                row,
                paper_type,
                file,
                source=source,
                actor=actor,
                grounds=grounds,
                now=now,
                tz=self._engine.tz,
                catalogue=self._engine.paper_types,
                details=details or PaperDetails(),
                source_dossier=grounds.dossier_code,
                certified_by=actor.username,
            )
            return PaperView.of(paper, row.identifier)

        return self._engine.in_transaction(work)

    def revoke(self, public_id: str, actor: Actor, grounds: Grounds, reason: str) -> PaperView:
        """Thu hồi: a paper no longer valid (replaced, cancelled); its code is never reused."""
        _not_at_reception(grounds)

        def work(session: Session) -> PaperView:
            paper, applicant = self._locked_paper(session, public_id)
            authorise(session, self._engine.definitions, actor, applicant, grounds)
            if not reason.strip():
                raise InvalidCommand("Phải nêu lý do thu hồi.", field="reason")
            now = self._now()
            paper.status, paper.revoked_at = "revoked", now
            paper.revoked_by, paper.revoked_reason = actor.username, reason.strip()
            record_access(session, applicant, actor, "revoke", grounds, now, [paper.code])
            return PaperView.of(paper, applicant.identifier)

        return self._engine.in_transaction(work)

    # --- verifying ------------------------------------------------------------------------------

    def verify_access_logs(self) -> list[tuple[str, str]]:
        """(identifier, problem) for every applicant whose access log does not verify."""
        problems = []
        with self._engine.database.read() as session:
            for applicant in session.scalars(select(ApplicantRow).order_by(ApplicantRow.id)):
                problem = chain_problem(applicant, self._log_of(session, applicant.id))
                if problem is not None:
                    problems.append((applicant.identifier, problem))
        return problems

    # --- helpers --------------------------------------------------------------------------------

    def _read(
        self,
        identifier: str,
        actor: Actor,
        grounds: Grounds,
        action: str,
        work: Callable[[Session, ApplicantRow], tuple[T, list[str]]],
    ) -> T:
        def run(session: Session) -> T:
            applicant = lock_applicant(session, identifier)
            if applicant is None:
                raise ApplicantNotFound(f"Kho dữ liệu không có người có mã {identifier}.")
            authorise(session, self._engine.definitions, actor, applicant, grounds)
            result, codes = work(session, applicant)
            papers: list[str | None] = list(codes) or [None]
            record_access(session, applicant, actor, action, grounds, self._now(), papers)
            return result

        return self._engine.in_transaction(run)

    def _require_offerable(self, session: Session, grounds: Grounds, paper: StoredPaperRow) -> None:
        procedure = self._procedure(session, grounds.procedure_code or "")
        offerable = {c.paper_type for c in procedure.components if c.reusable}
        if paper.paper_type not in offerable:
            raise PaperAccessDenied(
                f"Thủ tục {procedure.code} không dùng lại giấy tờ loại {paper.paper_type}."
            )

    def _locked_paper(
        self, session: Session, public_id: str
    ) -> tuple[StoredPaperRow, ApplicantRow]:
        paper = session.scalar(select(StoredPaperRow).where(StoredPaperRow.public_id == public_id))
        if paper is None:
            raise PaperNotFound("Không có giấy tờ này trong kho dữ liệu.")
        applicant = session.scalar(
            select(ApplicantRow).where(ApplicantRow.id == paper.applicant_id).with_for_update()
        )
        assert applicant is not None
        return paper, applicant

    def _procedure(self, session: Session, code: str) -> Procedure:
        definition_id = session.scalar(
            select(DefinitionRow.id)
            .where(DefinitionRow.code == code)
            .order_by(DefinitionRow.version.desc())
            .limit(1)
        )
        if definition_id is None:
            raise DefinitionNotFound(f"Chưa triển khai thủ tục {code}.", code=code)
        return self._engine.definitions.get(session, definition_id).definition.procedure

    @staticmethod
    def _papers_of(session: Session, applicant_id: int) -> list[StoredPaperRow]:
        query = (
            select(StoredPaperRow)
            .where(StoredPaperRow.applicant_id == applicant_id)
            .order_by(StoredPaperRow.digitised_at.desc(), StoredPaperRow.id.desc())
        )
        return list(session.scalars(query))

    @staticmethod
    def _log_of(session: Session, applicant_id: int) -> list[PaperAccessRow]:
        query = (
            select(PaperAccessRow)
            .where(PaperAccessRow.applicant_id == applicant_id)
            .order_by(PaperAccessRow.seq)
        )
        return list(session.scalars(query))

    def _now(self) -> datetime:
        return self._engine.clock.now()

    def _today(self) -> date:
        return self._now().astimezone(self._engine.tz).date()


def _not_at_reception(grounds: Grounds) -> None:
    if grounds.kind == "reception":
        raise PaperAccessDenied(
            "Khi tiếp nhận chỉ xem được giấy tờ được đề xuất dùng lại cho thủ tục."
        )


def _offers(
    procedure: Procedure, valid: list[StoredPaperRow], identifier: str
) -> list[ComponentOffer]:
    offers = []
    for component in procedure.components:
        if not (component.reusable and component.paper_type):
            continue
        papers = tuple(
            PaperView.of(r, identifier) for r in valid if r.paper_type == component.paper_type
        )
        offers.append(
            ComponentOffer(
                component.code, component.name, component.paper_type, component.required, papers
            )
        )
    return offers
