"""Task service: the officer's inbox, and claim / unclaim / reassign / complete.

Inbox queries sort by due time (overdue first, since they are due earliest),
use keyset pagination on (due_at, id), and are backed by the indexes on the
tasks table named for them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, or_, select, tuple_
from sqlalchemy.orm import Session

from engine.store.direct import DirectStatement
from engine.store.models import DossierRow, TaskRow

from .commands import Actor, Claim, Command, Complete, Reassign, Unclaim
from .dossier import search_text
from .errors import InvalidCommand, NotAuthorised, TaskNotFound
from .persistence import BY_TASK, lock_dossier
from .views import TaskView

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["InboxFilter", "Page", "InboxCounts", "TaskService"]

INBOX_KINDS = ("step", "consultation")
WAITING_KINDS = ("wait", "supplement", "apology")
MAX_PAGE = 200
READ_TASK = DirectStatement(select(TaskRow.__table__).where(TaskRow.id == bindparam("task_id")))


@dataclass(frozen=True)
class InboxFilter:
    procedure_code: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    query: str | None = None  # dossier code prefix or part of the applicant's name
    overdue_only: bool = False
    statuses: tuple[str, ...] = ()  # dossier statuses, e.g. ("late",)


@dataclass(frozen=True)
class Page:
    items: list[TaskView]
    next_cursor: str | None


@dataclass(frozen=True)
class InboxCounts:
    """The buckets an officer watches: quá hạn, đến hạn hôm nay, trong tuần."""

    overdue: int
    due_today: int
    due_this_week: int
    mine: int
    unit_queue: int
    by_procedure: dict[str, int] = field(default_factory=dict)


class TaskService:
    def __init__(self, engine: Engine):
        self._engine = engine

    # --- commands ---------------------------------------------------------------------------

    def claim(self, task_id: int, actor: Actor) -> TaskView:
        return self._on_task(task_id, actor, lambda key: Claim(key, _worker_id(actor)))

    def unclaim(self, task_id: int, actor: Actor) -> TaskView:
        return self._on_task(task_id, actor, Unclaim)

    def reassign(self, task_id: int, actor: Actor, to_username: str, reason: str = "") -> TaskView:
        task = self.get(task_id)
        target = self._engine.users.get(to_username)
        if not target.active or not target.actor.can_work(task.unit_id, task.role):
            raise InvalidCommand(
                f"{target.full_name} không thuộc đơn vị {task.unit_id} với vai trò {task.role}.",
                field="to_username",
            )
        return self._on_task(task_id, actor, lambda key: Reassign(key, target.id, reason))

    def complete(
        self,
        task_id: int,
        actor: Actor,
        decision: str = "approve",
        form_data: dict[str, Any] | None = None,
    ) -> TaskView:
        form = form_data or {}
        return self._on_task(
            task_id, actor, lambda key: Complete(key, decision, actor.user_id, form)
        )

    def request_supplement(
        self, task_id: int, actor: Actor, missing: Sequence[str], reason: str = ""
    ) -> TaskView:
        """Yêu cầu bổ sung (Mẫu 02): the dossier waits for the applicant; the clock pauses."""
        form = {"missing": list(missing), "reason": reason}
        return self.complete(task_id, actor, "supplement", form)

    def _on_task(
        self, task_id: int, actor: Actor, command_for: Callable[[str], Command]
    ) -> TaskView:
        """One command on a task's dossier and the task as it leaves it, in one transaction:
        find the task and lock its dossier, its open work read with it (one round trip),
        apply, read the task back."""

        def work(session: Session) -> TaskView:
            locked = lock_dossier(session, BY_TASK, {"task_id": task_id})
            if locked is None or locked.task_key is None:
                raise TaskNotFound(f"Không có công việc số {task_id}.", task_id=task_id)
            row = locked.row
            command = command_for(locked.task_key)
            self._engine.apply_to_row(session, row, command, actor, work=locked.work)
            session.flush()
            # as stored, exactly as a later read would see it (Core: no ORM object needed)
            (task,) = READ_TASK.rows(session.connection(), {"task_id": task_id})
            return TaskView.of(task, row)

        return self._engine.in_transaction(work)

    def get(self, task_id: int) -> TaskView:
        with self._engine.database.read() as session:
            found = session.execute(
                select(TaskRow, DossierRow)
                .join(DossierRow, DossierRow.id == TaskRow.dossier_id)
                .where(TaskRow.id == task_id)
            ).first()
            if found is None:
                raise TaskNotFound(f"Không có công việc số {task_id}.", task_id=task_id)
            return TaskView.of(found[0], found[1])

    # --- the inbox --------------------------------------------------------------------------

    def my_tasks(
        self,
        actor: Actor,
        where: InboxFilter = InboxFilter(),
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Việc của tôi: open tasks assigned to me, due first."""
        query = _inbox_base().where(TaskRow.assignee_id == actor.user_id)
        return self._page(_filtered(query, where, self._engine.clock.now()), cursor, limit)

    def unit_queue(
        self,
        actor: Actor,
        where: InboxFilter = InboxFilter(),
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Việc chờ nhận của đơn vị: unassigned tasks for my unit and roles, due first."""
        query = _inbox_base().where(
            TaskRow.unit_id == actor.unit_id,
            TaskRow.role.in_(sorted(actor.roles)),
            TaskRow.assignee_id.is_(None),
        )
        return self._page(_filtered(query, where, self._engine.clock.now()), cursor, limit)

    def counts(self, actor: Actor, tz: ZoneInfo | None = None) -> InboxCounts:
        now = self._engine.clock.now()
        zone = tz or getattr(self._engine.calendar, "tz", None) or UTC
        local = now.astimezone(zone)
        end_of_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        end_of_week = end_of_day + timedelta(days=6 - local.weekday())
        visible = or_(
            TaskRow.assignee_id == actor.user_id,
            (TaskRow.unit_id == actor.unit_id)
            & TaskRow.role.in_(sorted(actor.roles))
            & TaskRow.assignee_id.is_(None),
        )
        base = (
            select(TaskRow)
            .where(TaskRow.status == "open", TaskRow.kind.in_(INBOX_KINDS), visible)
            .subquery()
        )
        due = base.c.due_at
        per_procedure = (  # one pass over the visible tasks: the buckets per procedure
            select(
                DossierRow.procedure_code,
                func.count().filter(due < now),
                func.count().filter(due >= now, due < end_of_day),
                func.count().filter(due >= now, due < end_of_week),
                func.count().filter(base.c.assignee_id == actor.user_id),
                func.count().filter(base.c.assignee_id.is_(None)),
                func.count(),
            )
            .select_from(base)
            .join(DossierRow, DossierRow.id == base.c.dossier_id)
            .group_by(DossierRow.procedure_code)
        )
        with self._engine.database.read() as session:
            rows = [
                (str(row[0]), [int(n) for n in row[1:]]) for row in session.execute(per_procedure)
            ]
        overdue, today, week, mine, queue = (sum(n[i] for _, n in rows) for i in range(5))
        procedures = {code: n[5] for code, n in rows}
        return InboxCounts(overdue, today, week, mine, queue, procedures)

    def waiting(self, actor: Actor, limit: int = 50) -> list[TaskView]:
        """Việc chờ của đơn vị: open waiting steps, dossiers waiting for a supplement and
        apology letters to write, for my unit and roles, oldest first."""
        query = (
            select(TaskRow, DossierRow)
            .join(DossierRow, DossierRow.id == TaskRow.dossier_id)
            .where(
                TaskRow.status == "open",
                TaskRow.kind.in_(WAITING_KINDS),
                TaskRow.unit_id == actor.unit_id,
                TaskRow.role.in_(sorted(actor.roles)),
            )
            .order_by(TaskRow.created_at, TaskRow.id)
            .limit(max(1, min(limit, MAX_PAGE)))
        )
        with self._engine.database.read() as session:
            return [TaskView.of(task, dossier) for task, dossier in session.execute(query)]

    def of_dossier(self, code: str) -> list[TaskView]:
        """Every task of a dossier, open and closed, in the order they were opened."""
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            tasks = session.scalars(
                select(TaskRow).where(TaskRow.dossier_id == row.id).order_by(TaskRow.id)
            )
            return [TaskView.of(task, row) for task in tasks]

    def _page(self, query: Select[Any], cursor: str | None, limit: int) -> Page:
        limit = max(1, min(limit, MAX_PAGE))
        if cursor is not None:
            due, task_id = _decode_cursor(cursor)
            query = query.where(tuple_(TaskRow.due_at, TaskRow.id) > tuple_(due, task_id))
        query = query.order_by(TaskRow.due_at, TaskRow.id).limit(limit + 1)
        with self._engine.database.read() as session:
            rows = session.execute(query).all()
        items = [TaskView.of(task, dossier) for task, dossier in rows[:limit]]
        more = len(rows) > limit
        next_cursor = _encode_cursor(items[-1]) if more and items else None
        return Page(items, next_cursor)


def _worker_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAuthorised("Hệ thống không nhận xử lý công việc.")
    return actor.user_id


def _inbox_base() -> Select[Any]:
    query = (
        select(TaskRow, DossierRow)
        .join(DossierRow, DossierRow.id == TaskRow.dossier_id)
        .where(TaskRow.status == "open", TaskRow.kind.in_(INBOX_KINDS))
    )
    return cast(Select[Any], query)


def _filtered(query: Select[Any], where: InboxFilter, now: datetime) -> Select[Any]:
    if where.procedure_code:
        query = query.where(DossierRow.procedure_code == where.procedure_code)
    if where.due_before is not None:
        query = query.where(TaskRow.due_at < where.due_before)
    if where.due_after is not None:
        query = query.where(TaskRow.due_at >= where.due_after)
    if where.overdue_only:
        query = query.where(TaskRow.due_at < now)
    if where.statuses:
        query = query.where(DossierRow.status.in_(where.statuses))
    text = (where.query or "").replace("\x00", "").strip()  # NUL: no database takes it
    if text:
        plain = search_text(text)
        query = query.where(
            or_(
                DossierRow.code.startswith(text.upper(), autoescape=True),
                DossierRow.applicant_search.contains(plain, autoescape=True),
            )
        )
    return query


def _encode_cursor(task: TaskView) -> str:
    due = task.due_at.astimezone(UTC).isoformat() if task.due_at else ""
    return base64.urlsafe_b64encode(f"{due}|{task.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        due_text, task_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(due_text), int(task_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidCommand("Con trỏ phân trang không hợp lệ.", field="cursor") from error
