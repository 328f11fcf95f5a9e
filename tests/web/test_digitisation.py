"""Số hóa on the officer's pages: reuse offered at reception, scans attached later, the data
store and its access log, the fee at the desk, the electronic result, the portal's outbox."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from engine.clock import FakeClock
from engine.digitisation.demo import sample_components
from engine.digitisation.payments import HmacGateway
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent
from engine.store.models_digitisation import PortalSyncRow

from ..digitisation.peers import FakeGateway
from .conftest import CITIZEN, hand_over, login, open_task, receive, text

pytestmark = pytest.mark.postgres
BIRTH = "1.001193"
PERSON = "079190001234"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {
    "nop__ho_ten": "Nguyễn Thị Hồng Nhung",
    "nop__so_dinh_danh": "079 190 001 234",
    "nop__dia_chi": "Thôn 3, xã Phước Lộc",
    "nop__dien_thoai": "0905123456",
    "nop__hinh_thuc_nhan_ket_qua": "truc_tiep",
}
CORRECTION = Path(__file__).resolve().parents[1] / "digitisation" / "fixtures" / "cai_chinh.yaml"


def stored_code(engine: Engine, code: str) -> str:
    found = [c.digitized_code for c in engine.runtime.components(code) if c.code == "GCS"]
    assert found and found[0], "the scan of GCS went into the data store"
    return str(found[0])


def reception(client: FlaskClient, token: str, **form: Any) -> Any:
    data = {"csrf_token": token, **APPLICANT, "channel": "desk", **form}
    return client.post(f"/reception/{BIRTH}", data=data, content_type="multipart/form-data")


# --- reception ------------------------------------------------------------------------------


def test_reception_offers_the_applicants_stored_paper_and_reuses_it(
    client: FlaskClient, engine: Engine
) -> None:
    paper = stored_code(engine, receive(engine, BIRTH))
    token = login(client, "tiepnhan")
    offered = reception(client, token, action="lookup")
    assert offered.status_code == 200
    page = text(offered)
    assert f"Dùng lại GCS {paper}" in page  # no catalogue here: named by its type
    assert "Tải lên bản quét mới" in page
    received = reception(
        client,
        token,
        action="receive",
        looked_up="1",
        tick_TK="1",
        file_TK=(io.BytesIO(PDF), "to-khai.pdf"),
        reuse_GCS=paper,
    )
    assert received.status_code == 302, text(received)
    code = received.headers["Location"].rsplit("/", 1)[1]
    reused = {c.code: c.reused_from for c in engine.runtime.components(code)}
    assert reused == {"TK": None, "GCS": paper}


def test_the_lookup_needs_the_applicants_number_and_lists_what_is_still_to_scan(
    client: FlaskClient,
) -> None:
    token = login(client, "tiepnhan")
    no_number = reception(client, token, action="lookup", nop__so_dinh_danh="", tick_TK="1")
    assert no_number.status_code == 200
    page = text(no_number)
    assert "Nhập số định danh cá nhân (hoặc mã số thuế của tổ chức) hợp lệ" in page
    assert "Còn phải số hóa" in page and "Tờ khai đăng ký khai sinh (TK)" in page


# --- scans after reception ------------------------------------------------------------------


def test_the_reception_task_lists_the_scans_missing_and_takes_them_later(
    client: FlaskClient, engine: Engine
) -> None:
    officer = engine.users.get("tiepnhan").actor
    papers = [SubmittedComponent("TK"), SubmittedComponent("GCS")]
    code = engine.runtime.receive(BIRTH, CITIZEN, officer, components=papers).dossier_code
    assert code is not None
    task = open_task(engine, code, "tiep_nhan")
    token = login(client, "tiepnhan")
    page = text(client.get(f"/tasks/{task}"))
    assert "Còn phải số hóa" in page and "Giấy chứng sinh (GCS)" in page
    blocked = client.post(f"/tasks/{task}", data={"csrf_token": token, "decision": "approve"})
    assert blocked.status_code == 422
    assert "Chưa số hóa đủ thành phần hồ sơ trước khi chuyển xử lý" in text(blocked)
    for component in ("TK", "GCS"):
        attached = client.post(
            f"/dossiers/{code}/scans/{component}",
            data={"csrf_token": token, "file": (io.BytesIO(PDF), f"{component}.pdf")},
            content_type="multipart/form-data",
        )
        assert attached.status_code == 302
    assert engine.digitisation.still_to_scan(code) == []
    assert "Còn phải số hóa" not in text(client.get(f"/tasks/{task}"))
    done = client.post(f"/tasks/{task}", data={"csrf_token": token, "decision": "approve"})
    assert done.status_code == 302


def test_a_scan_of_an_unknown_component_or_by_another_agency_is_refused(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine, BIRTH)
    token = login(client, "tiepnhan")
    form = {"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")}
    unknown = client.post(
        f"/dossiers/{code}/scans/KHONG_CO", data=form, content_type="multipart/form-data"
    )
    assert unknown.status_code == 422 and "không có trong thủ tục" in text(unknown)
    token = login(client, "thue")
    form = {"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")}
    other = client.post(f"/dossiers/{code}/scans/TK", data=form, content_type="multipart/form-data")
    assert other.status_code == 403


# --- the data store -------------------------------------------------------------------------


def test_the_data_store_shows_papers_to_the_officer_handling_the_dossier_and_logs_each_look(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine, BIRTH)
    paper = stored_code(engine, code)
    login(client, "tiepnhan")
    assert "Căn cứ xem kho dữ liệu" in text(client.get(f"/kho/{PERSON}"))
    dossier_page = client.get(f"/dossiers/{code}").get_data(as_text=True)
    assert f"/kho/{PERSON}?dossier={code}" in dossier_page
    page = client.get(f"/kho/{PERSON}?dossier={code}")
    assert page.status_code == 200
    body = text(page)
    assert paper in body and "Số hóa khi tiếp nhận hồ sơ" in body and "Còn hiệu lực" in body
    public_id = engine.datastore.papers(PERSON, engine.users.get("thanhtra").actor, _audit())[0]
    opened = client.get(f"/kho/{PERSON}/papers/{public_id.public_id}?dossier={code}")
    assert opened.status_code == 200
    assert opened.headers["X-Content-Type-Options"] == "nosniff"
    assert opened.headers["Content-Disposition"].startswith("attachment;")
    login(client, "tuphap")
    refused = client.get(f"/kho/{PERSON}?dossier={code}")
    assert refused.status_code == 403 and f"Bạn không đang xử lý hồ sơ {code}" in text(refused)
    login(client, "thanhtra")
    audit = text(client.get(f"/kho/{PERSON}?reason=Kiểm tra định kỳ"))
    assert "Nhật ký truy cập" in audit and "Kiểm tra: Kiểm tra định kỳ" in audit
    assert f"tiepnhan open {paper} Hồ sơ {code}" in audit


def _audit() -> Any:
    from engine.digitisation.access import Grounds

    return Grounds.audit("kiểm thử")


# --- fee at the desk ------------------------------------------------------------------------


def test_the_fee_is_recorded_at_the_desk_once(client: FlaskClient, engine: Engine) -> None:
    engine.repository.deploy_paths([CORRECTION])
    officer = engine.users.get("tiepnhan").actor
    papers = sample_components(engine, "1.004859")
    code = engine.runtime.receive("1.004859", CITIZEN, officer, components=papers).dossier_code
    token = login(client, "tiepnhan")
    page = text(client.get(f"/dossiers/{code}"))
    assert "Phí, lệ phí" in page and "Chưa nộp" in page
    wrong = client.post(f"/dossiers/{code}/payment", data={"csrf_token": token, "method": "online"})
    assert "Chọn hình thức thu" in text(client.get(wrong.headers["Location"]))
    paid = client.post(
        f"/dossiers/{code}/payment",
        data={"csrf_token": token, "method": "cash", "reference": "BL-000123"},
    )
    assert paid.status_code == 302
    page = text(client.get(f"/dossiers/{code}"))
    assert "Đã nộp (Tiền mặt tại Bộ phận Một cửa" in page and "BL-000123" in page
    assert engine.payments.fee(str(code)).paid


# --- the result -----------------------------------------------------------------------------


def test_the_electronic_result_is_attached_when_returned_by_post(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine, BIRTH)
    engine.tasks.complete(hand_over(engine, code), engine.users.get("tuphap").actor)
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), engine.users.get("chutich").actor)
    task = open_task(engine, code, "tra_ket_qua")
    token = login(client, "tiepnhan")
    form_page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'name="result_file"' in form_page and 'enctype="multipart/form-data"' in form_page
    returned = client.post(
        f"/dossiers/{code}/return",
        data={
            "csrf_token": token,
            "method": "post",
            "tracking_number": "EB123456785VN",
            "result_file": (io.BytesIO(PDF), "giay-khai-sinh.pdf"),
            "result_number": "125/GKS",
        },
        content_type="multipart/form-data",
    )
    assert returned.status_code == 302, text(returned)
    outcome = engine.runtime.get(code).outcome
    assert outcome["result"]["number"] == "125/GKS"
    assert outcome["returned"]["tracking_number"] == "EB123456785VN"


# --- the portal's outbox --------------------------------------------------------------------


def test_the_administrator_sees_dead_letters_and_sends_them_again(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine, BIRTH)
    with engine.database.write() as session:
        session.execute(
            update(PortalSyncRow)
            .where(PortalSyncRow.dossier_code == code)
            .values(status="dead", attempts=8, last_error="HTTP 503 từ Cổng")
        )
    login(client, "tiepnhan")
    assert client.get("/admin/sync").status_code == 403
    token = login(client, "thietke")
    page = text(client.get("/admin/sync"))
    assert "Gửi lỗi 1" in page and "HTTP 503 từ Cổng" in page
    retried = client.post("/admin/sync/retry", data={"csrf_token": token})
    assert retried.status_code == 302
    page = text(client.get("/admin/sync"))
    assert "Đã đưa 1 bản ghi trở lại hàng đợi" in page
    assert "Không có bản ghi nào gửi lỗi" in page
    bad = client.post("/admin/sync/retry", data={"csrf_token": token, "id": "abc"})
    assert bad.status_code == 422


# --- post -----------------------------------------------------------------------------------


def test_postal_staff_receive_on_the_post_channel_with_the_items_number(
    client: FlaskClient, engine: Engine
) -> None:
    engine.users.create("buudien", "Phan Văn Bưu", None, ["postal"], "mật-khẩu-thử-nghiệm")
    token = login(client, "buudien")
    at_desk = reception(client, token, action="receive", postal_item="EB123456785VN")
    assert at_desk.status_code == 403
    assert "chỉ tiếp nhận hồ sơ qua dịch vụ bưu chính công ích" in text(at_desk)
    scans = {f"file_{c}": (io.BytesIO(PDF), f"{c}.pdf") for c in ("TK", "GCS")}
    received = reception(
        client, token, action="receive", channel="post", postal_item="eb 123456785 vn", **scans
    )
    assert received.status_code == 302, text(received)
    code = received.headers["Location"].rsplit("/", 1)[1]
    dossier = engine.runtime.get(code)
    assert (dossier.channel, dossier.outcome["postal_reception"]) == (
        "post",
        {"item": "EB123456785VN"},
    )


def test_a_payment_notice_is_made_with_the_gateway_from_the_dossier_page(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    engine.repository.deploy_paths([CORRECTION])
    officer = engine.users.get("tiepnhan").actor
    papers = sample_components(engine, "1.004859")
    code = engine.runtime.receive("1.004859", CITIZEN, officer, components=papers).dossier_code
    token = login(client, "tiepnhan")
    assert "Tạo thông báo nộp phí trực tuyến" not in text(client.get(f"/dossiers/{code}"))
    unavailable = client.post(f"/dossiers/{code}/payment/online", data={"csrf_token": token})
    assert "Chưa cấu hình cổng thanh toán trực tuyến" in text(
        client.get(unavailable.headers["Location"])
    )
    fake = FakeGateway("khoa-bi-mat", clock)
    with fake.running():
        engine.payments.gateway = HmacGateway(fake.url, "UBNDXA", "khoa-bi-mat")
        assert "Tạo thông báo nộp phí trực tuyến" in text(client.get(f"/dossiers/{code}"))
        made = client.post(f"/dossiers/{code}/payment/online", data={"csrf_token": token})
        page = text(client.get(made.headers["Location"]))
    assert "Đã tạo thông báo nộp phí 15.000 đồng" in page and f"{fake.url}/checkout/" in page
