"""Sending the sync outbox to the national public-service portal, and managing it.

The dispatcher mirrors the notification dispatcher (engine.notify.dispatch):
claim a batch with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), send
outside any transaction, record the answer. Besides:

- **order**: only the oldest unsent document of a dossier is claimed, so the
  portal receives one dossier's changes in the order they happened;
- **idempotency**: each document carries ``Idempotency-Key: <code>:<seq>``; a
  crash after sending and before recording sends it again with the same key,
  which the portal deduplicates (it may answer 409, which counts as delivered);
- **retry and dead letters**: a timeout, a 5xx, 408 or 429 is retried with
  exponential backoff; after ``max_attempts``, or at once for any other 4xx
  (the portal refuses the document itself, retrying cannot help), the document
  is ``dead``: listed by ``motcua sync dead`` and put back by ``motcua sync
  requeue`` once the cause is fixed.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import aliased

from engine.clock import Clock
from engine.config import PortalConfig
from engine.store.db import Database
from engine.store.models_digitisation import PortalSyncRow

from .sync import PortalSync

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "SyncMessage",
    "PortalError",
    "PortalClient",
    "HttpPortalClient",
    "PortalDispatcher",
    "SyncView",
    "PortalService",
    "dispatcher_from_config",
]

log = logging.getLogger("motcua.portal")
LEASE = timedelta(minutes=5)
_RETRY_STATUSES = {408, 425, 429}


@dataclass(frozen=True)
class SyncMessage:
    id: int
    key: str  # the idempotency key: <dossier code>:<event seq>
    document: dict[str, Any]


class PortalError(Exception):
    """The portal did not take the document; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, status: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.status = status
        self.permanent = permanent


class PortalClient(Protocol):
    def send(self, message: SyncMessage) -> int:
        """Deliver and return the HTTP status, or raise PortalError."""


class HttpPortalClient:
    """POSTs each document as JSON to the configured endpoint."""

    def __init__(self, url: str, token: str = "", timeout: float = 10):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, message: SyncMessage) -> int:
        body = json.dumps(message.document, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        }
        request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            if error.code == 409:  # the portal has this key already: delivered before
                return 409
            permanent = 400 <= error.code < 500 and error.code not in _RETRY_STATUSES
            detail = error.read(300).decode("utf-8", "replace")
            raise PortalError(f"HTTP {error.code}: {detail}", error.code, permanent) from error
        except (urllib.error.URLError, OSError) as error:
            raise PortalError(f"{type(error).__name__}: {error}") from error


