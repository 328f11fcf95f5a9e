"""Reception with reuse: offering stored papers, taking them, storing new scans.

When a dossier is received, each component is either a paper handed in (with
its scan, when there is one) or a paper taken from the applicant's data store
(``reused_from`` = its code). Both are settled here, in the reception's own
transaction, before the "receive" event is written, so the event's payload
records the reused code and the file of every component and replay needs
nothing else.

Scans of components that must be digitised (``digitize: true``) and have a
paper type go into the applicant's data store with their own code; a component
that must be digitised but has no file yet blocks the hand-over (the reception
step cannot be completed) until it is scanned.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.model import Component, Procedure
from engine.files import (
    ALLOWED_MEDIA_TYPES,
    FileRejected,
    FileStore,
    StoredFile,
    sniff_media_type,
)
from engine.runtime.commands import Actor, Command, Complete
from engine.runtime.dossier import Applicant, Channel, Dossier
from engine.runtime.errors import InvalidCommand
from engine.runtime.reception import SubmittedComponent
from engine.store.models import ComponentRow
from engine.store.models_digitisation import ApplicantRow, StoredPaperRow

from .access import Grounds, may_receive, record_access
from .errors import PaperAccessDenied, PaperNotReusable, ScansMissing
from .papers import ensure_applicant, store_paper
from .views import ComponentToScan

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "prepare_reception",
    "complete_file",
    "components_to_scan",
    "require_scans_before_handover",
    "paper_is_valid",
    "APPLICANT_UPLOADER",
]

APPLICANT_UPLOADER = "applicant"  # digitised_by of a paper the applicant uploaded online


def prepare_reception(
    session: Session,
    engine: Engine,
    procedure: Procedure,
    applicant: Applicant,
    submitted: tuple[SubmittedComponent, ...],
    actor: Actor,
    dossier_code: str,
    channel: Channel,
    store_scans: bool,
) -> tuple[SubmittedComponent, ...]:
    """The submitted components with reused papers filled in and new scans stored."""
    now = engine.clock.now()
    if any(item.reused_from for item in submitted) and not may_receive(
        session, engine.definitions, actor, procedure.code
    ):
        raise PaperAccessDenied("Bạn không được dùng giấy tờ trong kho dữ liệu của người nộp.")
    intake = _Intake(
        session,
        engine,
        actor,
        ensure_applicant(session, applicant, actor, now),
        Grounds.reception(procedure.code, dossier_code),
        channel,
        store_scans,
    )
    by_code = {c.code: c for c in procedure.components}
    prepared = tuple(intake.settle(by_code[item.code], item) for item in submitted)
    reused = [item.reused_from for item in prepared if item.reused_from]
    if reused and intake.applicant is not None:
        record_access(session, intake.applicant, actor, "reuse", intake.grounds, now, reused)
    return prepared


@dataclasses.dataclass(frozen=True)
class _Intake:
    """One reception's papers being settled against the applicant's store."""

    session: Session
    engine: Engine
    actor: Actor
    applicant: ApplicantRow | None
    grounds: Grounds
    channel: Channel
    store_scans: bool

    def settle(self, component: Component, item: SubmittedComponent) -> SubmittedComponent:
        if item.reused_from:
            return _take_from_store(self.session, self.engine, self.applicant, component, item)
        if not item.file_key:
            return item
        item = complete_file(item, self.engine.files)
        if not (
            self.store_scans and self.applicant and component.digitize and component.paper_type
        ):
            return item
        online = self.channel is Channel.ONLINE
        paper = store_paper(
            self.session,
            self.applicant,
            component.paper_type,
            stored_file_of(item),
            source="online" if online else "reception",
            actor=self.actor,
            grounds=self.grounds,
            now=self.engine.clock.now(),
            tz=self.engine.tz,
            catalogue=self.engine.paper_types,
            source_dossier=self.grounds.dossier_code,
            digitised_by=APPLICANT_UPLOADER if online else self.actor.username,
            certified_by=self.actor.username,
        )
        return dataclasses.replace(item, digitized_code=paper.code)


def _take_from_store(
    session: Session,
    engine: Engine,
    applicant: ApplicantRow | None,
    component: Component,
    item: SubmittedComponent,
) -> SubmittedComponent:
    code = item.reused_from or ""
    if item.file_key or item.sha256:
        raise InvalidCommand(
            f"Thành phần “{component.name}”: hoặc dùng lại giấy tờ trong kho, hoặc nộp tệp mới, "
            "không cả hai.",
            field="components",
            component=component.code,
        )
    if applicant is None:
        raise PaperNotReusable(
            "Người nộp chưa có số định danh hoặc mã số thuế nên không có kho dữ liệu để dùng lại.",
            component=component.code,
        )
    paper = session.scalar(select(StoredPaperRow).where(StoredPaperRow.code == code))
    problem = _reuse_problem(engine, paper, applicant, component)
    if problem is not None:
        raise PaperNotReusable(
            f"Không dùng lại được giấy tờ {code} cho thành phần “{component.name}”: {problem}.",
            component=component.code,
            paper=code,
        )
    assert paper is not None
    return dataclasses.replace(
        item,
        file_key=paper.file_key,
        file_name=paper.file_name,
        media_type=paper.media_type,
        size=paper.size,
        sha256=paper.sha256,
        digitized_code=paper.code,
    )


def _reuse_problem(
    engine: Engine, paper: StoredPaperRow | None, applicant: ApplicantRow, component: Component
) -> str | None:
    if paper is None or paper.applicant_id != applicant.id:
        return "không có trong kho dữ liệu của người nộp"
    if not component.reusable:
        return "thủ tục không cho phép dùng lại giấy tờ đã số hóa cho thành phần này"
    if paper.paper_type != component.paper_type:
        return f"giấy tờ loại {paper.paper_type}, thành phần cần loại {component.paper_type}"
    if not paper_is_valid(paper, engine.clock.now().astimezone(engine.tz).date()):
        return "giấy tờ đã hết hiệu lực hoặc bị thu hồi"
    return None


def paper_is_valid(paper: StoredPaperRow, day: date) -> bool:
    """Not revoked, and ``day`` falls within its validity."""
    return (
        paper.status == "valid"
        and (paper.valid_from is None or paper.valid_from <= day)
        and (paper.valid_until is None or day <= paper.valid_until)
    )


def complete_file(item: SubmittedComponent, files: FileStore) -> SubmittedComponent:
    """A submitted file must be in the file store; its hash, size and type come from there."""
    key = item.file_key or ""
    try:
        present = files.exists(key)
    except FileRejected:
        present = False
    if not present:
        raise InvalidCommand(
            f"Tệp của thành phần {item.code} chưa được tải lên kho tệp.",
            field="components",
            component=item.code,
        )
    if item.sha256 and item.sha256 != key:
        raise InvalidCommand(
            f"Mã băm của tệp thành phần {item.code} không khớp với tệp đã tải lên.",
            field="components",
            component=item.code,
        )
    path = files.path_of(key)
    with path.open("rb") as stream:
        media_type = sniff_media_type(stream.read(16)) or "application/octet-stream"
    return dataclasses.replace(
        item,
        sha256=key,
        size=path.stat().st_size,
        media_type=media_type,
        file_name=item.file_name or f"{item.code}{_suffix(media_type)}",
    )


def _suffix(media_type: str) -> str:
    return ALLOWED_MEDIA_TYPES.get(media_type, "")


def stored_file_of(item: SubmittedComponent) -> StoredFile:
    assert item.file_key and item.size is not None and item.media_type
    return StoredFile(item.file_key, item.size, item.media_type, item.file_name or item.code)


# --- what is still to scan -------------------------------------------------------------------


def components_to_scan(
    session: Session, dossier_id: int, procedure: Procedure
) -> list[ComponentToScan]:
    """Components handed in that must be digitised and still have no file, in definition order."""
    by_code = {c.code: c for c in procedure.components}
    rows = session.scalars(
        select(ComponentRow).where(ComponentRow.dossier_id == dossier_id).order_by(ComponentRow.id)
    )
    waiting = {r.code for r in rows if r.sha256 is None and r.code in by_code}
    return [
        ComponentToScan(c.code, c.name, c.paper_type, c.required)
        for c in procedure.components
        if c.digitize and c.code in waiting
    ]


def require_scans_before_handover(
    session: Session, dossier_id: int, dossier: Dossier, command: Command
) -> None:
    """Completing the reception step hands the dossier over: every scan must be there first."""
    if not isinstance(command, Complete) or command.decision != "approve":
        return
    task = dossier.open_tasks.get(command.task)
    steps = dossier.definition.procedure.steps
    if task is None or not steps or task.step_id != steps[0].id:
        return
    missing = components_to_scan(session, dossier_id, dossier.definition.procedure)
    if missing:
        names = "; ".join(f"{c.name} ({c.code})" for c in missing)
        raise ScansMissing(
            f"Chưa số hóa đủ thành phần hồ sơ trước khi chuyển xử lý: {names}.",
            to_scan=[c.code for c in missing],
        )
