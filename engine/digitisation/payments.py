"""Fees (phí, lệ phí) and their payment: at the desk, by transfer, or online via a gateway.

A dossier's fee is its procedure's; the payment is recorded by a command on the
dossier (``record_payment``), so it is in the history and the replayed state,
and mirrored in the dossier row for reports (method, time, reference).

Online payment goes through a **gateway adapter**: the engine creates an order
(our ``order_ref``), the citizen pays on the gateway's page, and the gateway
later sends a **notice** to our endpoint, asynchronously. The notice is JSON
signed with HMAC-SHA256 over ``"<timestamp>.<body>"`` with the shared secret,
in the header ``X-Gateway-Signature: t=<unix seconds>,v1=<hex>``. The engine:

- rejects a notice whose signature does not match (forged or altered) or whose
  timestamp is outside the tolerance (an old notice replayed later);
- records each verified notice by its ``event_id`` (unique), so the same notice
  delivered twice is recognised and changes nothing (idempotent);
- checks the order exists and the amount is the amount ordered, then records
  the payment on the dossier in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.runtime.commands import Actor
from engine.runtime.errors import DomainError, InvalidCommand
from engine.store.models import DossierRow
from engine.store.models_digitisation import PaymentNoticeRow, PaymentRow

from .commands import PAYMENT_METHODS, RecordPayment
from .errors import (
    AlreadyPaid,
    GatewayUnreachable,
    NoticeRejected,
    PaymentNotFound,
    PaymentUnavailable,
)

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "SIGNATURE_HEADER",
    "sign",
    "signature_header",
    "PaymentOrder",
    "Checkout",
    "GatewayNotice",
    "PaymentGateway",
    "HmacGateway",
    "FeeView",
    "NoticeResult",
    "PaymentService",
]

SIGNATURE_HEADER = "X-Gateway-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``"<timestamp>.<body>"``, hex."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


@dataclass(frozen=True)
class PaymentOrder:
    order_ref: str
    amount: int  # VND
    description: str
    dossier_code: str
    notify_url: str
    return_url: str


@dataclass(frozen=True)
class Checkout:
    """Where the citizen pays."""

    order_ref: str
    amount: int
    payment_id: str
    checkout_url: str


@dataclass(frozen=True)
class GatewayNotice:
    event_id: str
    order_ref: str
    payment_id: str
    transaction_ref: str
    amount: int
    status: str  # paid | failed
    paid_at: datetime | None


class PaymentGateway(Protocol):
    """An online payment gateway (the national payment platform, a bank, an e-wallet)."""

    name: str

    def create(self, order: PaymentOrder) -> Checkout:
        """Register the order with the gateway; raise on failure."""

    def verify(self, body: bytes, headers: Mapping[str, str], now: datetime) -> GatewayNotice:
        """The notice if its signature and age are right; NoticeRejected otherwise."""


class HmacGateway:
    """A gateway speaking JSON over HTTP(S), both ways signed with a shared HMAC secret.

    ``POST <base_url>/v1/payments`` with ``{merchant, order_ref, amount, currency,
    description, notify_url, return_url}`` answers ``{payment_id, checkout_url}``.
    """

    def __init__(
        self,
        base_url: str,
        merchant_id: str,
        secret: str,
        *,
        name: str = "gateway",
        timeout: float = 10,
        tolerance_seconds: float = 300,
    ):
        if not secret:
            raise ValueError("a payment gateway needs its shared secret")
        self.base_url = base_url.rstrip("/")
        self.merchant_id = merchant_id
        self.name = name
        self._secret = secret
        self._timeout = timeout
        self._tolerance = tolerance_seconds

    def create(self, order: PaymentOrder) -> Checkout:
        body = json.dumps(
            {
                "merchant": self.merchant_id,
                "order_ref": order.order_ref,
                "amount": order.amount,
                "currency": "VND",
                "description": order.description,
                "notify_url": order.notify_url,
                "return_url": order.return_url,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": order.order_ref,
            SIGNATURE_HEADER: signature_header(self._secret, int(time.time()), body),
        }
        request = urllib.request.Request(
            f"{self.base_url}/v1/payments", data=body, method="POST", headers=headers
        )
        with urllib.request.urlopen(request, timeout=self._timeout) as response:
            answer = json.loads(response.read().decode("utf-8"))
        return Checkout(
            order.order_ref, order.amount, str(answer["payment_id"]), str(answer["checkout_url"])
        )

    def verify(self, body: bytes, headers: Mapping[str, str], now: datetime) -> GatewayNotice:
        timestamp, signature = _signature_parts(headers)
        if abs(now.timestamp() - timestamp) > self._tolerance:
            raise NoticeRejected(
                "Thông báo thanh toán quá cũ hoặc sai thời gian (có thể bị phát lại)."
            )
        expected = sign(self._secret, timestamp, body)
        if not hmac.compare_digest(expected, signature):
            raise NoticeRejected("Chữ ký của thông báo thanh toán không đúng.")
        return _notice(body)


def _signature_parts(headers: Mapping[str, str]) -> tuple[int, str]:
    lowered = {key.lower(): value for key, value in headers.items()}
    raw = lowered.get(SIGNATURE_HEADER.lower(), "")
    parts = dict(part.split("=", 1) for part in raw.split(",") if "=" in part)
    try:
        return int(parts["t"]), parts["v1"]
    except (KeyError, ValueError) as error:
        raise NoticeRejected("Thông báo thanh toán không có chữ ký.") from error


def _notice(body: bytes) -> GatewayNotice:
    try:
        raw = json.loads(body.decode("utf-8"))
        paid_at = raw.get("paid_at")
        moment = datetime.fromisoformat(paid_at) if paid_at else None
        if moment is not None and moment.tzinfo is None:
            raise ValueError("paid_at without a time zone")
        notice = GatewayNotice(
            event_id=str(raw["event_id"]),
            order_ref=str(raw["order_ref"]),
            payment_id=str(raw["payment_id"]),
            transaction_ref=str(raw.get("transaction_ref") or ""),
            amount=int(raw["amount"]),
            status=str(raw["status"]),
            paid_at=moment,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise NoticeRejected(f"Thông báo thanh toán không đọc được: {error}") from error
    if notice.status not in ("paid", "failed"):
        raise NoticeRejected(f"Trạng thái thanh toán không rõ: {notice.status}.")
    return notice


@dataclass(frozen=True)
class FeeView:
    """Phí, lệ phí of a dossier and how it was paid."""

    dossier_code: str
    fee_due: int
    paid: bool
    method: str | None
    paid_at: datetime | None
    reference: str | None

    @property
    def method_label(self) -> str | None:
        return PAYMENT_METHODS.get(self.method) if self.method else None


@dataclass(frozen=True)
class NoticeResult:
    """What became of a gateway notice; ``http_status`` is what to answer the gateway."""

    outcome: str  # paid | failed | duplicate | rejected
    order_ref: str
    dossier_code: str | None
    detail: str | None = None

    @property
    def http_status(self) -> int:
        return 422 if self.outcome == "rejected" else 200


class PaymentService:
    def __init__(
        self,
        engine: Engine,
        gateway: PaymentGateway | None = None,
        notify_url: str = "",
        return_url: str = "",
    ):
        self._engine = engine
        self.gateway = gateway
        self._notify_url = notify_url
        self._return_url = return_url

    # --- reading --------------------------------------------------------------------------------

    def fee(self, code: str) -> FeeView:
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            return _fee_view(row)

    # --- at the desk ----------------------------------------------------------------------------

    def record(
        self,
        code: str,
        actor: Actor,
        method: str,
        amount: int | None = None,
        reference: str | None = None,
    ) -> FeeView:
        """Thu tiền mặt or a transfer seen on the agency's account: recorded by an officer."""
        if method == "online":
            raise InvalidCommand(
                "Thanh toán trực tuyến được ghi nhận từ cổng thanh toán.", field="method"
            )

        def work(session: Session) -> FeeView:
            row = self._engine.dossier_row(session, code, lock=True)
            command = RecordPayment(
                method,
                row.fee_due if amount is None else amount,
                self._engine.clock.now().isoformat(),
                (reference or "").strip() or None,
            )
            self._engine.apply_to_row(session, row, command, actor)
            return _fee_view(row)

        return self._engine.in_transaction(work)

    # --- online ---------------------------------------------------------------------------------

    def start_online(self, code: str, actor: Actor) -> Checkout:
        """An order with the gateway for the dossier's fee; the same pending order is reused."""
        gateway = self._require_gateway()
        order = self._engine.in_transaction(lambda session: self._order(session, code, actor))
        if isinstance(order, Checkout):
            return order
        try:
            checkout = gateway.create(order)
        except (OSError, urllib.error.URLError, ValueError, KeyError) as error:
            problem = f"{type(error).__name__}: {error}"
            self._engine.in_transaction(lambda s: _failed(s, order.order_ref, problem, self._now()))
            raise GatewayUnreachable(
                "Cổng thanh toán không phản hồi; vui lòng thử lại sau.", order=order.order_ref
            ) from error
        self._engine.in_transaction(lambda s: _opened(s, checkout, gateway.name, self._now()))
        return checkout

    def _order(self, session: Session, code: str, actor: Actor) -> PaymentOrder | Checkout:
        row = self._engine.dossier_row(session, code, lock=True)
        if row.fee_due <= 0:
            raise PaymentUnavailable(f"Thủ tục của hồ sơ {code} không thu phí, lệ phí.")
        if row.paid_at is not None:
            raise AlreadyPaid(f"Hồ sơ {code} đã được thanh toán phí, lệ phí.")
        if row.closed_at is not None:
            raise PaymentUnavailable(f"Hồ sơ {code} đã kết thúc.")
        pending = session.scalar(
            select(PaymentRow).where(
                PaymentRow.dossier_id == row.id,
                PaymentRow.method == "online",
                PaymentRow.status == "pending",
                PaymentRow.checkout_url.is_not(None),
            )
        )
        if pending is not None and pending.checkout_url and pending.gateway_payment_id:
            return Checkout(
                pending.order_ref, pending.amount, pending.gateway_payment_id, pending.checkout_url
            )
        now = self._now()
        order_ref = f"MC{secrets.token_hex(10).upper()}"
        session.add(
            PaymentRow(
                dossier_id=row.id,
                order_ref=order_ref,
                amount=row.fee_due,
                method="online",
                status="pending",
                created_at=now,
                created_by=actor.username,
                updated_at=now,
            )
        )
        return PaymentOrder(
            order_ref,
            row.fee_due,
            f"Phí, lệ phí hồ sơ {code}",
            code,
            self._notify_url,
            self._return_url,
        )

    def handle_notice(self, body: bytes, headers: Mapping[str, str]) -> NoticeResult:
        """A notice from the gateway: verify it, then record the payment once.

        Raises NoticeRejected when it cannot be trusted (signature, age, form);
        answer the gateway with ``result.http_status`` otherwise.
        """
        gateway = self._require_gateway()
        notice = gateway.verify(body, headers, self._now())
        digest = hashlib.sha256(body).hexdigest()
        try:
            return self._engine.in_transaction(
                lambda session: self._apply_notice(session, notice, digest, gateway.name)
            )
        except IntegrityError:  # the same notice, delivered twice at once: the other one won
            return NoticeResult("duplicate", notice.order_ref, None)

    def _apply_notice(
        self, session: Session, notice: GatewayNotice, digest: str, gateway: str
    ) -> NoticeResult:
        seen = session.scalar(
            select(PaymentNoticeRow).where(PaymentNoticeRow.event_id == notice.event_id)
        )
        if seen is not None:
            return NoticeResult("duplicate", notice.order_ref, None, seen.detail)
        payment = session.scalar(
            select(PaymentRow).where(PaymentRow.order_ref == notice.order_ref).with_for_update()
        )
        dossier = session.get(DossierRow, payment.dossier_id) if payment is not None else None
        result = self._outcome(session, notice, payment, dossier, gateway)
        session.add(
            PaymentNoticeRow(
                event_id=notice.event_id,
                order_ref=notice.order_ref,
                received_at=self._now(),
                outcome=result.outcome,
                body_sha256=digest,
                detail=result.detail,
            )
        )
        return result

    def _outcome(
        self,
        session: Session,
        notice: GatewayNotice,
        payment: PaymentRow | None,
        dossier: DossierRow | None,
        gateway: str,
    ) -> NoticeResult:
        if payment is None or dossier is None:
            return NoticeResult("rejected", notice.order_ref, None, "không có đơn thanh toán này")
        code = dossier.code
        if notice.amount != payment.amount:
            detail = f"số tiền {notice.amount} khác số tiền đơn {payment.amount}"
            return NoticeResult("rejected", notice.order_ref, code, detail)
        now = self._now()
        payment.updated_at = now
        if notice.status == "failed":
            if payment.status == "pending":
                payment.status = "failed"
            return NoticeResult("failed", notice.order_ref, code)
        if payment.status == "paid":
            same = payment.transaction_ref == (notice.transaction_ref or None)
            twice = None if same else "đơn đã thanh toán bằng giao dịch khác: cần hoàn tiền"
            return NoticeResult("duplicate" if same else "rejected", notice.order_ref, code, twice)
        paid_at = notice.paid_at or now
        payment.status, payment.paid_at = "paid", paid_at
        payment.transaction_ref = notice.transaction_ref or None
        command = RecordPayment(
            "online", notice.amount, paid_at.isoformat(), notice.transaction_ref, notice.order_ref
        )
        try:
            row = self._engine.dossier_row(session, code, lock=True)
            self._engine.apply_to_row(session, row, command, _gateway_actor(gateway))
        except DomainError as error:  # paid at the desk meanwhile: the money must go back
            return NoticeResult(
                "rejected", notice.order_ref, code, f"{error.message} Cần hoàn tiền."
            )
        return NoticeResult("paid", notice.order_ref, code)

    def payments(self, code: str) -> list[dict[str, Any]]:
        """The dossier's payment orders, oldest first (for the officer's page)."""
        with self._engine.database.read() as session:
            row = self._engine.dossier_row(session, code)
            rows = session.scalars(
                select(PaymentRow).where(PaymentRow.dossier_id == row.id).order_by(PaymentRow.id)
            )
            return [
                {
                    "order_ref": p.order_ref,
                    "amount": p.amount,
                    "method": p.method,
                    "status": p.status,
                    "checkout_url": p.checkout_url,
                    "transaction_ref": p.transaction_ref,
                    "created_at": p.created_at,
                    "paid_at": p.paid_at,
                    "last_error": p.last_error,
                }
                for p in rows
            ]

    def _require_gateway(self) -> PaymentGateway:
        if self.gateway is None:
            raise PaymentUnavailable("Chưa cấu hình cổng thanh toán trực tuyến.")
        return self.gateway

    def _now(self) -> datetime:
        return self._engine.clock.now()


def _fee_view(row: DossierRow) -> FeeView:
    return FeeView(
        row.code,
        row.fee_due,
        row.paid_at is not None,
        row.payment_method,
        row.paid_at,
        row.payment_reference,
    )


def _gateway_actor(gateway: str) -> Actor:
    return Actor(username=f"gateway:{gateway}"[:100], full_name="Cổng thanh toán trực tuyến")


def _failed(session: Session, order_ref: str, problem: str, now: datetime) -> None:
    row = session.scalar(select(PaymentRow).where(PaymentRow.order_ref == order_ref))
    if row is None:
        raise PaymentNotFound(order_ref)
    row.status, row.updated_at, row.last_error = "failed", now, problem[:2000]


def _opened(session: Session, checkout: Checkout, gateway: str, now: datetime) -> None:
    row = session.scalar(select(PaymentRow).where(PaymentRow.order_ref == checkout.order_ref))
    if row is None:
        raise PaymentNotFound(checkout.order_ref)
    row.gateway, row.gateway_payment_id = gateway, checkout.payment_id
    row.checkout_url, row.updated_at = checkout.checkout_url, now
