"""Thủ tục: designers list procedures, check or deploy a definition file, see its diagram."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from ..runtime.conftest import FIXTURES
from .conftest import login, text

GOOD = (FIXTURES / "good" / "khai_sinh.yaml").read_bytes()


def upload(client: FlaskClient, token: str, content: bytes, name: str, action: str) -> Any:
    return client.post(
        "/procedures",
        data={"csrf_token": token, "action": action, "definition": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_only_designers_and_administrators_see_procedures(client: FlaskClient) -> None:
    login(client, "tuphap")
    assert client.get("/procedures").status_code == 403
    assert ">Thủ tục</a>" not in client.get("/inbox").get_data(as_text=True)
    login(client, "thietke")
    page = text(client.get("/procedures"))
    assert "1.001193 Đăng ký khai sinh Xã 1 YAML" in page


def test_problems_are_listed_line_by_line(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "thietke")
    broken = GOOD.replace(
        b"outcomes: {approve: tra_ket_qua,", b"outcomes: {approve: tra_ket_qua_x,"
    )
    response = upload(client, token, broken, "khai_sinh.yaml", "deploy")
    assert response.status_code == 422
    page = text(response)
    assert "“khai_sinh.yaml” có 1 lỗi" in page
    assert "khai_sinh.yaml:25:" in page
    assert "goes to `tra_ket_qua_x`, which is not a step (did you mean `tra_ket_qua`?)" in page
    assert engine.repository.latest("1.001193").version == 1


@pytest.mark.parametrize(
    ("fixture", "danger"),
    [
        ("bad/alias_bomb.yaml", "expands to more than 100,000 values"),
        ("bpmn/bad/billion_laughs.bpmn", "must not have a DOCTYPE or entity declarations"),
        ("bpmn/bad/doctype_external_entity.bpmn", "must not have a DOCTYPE or entity"),
    ],
)
def test_alias_bombs_and_entities_are_refused_with_the_reason(
    client: FlaskClient, engine: Engine, fixture: str, danger: str
) -> None:
    token = login(client, "thietke")
    name = fixture.rsplit("/", 1)[1]
    response = upload(client, token, (FIXTURES / fixture).read_bytes(), name, "deploy")
    assert response.status_code == 422
    page = text(response)
    assert f"“{name}” có 1 lỗi" in page and danger in page
    assert "root:" not in page
    assert engine.repository.latest("1.001193").version == 1


def test_checking_a_good_file_deploys_nothing(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "thietke")
    changed = GOOD.replace(b"fee: 0", b"fee: 8000")
    response = upload(client, token, changed, "khai_sinh.yaml", "check")
    assert response.status_code == 302
    assert "“khai_sinh.yaml” hợp lệ: Đăng ký khai sinh (1.001193)." in text(
        client.get("/procedures")
    )
    assert engine.repository.latest("1.001193").version == 1


def test_deploying_a_changed_file_makes_a_new_version(client: FlaskClient, engine: Engine) -> None:
    token = login(client, "thietke")
    changed = GOOD.replace(b"fee: 0", b"fee: 8000")
    response = upload(client, token, changed, "khai_sinh.yaml", "deploy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/procedures/1.001193?version=2"
    deployed = engine.repository.latest("1.001193")
    assert (deployed.version, deployed.deployed_by) == (2, "thietke")
    page = text(client.get(response.headers["Location"]))
    assert "Đã triển khai Đăng ký khai sinh, phiên bản 2." in page
    assert "8.000 đồng" in page
    same = upload(client, token, changed, "khai_sinh.yaml", "deploy")
    assert "Nội dung này đã có: Đăng ký khai sinh, phiên bản 2." in text(
        client.get(same.headers["Location"])
    )


def test_a_file_that_is_not_a_definition_is_refused(client: FlaskClient) -> None:
    token = login(client, "thietke")
    response = upload(client, token, b"%PDF-1.4", "quy-trinh.pdf", "check")
    assert response.status_code == 415
    assert "“quy-trinh.pdf” không phải tệp YAML hoặc BPMN." in text(response)


def test_a_procedure_page_draws_its_diagram(client: FlaskClient) -> None:
    login(client, "thietke")
    html = client.get("/procedures/1.000001").get_data(as_text=True)
    assert 'aria-label="Sơ đồ quy trình Thủ tục mẫu đầy đủ"' in html
    for step in ("tham_dinh", "y_kien_tu_phap", "thue_xac_dinh", "nop_thue", "tra_ket_qua"):
        assert f'data-id="{step}"' in html
    assert "Liên thông thuế" in html  # the inter-agency group's name
    assert "Chờ người nộp" in html


def test_uploading_without_the_csrf_token_is_refused(client: FlaskClient, engine: Engine) -> None:
    login(client, "thietke")
    response = upload(client, "wrong", GOOD.replace(b"fee: 0", b"fee: 1"), "k.yaml", "deploy")
    assert response.status_code == 403
    assert engine.repository.latest("1.001193").version == 1
