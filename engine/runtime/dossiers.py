"""Runtime service: receive, supplement, resume, withdraw, stop and return dossiers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.store.direct import DirectStatement, read_together
from engine.store.models import ComponentRow, DossierRow

from .commands import Actor, Resume, ReturnResult, Stop, Withdraw, postal_number
from .dossier import Applicant, Channel
from .dossier_search import (
    MAX_DOSSIER_PAGE,
    DossierFilter,
    DossierPage,
    dossier_query,
    encode_cursor,
)
from .errors import DossierNotFound, InvalidCommand, NotAuthorised
from .persistence import BY_CODE, Effects, LoadedDefinition, insert_dossier, next_dossier_code
from .reception import (
    Reception,
    ReceptionOutcome,
    SubmittedComponent,
    missing_components,
    refused_dossier,
    start_dossier,
)
from .users import POSTAL_ROLE
from .views import DossierSummary, DossierView

if TYPE_CHECKING:
    from .engine import Engine

DOSSIERS = DossierRow.__table__
READ_DOSSIER_PAGE = DirectStatement(  # every column but the serialized workflow
    select(*(c for c in DOSSIERS.c if c.key != "state")).where(DOSSIERS.c.code == bindparam("code"))
)

__all__ = ["RuntimeService"]

_CITIZEN_ID = re.compile(r"^\d{12}$")
_ORGANISATION_ID = re.compile(r"^\d{10}(-\d{3})?$|^\d{13}$")


class RuntimeService:
    def __init__(self, engine: Engine):
        self._engine = engine

    # --- reception --------------------------------------------------------------------------

    def receive(
        self,
        procedure_code: str,
        applicant: Applicant,
        actor: Actor,
        channel: Channel = Channel.DESK,
        components: Iterable[SubmittedComponent] = (),
        data: dict[str, Any] | None = None,
        postal_item: str | None = None,
    ) -> ReceptionOutcome:
        """Tiếp nhận: a dossier with its code and appointment, or what is missing (Mẫu 02).

        A component with ``reused_from`` takes that paper from the applicant's data
        store; scans of components to digitise go into it. Postal staff (role
        ``postal``) receive on the agency's behalf on the post channel, giving the
        item's postal number; the dossier then waits in the one-stop desk's queue.
        """
        submitted = tuple(components)
        applicant = _clean_applicant(applicant)
        deployed = self._engine.repository.latest(procedure_code)
        postal = _postal_reception(actor, channel, postal_item)

        def work(session: Session) -> ReceptionOutcome:
            loaded = self._engine.definitions.get(session, deployed.id)
            missing = missing_components(loaded.definition.procedure, submitted)
            if missing:
                return ReceptionOutcome(None, missing)
            if postal is None:
                _require_receiver(loaded, actor)
            intake = _Intake(applicant, channel, submitted, data, postal)
            code = self._create(session, loaded, intake, actor, None)
            return ReceptionOutcome(code)

        return self._engine.in_transaction(work)

    def refuse_at_reception(
        self,
        procedure_code: str,
        applicant: Applicant,
        actor: Actor,
        reason: str,
        channel: Channel = Channel.DESK,
        components: Iterable[SubmittedComponent] = (),
        data: dict[str, Any] | None = None,
    ) -> str:
        """Từ chối tiếp nhận (Mẫu 03): record the refusal with its reason; returns the code."""
        if not reason.strip():
            raise InvalidCommand("Phải nêu lý do từ chối.", field="reason")
        submitted = tuple(components)
        applicant = _clean_applicant(applicant)
        deployed = self._engine.repository.latest(procedure_code)

        def work(session: Session) -> str:
            loaded = self._engine.definitions.get(session, deployed.id)
            missing_components(loaded.definition.procedure, submitted)  # unknown codes → error
            _require_receiver(loaded, actor)
            intake = _Intake(applicant, channel, submitted, data, None)
            return self._create(session, loaded, intake, actor, reason.strip())

        return self._engine.in_transaction(work)

    def _create(
        self,
        session: Session,
        loaded: LoadedDefinition,
        intake: _Intake,
        actor: Actor,
        refusal: str | None,
    ) -> str:
        from engine.digitisation.reception import prepare_reception

        procedure = loaded.definition.procedure
        agency = self._engine.organisation.units[procedure.agency]
        assert agency.electronic_id is not None, "checked when the definition was loaded"
        now = self._engine.clock.now()
        code = next_dossier_code(session, agency.electronic_id, self._local(now))
        submitted = prepare_reception(
            session,
            self._engine,
            procedure,
            intake.applicant,
            intake.components,
            actor,
            code,
            intake.channel,
            store_scans=refusal is None,
        )
        reception = Reception(
            code=code,
            procedure_code=procedure.code,
            definition_hash=loaded.definition.content_hash,
            applicant=intake.applicant,
            channel=intake.channel,
            received_by=actor.username,
            assignee_id=None if refusal or intake.postal_item else actor.user_id,
            data=_normalise(intake.data or {}),
            components=submitted,
            reason=refusal,
            postal_item=intake.postal_item,
        )
        ctx = self._engine.apply_context(now, 1, loaded.specs)
        build = refused_dossier if refusal else start_dossier
        dossier = build(reception, ctx, loaded.definition, loaded.id, procedure.agency)
        command = "refuse_at_reception" if refusal else "receive"
        effects = Effects(ctx, self._engine.outbox)
        row = insert_dossier(session, dossier, effects, command, reception.payload(), actor)
        _add_components(session, row, loaded, submitted, actor, now)
        self._engine.portal.writer.queue(session, row, row.last_seq, None, now)
        return code

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self._engine.tz)

    # --- later in the life of a dossier -----------------------------------------------------

    def resume(
        self,
        code: str,
        actor: Actor,
        supplied: Iterable[str] = (),
        note: str = "",
        papers: Iterable[SubmittedComponent] = (),
    ) -> None:
        """The applicant supplied what was missing: processing continues where it asked.

        ``papers`` are the components handed in now (with their files); they are
        recorded as supplements in the same transaction, and their codes count
        as supplied.
        """
        handed_in = tuple(papers)
        codes = list(dict.fromkeys([*supplied, *(paper.code for paper in handed_in)]))

        def work(session: Session) -> None:
            row = self._engine.dossier_row(session, code, lock=True)
            loaded = self._engine.definitions.get(session, row.definition_id)
            missing_components(loaded.definition.procedure, handed_in)  # unknown codes → error
            self._engine.apply_to_row(session, row, Resume(actor.user_id, codes, note), actor)
            now = self._engine.clock.now()
            _add_components(session, row, loaded, handed_in, actor, now, supplement=True)

        self._engine.in_transaction(work)

    def return_result(
        self,
        code: str,
        actor: Actor,
        method: str = "desk",
        tracking_number: str | None = None,
        note: str = "",
        address: str | None = None,
    ) -> None:
        """Trả kết quả at the desk, online, or by post (with the item's tracking number)."""
        command = ReturnResult(actor.user_id, method, tracking_number, note, address)
        self._engine.execute(code, command, actor)

    def withdraw(self, code: str, actor: Actor, reason: str) -> None:
        self._engine.execute(code, Withdraw(reason), actor)

    def stop(self, code: str, actor: Actor, reason: str) -> None:
        self._engine.execute(code, Stop(reason), actor)

    # --- reading ----------------------------------------------------------------------------

    def get(self, code: str) -> DossierView:
        """The dossier as its page shows it, with its open tasks (one round trip, no ORM)."""
        where = {"code": code}
        with self._engine.database.read() as session:
            rows, tasks = read_together(
                session.connection(), (READ_DOSSIER_PAGE, where), (BY_CODE.tasks, where)
            )
        if not rows:
            raise DossierNotFound.of(code)
        return DossierView.of(rows[0], tasks)

    def components(self, code: str) -> list[ComponentRow]:
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            query = (
                select(ComponentRow)
                .where(ComponentRow.dossier_id == row.id)
                .order_by(ComponentRow.id)
            )
            return list(session.scalars(query))

    def search(
        self, where: DossierFilter | None = None, cursor: str | None = None, limit: int = 50
    ) -> DossierPage:
        """Dossiers matching ``where``, newest first, one page at a time (keyset)."""
        limit = max(1, min(limit, MAX_DOSSIER_PAGE))
        query = dossier_query(where or DossierFilter(), cursor, limit)
        with self._engine.database.read() as session:
            rows = list(session.scalars(query))
        items = [DossierSummary.of(row) for row in rows[:limit]]
        more = len(rows) > limit
        return DossierPage(items, encode_cursor(items[-1]) if more and items else None)

    def codes(self) -> list[str]:
        with self._engine.database.read() as session:
            return list(session.scalars(select(DossierRow.code).order_by(DossierRow.id)))


@dataclass(frozen=True)
class _Intake:
    """What the applicant brought, and how."""

    applicant: Applicant
    channel: Channel
    components: tuple[SubmittedComponent, ...]
    data: dict[str, Any] | None
    postal_item: str | None


def _postal_reception(actor: Actor, channel: Channel, postal_item: str | None) -> str | None:
    """The postal item number when postal staff receive on the agency's behalf, else None."""
    if POSTAL_ROLE not in actor.roles:
        return None
    if channel is not Channel.POST:
        raise NotAuthorised(
            "Nhân viên bưu chính chỉ tiếp nhận hồ sơ qua dịch vụ bưu chính công ích.",
            channel=channel.value,
        )
    return postal_number(postal_item, "postal_item")


def _require_receiver(loaded: LoadedDefinition, actor: Actor) -> None:
    steps = loaded.definition.procedure.steps
    first = next(iter(loaded.definition.procedure.iter_steps()), None) if steps else None
    if first is not None and not actor.can_work(first.unit, first.role):
        raise NotAuthorised(
            f"Chỉ cán bộ {first.unit} (vai trò {first.role}) được tiếp nhận thủ tục này.",
            unit=first.unit,
            role=first.role,
        )


def _clean_applicant(applicant: Applicant) -> Applicant:
    name = unicodedata.normalize("NFC", " ".join(applicant.name.split()))
    if not name:
        raise InvalidCommand("Phải có họ tên người nộp hồ sơ.", field="applicant.name")
    id_number = (applicant.id_number or "").strip() or None
    pattern = _ORGANISATION_ID if applicant.organisation else _CITIZEN_ID
    if id_number is not None and not pattern.match(id_number):
        message = (
            "Mã số doanh nghiệp/mã số thuế không hợp lệ."
            if applicant.organisation
            else "Số định danh cá nhân phải gồm 12 chữ số."
        )
        raise InvalidCommand(message, field="applicant.id_number")
    return Applicant(
        name=name,
        id_number=id_number,
        address=_nfc(applicant.address),
        phone=_nfc(applicant.phone),
        email=_nfc(applicant.email),
        organisation=applicant.organisation,
    )


def _nfc(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return unicodedata.normalize("NFC", text.strip())


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _add_components(
    session: Session,
    row: DossierRow,
    loaded: LoadedDefinition,
    submitted: tuple[SubmittedComponent, ...],
    actor: Actor,
    now: datetime,
    supplement: bool = False,
) -> None:
    by_code = {c.code: c for c in loaded.definition.procedure.components}
    for item in submitted:
        component = by_code[item.code]
        session.add(
            ComponentRow(
                dossier_id=row.id,
                code=item.code,
                name=component.name,
                copies=item.copies or component.copies,
                original=component.original if item.original is None else item.original,
                file_key=item.file_key,
                file_name=item.file_name,
                media_type=item.media_type,
                size=item.size,
                sha256=item.sha256,
                digitized_code=item.digitized_code,
                reused_from=item.reused_from,
                added_at=now,
                added_by=actor.username,
                supplement=supplement,
            )
        )
