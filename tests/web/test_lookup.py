"""Tra cứu hồ sơ: anyone can see a dossier's status and appointment, never personal data."""

from __future__ import annotations

from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import receive, text


def test_the_status_and_appointment_are_shown_without_logging_in(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    response = client.get(f"/tra-cuu?ma={code.lower()}")
    assert response.status_code == 200
    page = text(response)
    assert f"{code} Thủ tục Đăng ký khai sinh Tình trạng Đã tiếp nhận" in page
    assert "Ngày hẹn trả kết quả 17:00 08/12/2026" in page
    assert "Đăng xuất" not in page


def test_no_personal_data_is_shown(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    html = client.get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    for personal in ("Nguyễn Thị Hồng Nhung", "079190001234", "Thôn 3", "0905123456"):
        assert personal not in html


def test_an_unknown_code_says_so(client: FlaskClient) -> None:
    response = client.get("/tra-cuu?ma=000.31.36.H10-261207-9999")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ có mã 000.31.36.H10-261207-9999." in text(response)


def test_the_empty_form_invites_a_code(client: FlaskClient) -> None:
    page = text(client.get("/tra-cuu"))
    assert "Nhập mã hồ sơ ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả." in page


def test_lookups_from_one_address_are_limited(client: FlaskClient) -> None:
    statuses = [client.get("/tra-cuu?ma=X").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
