"""Writing notifications into the outbox, addressed, in the command's own transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from engine.config import NotificationsConfig
from engine.definitions.organisation import Organisation
from engine.store.direct import DirectStatement
from engine.store.models import OutboxRow, UserRow

from .intents import Notification, Recipient
from .templates import render

__all__ = ["Address", "OutboxWriter", "INSERT_OUTBOX"]

OUTBOX = cast(Table, OutboxRow.__table__)
OUTBOX_COLUMNS = (
    "created_at", "dossier_id", "event_seq", "template", "channel", "address", "user_id",
    "subject", "body", "status", "attempts", "next_attempt_at",
)  # fmt: skip
INSERT_OUTBOX = DirectStatement.insert(OUTBOX, OUTBOX_COLUMNS)


class Address:
    """Where one person can be reached."""

    def __init__(
        self, user_id: int | None, username: str | None, email: str | None, phone: str | None
    ):
        self.user_id = user_id
        self.username = username
        self.email = email
        self.phone = phone


class OutboxWriter:
    """Addresses and renders notifications; who holds a role is cached for a minute."""

    CACHE_SECONDS = 60.0

    def __init__(self, organisation: Organisation, config: NotificationsConfig, tz: ZoneInfo):
        self._organisation = organisation
        self._config = config
        self._tz = tz
        self._cache: dict[Recipient, tuple[float, list[Address]]] = {}
        self._lock = threading.Lock()

    def write(self, session: Session, notifications: Iterable[Notification], **where: Any) -> int:
        """Queue these notifications now, outside a command's writes (``where``: the
        keywords of :meth:`rows`); how many rows."""
        rows = self.rows(session, notifications, **where)
        INSERT_OUTBOX.execute_many(session.connection(), rows)
        return len(rows)

    def rows(
        self,
        session: Session,
        notifications: Iterable[Notification],
        *,
        dossier_id: int | None,
        seq: int | None,
        applicant: Address | None,
        now: datetime,
    ) -> list[dict[str, object]]:
        """The outbox rows of these notifications, one per recipient (INSERT_OUTBOX's)."""
        rows: list[dict[str, object]] = []
        for notification in notifications:
            subject, body = render(notification.template, notification.values, self._tz)
            people = self._resolve(session, notification.recipients, applicant)
            for person, is_applicant in people:
                channel, target = self._channel(person, is_applicant)
                rows.append(
                    {
                        "created_at": now,
                        "dossier_id": dossier_id,
                        "event_seq": seq,
                        "template": notification.template,
                        "channel": channel,
                        "address": target,
                        "user_id": person.user_id,
                        "subject": subject,
                        "body": body,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                )
        return rows

    def _resolve(
        self, session: Session, recipients: Iterable[Recipient], applicant: Address | None
    ) -> list[tuple[Address, bool]]:
        found: dict[object, tuple[Address, bool]] = {}
        for recipient in recipients:
            if recipient.kind == "applicant":
                if applicant is not None:
                    found["applicant"] = (applicant, True)
                continue
            for address in self._addresses(session, recipient):
                found[address.user_id] = (address, False)
        return list(found.values())

    def _addresses(self, session: Session, recipient: Recipient) -> list[Address]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(recipient)
        if cached is not None and now - cached[0] < self.CACHE_SECONDS:
            return cached[1]
        addresses = [
            Address(r.id, r.username, r.email, r.phone) for r in self._users(session, recipient)
        ]
        with self._lock:
            self._cache[recipient] = (now, addresses)
        return addresses

    def _users(self, session: Session, recipient: Recipient) -> list[UserRow]:
        if recipient.kind == "user":
            row = session.get(UserRow, recipient.user_id)
            return [row] if row is not None and row.active else []
        units = [recipient.unit or ""]
        if recipient.kind == "agency_role":
            agency = self._organisation.agency_of(recipient.unit or "")
            if agency is None:
                return []
            units = [
                u for u in self._organisation.units if self._organisation.belongs_to(u, agency.id)
            ]
        rows = session.scalars(
            select(UserRow).where(UserRow.unit_id.in_(units), UserRow.active.is_(True))
        )
        return [row for row in rows if recipient.role in (row.roles or [])]

    def _channel(self, person: Address, is_applicant: bool) -> tuple[str, str]:
        order = self._config.applicant_channels if is_applicant else self._config.officer_channels
        for channel in order:
            if channel == "email" and self._config.smtp.host and person.email:
                return "email", person.email
            if channel in ("sms", "webhook") and self._config.webhook.url and person.phone:
                return channel, person.phone
            if channel == "log":
                return "log", person.username or person.phone or person.email or "người nộp"
        return "log", person.username or person.phone or person.email or "người nộp"
