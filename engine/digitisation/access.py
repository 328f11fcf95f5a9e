"""Who may see a person's stored papers, and the record of every access.

Stored papers are personal data. A reader must give **grounds**, and the
grounds must hold at that moment:

- ``dossier``: the reader works an open task of an active dossier of this
  applicant (the unit and role of the task, or its assignee);
- ``reception``: the reader receives dossiers of this procedure (works its
  first step) and is receiving one for this applicant now;
- ``audit``: the reader has the ``auditor`` role and states a reason.

Every access, and every paper stored, is appended to the applicant's access
log in the transaction that does it, so there is no access without its record.

Why not the dossier's event chain? An access is a read: writing it there would
bump the dossier's version and make an officer's next command fail with a
conflict, would put into the replayed history events that change nothing, and
could not record an auditor's access, which belongs to no dossier. So the log
is its own table with a hash chain **per applicant** (its head on the applicant
row, which is locked while appending): an auditor can verify one person's log
without reading anyone else's, and appends for different people never wait on
each other. Each entry names the dossier it was made for, so a dossier's page
can list the accesses made on its grounds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.chain import GENESIS, canonical_json
from engine.runtime.commands import Actor
from engine.runtime.dossier import DossierStatus
from engine.runtime.persistence import DefinitionCache
from engine.store.models import DefinitionRow, DossierRow, TaskRow
from engine.store.models_digitisation import ApplicantRow, PaperAccessRow

from .errors import PaperAccessDenied

__all__ = [
    "Grounds",
    "authorise",
    "authorise_dossier",
    "may_receive",
    "record_access",
    "access_hash",
    "chain_problem",
]

AUDITOR = "auditor"


@dataclass(frozen=True)
class Grounds:
    """Căn cứ truy cập: why someone reads a person's papers."""

    kind: str  # dossier | reception | audit | system
    dossier_code: str | None = None
    procedure_code: str | None = None
    reason: str | None = None

    @classmethod
    def dossier(cls, code: str) -> Grounds:
        """Handling this dossier of the applicant."""
        return cls("dossier", dossier_code=code)

    @classmethod
    def reception(cls, procedure_code: str, dossier_code: str | None = None) -> Grounds:
        """Receiving a dossier of this procedure for the applicant."""
        return cls("reception", dossier_code=dossier_code, procedure_code=procedure_code)

    @classmethod
    def audit(cls, reason: str) -> Grounds:
        """An inspection; the reason is recorded."""
        return cls("audit", reason=reason)

    @classmethod
    def system(cls, reason: str) -> Grounds:
        """The engine itself stores a paper (demo data); never grants reading."""
        return cls("system", reason=reason)


def authorise(
    session: Session,
    definitions: DefinitionCache,
    actor: Actor,
    applicant: ApplicantRow,
    grounds: Grounds,
) -> None:
    """Raise PaperAccessDenied unless ``grounds`` let ``actor`` see this applicant's papers."""
    if grounds.kind == "audit":
        _require_auditor(actor, grounds)
        return
    if grounds.kind == "reception" and grounds.procedure_code:
        if not may_receive(session, definitions, actor, grounds.procedure_code):
            raise _denied(
                f"Bạn không tiếp nhận hồ sơ thủ tục {grounds.procedure_code}, nên không được "
                "xem kho dữ liệu của người nộp."
            )
        return
    if grounds.kind == "dossier" and grounds.dossier_code:
        dossier = session.scalar(select(DossierRow).where(DossierRow.code == grounds.dossier_code))
        if dossier is None or dossier.applicant_id_number != applicant.identifier:
            raise _denied(f"Hồ sơ {grounds.dossier_code} không phải của người này.")
        _require_handling(session, actor, dossier)
        return
    raise _denied("Phải nêu căn cứ xem giấy tờ: hồ sơ đang giải quyết, tiếp nhận, hoặc kiểm tra.")


def authorise_dossier(
    session: Session, actor: Actor, dossier: DossierRow, grounds: Grounds
) -> None:
    """Raise PaperAccessDenied unless ``grounds`` let ``actor`` see this dossier's files."""
    if grounds.kind == "audit":
        _require_auditor(actor, grounds)
        return
    if grounds.kind == "dossier" and grounds.dossier_code == dossier.code:
        _require_handling(session, actor, dossier)
        return
    raise _denied("Phải nêu căn cứ xem tệp: hồ sơ đang giải quyết, hoặc kiểm tra.")


