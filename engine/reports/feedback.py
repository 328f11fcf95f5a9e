"""Đánh giá và phản ánh, kiến nghị: citizens rate dossiers and send feedback (PAKN).

* A **rating** (very satisfied, satisfied, not satisfied) is given once per
  dossier, after its processing ended (the result was ready, or it was refused,
  stopped or withdrawn).
* **Feedback** (phản ánh, kiến nghị) is addressed to an agency, about a dossier
  or not. It must be answered within 10 working days, counted on the working
  calendar as a time limit (the day of receipt is not counted, the limit ends
  at the close of office hours); answers are published. The sweep
  (:meth:`FeedbackService.mark_overdue`, run by the scheduler) marks unanswered
  feedback overdue once its time is up, exactly once however many schedulers
  run: one conditional UPDATE flips each row from not overdue to overdue.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.definitions.model import Duration
from engine.runtime.commands import Actor
from engine.runtime.errors import (
    Conflict,
    InvalidCommand,
    InvalidTransition,
    NotAuthorised,
    NotFound,
)
from engine.runtime.persistence import next_dossier_code
from engine.store.models import DossierRow
from engine.store.models_reports import FeedbackRow, RatingRow

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "ANSWER_WORKING_DAYS",
    "RatingValue",
    "FeedbackKind",
    "RatingView",
    "FeedbackView",
    "AlreadyRated",
    "AlreadyAnswered",
    "FeedbackNotFound",
    "FeedbackService",
]

ANSWER_WORKING_DAYS = 10


class RatingValue(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"

    @property
    def label(self) -> str:
        return {
            "very_satisfied": "Rất hài lòng",
            "satisfied": "Hài lòng",
            "not_satisfied": "Không hài lòng",
        }[self.value]


class FeedbackKind(StrEnum):
    REFLECTION = "phan_anh"  # phản ánh: something went wrong
    PETITION = "kien_nghi"  # kiến nghị: a proposal

    @property
    def label(self) -> str:
        return "Phản ánh" if self is FeedbackKind.REFLECTION else "Kiến nghị"


class AlreadyRated(Conflict):
    code = "already_rated"


class AlreadyAnswered(Conflict):
    code = "already_answered"


class FeedbackNotFound(NotFound):
    code = "feedback_not_found"


@dataclass(frozen=True)
class RatingView:
    dossier_code: str
    value: RatingValue
    comment: str | None
    source: str
    rated_at: datetime


@dataclass(frozen=True)
class FeedbackView:
    code: str
    kind: FeedbackKind
    agency_id: str
    dossier_code: str | None
    subject: str
    content: str
    sender_name: str
    sender_contact: str | None
    received_at: datetime
    due_at: datetime
    answered: bool
    overdue: bool
    answer: str | None
    answered_at: datetime | None
    published_at: datetime | None
    sender_verdict: str | None

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


class FeedbackService:
    def __init__(self, engine: Engine):
        self._engine = engine

    # --- ratings ----------------------------------------------------------------------------

    def rate(
        self,
        dossier_code: str,
        value: RatingValue | str,
        comment: str | None = None,
        source: str = "web",
        id_number: str | None = None,
    ) -> RatingView:
        """Record the applicant's rating, once. ``id_number``, when given, must be theirs."""
        rating = _choice(RatingValue, value, "value")

        def work(session: Session) -> RatingView:
            dossier = self._engine.dossier_row(session, dossier_code)
            if id_number is not None and id_number.strip() != (dossier.applicant_id_number or ""):
                raise NotAuthorised("Số định danh không khớp với người nộp hồ sơ.")
            if dossier.finished_at is None and dossier.closed_at is None:
                raise InvalidTransition(
                    f"Hồ sơ {dossier_code} chưa giải quyết xong; chỉ đánh giá khi đã có kết quả.",
                    status=dossier.status,
                )
            if session.scalar(select(RatingRow.id).where(RatingRow.dossier_id == dossier.id)):
                raise AlreadyRated(f"Hồ sơ {dossier_code} đã được đánh giá.")
            row = RatingRow(
                dossier_id=dossier.id,
                value=rating.value,
                comment=_paragraphs(comment) or None,
                source=source,
                rated_at=self._engine.clock.now(),
            )
            session.add(row)
            session.flush()
            return RatingView(dossier_code, rating, row.comment, source, row.rated_at)

        try:
            return self._engine.in_transaction(work)
        except IntegrityError as error:  # the same dossier rated twice at once
            raise AlreadyRated(f"Hồ sơ {dossier_code} đã được đánh giá.") from error

    def rating(self, dossier_code: str) -> RatingView | None:
        with self._engine.database.read() as session:
            dossier = self._engine.dossier_row(session, dossier_code)
            row = session.scalar(select(RatingRow).where(RatingRow.dossier_id == dossier.id))
            if row is None:
                return None
            return RatingView(
                dossier_code, RatingValue(row.value), row.comment, row.source, row.rated_at
            )

    # --- feedback ---------------------------------------------------------------------------

    def submit(
        self,
        kind: FeedbackKind | str,
        subject: str,
        content: str,
        sender_name: str,
        sender_contact: str | None = None,
        dossier_code: str | None = None,
        agency_id: str | None = None,
    ) -> FeedbackView:
        """Receive feedback; it is due 10 working days later. About a dossier, its agency."""
        chosen = _choice(FeedbackKind, kind, "kind")
        fields = {"subject": subject, "content": content, "sender_name": sender_name}
        for name, value in fields.items():
            if not _text(value):
                raise InvalidCommand("Phải nhập đủ tiêu đề, nội dung và họ tên.", field=name)

        def work(session: Session) -> FeedbackView:
            dossier = self._engine.dossier_row(session, dossier_code) if dossier_code else None
            agency = dossier.agency_id if dossier is not None else self._agency(agency_id)
            now = self._engine.clock.now()
            row = FeedbackRow(
                code=next_dossier_code(session, "PAKN", now.astimezone(self._engine.tz)),
                kind=chosen.value,
                agency_id=agency,
                dossier_id=dossier.id if dossier is not None else None,
                subject=_text(subject),
                content=_paragraphs(content),
                sender_name=_text(sender_name),
                sender_contact=_optional(sender_contact),
                received_at=now,
                due_at=self._engine.calendar.due(now, Duration.days(ANSWER_WORKING_DAYS)),
                status="open",
                overdue=False,
            )
            session.add(row)
            session.flush()
            return _view(row, dossier_code)

        return self._engine.in_transaction(work)

    def answer(self, code: str, actor: Actor, text: str, publish: bool = False) -> FeedbackView:
        """Trả lời: an officer of the agency answers (and may publish at once)."""
        if not _text(text):
            raise InvalidCommand("Phải nhập nội dung trả lời.", field="answer")

        def work(session: Session) -> FeedbackView:
            row = self._row(session, code, actor)
            if row.status == "answered":
                raise AlreadyAnswered(f"Phản ánh, kiến nghị {code} đã được trả lời.")
            now = self._engine.clock.now()
            row.status, row.answer, row.answered_at, row.answered_by = (
                "answered",
                _paragraphs(text),
                now,
                actor.user_id,
            )
            if now > row.due_at and not row.overdue:
                row.overdue, row.overdue_at = True, now
            if publish:
                row.published_at = now
            return _view(row, self._dossier_code(session, row))

        return self._engine.in_transaction(work)

    def publish(self, code: str, actor: Actor) -> FeedbackView:
        """Công khai: publish the answer on the public page."""

        def work(session: Session) -> FeedbackView:
            row = self._row(session, code, actor)
            if row.status != "answered":
                raise InvalidTransition("Chỉ công khai được phản ánh, kiến nghị đã trả lời.")
            row.published_at = row.published_at or self._engine.clock.now()
            return _view(row, self._dossier_code(session, row))

        return self._engine.in_transaction(work)

    def record_verdict(self, code: str, satisfied: bool) -> FeedbackView:
        """The sender's reaction to the answer (counted by the 766 satisfaction indicator)."""

        def work(session: Session) -> FeedbackView:
            row = self._row(session, code, None)
            if row.status != "answered":
                raise InvalidTransition("Phản ánh, kiến nghị chưa được trả lời.")
            if row.sender_verdict is not None:
                raise Conflict("Người gửi đã cho biết ý kiến về câu trả lời.")
            row.sender_verdict = "satisfied" if satisfied else "not_satisfied"
            return _view(row, self._dossier_code(session, row))

        return self._engine.in_transaction(work)

    def get(self, code: str) -> FeedbackView:
        with self._engine.database.read() as session:
            row = self._row(session, code, None)
            return _view(row, self._dossier_code(session, row))

    def find(
        self,
        agency_id: str | None = None,
        open_only: bool = False,
        overdue_only: bool = False,
        published_only: bool = False,
        limit: int = 100,
    ) -> list[FeedbackView]:
        """Newest first; the public page lists published ones only."""
        query = select(FeedbackRow, DossierRow.code).outerjoin(
            DossierRow, DossierRow.id == FeedbackRow.dossier_id
        )
        if agency_id is not None:
            query = query.where(FeedbackRow.agency_id == agency_id)
        if open_only:
            query = query.where(FeedbackRow.status == "open")
        if overdue_only:
            query = query.where(FeedbackRow.overdue.is_(True))
        if published_only:
            query = query.where(FeedbackRow.published_at.is_not(None))
        query = query.order_by(FeedbackRow.received_at.desc(), FeedbackRow.id.desc()).limit(limit)
        with self._engine.database.read() as session:
            return [_view(row, dossier) for row, dossier in session.execute(query)]

    def mark_overdue(self, now: datetime | None = None) -> list[str]:
        """Mark unanswered feedback past its due time overdue; returns the codes newly marked.

        One UPDATE flips ``overdue`` from false to true: concurrent sweeps each flip a
        row at most once (PostgreSQL re-checks the condition under the row lock)."""
        moment = now or self._engine.clock.now()
        statement = (
            update(FeedbackRow)
            .where(
                FeedbackRow.status == "open",
                FeedbackRow.overdue.is_(False),
                FeedbackRow.due_at < moment,  # ix_feedback_overdue_sweep
            )
            .values(overdue=True, overdue_at=moment)
            .returning(FeedbackRow.code)
        )
        with self._engine.database.write() as session:
            return sorted(session.scalars(statement))

    # --- inside -----------------------------------------------------------------------------

    def _agency(self, agency_id: str | None) -> str:
        unit = self._engine.organisation.units.get(agency_id or "")
        if unit is None or not unit.is_agency:
            raise InvalidCommand("Phải chọn cơ quan nhận phản ánh, kiến nghị.", field="agency_id")
        return unit.id

    def _row(self, session: Session, code: str, actor: Actor | None) -> FeedbackRow:
        row = session.scalar(select(FeedbackRow).where(FeedbackRow.code == code))
        if row is None:
            raise FeedbackNotFound(f"Không có phản ánh, kiến nghị {code}.", code=code)
        organisation = self._engine.organisation
        if actor is not None and not (
            actor.unit_id and organisation.belongs_to(actor.unit_id, row.agency_id)
        ):
            raise NotAuthorised("Chỉ cán bộ của cơ quan nhận phản ánh, kiến nghị được xử lý.")
        return row

    @staticmethod
    def _dossier_code(session: Session, row: FeedbackRow) -> str | None:
        if row.dossier_id is None:
            return None
        return session.scalar(select(DossierRow.code).where(DossierRow.id == row.dossier_id))


def _view(row: FeedbackRow, dossier_code: str | None) -> FeedbackView:
    return FeedbackView(
        code=row.code,
        kind=FeedbackKind(row.kind),
        agency_id=row.agency_id,
        dossier_code=dossier_code,
        subject=row.subject,
        content=row.content,
        sender_name=row.sender_name,
        sender_contact=row.sender_contact,
        received_at=row.received_at,
        due_at=row.due_at,
        answered=row.status == "answered",
        overdue=row.overdue,
        answer=row.answer,
        answered_at=row.answered_at,
        published_at=row.published_at,
        sender_verdict=row.sender_verdict,
    )


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: E | str, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        raise InvalidCommand(
            f"Giá trị “{value}” không hợp lệ; chọn: {allowed}.", field=field
        ) from None


def _text(value: str | None) -> str:
    """One line: NFC, runs of spaces made one."""
    return unicodedata.normalize("NFC", " ".join((value or "").split()))


def _paragraphs(value: str | None) -> str:
    """Free text: NFC, each line trimmed, line breaks kept."""
    lines = [" ".join(line.split()) for line in (value or "").strip().splitlines()]
    return unicodedata.normalize("NFC", "\n".join(lines))


def _optional(value: str | None) -> str | None:
    return _text(value) or None
