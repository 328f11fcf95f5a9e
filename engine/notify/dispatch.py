"""Sending the outbox: claim a batch with a lease, send outside any transaction, record.

A failed send is retried with exponential backoff and, after the configured
number of attempts, left as ``dead`` for an operator to see; it never touches
the dossier. A crash while sending leaves the lease to expire, so the message
is sent again later (at least once; webhook receivers get the outbox id as an
idempotency key).
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import or_, select

from engine.clock import Clock
from engine.config import NotificationsConfig
from engine.store.db import Database
from engine.store.models import OutboxRow

__all__ = [
    "Message",
    "Sender",
    "LogSender",
    "SmtpSender",
    "WebhookSender",
    "Dispatcher",
    "senders_from_config",
]

log = logging.getLogger("motcua.notifications")
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Message:
    id: int
    channel: str
    address: str
    subject: str
    body: str


class Sender(Protocol):
    def send(self, message: Message) -> None:
        """Deliver or raise; any exception counts as a failed attempt."""


class LogSender:
    """Writes the message to the application log: the default when nothing is configured."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        log.info(
            "[%s → %s] %s — %s", message.channel, message.address, message.subject, message.body
        )
        self.sent.append(message)


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        sender: str,
        starttls: bool,
        timeout: float = 30,
    ):
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password = username, password
        self.sender, self.starttls = sender, starttls

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(email)


class WebhookSender:
    """POSTs JSON to an SMS or Zalo gateway: {id, channel, to, subject, text}."""

    def __init__(self, url: str, token: str, timeout: float):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, message: Message) -> None:
        body = json.dumps(
            {
                "id": message.id,
                "channel": message.channel,
                "to": message.address,
                "subject": message.subject,
                "text": message.body,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": f"motcua-outbox-{message.id}",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if not 200 <= response.status < 300:
                raise RuntimeError(f"gateway answered {response.status}")


def senders_from_config(config: NotificationsConfig) -> dict[str, Sender]:
    senders: dict[str, Sender] = {"log": LogSender()}
    if config.smtp.host:
        smtp = config.smtp
        senders["email"] = SmtpSender(
            smtp.host, smtp.port, smtp.username, smtp.password, smtp.sender, smtp.starttls
        )
    if config.webhook.url:
        hook = WebhookSender(
            config.webhook.url, config.webhook.token, config.webhook.timeout_seconds
        )
        senders["sms"] = hook
        senders["webhook"] = hook
    return senders


class Dispatcher:
    def __init__(
        self,
        database: Database,
        senders: Mapping[str, Sender],
        clock: Clock,
        max_attempts: int = 6,
        retry_seconds: float = 60,
    ):
        self._database = database
        self._senders = senders
        self._clock = clock
        self._max_attempts = max_attempts
        self._retry = timedelta(seconds=retry_seconds)

    def dispatch(self, batch: int = 100) -> tuple[int, int]:
        """Send one batch; returns (sent, failed attempts)."""
        messages = self._claim(batch)
        sent = failed = 0
        for message in messages:
            sender = self._senders.get(message.channel)
            try:
                if sender is None:
                    raise RuntimeError(f"no sender configured for channel {message.channel}")
                sender.send(message)
            except Exception as error:
                self._record(message.id, error=f"{type(error).__name__}: {error}")
                failed += 1
            else:
                self._record(message.id, error=None)
                sent += 1
        return sent, failed

    def _claim(self, batch: int) -> list[Message]:
        now = self._clock.now()
        with self._database.write() as session:
            rows = list(
                session.scalars(
                    select(OutboxRow)
                    .where(
                        or_(
                            OutboxRow.status == "pending",
                            (OutboxRow.status == "sending") & (OutboxRow.locked_until < now),
                        ),
                        OutboxRow.next_attempt_at <= now,
                    )
                    .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.status = "sending"
                row.locked_until = now + LEASE
            return [Message(r.id, r.channel, r.address, r.subject, r.body) for r in rows]

    def _record(self, outbox_id: int, error: str | None) -> None:
        now = self._clock.now()
        with self._database.write() as session:
            row = session.get(OutboxRow, outbox_id)
            if row is None:
                return
            row.attempts += 1
            row.locked_until = None
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now, None
                return
            row.last_error = error
            if row.attempts >= self._max_attempts:
                row.status = "dead"
            else:
                row.status = "pending"
                row.next_attempt_at = now + self._retry * (2 ** (row.attempts - 1))