def _require_auditor(actor: Actor, grounds: Grounds) -> None:
    if AUDITOR not in actor.roles:
        raise _denied("Chỉ cán bộ thanh tra, kiểm tra được xem giấy tờ với lý do kiểm tra.")
    if not (grounds.reason or "").strip():
        raise _denied("Phải nêu lý do kiểm tra.")


def may_receive(
    session: Session, definitions: DefinitionCache, actor: Actor, procedure_code: str
) -> bool:
    """Whether the actor works the first step (reception) of the procedure's latest version."""
    definition_id = session.scalar(
        select(DefinitionRow.id)
        .where(DefinitionRow.code == procedure_code)
        .order_by(DefinitionRow.version.desc())
        .limit(1)
    )
    if definition_id is None:
        return False
    procedure = definitions.get(session, definition_id).definition.procedure
    first = next(iter(procedure.iter_steps()), None)
    return first is not None and actor.can_work(first.unit, first.role)


def _require_handling(session: Session, actor: Actor, dossier: DossierRow) -> None:
    dossier_code = dossier.code
    if DossierStatus(dossier.status).is_closed:
        raise _denied(f"Hồ sơ {dossier_code} đã kết thúc; không còn căn cứ xem giấy tờ.")
    tasks = session.scalars(
        select(TaskRow).where(TaskRow.dossier_id == dossier.id, TaskRow.status == "open")
    )
    if not any(_handles(actor, task) for task in tasks):
        raise _denied(f"Bạn không đang xử lý hồ sơ {dossier_code}.")


def _handles(actor: Actor, task: TaskRow) -> bool:
    if actor.user_id is not None and task.assignee_id == actor.user_id:
        return True
    return task.assignee_id is None and actor.can_work(task.unit_id, task.role)


def _denied(message: str) -> PaperAccessDenied:
    return PaperAccessDenied(message)


def record_access(
    session: Session,
    applicant: ApplicantRow,
    actor: Actor,
    action: str,
    grounds: Grounds,
    now: datetime,
    papers: Iterable[str | None] = (None,),
) -> None:
    """Append one entry per paper to the applicant's chain (the applicant row must be locked)."""
    for paper_code in papers:
        seq = applicant.access_seq + 1
        entry = PaperAccessRow(
            applicant_id=applicant.id,
            seq=seq,
            at=now.astimezone(UTC),
            actor=actor.username,
            user_id=actor.user_id,
            action=action,
            paper_code=paper_code,
            grounds=grounds.kind,
            dossier_code=grounds.dossier_code,
            procedure_code=grounds.procedure_code,
            reason=grounds.reason,
            prev_hash=applicant.access_hash or GENESIS,
        )
        entry.hash = access_hash(applicant.identifier, entry)
        session.add(entry)
        applicant.access_seq = seq
        applicant.access_hash = entry.hash


def access_hash(identifier: str, entry: PaperAccessRow) -> str:
    body = {
        "prev": entry.prev_hash,
        "applicant": identifier,
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(),
        "actor": entry.actor,
        "user": entry.user_id,
        "action": entry.action,
        "paper": entry.paper_code,
        "grounds": entry.grounds,
        "dossier": entry.dossier_code,
        "procedure": entry.procedure_code,
        "reason": entry.reason,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


def chain_problem(applicant: ApplicantRow, entries: list[PaperAccessRow]) -> str | None:
    """Why the applicant's access log does not verify, or None when it does."""
    previous = GENESIS
    for expected, entry in enumerate(entries, start=1):
        if entry.seq != expected:
            return f"entry {entry.seq}: sequence jumps from {expected - 1}"
        if entry.prev_hash != previous:
            return f"entry {entry.seq}: the chain is broken (previous hash does not match)"
        if access_hash(applicant.identifier, entry) != entry.hash:
            return f"entry {entry.seq}: altered (its hash does not match its content)"
        previous = entry.hash
    if applicant.access_seq != len(entries) or (applicant.access_hash or GENESIS) != previous:
        return "the last entry does not match the applicant's chain head (entries removed?)"
    return None
