"""Real HTTP peers on 127.0.0.1 for the tests: a national portal, a payment gateway, and
the endpoint where the engine takes the gateway's notices (the REST layer's job in the app).

Each runs ``ThreadingHTTPServer`` in a daemon thread on a free port and records
what it receives; nothing in the engine knows they are fakes.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from engine.clock import Clock
from engine.digitisation.errors import NoticeRejected
from engine.digitisation.payments import SIGNATURE_HEADER, sign, signature_header
from engine.runtime.engine import Engine

WAIT = 10.0  # seconds to wait for an asynchronous delivery before a test fails


class _Server:
    """One HTTP server whose requests go to ``handle(method, path, headers, body)``."""

    def __init__(self, handle: Callable[[str, str, dict[str, str], bytes], tuple[int, Any]]):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k: v for k, v in self.headers.items()}
                status, answer = owner.handle(self.command, self.path, headers, body)
                if status < 0:  # take the request, then drop the connection unanswered
                    self.close_connection = True
                    return
                payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.handle = handle
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


# --- the national portal -------------------------------------------------------------------


@dataclass
class FakePortal:
    """Takes sync documents; answers from ``script`` first (a status, or -1 to accept and drop
    the connection, as if the answer were lost), then 200. A key it already has gets 409."""

    token: str = "portal-token"
    script: list[int] = field(default_factory=list)
    accepted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    arrivals: list[str] = field(default_factory=list)  # every key, every time it came
    duplicates: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = _Server(self._handle)

    @property
    def url(self) -> str:
        return f"{self._server.url}/api/sync"

    def keys(self) -> list[str]:
        with self._lock:
            return [key for key, _ in self.accepted]

    def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        with self._lock:
            key = headers.get("Idempotency-Key", "")
            self.arrivals.append(key)
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": "unauthorised"}
            if self.script:
                scripted = self.script.pop(0)
                if scripted == -1:
                    self.accepted.append((key, json.loads(body)))
                    return -1, None
                return scripted, {"error": "scripted"}
            if key in {k for k, _ in self.accepted}:
                self.duplicates.append(key)
                return 409, {"error": "duplicate"}
            self.accepted.append((key, json.loads(body)))
            return 200, {"ok": True}

    @contextmanager
    def running(self) -> Iterator[FakePortal]:
        self._server.start()
        try:
            yield self
        finally:
            self._server.stop()


# --- the payment gateway -------------------------------------------------------------------


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    status: int
    answer: dict[str, Any]


class FakeGateway:
    """Behaves like a real gateway: orders must be signed by the merchant; paying on the
    checkout page answers at once and sends the signed notice later, from another thread."""

    def __init__(self, secret: str, clock: Clock, tolerance: float = 300):
        self.secret = secret
        self._clock = clock
        self._tolerance = tolerance
        self.orders: dict[str, dict[str, Any]] = {}
        self.deliveries: list[Delivery] = []
        self._delivered = threading.Condition()
        self._server = _Server(self._handle)

    @property
    def url(self) -> str:
        return self._server.url

    @contextmanager
    def running(self) -> Iterator[FakeGateway]:
        self._server.start()
        try:
            yield self
        finally:
            self._server.stop()

    def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if path == "/v1/payments":
            return self._create(headers, body)
        if path.startswith("/checkout/") and path.endswith("/pay"):
            payment_id = path.split("/")[2]
            outcome = json.loads(body or b"{}").get("outcome", "paid")
            threading.Thread(target=self._notify, args=(payment_id, outcome), daemon=True).start()
            return 200, {"ok": True}
        return 404, {"error": "not found"}

    def _create(self, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = dict(
            p.split("=", 1) for p in headers.get(SIGNATURE_HEADER, "").split(",") if "=" in p
        )
        if parts.get("v1") != sign(self.secret, int(parts.get("t", "0")), body):
            return 401, {"error": "bad merchant signature"}
        order = json.loads(body)
        payment_id = f"PAY{uuid.uuid4().hex[:12].upper()}"
        self.orders[payment_id] = order
        return 201, {"payment_id": payment_id, "checkout_url": f"{self.url}/checkout/{payment_id}"}

    # --- the citizen, on the checkout page ---

    def pay(self, checkout_url: str, outcome: str = "paid") -> None:
        status, _ = post(
            f"{checkout_url}/pay",
            json.dumps({"outcome": outcome}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200

    # --- notices ---

    def notice(
        self, payment_id: str, outcome: str = "paid", amount: int | None = None
    ) -> dict[str, Any]:
        order = self.orders[payment_id]
        return {
            "event_id": f"EVT{uuid.uuid4().hex[:16]}",
            "order_ref": order["order_ref"],
            "payment_id": payment_id,
            "transaction_ref": f"FT{uuid.uuid4().hex[:10].upper()}",
            "amount": order["amount"] if amount is None else amount,
            "status": outcome,
            "paid_at": self._clock.now().isoformat() if outcome == "paid" else None,
        }

    def signed(
        self, notice: dict[str, Any], secret: str | None = None, at: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(notice, sort_keys=True).encode("utf-8")
        timestamp = int(self._clock.now().timestamp()) if at is None else at
        header = signature_header(secret or self.secret, timestamp, body)
        return body, {"Content-Type": "application/json", SIGNATURE_HEADER: header}

    def deliver(
        self, body: bytes, headers: dict[str, str], notify_url: str | None = None
    ) -> Delivery:
        url = notify_url or next(iter(self.orders.values()))["notify_url"]
        status, answer = post(url, body, headers)
        delivery = Delivery(body, headers, status, answer)
        with self._delivered:
            self.deliveries.append(delivery)
            self._delivered.notify_all()
        return delivery

    def _notify(self, payment_id: str, outcome: str) -> None:
        body, headers = self.signed(self.notice(payment_id, outcome))
        self.deliver(body, headers, self.orders[payment_id]["notify_url"])

    def wait_for_deliveries(self, count: int) -> list[Delivery]:
        with self._delivered:
            arrived = self._delivered.wait_for(lambda: len(self.deliveries) >= count, WAIT)
        assert arrived, f"expected {count} notices, got {len(self.deliveries)}"
        return list(self.deliveries)


class NoticeEndpoint:
    """Where the gateway sends notices: hands them to the engine as the REST endpoint will."""

    def __init__(self, engine: Engine | None = None):
        self.engine = engine  # set once the engine, which needs this url, exists
        self._server = _Server(self._handle)

    @property
    def url(self) -> str:
        return f"{self._server.url}/api/v1/payments/callback"

    @contextmanager
    def running(self) -> Iterator[NoticeEndpoint]:
        self._server.start()
        try:
            yield self
        finally:
            self._server.stop()

    def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        assert self.engine is not None
        try:
            result = self.engine.payments.handle_notice(body, headers)
        except NoticeRejected as error:
            return 400, {"error": error.message}
        return result.http_status, {"outcome": result.outcome, "detail": result.detail}
