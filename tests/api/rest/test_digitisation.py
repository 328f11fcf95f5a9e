"""The REST side of digitisation: the data store and its log, offers and reuse, scans,
the electronic result, fees and the gateway's callback, postal reception, portal sync."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from engine.clock import FakeClock
from engine.digitisation.payments import SIGNATURE_HEADER, HmacGateway
from engine.runtime.engine import Engine
from engine.store.models_digitisation import PortalSyncRow

from ...digitisation.peers import FakeGateway
from .conftest import (
    APPLICANT,
    PASSWORD,
    PDF,
    Auth,
    act,
    assert_problem,
    birth_body,
    handed_to_justice,
    open_task_id,
    receive,
    with_scans,
)
from .test_authorisation_matrix import result as at_the_return_step

pytestmark = pytest.mark.postgres
PERSON = APPLICANT["id_number"]
CORRECTION = "1.004859"
FIXTURE = Path(__file__).resolve().parents[2] / "digitisation" / "fixtures" / "cai_chinh.yaml"
SECRET = "khoa-bi-mat-chung-cua-cong-thanh-toan"


def papers(client: FlaskClient, auth: Auth, username: str, query: str) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/applicants/{PERSON}/papers?{query}", headers=auth(username))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json())


def scan(
    client: FlaskClient, auth: Auth, code: str, component: str, username: str = "tiepnhan"
) -> TestResponse:
    return client.post(
        f"/api/v1/dossiers/{code}/components/{component}/scan",
        data={"file": (io.BytesIO(PDF), f"{component.lower()}.pdf")},
        headers=auth(username),
    )


# --- the data store -------------------------------------------------------------------------


def test_an_officer_handling_the_dossier_sees_the_stored_papers_and_opens_one(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth)
    (paper,) = papers(client, auth, "tiepnhan", f"dossier={code}")
    assert (paper["paper_type"], paper["source"], paper["source_dossier"]) == (
        "GCS",
        "reception",
        code,
    )
    assert paper["source_label"] == "Số hóa khi tiếp nhận hồ sơ"
    opened = client.get(f"{paper['file']}?dossier={code}", headers=auth("tiepnhan"))
    assert opened.status_code == 200 and opened.data == PDF
    assert opened.headers["X-Content-Type-Options"] == "nosniff"
    assert opened.headers["Cache-Control"] == "no-store, private"
    assert opened.headers["Content-Disposition"].startswith("attachment;")
    log = client.get(
        f"/api/v1/applicants/{PERSON}/access-log?reason=Kiểm tra định kỳ", headers=auth("thanhtra")
    ).get_json()
    assert [(e["actor"], e["action"]) for e in log][-2:] == [
        ("tiepnhan", "list"),
        ("tiepnhan", "open"),
    ]
    assert log[-1]["paper_code"] == paper["code"] and log[-1]["dossier_code"] == code


def test_the_store_is_closed_to_officers_not_handling_a_dossier_of_the_applicant(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth)
    paper = papers(client, auth, "tiepnhan", f"dossier={code}")[0]
    for username in ("tuphap", "diachinh", "thue"):
        refused = client.get(
            f"/api/v1/applicants/{PERSON}/papers?dossier={code}", headers=auth(username)
        )
        assert assert_problem(refused, 403)["type"].endswith("/paper_access_denied")
        opened = client.get(f"{paper['file']}?dossier={code}", headers=auth(username))
        assert_problem(opened, 403)
    no_grounds = client.get(f"/api/v1/applicants/{PERSON}/papers", headers=auth("tiepnhan"))
    assert_problem(no_grounds, 403)
    log = client.get(f"/api/v1/applicants/{PERSON}/access-log?reason=x", headers=auth("tiepnhan"))
    assert_problem(log, 403)
    audit = papers(client, auth, "thanhtra", "reason=Thanh tra theo kế hoạch")
    assert [p["code"] for p in audit] == [paper["code"]]
    missing = client.get(
        "/api/v1/applicants/000000000000/papers?reason=x", headers=auth("thanhtra")
    )
    assert_problem(missing, 404)


# --- offers and reuse -----------------------------------------------------------------------


def test_reception_offers_the_stored_paper_and_a_new_dossier_reuses_it(
    client: FlaskClient, auth: Auth
) -> None:
    receive(client, auth)
    offers = client.get(
        f"/api/v1/applicants/{PERSON}/offers?procedure=1.001193", headers=auth("tiepnhan")
    )
    assert offers.status_code == 200, offers.get_json()
    (offer,) = offers.get_json()
    assert (offer["component"], offer["paper_type"]) == ("GCS", "GCS")
    stored = offer["papers"][0]["code"]
    body = birth_body(components=[{"code": "TK"}, {"code": "GCS", "reused_from": stored}])
    form = {"dossier": json.dumps(body), "TK": (io.BytesIO(PDF), "tk.pdf")}
    created = client.post("/api/v1/dossiers", data=form, headers=auth("tiepnhan"))
    assert created.status_code == 201, created.get_json()
    code = created.get_json()["code"]
    components = client.get(f"/api/v1/dossiers/{code}/components", headers=auth("tiepnhan"))
    reused = {c["code"]: c["reused_from"] for c in components.get_json()}
    assert reused == {"TK": None, "GCS": stored}
    assert client.get(f"/api/v1/dossiers/{code}/to-scan", headers=auth("tiepnhan")).get_json() == []
    refused = client.get(
        f"/api/v1/applicants/{PERSON}/offers?procedure=1.001193", headers=auth("tuphap")
    )
    assert_problem(refused, 403)
    assert_problem(client.get(f"/api/v1/applicants/{PERSON}/offers", headers=auth("tiepnhan")), 422)


def test_a_paper_of_another_person_cannot_be_reused(client: FlaskClient, auth: Auth) -> None:
    receive(client, auth)
    stored = papers(client, auth, "thanhtra", "reason=x")[0]["code"]
    other = {"name": "Trần Văn Hải", "id_number": "079085004321"}
    body = birth_body(
        applicant=other, components=[{"code": "TK"}, {"code": "GCS", "reused_from": stored}]
    )
    form = {"dossier": json.dumps(body), "TK": (io.BytesIO(PDF), "tk.pdf")}
    refused = client.post("/api/v1/dossiers", data=form, headers=auth("tiepnhan"))
    assert assert_problem(refused, 422)["type"].endswith("/paper_not_reusable")


# --- scans ----------------------------------------------------------------------------------


def test_the_reception_step_waits_for_the_scans_and_they_can_be_attached_later(
    client: FlaskClient, auth: Auth
) -> None:
    created = client.post("/api/v1/dossiers", json=birth_body(), headers=auth("tiepnhan"))
    assert created.status_code == 201, created.get_json()
    code = created.get_json()["code"]
    to_scan = client.get(f"/api/v1/dossiers/{code}/to-scan", headers=auth("tiepnhan")).get_json()
    assert [c["code"] for c in to_scan] == ["TK", "GCS"]
    task = open_task_id(client, auth, code, "tiep_nhan")
    blocked = act(client, auth, "tiepnhan", f"/api/v1/tasks/{task}/complete", {})
    body = assert_problem(blocked, 422)
    assert body["type"].endswith("/scans_missing") and body["to_scan"] == ["TK", "GCS"]
    assert "Chưa số hóa đủ" in body["detail"]
    first = scan(client, auth, code, "TK")
    assert first.status_code == 200, first.get_json()
    assert [c["code"] for c in first.get_json()["to_scan"]] == ["GCS"]
    second = scan(client, auth, code, "GCS").get_json()
    assert second["to_scan"] == [] and second["digitized_code"].startswith(f"{PERSON}.GCS")
    done = act(client, auth, "tiepnhan", f"/api/v1/tasks/{task}/complete", {})
    assert done.status_code == 200, done.get_json()


def test_a_scan_needs_a_file_a_known_component_and_the_right_officer(
    client: FlaskClient, auth: Auth
) -> None:
    code = client.post("/api/v1/dossiers", json=birth_body(), headers=auth("tiepnhan")).get_json()[
        "code"
    ]
    no_file = client.post(
        f"/api/v1/dossiers/{code}/components/TK/scan",
        data={"x": "1"},
        content_type="multipart/form-data",
        headers=auth("tiepnhan"),
    )
    assert "file" in assert_problem(no_file, 422)["errors"]
    assert_problem(scan(client, auth, code, "KHONG_CO"), 422)
    assert_problem(scan(client, auth, code, "TK", "thue"), 403)
    as_json = client.post(
        f"/api/v1/dossiers/{code}/components/TK/scan", json={}, headers=auth("tiepnhan")
    )
    assert_problem(as_json, 415)
    fake = client.post(
        f"/api/v1/dossiers/{code}/components/TK/scan",
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a scan"), "virus.exe")},
        headers=auth("tiepnhan"),
    )
    assert fake.status_code in (415, 422)


# --- the electronic result and its return by post -------------------------------------------


def test_the_electronic_result_is_attached_then_returned_by_post(
    client: FlaskClient, auth: Auth
) -> None:
    code, _task = at_the_return_step(client, auth)
    form = {"file": (io.BytesIO(PDF), "giay-khai-sinh.pdf"), "number": "125/GKS"}
    attached = client.post(f"/api/v1/dossiers/{code}/result", data=form, headers=auth("tiepnhan"))
    assert attached.status_code == 200, attached.get_json()
    bad_date = {"file": (io.BytesIO(PDF), "kq.pdf"), "valid_until": "31/12/2030"}
    refused = client.post(
        f"/api/v1/dossiers/{code}/result", data=bad_date, headers=auth("tiepnhan")
    )
    assert "valid_until" in assert_problem(refused, 422)["errors"]
    returned = act(
        client,
        auth,
        "tiepnhan",
        f"/api/v1/dossiers/{code}/return-result",
        {"method": "post", "tracking_number": "EB123456785VN", "address": "Thôn 3, xã A"},
    )
    assert returned.status_code == 200, returned.get_json()
    outcome = returned.get_json()["outcome"]
    assert outcome["returned"]["tracking_number"] == "EB123456785VN"
    assert outcome["result"]["number"] == "125/GKS"


# --- fees -----------------------------------------------------------------------------------


@pytest.fixture
def correction(client: FlaskClient, auth: Auth, rest_engine: Engine) -> str:
    """A received dossier of a procedure with a fee (15,000 đ)."""
    rest_engine.repository.deploy_paths([FIXTURE])
    body = birth_body(
        procedure_code=CORRECTION,
        components=[{"code": "TK"}, {"code": "GKS"}, {"code": "GTTT"}],
    )
    form = with_scans(body)
    form.pop("GTTT")
    created = client.post("/api/v1/dossiers", data=form, headers=auth("tiepnhan"))
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["code"])


def test_cash_at_the_desk_is_recorded_once(
    client: FlaskClient, auth: Auth, correction: str
) -> None:
    fee = client.get(f"/api/v1/dossiers/{correction}/fee", headers=auth("tiepnhan")).get_json()
    assert (fee["fee_due"], fee["paid"]) == (15000, False)
    path = f"/api/v1/dossiers/{correction}/payments"
    assert_problem(act(client, auth, "tiepnhan", path, {"method": "online"}), 422)
    assert_problem(act(client, auth, "thue", path, {"method": "cash"}), 403)
    paid = act(client, auth, "tiepnhan", path, {"method": "cash", "reference": "BL-000123"})
    assert paid.status_code == 200, paid.get_json()
    body = paid.get_json()
    assert (body["paid"], body["method"], body["reference"]) == (True, "cash", "BL-000123")
    assert body["method_label"] == "Tiền mặt tại Bộ phận Một cửa"
    again = act(client, auth, "tiepnhan", path, {"method": "transfer"})
    assert assert_problem(again, 409)["type"].endswith("/already_paid")


def test_without_a_gateway_no_notice_can_be_made(
    client: FlaskClient, auth: Auth, correction: str
) -> None:
    made = act(client, auth, "tiepnhan", "/api/v1/payments/notices", {"dossier_code": correction})
    assert assert_problem(made, 400)["type"].endswith("/payment_unavailable")
    callback = client.post("/api/v1/payments/callback", data=b"{}")
    assert_problem(callback, 400)


@pytest.fixture
def gateway(rest_engine: Engine, clock: FakeClock) -> Iterator[FakeGateway]:
    fake = FakeGateway(SECRET, clock)
    with fake.running():
        rest_engine.payments.gateway = HmacGateway(fake.url, "UBNDXA", SECRET, name="thu-nghiem")
        yield fake


def test_the_gateway_callback_records_the_payment_once_and_refuses_forgeries(
    client: FlaskClient, auth: Auth, correction: str, gateway: FakeGateway
) -> None:
    made = act(client, auth, "tiepnhan", "/api/v1/payments/notices", {"dossier_code": correction})
    assert made.status_code == 201, made.get_json()
    checkout = made.get_json()
    assert checkout["amount"] == 15000 and checkout["checkout_url"].startswith(gateway.url)
    again = act(client, auth, "tiepnhan", "/api/v1/payments/notices", {"dossier_code": correction})
    assert again.get_json()["order_ref"] == checkout["order_ref"]  # the pending order, again
    notice = gateway.notice(checkout["payment_id"])
    body, headers = gateway.signed(notice)
    forged = client.post(
        "/api/v1/payments/callback", data=body, headers=gateway.signed(notice, "sai-khoa")[1]
    )
    assert assert_problem(forged, 400)["type"].endswith("/notice_rejected")
    unsigned = client.post(
        "/api/v1/payments/callback", data=body, headers={"Content-Type": "application/json"}
    )
    assert_problem(unsigned, 400)
    paid = client.post("/api/v1/payments/callback", data=body, headers=headers)
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json()["outcome"] == "paid"
    replay = client.post("/api/v1/payments/callback", data=body, headers=headers)
    assert (replay.status_code, replay.get_json()["outcome"]) == (200, "duplicate")
    fee = client.get(f"/api/v1/dossiers/{correction}/fee", headers=auth("tiepnhan")).get_json()
    assert (fee["paid"], fee["method"]) == (True, "online")
    assert SIGNATURE_HEADER in headers


def test_a_notice_for_a_wrong_amount_is_refused_with_422(
    client: FlaskClient, auth: Auth, correction: str, gateway: FakeGateway
) -> None:
    made = act(client, auth, "tiepnhan", "/api/v1/payments/notices", {"dossier_code": correction})
    body, headers = gateway.signed(gateway.notice(made.get_json()["payment_id"], amount=1000))
    refused = client.post("/api/v1/payments/callback", data=body, headers=headers)
    assert (refused.status_code, refused.get_json()["outcome"]) == (422, "rejected")


# --- postal reception -----------------------------------------------------------------------


def test_postal_staff_receive_by_post_with_the_items_number(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    rest_engine.users.create("buudien", "Phan Văn Bưu", None, ["postal"], PASSWORD)
    body = birth_body(channel="post", postal_item="eb 123456785 vn")
    created = client.post("/api/v1/dossiers", data=with_scans(body), headers=auth("buudien"))
    assert created.status_code == 201, created.get_json()
    dossier = client.get(
        f"/api/v1/dossiers/{created.get_json()['code']}", headers=auth("tiepnhan")
    ).get_json()
    assert dossier["channel"] == "post"
    assert dossier["outcome"]["postal_reception"] == {"item": "EB123456785VN"}
    at_desk = birth_body(postal_item="EB123456785VN")
    refused = client.post("/api/v1/dossiers", data=with_scans(at_desk), headers=auth("buudien"))
    assert_problem(refused, 403)


# --- the national portal's sync -------------------------------------------------------------


def test_administrators_see_the_outbox_and_retry_dead_letters(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    code, _task = handed_to_justice(client, auth)
    with rest_engine.database.write() as session:
        session.execute(
            update(PortalSyncRow)
            .where(PortalSyncRow.dossier_code == code)
            .values(status="dead", attempts=8, last_error="HTTP 503 từ Cổng")
        )
    state = client.get("/api/v1/admin/sync", headers=auth("quantri"))
    assert state.status_code == 200, state.get_json()
    body = state.get_json()
    dead = body["dead"]
    assert body["counts"]["dead"] == len(dead) >= 1 and dead[0]["last_error"] == "HTTP 503 từ Cổng"
    assert_problem(client.get("/api/v1/admin/sync", headers=auth("tiepnhan")), 403)
    first = act(client, auth, "quantri", "/api/v1/admin/sync/retry", {"ids": [dead[0]["id"]]})
    assert first.get_json() == {"requeued": 1}
    rest = act(client, auth, "quantri", "/api/v1/admin/sync/retry", {})
    assert rest.get_json() == {"requeued": len(dead) - 1}
    after = client.get("/api/v1/admin/sync", headers=auth("quantri")).get_json()
    assert after["counts"]["dead"] == 0 and after["dead"] == []


def test_an_unreachable_gateway_is_a_503_to_retry_and_the_order_is_kept_as_failed(
    client: FlaskClient, auth: Auth, correction: str, rest_engine: Engine, clock: FakeClock
) -> None:
    fake = FakeGateway(SECRET, clock)
    with fake.running():
        closed = fake.url  # nothing listens there once the fake has stopped
    rest_engine.payments.gateway = HmacGateway(closed, "UBNDXA", SECRET, name="thu-nghiem")
    made = act(client, auth, "tiepnhan", "/api/v1/payments/notices", {"dossier_code": correction})
    assert assert_problem(made, 503)["type"].endswith("/gateway_unreachable")
    assert made.headers["Retry-After"] == "5"
    assert "không phản hồi" in made.get_json()["detail"]
    (order,) = rest_engine.payments.payments(correction)
    assert order["status"] == "failed"
