"""Tiếp nhận: the e-form from its schema, server-side validation, papers and scans, outcomes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import login, text

APPLICANT = {
    "nop__ho_ten": "Nguyễn Thị Hồng Nhung",
    "nop__so_dinh_danh": "079 190 001 234",
    "nop__dia_chi": "Thôn 3, xã Phước Lộc",
    "nop__dien_thoai": "0905123456",
    "nop__hinh_thuc_nhan_ket_qua": "truc_tiep",
}
DECLARATION = {
    "don_tk__kinh_gui": "Ủy ban nhân dân xã A",
    "don_tk__nguoi_yeu_cau_ho_ten": "Nguyễn Thị Hồng Nhung",
    "don_tk__nguoi_yeu_cau_dinh_danh": "079190001234",
    "don_tk__nguoi_yeu_cau_noi_cu_tru": "Thôn 3, xã Phước Lộc",
    "don_tk__quan_he": "Mẹ",
    "don_tk__ho_ten": "Trần Minh Khang",
    "don_tk__ngay_sinh": "2026-11-30",
    "don_tk__ngay_sinh_bang_chu": "Ngày ba mươi tháng mười một năm hai nghìn hai mươi sáu",
    "don_tk__gioi_tinh": "nam",
    "don_tk__dan_toc": "Kinh",
    "don_tk__quoc_tich": "Việt Nam",
    "don_tk__noi_sinh": "Trạm y tế xã A",
    "don_tk__que_quan": "Xã A",
    "don_tk__me_ho_ten": "Nguyễn Thị Hồng Nhung",
    "don_tk__cam_doan": "1",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client: FlaskClient, token: str, **changes: Any) -> Any:
    form: dict[str, Any] = {
        "csrf_token": token,
        **APPLICANT,
        **DECLARATION,
        "tick_TK": "1",
        "tick_GCS": "1",
        "channel": "desk",
        "action": "receive",
    }
    form.update(changes)
    form = {k: v for k, v in form.items() if v is not None}
    return client.post("/reception/2.000001", data=form, content_type="multipart/form-data")


def test_the_procedures_offered_are_those_whose_first_step_i_work(client: FlaskClient) -> None:
    login(client, "tiepnhan")
    page = text(client.get("/reception"))
    assert "Đăng ký khai sinh (biểu mẫu điện tử)" in page
    assert "Thủ tục mẫu đầy đủ" in page
    login(client, "tuphap")
    assert "Bạn không được giao tiếp nhận thủ tục nào" in text(client.get("/reception"))


def test_the_application_form_is_rendered_from_its_schema(client: FlaskClient) -> None:
    login(client, "tiepnhan")
    html = client.get("/reception/2.000001").get_data(as_text=True)
    assert "<h2>Tờ khai đăng ký khai sinh</h2>" in html
    assert "<legend>Người mẹ</legend>" in html
    assert 'name="don_tk__ngay_sinh"' in html and 'type="date"' in html
    assert 'name="nop__so_dinh_danh"' in html and 'inputmode="numeric"' in html
    assert '<option value="nu">Nữ</option>' in html
    assert 'name="file_GCS"' in html and 'name="tick_GKH"' in html


def test_a_complete_dossier_gets_its_code_and_appointment(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    response = post(
        client, token, file_GCS=(io.BytesIO(PDF), "giấy chứng sinh.pdf", "application/pdf")
    )
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    receipt = text(client.get(response.headers["Location"]))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert f"Mã hồ sơ: {code}" in receipt
    # Received Monday 08:00 with one working day: the day of receipt does not count.
    assert "Thời gian hẹn trả kết quả 17:00 08/12/2026" in receipt
    dossier = engine.runtime.get(code)
    assert dossier.applicant["id_number"] == "079190001234"
    assert dossier.data["to_khai_khai_sinh"]["ngay_sinh"] == "2026-11-30"
    assert dossier.data["to_khai_khai_sinh"]["cam_doan"] is True
    assert dossier.data["nguoi_nop_ho_so"]["hinh_thuc_nhan_ket_qua"] == "truc_tiep"
    scans = {c.code: c for c in engine.runtime.components(code)}
    assert scans["GCS"].file_name == "giấy chứng sinh.pdf"
    assert scans["GCS"].media_type == "application/pdf"
    assert scans["TK"].file_key is None


def test_validation_errors_are_shown_beside_each_field_in_vietnamese(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    response = post(
        client,
        token,
        nop__so_dinh_danh="12345",
        nop__dien_thoai="123",
        don_tk__ho_ten="",
        don_tk__ngay_sinh="30/11/2026",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="field-nop__so_dinh_danh-error">Số định danh cá nhân phải gồm 12 chữ số<' in html
    assert "Số điện thoại không phải số điện thoại Việt Nam hợp lệ" in html
    assert 'id="field-don_tk__ho_ten-error">Họ, chữ đệm, tên không được để trống<' in html
    assert "Ngày, tháng, năm sinh phải là ngày hợp lệ" in html
    assert 'value="Nguyễn Thị Hồng Nhung"' in html  # what was typed stays
    assert engine.runtime.codes() == []


def test_the_form_of_a_paper_not_handed_in_is_not_checked(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    empty_declaration = {key: None for key in DECLARATION}
    response = post(client, token, **empty_declaration, tick_TK=None)
    assert response.status_code == 200
    page = text(response)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in page
    assert "Tờ khai đăng ký khai sinh (bản sao)" in page
    assert "Giấy chứng sinh" not in page.split("cần bổ sung")[1]
    assert engine.runtime.codes() == []  # not received: nothing recorded


def test_a_file_that_is_not_an_allowed_type_is_refused_beside_its_paper(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    response = post(client, token, file_GCS=(io.BytesIO(b"MZ\x90\x00"), "virus.exe"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file_GCS-error">Tệp “virus.exe” không thuộc loại được nhận' in html
    assert engine.runtime.codes() == []


def test_an_uploaded_scan_survives_a_correction_of_the_form(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    first = post(
        client,
        token,
        nop__so_dinh_danh="1",
        file_GCS=(io.BytesIO(PDF), "gcs.pdf", "application/pdf"),
    )
    html = first.get_data(as_text=True)
    key = html.split('name="filekey_GCS" value="')[1].split('"')[0]
    second = post(client, token, filekey_GCS=key, filename_GCS="gcs.pdf")
    code = second.headers["Location"].rsplit("/", 1)[1]
    assert {c.code: c.sha256 for c in engine.runtime.components(code)}["GCS"] == key


def test_a_path_in_the_name_of_an_earlier_upload_is_dropped(
    client: FlaskClient, engine: Engine
) -> None:
    token = login(client, "tiepnhan")
    first = post(client, token, nop__so_dinh_danh="1", file_GCS=(io.BytesIO(PDF), "gcs.pdf"))
    key = first.get_data(as_text=True).split('name="filekey_GCS" value="')[1].split('"')[0]
    second = post(client, token, filekey_GCS=key, filename_GCS="../../..\\etc/passwd")
    code = second.headers["Location"].rsplit("/", 1)[1]
    assert {c.code: c.file_name for c in engine.runtime.components(code)}["GCS"] == "passwd"


@pytest.mark.parametrize(
    "forged", ["../../../etc/passwd", "a" * 64 + "\n", "a" * 64 + "/../../x", "A" * 64]
)
def test_a_forged_key_of_an_earlier_upload_is_refused_beside_its_paper(
    client: FlaskClient, engine: Engine, forged: str
) -> None:
    token = login(client, "tiepnhan")
    response = post(client, token, filekey_GCS=forged, filename_GCS="gcs.pdf")
    assert response.status_code == 422
    assert 'id="file_GCS-error">Tệp đã tải lên trước đó không còn' in response.get_data(
        as_text=True
    )
    assert engine.runtime.codes() == []


def test_refusing_needs_a_reason(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "tiepnhan")
    response = post(client, token, action="refuse", reason="  ")
    assert response.status_code == 422
    assert 'id="reason-error">Phải nêu lý do từ chối tiếp nhận.<' in response.get_data(as_text=True)
    assert engine.runtime.codes() == []


def test_a_refusal_is_recorded_with_its_letter(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "tiepnhan")
    empty_declaration = {key: None for key in DECLARATION}
    response = post(
        client, token, **empty_declaration, action="refuse", reason="Không thuộc thẩm quyền của xã"
    )
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    letter = text(client.get(response.headers["Location"]))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in letter
    assert "Lý do: Không thuộc thẩm quyền của xã" in letter
    assert engine.runtime.get(code).status.value == "refused"


def test_only_the_receiving_unit_may_receive(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "tuphap")
    response = post(client, token)
    assert response.status_code == 403
    assert "được tiếp nhận thủ tục này" in text(response)
    assert engine.runtime.codes() == []


def test_an_unknown_procedure_is_not_found(client: FlaskClient) -> None:
    login(client, "tiepnhan")
    response = client.get("/reception/9.999999")
    assert response.status_code == 404
    assert "Chưa triển khai thủ tục 9.999999." in text(response)


def test_receiving_without_the_csrf_token_is_refused(client: FlaskClient, engine: Engine) -> None:
    login(client, "tiepnhan")
    response = post(client, "not-the-token")
    assert response.status_code == 403
    assert engine.runtime.codes() == []
