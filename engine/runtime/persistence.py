"""Reading and writing the dossier aggregate: rows, task projections, the event chain."""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Select, Table, bindparam, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine.audit.chain import GENESIS, event_hash, state_hash
from engine.definitions.executable import ExecutableDefinition, TaskKind
from engine.definitions.organisation import Organisation
from engine.digitisation.projection import dossier_columns
from engine.notify.outbox import INSERT_OUTBOX, Address, OutboxWriter
from engine.store.direct import DirectStatement, WriteBatch, Written, read_together
from engine.store.models import (
    CounterRow,
    DefinitionRow,
    DossierRow,
    EventRow,
    TaskRow,
    TimerRow,
)

from .commands import Actor
from .deadlines import desired_timers
from .dossier import (
    Applicant,
    ApplyContext,
    Channel,
    Dossier,
    DossierStatus,
    OpenTask,
    search_text,
)
from .errors import DefinitionNotFound
from .spiff import ProcessSpecs, SpecCache, WorkflowCodec

__all__ = [
    "ChainHead",
    "Effects",
    "LoadedDefinition",
    "record_event",
    "save_dossier",
    "DefinitionCache",
    "dossier_from_rows",
    "insert_dossier",
    "next_dossier_code",
    "open_task_rows",
    "OpenWork",
    "open_work",
    "Locator",
    "Locked",
    "BY_CODE",
    "BY_TASK",
    "lock_dossier",
]


@dataclass
class ChainHead:
    """The end of a dossier's event chain while a command appends to it."""

    seq: int
    hash: str

    @classmethod
    def of(cls, row: DossierRow) -> ChainHead:
        return cls(row.last_seq, row.last_hash)


@dataclass(frozen=True)
class LoadedDefinition:
    id: int
    definition: ExecutableDefinition
    specs: ProcessSpecs


class DefinitionCache:
    """Deployed definitions by id, with their parsed specs; rows are immutable, so never stale."""

    def __init__(self, organisation: Organisation | None = None) -> None:
        self._organisation = organisation
        self._definitions: dict[int, ExecutableDefinition] = {}
        self._specs = SpecCache()
        self._lock = threading.Lock()

    def remember(self, definition_id: int, definition: ExecutableDefinition) -> None:
        with self._lock:
            self._definitions[definition_id] = definition

    def get(self, session: Session, definition_id: int) -> LoadedDefinition:
        with self._lock:
            definition = self._definitions.get(definition_id)
        if definition is None:
            row = session.get(DefinitionRow, definition_id)
            if row is None:
                raise DefinitionNotFound(f"Không có quy trình số {definition_id}.")
            definition = _definition_from_row(row, self._organisation)
            self.remember(definition_id, definition)
        return LoadedDefinition(
            definition_id, definition, self._specs.get(definition_id, definition)
        )


def _definition_from_row(
    row: DefinitionRow, organisation: Organisation | None
) -> ExecutableDefinition:
    """The deployed definition, executing exactly the XML that was deployed."""
    from engine.definitions.bpmn_import import import_bpmn

    imported = import_bpmn(row.bpmn_xml, row.source_name, organisation)
    definition = dataclasses.replace(
        imported, bpmn_xml=row.bpmn_xml, source_format=row.source_format
    )
    if definition.content_hash != row.content_hash:
        raise DefinitionNotFound(
            f"Quy trình {row.code} phiên bản {row.version} đã bị sửa trong cơ sở dữ liệu "
            "(mã băm không khớp)."
        )
    return definition


DOSSIERS = cast(Table, DossierRow.__table__)
TASKS = cast(Table, TaskRow.__table__)
TIMERS = cast(Table, TimerRow.__table__)
EVENTS = cast(Table, EventRow.__table__)


class TaskFields(Protocol):
    """What building a dossier reads of an open task's row (an ORM row or a Core row)."""

    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def spiff_id(self) -> str | None: ...
    @property
    def step_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def late(self) -> bool: ...
    @property
    def escalation(self) -> int: ...
    @property
    def warned(self) -> bool: ...


