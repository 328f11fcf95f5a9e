"""A dossier's forms on its page; the public rating, feedback and answers pages."""

from __future__ import annotations

import io
import re

import docx
import pytest
from flask.testing import FlaskClient

from engine.reports.feedback import FeedbackService
from engine.runtime.engine import Engine

from .conftest import login, receive, text


def _document_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _public_token(client: FlaskClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match
    return match.group(1)


def test_the_dossier_page_offers_the_forms_that_apply(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    login(client, "tiepnhan")
    page = text(client.get(f"/dossiers/{code}"))
    assert "Mẫu số 01 · Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    assert "Mẫu số 06 · Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert "Mẫu số 05" not in page  # not stopped
    receipt = client.get(f"/dossiers/{code}/giay-to/01")
    assert receipt.status_code == 200
    assert receipt.mimetype.endswith("wordprocessingml.document")
    assert code in _document_text(receipt.data)
    not_stopped = client.get(f"/dossiers/{code}/giay-to/05")
    assert not_stopped.status_code == 409
    assert "Thông báo dừng" in text(not_stopped) or "dừng" in text(not_stopped)
    assert client.get(f"/dossiers/{code}/giay-to/99").status_code == 404
    engine.runtime.stop(code, engine.users.get("tiepnhan").actor, "Công dân đề nghị dừng")
    assert "Mẫu số 05 · Thông báo dừng giải quyết hồ sơ" in text(client.get(f"/dossiers/{code}"))
    stop = client.get(f"/dossiers/{code}/giay-to/05")
    assert stop.status_code == 200
    assert code in _document_text(stop.data)


def test_the_forms_are_authorised_like_the_dossier(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    login(client, "thue")
    assert client.get(f"/dossiers/{code}/giay-to/01").status_code == 403
    client.post("/logout", data={})
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/dossiers/{code}/giay-to/01").status_code == 302  # to the login page


def test_a_citizen_rates_a_finished_dossier_once_after_proving_it_is_theirs(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    token = _public_token(client, "/danh-gia")
    form = {"csrf_token": token, "ma": code, "kiem_tra": "3456", "muc_do": "satisfied"}
    early = client.post("/danh-gia", data=form)
    assert early.status_code == 409
    assert "chưa giải quyết xong" in text(early)
    engine.runtime.withdraw(code, engine.users.get("tiepnhan").actor, "Công dân xin rút")
    lookup = text(client.get(f"/tra-cuu?ma={code}"))
    assert "Đánh giá mức độ hài lòng về hồ sơ này" in lookup
    wrong = client.post("/danh-gia", data={**form, "kiem_tra": "9999"})
    assert wrong.status_code == 403
    assert "Số kiểm tra không khớp" in text(wrong)
    short = client.post("/danh-gia", data={**form, "kiem_tra": "56"})
    assert short.status_code == 422
    assert "ít nhất 4 chữ số cuối" in text(short)
    no_choice = client.post("/danh-gia", data={**form, "muc_do": ""})
    assert no_choice.status_code == 422
    done = client.post("/danh-gia", data={**form, "kiem_tra": "1234"})  # ID number's last digits
    assert done.status_code == 200
    assert f"Cảm ơn bạn đã đánh giá hồ sơ {code} : Hài lòng." in text(done)
    again = client.post("/danh-gia", data=form)
    assert again.status_code == 409
    assert "đã được đánh giá" in text(again)
    assert "Đánh giá mức độ hài lòng về hồ sơ này" not in text(client.get(f"/tra-cuu?ma={code}"))
    assert client.post("/danh-gia", data={**form, "ma": "KHONG-CO"}).status_code == 404


def test_feedback_is_received_and_published_answers_are_shown(
    client: FlaskClient, engine: Engine
) -> None:
    lookup = client.get("/tra-cuu").get_data(as_text=True)
    assert 'href="/phan-anh"' in lookup and 'href="/phan-anh/tra-loi"' in lookup
    token = _public_token(client, "/phan-anh")
    missing = client.post("/phan-anh", data={"csrf_token": token, "loai": "phan_anh"})
    assert missing.status_code == 422
    assert "Phải nhập đủ tiêu đề, nội dung và họ tên." in text(missing)
    sent = client.post(
        "/phan-anh",
        data={
            "csrf_token": token,
            "loai": "kien_nghi",
            "co_quan": "ubnd_xa",
            "tieu_de": "Giờ làm việc thứ Bảy",
            "noi_dung": "Đề nghị mở cửa sáng thứ Bảy.",
            "ho_ten": "Lê Thị Mai",
        },
    )
    assert sent.status_code == 200
    page = text(sent)
    found = re.search(r"Đã nhận kiến nghị số (\S+) \. Hạn trả lời: (\S+ \S+)", page)
    assert found, page
    code = found.group(1)
    assert "Giờ làm việc thứ Bảy" not in text(client.get("/phan-anh/tra-loi"))
    officer = engine.users.get("chutich").actor
    FeedbackService(engine).answer(code, officer, "Từ tháng sau mở cửa sáng thứ Bảy.", True)
    answers = text(client.get("/phan-anh/tra-loi"))
    assert f"Kiến nghị {code} : Giờ làm việc thứ Bảy" in answers
    assert "Trả lời: Từ tháng sau mở cửa sáng thứ Bảy." in answers
    assert "UBND xã A" in answers
    no_csrf = client.post("/phan-anh", data={"loai": "phan_anh"})
    assert no_csrf.status_code == 403


@pytest.mark.postgres
def test_hostile_public_input_is_a_clear_error(client: FlaskClient, engine: Engine) -> None:
    token = _public_token(client, "/danh-gia")
    for code in ("A\x00B", "X" * 500, ""):
        rated = client.post(
            "/danh-gia",
            data={"csrf_token": token, "ma": code, "kiem_tra": "1234", "muc_do": "satisfied"},
        )
        assert rated.status_code == 404, code
        assert "Không tìm thấy hồ sơ" in text(rated)
    long_subject = client.post(
        "/phan-anh",
        data={
            "csrf_token": token,
            "loai": "phan_anh",
            "co_quan": "ubnd_xa",
            "tieu_de": "x" * 301,
            "noi_dung": "Nội dung",
            "ho_ten": "Lê Thị Mai",
        },
    )
    assert long_subject.status_code == 422
    assert "Tiêu đề không được dài quá 300 ký tự." in text(long_subject)
    nul = client.post(
        "/phan-anh",
        data={
            "csrf_token": token,
            "loai": "phan_anh",
            "ma_ho_so": "A\x00",
            "tieu_de": "Tiêu đề",
            "noi_dung": "Nội\x00dung",
            "ho_ten": "Lê Thị Mai",
        },
    )
    assert nul.status_code == 422


def test_officers_answer_and_publish_their_agency_feedback(
    client: FlaskClient, engine: Engine
) -> None:
    service = FeedbackService(engine)
    mine = service.submit(
        "phan_anh", "Thiếu ghế chờ", "Phòng chờ thiếu ghế.", "Lê Thị Mai", agency_id="ubnd_xa"
    )
    other = service.submit("kien_nghi", "Nộp thuế", "Đề nghị…", "Trần Văn B", agency_id="cuc_thue")
    token = login(client, "tiepnhan")
    page = text(client.get("/phan-anh/xu-ly"))
    assert f"Phản ánh {mine.code} : Thiếu ghế chờ" in page
    assert other.code not in page
    empty = client.post(
        f"/phan-anh/xu-ly/{mine.code}/tra-loi", data={"csrf_token": token, "tra_loi": " "}
    )
    assert empty.status_code == 422
    assert "Phải nhập nội dung trả lời." in text(empty)
    foreign = client.post(
        f"/phan-anh/xu-ly/{other.code}/tra-loi", data={"csrf_token": token, "tra_loi": "Được"}
    )
    assert foreign.status_code == 403
    done = client.post(
        f"/phan-anh/xu-ly/{mine.code}/tra-loi",
        data={"csrf_token": token, "tra_loi": "Đã bổ sung 10 ghế."},
    )
    assert done.status_code == 302
    assert "Đã trả lời phản ánh, kiến nghị" in text(client.get("/phan-anh/xu-ly"))
    assert "Đã bổ sung 10 ghế." not in text(client.get("/phan-anh/tra-loi"))  # not published
    published = client.post(f"/phan-anh/xu-ly/{mine.code}/cong-khai", data={"csrf_token": token})
    assert published.status_code == 302
    assert "Trả lời: Đã bổ sung 10 ghế." in text(client.get("/phan-anh/tra-loi"))
    login(client, "thanhtra")
    everything = text(client.get("/phan-anh/xu-ly"))
    assert mine.code in everything and other.code in everything
    assert "Gửi trả lời" not in everything  # auditors read, the agency answers
