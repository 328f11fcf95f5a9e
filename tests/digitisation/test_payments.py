"""Fees and their payment: at the desk, and online through a gateway that calls back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from engine.clock import FakeClock
from engine.digitisation.errors import AlreadyPaid, PaymentUnavailable
from engine.digitisation.payments import HmacGateway
from engine.files import FileStore
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand, NotAuthorised
from engine.runtime.reception import SubmittedComponent
from engine.store.db import Database

from .conftest import (
    CITIZEN,
    CORRECTION,
    Officers,
    make_engine,
    make_officers,
    receive_birth,
    scanned,
)
from .peers import FakeGateway, NoticeEndpoint

pytestmark = pytest.mark.postgres
SECRET = "khoa-bi-mat-chung-cua-cong-thanh-toan"


def receive_correction(engine: Engine, officers: Officers, files: FileStore) -> str:
    papers = [scanned(files, "TK"), scanned(files, "GKS"), SubmittedComponent("GTTT")]
    code = engine.runtime.receive(CORRECTION, CITIZEN, officers.receiver, components=papers)
    assert code.dossier_code is not None
    return code.dossier_code


# --- at the desk ---------------------------------------------------------------------------


def test_a_dossier_carries_the_fee_of_its_procedure(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    fee = engine.payments.fee(receive_correction(engine, officers, files))
    assert (fee.fee_due, fee.paid, fee.method) == (15000, False, None)
    assert engine.payments.fee(receive_birth(engine, officers, files)).fee_due == 0


def test_cash_at_the_desk_is_recorded_on_the_dossier(
    engine: Engine, officers: Officers, files: FileStore, clock: FakeClock
) -> None:
    code = receive_correction(engine, officers, files)
    clock.advance(timedelta(minutes=5))
    fee = engine.payments.record(code, officers.receiver, "cash", reference="BL-000123")
    assert (fee.paid, fee.method, fee.reference) == (True, "cash", "BL-000123")
    assert fee.paid_at == clock.now() and fee.method_label == "Tiền mặt tại Bộ phận Một cửa"
    event = engine.history.events(code)[-1]
    assert (event.command, event.payload["amount"], event.payload["method"]) == (
        "record_payment",
        15000,
        "cash",
    )
    assert engine.runtime.get(code).outcome["payment"]["reference"] == "BL-000123"
    assert engine.history.verify(code).ok


def test_a_fee_is_paid_once(engine: Engine, officers: Officers, files: FileStore) -> None:
    code = receive_correction(engine, officers, files)
    engine.payments.record(code, officers.receiver, "transfer", reference="FT26341")
    with pytest.raises(AlreadyPaid):
        engine.payments.record(code, officers.receiver, "cash")


def test_a_procedure_without_fee_takes_no_payment(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    with pytest.raises(InvalidCommand, match="không thu phí"):
        engine.payments.record(receive_birth(engine, officers, files), officers.receiver, "cash")


def test_only_the_agencys_staff_record_a_payment_and_never_an_online_one(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_correction(engine, officers, files)
    with pytest.raises(NotAuthorised):
        engine.payments.record(code, officers.outsider, "cash")
    with pytest.raises(InvalidCommand, match="cổng thanh toán"):
        engine.payments.record(code, officers.receiver, "online")
    with pytest.raises(InvalidCommand, match="Hình thức"):
        engine.payments.record(code, officers.receiver, "bitcoin")


def test_without_a_gateway_online_payment_is_unavailable(
    engine: Engine, officers: Officers, files: FileStore
) -> None:
    code = receive_correction(engine, officers, files)
    with pytest.raises(PaymentUnavailable, match="Chưa cấu hình"):
        engine.payments.start_online(code, officers.receiver)


# --- online --------------------------------------------------------------------------------


@dataclass
class Online:
    engine: Engine
    officers: Officers
    gateway: FakeGateway
    endpoint: NoticeEndpoint
    code: str


@pytest.fixture
def online(database: Database, clock: FakeClock, files: FileStore) -> Iterator[Online]:
    gateway = FakeGateway(SECRET, clock)
    endpoint = NoticeEndpoint()
    with gateway.running(), endpoint.running():
        adapter = HmacGateway(gateway.url, "MOTCUA", SECRET, name="fake")
        engine = make_engine(
            database, clock, files, gateway=adapter, payment_notify_url=endpoint.url
        )
        endpoint.engine = engine
        officers = make_officers(engine)
        yield Online(
            engine, officers, gateway, endpoint, receive_correction(engine, officers, files)
        )


def test_online_payment_is_recorded_from_the_gateways_signed_notice(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    assert checkout.amount == 15000 and checkout.checkout_url.startswith(online.gateway.url)
    assert not online.engine.payments.fee(online.code).paid  # nothing until the gateway says so
    online.gateway.pay(checkout.checkout_url)
    (delivery,) = online.gateway.wait_for_deliveries(1)
    assert (delivery.status, delivery.answer["outcome"]) == (200, "paid")
    fee = online.engine.payments.fee(online.code)
    notice = json.loads(delivery.body)
    assert (fee.paid, fee.method, fee.reference) == (True, "online", notice["transaction_ref"])
    event = online.engine.history.events(online.code)[-1]
    assert (event.command, event.actor) == ("record_payment", "gateway:fake")
    assert event.payload["order_ref"] == checkout.order_ref
    assert online.engine.history.verify(online.code).ok


def test_asking_twice_gives_the_same_order(online: Online) -> None:
    first = online.engine.payments.start_online(online.code, online.officers.receiver)
    again = online.engine.payments.start_online(online.code, online.officers.receiver)
    assert (again.order_ref, again.checkout_url) == (first.order_ref, first.checkout_url)
    assert len(online.gateway.orders) == 1


def test_the_same_notice_delivered_again_changes_nothing(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    online.gateway.pay(checkout.checkout_url)
    (first,) = online.gateway.wait_for_deliveries(1)
    again = online.gateway.deliver(first.body, first.headers)
    assert (again.status, again.answer["outcome"]) == (200, "duplicate")
    commands = [e.command for e in online.engine.history.events(online.code)]
    assert commands.count("record_payment") == 1


def test_a_forged_notice_is_rejected(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    notice = online.gateway.notice(checkout.payment_id)
    body, headers = online.gateway.signed(notice, secret="khoa-doan-bua")
    delivery = online.gateway.deliver(body, headers)
    assert delivery.status == 400 and "Chữ ký" in delivery.answer["error"]
    assert not online.engine.payments.fee(online.code).paid


def test_an_altered_notice_is_rejected(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    body, headers = online.gateway.signed(online.gateway.notice(checkout.payment_id))
    altered = body.replace(b'"amount": 15000', b'"amount": 1500')
    assert altered != body
    assert online.gateway.deliver(altered, headers).status == 400
    assert not online.engine.payments.fee(online.code).paid


def test_a_notice_without_a_signature_is_rejected(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    body, _ = online.gateway.signed(online.gateway.notice(checkout.payment_id))
    delivery = online.gateway.deliver(body, {"Content-Type": "application/json"})
    assert delivery.status == 400 and "không có chữ ký" in delivery.answer["error"]


def test_a_notice_replayed_after_the_tolerance_is_rejected(
    online: Online, clock: FakeClock
) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    body, headers = online.gateway.signed(online.gateway.notice(checkout.payment_id))
    clock.advance(timedelta(minutes=10))  # captured, then sent again later
    delivery = online.gateway.deliver(body, headers)
    assert delivery.status == 400 and "phát lại" in delivery.answer["error"]
    assert not online.engine.payments.fee(online.code).paid


def test_a_signed_notice_for_another_amount_is_refused_and_remembered(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    body, headers = online.gateway.signed(online.gateway.notice(checkout.payment_id, amount=1000))
    first = online.gateway.deliver(body, headers)
    assert (first.status, first.answer["outcome"]) == (422, "rejected")
    assert "1000" in first.answer["detail"]
    assert online.gateway.deliver(body, headers).answer["outcome"] == "duplicate"
    assert not online.engine.payments.fee(online.code).paid


def test_a_failed_payment_leaves_the_fee_unpaid(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    online.gateway.pay(checkout.checkout_url, outcome="failed")
    (delivery,) = online.gateway.wait_for_deliveries(1)
    assert delivery.answer["outcome"] == "failed"
    assert not online.engine.payments.fee(online.code).paid
    (order,) = online.engine.payments.payments(online.code)
    assert order["status"] == "failed"


def test_money_arriving_after_a_desk_payment_is_flagged_for_refund(online: Online) -> None:
    checkout = online.engine.payments.start_online(online.code, online.officers.receiver)
    online.engine.payments.record(online.code, online.officers.receiver, "cash")
    online.gateway.pay(checkout.checkout_url)
    (delivery,) = online.gateway.wait_for_deliveries(1)
    assert delivery.answer["outcome"] == "rejected" and "hoàn tiền" in delivery.answer["detail"]
    assert online.engine.payments.fee(online.code).method == "cash"


def test_an_unreachable_gateway_marks_the_order_failed(
    database: Database, clock: FakeClock, files: FileStore
) -> None:
    gateway = FakeGateway(SECRET, clock)
    with gateway.running():
        closed = gateway.url
    adapter = HmacGateway(closed, "MOTCUA", SECRET, name="fake", timeout=2)
    engine = make_engine(database, clock, files, gateway=adapter)
    officers = make_officers(engine)
    code = receive_correction(engine, officers, files)
    with pytest.raises(PaymentUnavailable, match="không phản hồi"):
        engine.payments.start_online(code, officers.receiver)
    (order,) = engine.payments.payments(code)
    assert order["status"] == "failed" and order["last_error"]