def _open_tasks(dossier_id: Any) -> Select[Any]:
    """A dossier's open tasks, in the order they were opened."""
    return (
        select(TASKS)
        .where(TASKS.c.dossier_id == dossier_id, TASKS.c.status == "open")
        .order_by(TASKS.c.id)
    )


def _pending_timers(dossier_id: Any) -> Select[Any]:
    return select(TIMERS.c.id, TIMERS.c.kind, TIMERS.c.task_key, TIMERS.c.due_at).where(
        TIMERS.c.dossier_id == dossier_id, TIMERS.c.status == "pending"
    )


# The hot path's statements, compiled once per dialect and run on the driver's cursor
# (engine.store.direct): each command only binds values to them.
OPEN_TASKS = DirectStatement(_open_tasks(bindparam("dossier_id")))
PENDING_TIMERS = DirectStatement(_pending_timers(bindparam("dossier_id")))
CANCEL_TIMER = DirectStatement(
    update(TIMERS).where(TIMERS.c.id == bindparam("timer_id")).values(status="cancelled")
)
TIMER_COLUMNS = ("dossier_id", "kind", "task_key", "due_at", "status", "created_at", "attempts")
INSERT_TIMERS = DirectStatement.insert(TIMERS, TIMER_COLUMNS)
TASK_COLUMNS = (
    "dossier_id", "key", "spiff_id", "step_id", "kind", "name", "unit_id", "role", "status",
    "assignee_id", "created_at", "due_at", "late", "escalation", "warned", "form_data",
)  # fmt: skip
INSERT_TASKS = DirectStatement.insert(TASKS, TASK_COLUMNS)
EVENT_COLUMNS = (
    "dossier_id", "seq", "occurred_at", "actor", "command", "payload", "state_hash",
    "prev_hash", "hash",
)  # fmt: skip
INSERT_EVENT = DirectStatement.insert(EVENTS, EVENT_COLUMNS)
TOUCH_TASKS = DirectStatement(
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"))
    .values(
        assignee_id=bindparam("assignee_id"),
        late=bindparam("late"),
        escalation=bindparam("escalation"),
        warned=bindparam("warned"),
    )
)
CLOSE_TASKS = DirectStatement(
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"))
    .values(
        status=bindparam("status"),
        completed_at=bindparam("completed_at"),
        completed_by=bindparam("completed_by"),
        decision=bindparam("decision"),
        form_data=bindparam("form_data"),
    )
)
_ROW_UPDATES: dict[frozenset[str], DirectStatement] = {}


def _row_update(columns: frozenset[str]) -> DirectStatement:
    """The dossier row's guarded UPDATE of these columns, built once per set of columns."""
    statement = _ROW_UPDATES.get(columns)
    if statement is None:
        statement = DirectStatement(
            update(DOSSIERS)
            .where(DOSSIERS.c.id == bindparam("row_id"))
            .where(DOSSIERS.c.version == bindparam("row_version"))
            .values({c: bindparam(f"new_{c}") for c in (*sorted(columns), "version")})
        )
        _ROW_UPDATES[columns] = statement
    return statement


def core(session: Session) -> Connection:
    """The session's connection for Core statements, after flushing what the ORM still holds
    (Core statements do not autoflush; a clean session costs nothing)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def open_task_rows(session: Session, dossier_id: int) -> list[TaskFields]:
    """The dossier's open tasks as plain rows (one Core select, no ORM identity map)."""
    return OPEN_TASKS.rows(core(session), {"dossier_id": dossier_id})


@dataclass(frozen=True)
class OpenWork:
    """What a command on a locked dossier reads besides its row: its open tasks and its
    pending timers (plain rows; ``PENDING_TIMERS``' columns: id, kind, task_key, due_at)."""

    tasks: list[TaskFields]
    timers: list[Any]


def open_work(session: Session, dossier_id: int) -> OpenWork:
    """The dossier's open tasks and pending timers, read together (one round trip)."""
    where = {"dossier_id": dossier_id}
    tasks, timers = read_together(core(session), (OPEN_TASKS, where), (PENDING_TIMERS, where))
    return OpenWork(tasks, timers)


