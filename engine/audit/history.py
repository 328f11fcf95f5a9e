"""History service: events, replay, verify, and the process control sheet (phiếu kiểm soát).

Replay rebuilds a dossier from its pinned definition and its events with the
same aggregate code that ran the live commands, so what an auditor sees is
what happened. It reads only; live rows are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import DossierRow, EventRow, TaskRow, UserRow

from .chain import GENESIS, event_hash, state_hash

if TYPE_CHECKING:
    from engine.runtime.dossier import Dossier
    from engine.runtime.engine import Engine
    from engine.runtime.persistence import LoadedDefinition
    from engine.store.db import Database

__all__ = [
    "EventView",
    "ReplayResult",
    "VerifyFailure",
    "VerifyReport",
    "HandOver",
    "HistoryService",
    "dossiers_in_batches",
    "event_rows",
]

CREATING_COMMANDS = ("receive", "refuse_at_reception")


@dataclass(frozen=True)
class EventView:
    seq: int
    occurred_at: datetime
    actor: str
    command: str
    payload: dict[str, Any]
    state_hash: str
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, row: EventRow) -> EventView:
        return cls(
            row.seq,
            row.occurred_at,
            row.actor,
            row.command,
            dict(row.payload),
            row.state_hash,
            row.prev_hash,
            row.hash,
        )


@dataclass(frozen=True)
class ReplayResult:
    code: str
    at: datetime | None
    state: dict[str, Any]
    events: list[EventView]


@dataclass(frozen=True)
class VerifyFailure:
    code: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "dossier row"
        return f"{self.code}: {where}: {self.reason}"


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    failures: list[VerifyFailure]

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class HandOver:
    """One row of the control sheet: who handed the dossier to whom, when, and how timely."""

    seq: int
    at: datetime
    step: str
    from_unit: str | None
    from_person: str
    to: list[tuple[str, str]]  # (task name, unit id) opened by this hand-over
    due_at: datetime | None
    done_at: datetime
    timeliness: str


class ReplayError(Exception):
    """The stored events do not rebuild the dossier."""

    def __init__(self, seq: int, reason: str):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


class HistoryService:
    def __init__(self, engine: Engine):
        self._engine = engine

    def events(self, code: str) -> list[EventView]:
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            return [EventView.of(e) for e in event_rows(session, row.id)]

    # --- replay -----------------------------------------------------------------------------

    def replay(self, code: str, at: datetime | None = None) -> ReplayResult:
        """The dossier's observable state at ``at`` (or now), rebuilt from its events."""
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            loaded = self._engine.definitions.get(session, row.definition_id)
            events = [EventView.of(e) for e in event_rows(session, row.id)]
        chosen = [e for e in events if at is None or e.occurred_at <= at]
        dossier = _last(self._rebuild(loaded, chosen, check=False))
        state = dossier.snapshot() if dossier is not None else {}
        return ReplayResult(code, at, state, chosen)

    def _rebuild(
        self, loaded: LoadedDefinition, events: Sequence[EventView], check: bool
    ) -> Iterator[Dossier]:
        from engine.runtime.commands import command_from_event
        from engine.runtime.reception import Reception, refused_dossier, start_dossier

        dossier = None
        agency = loaded.definition.procedure.agency
        for event in events:
            ctx = self._engine.apply_context(event.occurred_at, event.seq, loaded.specs)
            try:
                if event.command in CREATING_COMMANDS:
                    build = start_dossier if event.command == "receive" else refused_dossier
                    reception = Reception.from_payload(event.payload)
                    dossier = build(reception, ctx, loaded.definition, loaded.id, agency)
                elif dossier is None:
                    raise ReplayError(event.seq, "the first event does not create the dossier")
                else:
                    command_from_event(event.command, event.payload).apply(dossier, ctx)
            except ReplayError:
                raise
            except Exception as error:
                raise ReplayError(event.seq, f"cannot be replayed: {error}") from error
            dossier.take_changes()
            if check and state_hash(dossier.snapshot()) != event.state_hash:
                raise ReplayError(event.seq, "replayed state differs from the state recorded")
            yield dossier

    # --- verify -----------------------------------------------------------------------------

    def verify(self, code: str) -> VerifyReport:
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            failure = self._verify_row(session, row)
        return VerifyReport(1, [failure] if failure else [])

    def verify_all(self, batch: int = 500) -> VerifyReport:
        """Every dossier, in batches; reports each dossier that fails, in id order."""
        failures: list[VerifyFailure] = []
        checked = 0
        for session, rows in dossiers_in_batches(self._engine.database, batch):
            for row in rows:
                checked += 1
                failure = self._verify_row(session, row)
                if failure is not None:
                    failures.append(failure)
        return VerifyReport(checked, failures)

    def _verify_row(self, session: Session, row: DossierRow) -> VerifyFailure | None:
        from engine.runtime.persistence import dossier_from_rows, open_task_rows

        events = [EventView.of(e) for e in event_rows(session, row.id)]
        broken = _chain_problem(row, events)
        if broken is not None:
            return VerifyFailure(row.code, *broken)
        loaded = self._engine.definitions.get(session, row.definition_id)
        try:
            replayed = _last(self._rebuild(loaded, events, check=True))
        except ReplayError as error:
            return VerifyFailure(row.code, error.seq, error.reason)
        live = dossier_from_rows(row, open_task_rows(session, row.id), loaded, self._engine.codec)
        if replayed is None or replayed.snapshot() != live.snapshot():
            return VerifyFailure(row.code, None, "the stored dossier differs from its replay")
        return None

    # --- control sheet ----------------------------------------------------------------------

    def control_sheet(self, code: str) -> list[HandOver]:
        """Phiếu kiểm soát quá trình giải quyết hồ sơ, one row per hand-over."""
        from engine.runtime.timeliness import classify

        tz = self._engine.tz
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            events = list(event_rows(session, row.id))
            tasks = list(
                session.scalars(
                    select(TaskRow).where(TaskRow.dossier_id == row.id).order_by(TaskRow.id)
                )
            )
            names = dict(session.execute(select(UserRow.id, UserRow.full_name)).all())
        rows = []
        for event in events:
            opened = [(t.name, t.unit_id) for t in tasks if t.key.endswith(f"@{event.seq}")]
            if event.command in CREATING_COMMANDS:
                rows.append(
                    HandOver(
                        event.seq,
                        event.occurred_at,
                        "Tiếp nhận hồ sơ",
                        None,
                        row.applicant_name,
                        opened,
                        None,
                        event.occurred_at,
                        "on_time",
                    )
                )
                continue
            for task in tasks:
                if task.status == "completed" and task.completed_at == event.occurred_at:
                    person = names.get(task.completed_by or 0, event.actor)
                    timeliness = classify(event.occurred_at, task.due_at, tz).value
                    rows.append(
                        HandOver(
                            event.seq,
                            event.occurred_at,
                            task.name,
                            task.unit_id,
                            person,
                            opened,
                            task.due_at,
                            event.occurred_at,
                            timeliness,
                        )
                    )
        return rows