class PortalDispatcher:
    def __init__(
        self,
        database: Database,
        client: PortalClient,
        clock: Clock,
        max_attempts: int = 8,
        retry_seconds: float = 60,
        batch_size: int = 100,
    ):
        self._database = database
        self._client = client
        self._clock = clock
        self._max_attempts = max_attempts
        self._retry = timedelta(seconds=retry_seconds)
        self._batch = batch_size

    def dispatch(self, batch: int | None = None) -> tuple[int, int]:
        """Send one batch; returns (delivered, failed attempts)."""
        delivered = failed = 0
        for message in self._claim(batch or self._batch):
            try:
                status = self._client.send(message)
            except PortalError as error:
                self._record(message.id, error.status, str(error), error.permanent)
                failed += 1
            except Exception as error:  # a bug in a client must not stop the round
                self._record(message.id, None, f"{type(error).__name__}: {error}", False)
                failed += 1
            else:
                self._record(message.id, status, None, False)
                delivered += 1
        return delivered, failed

    def _claim(self, batch: int) -> list[SyncMessage]:
        now = self._clock.now()
        earlier = aliased(PortalSyncRow)
        blocked = exists().where(
            earlier.dossier_id == PortalSyncRow.dossier_id,
            earlier.id < PortalSyncRow.id,
            earlier.status.in_(("pending", "sending")),
        )
        query = (
            select(PortalSyncRow)
            .where(
                or_(
                    PortalSyncRow.status == "pending",
                    (PortalSyncRow.status == "sending") & (PortalSyncRow.locked_until < now),
                ),
                PortalSyncRow.next_attempt_at <= now,
                ~blocked,
            )
            .order_by(PortalSyncRow.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        with self._database.write() as session:
            rows = list(session.scalars(query))
            for row in rows:
                row.status = "sending"
                row.locked_until = now + LEASE
            return [SyncMessage(r.id, r.idempotency_key, dict(r.document)) for r in rows]

    def _record(self, sync_id: int, status: int | None, error: str | None, permanent: bool) -> None:
        now = self._clock.now()
        with self._database.write() as session:
            row = session.get(PortalSyncRow, sync_id)
            if row is None:
                return
            row.attempts += 1
            row.locked_until = None
            row.response_status = status
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now, None
                return
            row.last_error = error[:2000]
            if permanent or row.attempts >= self._max_attempts:
                row.status = "dead"
                log.warning("portal sync %s is dead: %s", row.idempotency_key, error)
            else:
                row.status = "pending"
                row.next_attempt_at = now + self._retry * (2 ** (row.attempts - 1))


@dataclass(frozen=True)
class SyncView:
    id: int
    dossier_code: str
    seq: int
    key: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    response_status: int | None
    last_error: str | None
    document: dict[str, Any]

    @classmethod
    def of(cls, row: PortalSyncRow) -> SyncView:
        return cls(
            row.id,
            row.dossier_code,
            row.event_seq,
            row.idempotency_key,
            row.status,
            row.attempts,
            row.created_at,
            row.next_attempt_at,
            row.sent_at,
            row.response_status,
            row.last_error,
            dict(row.document),
        )


class PortalService:
    """Management of the sync outbox: counts, the dead-letter view, requeue, a dispatcher."""

    def __init__(self, engine: Engine, writer: PortalSync):
        self._engine = engine
        self.writer = writer

    def dispatcher(
        self,
        client: PortalClient,
        max_attempts: int = 8,
        retry_seconds: float = 60,
        batch_size: int = 100,
    ) -> PortalDispatcher:
        engine = self._engine
        return PortalDispatcher(
            engine.database, client, engine.clock, max_attempts, retry_seconds, batch_size
        )

    def counts(self) -> dict[str, int]:
        """How many documents are pending, sending, sent and dead."""
        query = select(PortalSyncRow.status, func.count()).group_by(PortalSyncRow.status)
        with self._engine.database.read() as session:
            found = {status: count for status, count in session.execute(query)}
        return {status: found.get(status, 0) for status in ("pending", "sending", "sent", "dead")}

    def dead(self, limit: int = 100) -> list[SyncView]:
        """The dead-letter view: documents the portal never took, oldest first."""
        return self._list(PortalSyncRow.status == "dead", limit)

    def of_dossier(self, code: str) -> list[SyncView]:
        return self._list(PortalSyncRow.dossier_code == code, 1000)

    def _list(self, where: Any, limit: int) -> list[SyncView]:
        query = select(PortalSyncRow).where(where).order_by(PortalSyncRow.id).limit(limit)
        with self._engine.database.read() as session:
            return [SyncView.of(row) for row in session.scalars(query)]

    def requeue(self, ids: Iterable[int] | None = None) -> int:
        """Put dead documents back in the queue (the given ones, or all); returns how many."""
        now = self._engine.clock.now()
        statement = (
            update(PortalSyncRow)
            .where(PortalSyncRow.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, locked_until=None)
        )
        if ids is not None:
            statement = statement.where(PortalSyncRow.id.in_(list(ids)))
        with self._engine.database.write() as session:
            return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def dispatcher_from_config(engine: Engine, config: PortalConfig) -> PortalDispatcher | None:
    """The dispatcher for the configured endpoint; None without one (documents stay queued)."""
    if not config.url:
        return None
    client = HttpPortalClient(config.url, config.token, config.timeout_seconds)
    return engine.portal.dispatcher(
        client, config.max_attempts, config.retry_seconds, config.batch_size
    )