@dataclass(frozen=True)
class Locator:
    """How a command finds its dossier: the row lock, and its open work's reads, all
    keyed by the same parameter (the dossier's code, or one of its tasks' id)."""

    lock: DirectStatement
    tasks: DirectStatement
    timers: DirectStatement


def _locator(dossier_id: Any, lock: Select[Any]) -> Locator:
    return Locator(
        DirectStatement(lock.with_for_update(of=DOSSIERS)),
        DirectStatement(_open_tasks(dossier_id)),
        DirectStatement(_pending_timers(dossier_id)),
    )


_FOUND = TASKS.alias("found")
BY_CODE = _locator(
    select(DOSSIERS.c.id).where(DOSSIERS.c.code == bindparam("code")).scalar_subquery(),
    select(DOSSIERS).where(DOSSIERS.c.code == bindparam("code")),
)
BY_TASK = _locator(  # the task's key comes with its dossier's row, as ``found_key``
    select(_FOUND.c.dossier_id).where(_FOUND.c.id == bindparam("task_id")).scalar_subquery(),
    select(DOSSIERS, _FOUND.c.key.label("found_key"))
    .join(_FOUND, _FOUND.c.dossier_id == DOSSIERS.c.id)
    .where(_FOUND.c.id == bindparam("task_id")),
)


@dataclass(frozen=True)
class Locked:
    row: DossierRow
    work: OpenWork
    task_key: str | None  # with BY_TASK: the key of the task it was found by


def lock_dossier(session: Session, by: Locator, params: dict[str, Any]) -> Locked | None:
    """Lock the dossier's row and read its open tasks and pending timers, in one round trip
    (on PostgreSQL the reads run once the lock is granted, each with a snapshot of its
    own, so they see what the lock's previous holder committed). The row is attached to
    the session as if the ORM had loaded it. None when there is no such dossier."""
    found, tasks, timers = read_together(
        core(session), (by.lock, params), (by.tasks, params), (by.timers, params)
    )
    if not found:
        return None
    values = found[0]._asdict()
    task_key = values.pop("found_key", None)
    return Locked(_attached(session, values), OpenWork(tasks, timers), task_key)


def _attached(session: Session, values: dict[str, Any]) -> DossierRow:
    """The row as a persistent ORM object with these values as its stored state."""
    held = session.identity_map.get(Session.identity_key(DossierRow, (values["id"],)))
    if isinstance(held, DossierRow):  # loaded earlier in this session: take the fresh values
        for column, value in values.items():
            set_committed_value(held, column, value)
        return held
    row = DossierRow(**values)
    make_transient_to_detached(row)  # no history: as though just loaded
    session.add(row)
    return row


def dossier_from_rows(
    row: DossierRow, tasks: Iterable[TaskFields], loaded: LoadedDefinition, codec: WorkflowCodec
) -> Dossier:
    dossier = Dossier(
        id=row.id,
        code=row.code,
        definition=loaded.definition,
        definition_id=row.definition_id,
        agency_id=row.agency_id,
        applicant=Applicant.from_dict(row.applicant),
        channel=Channel(row.channel),
        status=DossierStatus(row.status),
        received_at=row.received_at,
        received_by=row.received_by,
        data=copy.deepcopy(row.data),  # deep: JSON columns only notice reassignment
        outcome=copy.deepcopy(row.outcome),
        due_at=row.due_at,
        original_due_at=row.original_due_at,
        finished_at=row.finished_at,
        closed_at=row.closed_at,
        paused_at=row.paused_at,
        pause_kind=row.pause_kind,
        remaining_minutes=row.remaining_minutes,
        supplement_count=row.supplement_count,
        overdue=row.overdue,
        apologised=row.apologised,
        apology_requested=row.apology_requested,
        workflow=codec.loads(row.state, loaded.specs) if row.state else None,
    )
    for task in tasks:
        dossier.open_tasks[task.key] = OpenTask(
            key=task.key,
            spiff_id=task.spiff_id or "",
            step_id=task.step_id,
            kind=TaskKind(task.kind),
            name=task.name,
            unit=task.unit_id,
            role=task.role,
            created_at=task.created_at,
            due_at=task.due_at,
            assignee_id=task.assignee_id,
            late=task.late,
            escalation=task.escalation,
            warned=task.warned,
        )
    return dossier