def _last(items: Iterator[Dossier]) -> Dossier | None:
    last = None
    for last in items:  # noqa: B007 - we want the final state
        pass
    return last


def dossiers_in_batches(
    database: Database, batch: int = 500
) -> Iterator[tuple[Session, list[DossierRow]]]:
    """Every dossier in id order, ``batch`` at a time, each batch with its own read session."""
    last_id = 0
    while True:
        with database.read() as session:
            query = select(DossierRow).where(DossierRow.id > last_id).order_by(DossierRow.id)
            rows = list(session.scalars(query.limit(batch)))
            yield session, rows
        if len(rows) < batch:
            return
        last_id = rows[-1].id


def event_rows(session: Session, dossier_id: int) -> list[EventRow]:
    """A dossier's events, in order."""
    query = select(EventRow).where(EventRow.dossier_id == dossier_id).order_by(EventRow.seq)
    return list(session.scalars(query))


def _chain_problem(row: DossierRow, events: list[EventView]) -> tuple[int | None, str] | None:
    previous = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return event.seq, f"sequence jumps from {expected_seq - 1} to {event.seq}"
        if event.prev_hash != previous:
            return event.seq, "the chain is broken: previous hash does not match"
        digest = event_hash(
            prev_hash=event.prev_hash,
            dossier_code=row.code,
            seq=event.seq,
            occurred_at=event.occurred_at.astimezone(UTC).isoformat(),
            actor=event.actor,
            command=event.command,
            payload=event.payload,
            state=event.state_hash,
        )
        if digest != event.hash:
            return event.seq, "the event was altered: its hash does not match its content"
        previous = event.hash
    if row.last_seq != len(events) or row.last_hash != previous:
        return None, "the dossier's last event does not match its history (events removed?)"
    return None
