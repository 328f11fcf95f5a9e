"""The outbox is sent later, with retries and backoff; a failure never touches the dossier."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.clock import FakeClock
from engine.config import NotificationsConfig, SmtpConfig, WebhookConfig
from engine.notify.dispatch import Dispatcher, LogSender, Message, senders_from_config
from engine.notify.outbox import OutboxWriter
from engine.runtime.engine import Engine
from engine.store.models import OutboxRow, UserRow

from ..runtime.conftest import BIRTH_PAPERS, CITIZEN, Officers, open_task

pytestmark = pytest.mark.postgres


class Failing:
    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: Message) -> None:
        self.calls += 1
        raise ConnectionError("gateway down")


def rows(engine: Engine) -> list[OutboxRow]:
    with engine.database.read() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


@pytest.fixture
def received(engine: Engine, officers: Officers) -> str:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    return code


def test_a_reception_queues_a_message_to_the_applicant_in_vietnamese(
    engine: Engine, received: str
) -> None:
    (row,) = rows(engine)
    assert (row.template, row.channel, row.status) == ("dossier_received", "log", "pending")
    assert row.subject == f"Đã tiếp nhận hồ sơ {received}"
    assert "Ngày hẹn trả kết quả: 17:00 ngày 08/12/2026." in row.body


def test_the_dispatcher_sends_what_is_queued(
    engine: Engine, received: str, clock: FakeClock
) -> None:
    sender = LogSender()
    assert Dispatcher(engine.database, {"log": sender}, clock).dispatch() == (1, 0)
    assert [m.subject for m in sender.sent] == [f"Đã tiếp nhận hồ sơ {received}"]
    assert rows(engine)[0].status == "sent"
    assert Dispatcher(engine.database, {"log": sender}, clock).dispatch() == (0, 0)


def test_a_failing_channel_is_retried_with_backoff_then_left_dead(
    engine: Engine, received: str, clock: FakeClock
) -> None:
    failing = Failing()
    dispatcher = Dispatcher(
        engine.database, {"log": failing}, clock, max_attempts=3, retry_seconds=60
    )
    assert dispatcher.dispatch() == (0, 1)
    assert dispatcher.dispatch() == (0, 0)  # not yet: next attempt in 60 s
    clock.advance(timedelta(seconds=61))
    assert dispatcher.dispatch() == (0, 1)
    clock.advance(timedelta(seconds=119))
    assert dispatcher.dispatch() == (0, 0)  # the second wait is twice as long
    clock.advance(timedelta(seconds=2))
    assert dispatcher.dispatch() == (0, 1)
    row = rows(engine)[0]
    assert (row.status, row.attempts, failing.calls) == ("dead", 3, 3)
    assert row.last_error == "ConnectionError: gateway down"
    assert engine.history.verify(received).ok


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Mailbox]]:
    mailbox = _Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


def test_officers_with_an_e__mail_address_get_an_e_mail(
    engine: Engine,
    officers: Officers,
    clock: FakeClock,
    received: str,
    smtp_server: tuple[int, _Mailbox],
) -> None:
    port, mailbox = smtp_server
    config = NotificationsConfig(
        smtp=SmtpConfig(host="127.0.0.1", port=port, starttls=False, sender="motcua@ubnd.example")
    )
    engine.outbox = OutboxWriter(engine.organisation, config, engine.tz)
    with engine.database.write() as session:
        justice = session.get(UserRow, officers.justice.user_id)
        assert justice is not None
        justice.email = "binh@tuphap.example"
    engine.tasks.complete(open_task(engine, received, "tiep_nhan"), officers.receiver)
    Dispatcher(engine.database, senders_from_config(config), clock).dispatch()
    (mail,) = mailbox.messages
    assert (mail["From"], mail["To"]) == ("motcua@ubnd.example", "binh@tuphap.example")
    assert str(make_header(decode_header(mail["Subject"]))) == (
        f"Hồ sơ {received} chuyển đến bước “Thẩm định hồ sơ”"
    )


class _Gateway(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append(
            {
                "json": json.loads(body),
                "key": self.headers["Idempotency-Key"],
                "auth": self.headers.get("Authorization"),
            }
        )
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_applicants_with_a_phone_get_an_sms_through_the_webhook(
    engine: Engine, officers: Officers, clock: FakeClock
) -> None:
    _Gateway.received.clear()
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sms"
        config = NotificationsConfig(webhook=WebhookConfig(url=url, token="s3cret"))
        engine.outbox = OutboxWriter(engine.organisation, config, engine.tz)
        engine.runtime.receive(
            "1.001193", CITIZEN, engine.users.get("tiepnhan").actor, components=BIRTH_PAPERS
        )
        Dispatcher(engine.database, senders_from_config(config), clock).dispatch()
    finally:
        server.shutdown()
    sms = [r for r in _Gateway.received if r["json"]["channel"] == "sms"]
    assert [r["json"]["to"] for r in sms] == [CITIZEN.phone]
    assert sms[0]["auth"] == "Bearer s3cret"
    assert sms[0]["key"].startswith("motcua-outbox-")