def next_dossier_code(session: Session, electronic_id: str, local_day: datetime) -> str:
    """`<agency electronic id>-<yymmdd>-<NNNN>`, unique under concurrency (an upsert counter)."""
    day = local_day.strftime("%y%m%d")
    key = f"{electronic_id}-{day}"
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(CounterRow)
        .values(key=key, value=1)
        .on_conflict_do_update(index_elements=["key"], set_={"value": CounterRow.value + 1})
        .returning(CounterRow.value)
    )
    value = session.connection().execute(statement).scalar_one()  # Core: no ORM overhead
    return f"{key}-{value:04d}"


class SyncQueue(Protocol):
    """The national portal's sync outbox (engine.digitisation.sync.PortalSync)."""

    def fingerprint(self, row: DossierRow) -> tuple[Any, ...]: ...

    def queue(
        self,
        session: Session,
        row: DossierRow,
        seq: int,
        before: tuple[Any, ...] | None,
        now: datetime,
        batch: WriteBatch | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class Effects:
    """What a command writes besides the dossier: timers, notifications, the portal's copy."""

    ctx: ApplyContext
    outbox: OutboxWriter
    sync: SyncQueue | None = None


def insert_dossier(
    session: Session,
    dossier: Dossier,
    effects: Effects,
    command: str,
    payload: dict[str, Any],
    actor: Actor,
) -> DossierRow:
    row = DossierRow(
        code=dossier.code,
        definition_id=dossier.definition_id,
        procedure_code=dossier.definition.procedure.code,
        agency_id=dossier.agency_id,
        received_at=dossier.received_at,
        received_by=dossier.received_by,
        version=1,
        last_seq=0,
        last_hash=GENESIS,
    )
    _copy_to_row(dossier, row, effects.ctx.codec)
    head = ChainHead.of(row)
    event = chained_event(row.code, head, dossier, command, payload, actor, effects.ctx.now)
    row.last_seq, row.last_hash = head.seq, head.hash  # the chain is known before the INSERT
    session.add(row)
    session.flush()
    dossier.id = row.id
    batch = WriteBatch()
    batch.add(INSERT_EVENT, [event | {"dossier_id": row.id}])
    _plan_tasks(batch, row.id, dossier, {})
    cancelled = _plan_effects(session, batch, row, dossier, OpenWork([], []), effects, head.seq)
    batch.send(session.connection())
    _mark_loaded_timers(session, cancelled, "cancelled")
    return row


def save_dossier(
    session: Session,
    row: DossierRow,
    dossier: Dossier,
    work: OpenWork,
    events: list[dict[str, Any]],
    head: ChainHead,
    effects: Effects,
) -> None:
    """Write the dossier after the ``events`` of one or more commands (the chain now ends
    at ``head``): the events, the row, tasks, timers, outbox, and the portal's sync outbox
    when what it reads has changed. What to write is worked out first (the few reads it
    needs included), then every write is sent at once (one pipeline on PostgreSQL)."""
    before = effects.sync.fingerprint(row) if effects.sync is not None else None
    values = _row_values(dossier, effects.ctx.codec)
    values.update(last_seq=head.seq, last_hash=head.hash)
    batch = WriteBatch()
    batch.add(INSERT_EVENT, [event | {"dossier_id": row.id} for event in events])
    guarded = _plan_row_update(batch, row, values)
    _plan_tasks(batch, row.id, dossier, {t.key: t.id for t in work.tasks})
    cancelled = _plan_effects(session, batch, row, dossier, work, effects, head.seq)
    if effects.sync is not None:
        effects.sync.queue(session, row, head.seq, before, effects.ctx.now, batch)
    batch.send(session.connection())
    if guarded.rowcount != 1:
        raise StaleDataError(
            f"UPDATE statement on table 'dossiers' expected to update 1 row(s); "
            f"{guarded.rowcount} were matched."
        )
    _mark_loaded_timers(session, cancelled, "cancelled")


def _plan_effects(
    session: Session,
    batch: WriteBatch,
    row: DossierRow,
    dossier: Dossier,
    work: OpenWork,
    effects: Effects,
    seq: int,
) -> list[int]:
    """Add the timers' and the outbox's writes; the ids of the timers cancelled."""
    cancelled = _plan_timers(batch, row.id, dossier, work.timers, effects.ctx)
    applicant = Address(None, None, dossier.applicant.email, dossier.applicant.phone)
    notifications = effects.outbox.rows(
        session,
        dossier.take_notifications(),
        dossier_id=row.id,
        seq=seq,
        applicant=applicant,
        now=effects.ctx.now,
    )
    batch.add(INSERT_OUTBOX, notifications)
    return cancelled


def _plan_timers(
    batch: WriteBatch, dossier_id: int, dossier: Dossier, pending: list[Any], ctx: ApplyContext
) -> list[int]:
    """Make the pending timer rows exactly the timers the dossier needs now: a diff in
    Python against those read with the dossier, then the writes (cancel the unwanted,
    insert the missing)."""
    wanted = {(t.kind.value, t.task, t.due_at): t for t in desired_timers(dossier, ctx)}
    have = set()
    cancelled = []
    for timer_id, kind, task_key, due_at in pending:
        key = (kind, task_key, due_at)
        if key in wanted and key not in have:
            have.add(key)
        else:
            cancelled.append(timer_id)
    batch.add(CANCEL_TIMER, [{"timer_id": timer_id} for timer_id in cancelled])
    missing = [
        {
            "dossier_id": dossier_id,
            "kind": spec.kind.value,
            "task_key": spec.task,
            "due_at": spec.due_at,
            "status": "pending",
            "created_at": ctx.now,
            "attempts": 0,
        }
        for key, spec in wanted.items()
        if key not in have
    ]
    batch.add(INSERT_TIMERS, missing)
    return cancelled


def _mark_loaded_timers(session: Session, timer_ids: list[int], status: str) -> None:
    """Timer rows the session already holds (the sweep's) see the status just written."""
    for timer_id in timer_ids:
        loaded = session.identity_map.get(Session.identity_key(TimerRow, (timer_id,)))
        if loaded is not None:
            set_committed_value(loaded, "status", status)


def _copy_to_row(dossier: Dossier, row: DossierRow, codec: WorkflowCodec) -> None:
    for column, value in _row_values(dossier, codec).items():
        setattr(row, column, value)


def _row_values(dossier: Dossier, codec: WorkflowCodec) -> dict[str, Any]:
    """The dossier row's columns that the aggregate owns, as the dossier is now."""
    outcome = dict(dossier.outcome)
    values = {
        "applicant_name": dossier.applicant.name,
        "applicant_search": search_text(dossier.applicant.name),
        "applicant_id_number": dossier.applicant.id_number,
        "applicant": dossier.applicant.to_dict(),
        "channel": dossier.channel.value,
        "status": dossier.status.value,
        "due_at": dossier.due_at,
        "original_due_at": dossier.original_due_at,
        "finished_at": dossier.finished_at,
        "closed_at": dossier.closed_at,
        "paused_at": dossier.paused_at,
        "pause_kind": dossier.pause_kind,
        "remaining_minutes": dossier.remaining_minutes,
        "supplement_count": dossier.supplement_count,
        "overdue": dossier.overdue,
        "apologised": dossier.apologised,
        "apology_requested": dossier.apology_requested,
        "data": dict(dossier.data),
        "outcome": outcome,
        "state": codec.dumps(dossier.workflow) if dossier.workflow is not None else b"",
    }
    values.update(dossier_columns(dossier.definition.procedure.fee, outcome))
    return values


def _plan_row_update(batch: WriteBatch, row: DossierRow, values: dict[str, Any]) -> Written:
    """One UPDATE of the columns that changed (and any the caller set on the row), guarded
    by the version column exactly as the ORM's optimistic check (the caller checks that
    it matched one row). The row object is marked as stored, so the session has nothing
    left to flush for it and what is computed from it next sees the new values."""
    pending = {key: getattr(row, key) for key in inspect(row).committed_state}
    changes = pending | {key: v for key, v in values.items() if v != getattr(row, key)}
    changes.pop("version", None)
    version = row.version
    params = {f"new_{key}": value for key, value in changes.items()}
    params.update(row_id=row.id, row_version=version, new_version=version + 1)
    guarded = batch.add_one(_row_update(frozenset(changes)), params)
    for key, value in changes.items():
        set_committed_value(row, key, value)
    set_committed_value(row, "version", version + 1)
    return guarded


def _plan_tasks(
    batch: WriteBatch, dossier_id: int, dossier: Dossier, existing: dict[str, int]
) -> None:
    """Insert the opened tasks, update the touched and the closed ones (executemany)."""
    opened, closed, touched = dossier.take_changes()
    closed_keys = {c.key for c in closed}
    inserts = [
        _task_values(dossier_id, task, dossier.open_tasks.get(task.key), task.key in touched)
        for task in opened
        if task.key not in closed_keys  # opened and closed by one command: not in an inbox
    ]
    batch.add(INSERT_TASKS, inserts)
    updates = [
        {
            "task_id": existing[key],
            "assignee_id": live.assignee_id,
            "late": live.late,
            "escalation": live.escalation,
            "warned": live.warned,
        }
        for key in touched
        if (live := dossier.open_tasks.get(key)) is not None and key in existing
    ]
    batch.add(TOUCH_TASKS, updates)
    closures = [
        {
            "task_id": existing[closure.key],
            "status": closure.status,
            "completed_at": closure.at,
            "completed_by": closure.by,
            "decision": closure.decision,
            "form_data": dict(closure.form_data),
        }
        for closure in closed
        if closure.key in existing
    ]
    batch.add(CLOSE_TASKS, closures)


def _task_values(
    dossier_id: int, task: OpenTask, live: OpenTask | None, touched: bool
) -> dict[str, Any]:
    """A new task row; a task also touched by the command takes its live assignment."""
    current = live if touched and live is not None else task
    return {
        "dossier_id": dossier_id,
        "key": task.key,
        "spiff_id": task.spiff_id,
        "step_id": task.step_id,
        "kind": task.kind.value,
        "name": task.name,
        "unit_id": task.unit,
        "role": task.role,
        "status": "open",
        "assignee_id": current.assignee_id,
        "created_at": task.created_at,
        "due_at": task.due_at,
        "late": current.late,
        "escalation": current.escalation,
        "warned": current.warned,
        "form_data": {},
    }


def record_event(
    events: list[dict[str, Any]],
    row: DossierRow,
    head: ChainHead,
    dossier: Dossier,
    command: str,
    payload: dict[str, Any],
    actor: Actor,
    now: datetime,
) -> int:
    """Chain one event after ``head`` onto ``events`` (written by :func:`save_dossier`,
    with the dossier), move ``head`` to it and return its seq."""
    event = chained_event(row.code, head, dossier, command, payload, actor, now)
    events.append(event)
    return head.seq


def chained_event(
    dossier_code: str,
    head: ChainHead,
    dossier: Dossier,
    command: str,
    payload: dict[str, Any],
    actor: Actor,
    now: datetime,
) -> dict[str, Any]:
    """The next event's columns (all but ``dossier_id``), hashed onto ``head``; moves ``head``."""
    seq = head.seq + 1
    occurred = now.astimezone(UTC)
    state = state_hash(dossier.snapshot())
    digest = event_hash(
        prev_hash=head.hash,
        dossier_code=dossier_code,
        seq=seq,
        occurred_at=occurred.isoformat(),
        actor=actor.username,
        command=command,
        payload=payload,
        state=state,
    )
    event = {
        "seq": seq,
        "occurred_at": occurred,
        "actor": actor.username,
        "command": command,
        "payload": payload,
        "state_hash": state,
        "prev_hash": head.hash,
        "hash": digest,
    }
    head.seq, head.hash = seq, digest
    return event
