"""Procedures through the API: list, show, deploy (with problems by line), BPMN, e-form schemas."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ...runtime.conftest import FIXTURES
from .conftest import BIRTH, EFORM_BIRTH, Auth, assert_problem


def deploy(client: FlaskClient, auth: Auth, user: str, name: str, content: bytes) -> TestResponse:
    data = {"file": (io.BytesIO(content), name)}
    return client.post(
        "/api/v1/procedures", data=data, headers=auth(user), content_type="multipart/form-data"
    )


def test_the_list_shows_the_latest_version_of_each_procedure(
    client: FlaskClient, auth: Auth
) -> None:
    body = client.get("/api/v1/procedures", headers=auth("tuphap")).get_json()
    assert [(p["code"], p["version"]) for p in body] == [
        ("1.000001", 1),
        (BIRTH, 1),
        (EFORM_BIRTH, 1),
    ]
    assert body[1]["name"] == "Đăng ký khai sinh"


def test_a_procedure_shows_its_steps_components_time_limit_and_versions(
    client: FlaskClient, auth: Auth
) -> None:
    body = client.get("/api/v1/procedures/1.000001", headers=auth("tuphap")).get_json()
    assert body["time_limit"] == {
        "amount": 10.0,
        "unit": "working_days",
        "text": "10 ngày làm việc",
    }
    assert (body["agency_name"], body["on_supplement"], body["cutoff"]) == (
        "UBND xã A",
        "restart",
        "15:00",
    )
    kinds = [(s["id"], s["kind"]) for s in body["steps"]]
    assert kinds[2:4] == [("lay_y_kien", "parallel"), ("lien_thong_thue", "inter_agency")]
    assert [s["id"] for s in body["steps"][2]["steps"]] == ["y_kien_tu_phap", "y_kien_dia_chinh"]
    tham_dinh = body["steps"][1]
    assert tham_dinh["outcomes"] == {
        "approve": "lay_y_kien",
        "supplement": "SUPPLEMENT",
        "refuse": "REFUSE",
    }
    assert body["steps"][4]["wait"] is True and body["steps"][4]["duration"] is None
    assert [v["version"] for v in body["versions"]] == [1]


def test_an_unknown_procedure_is_a_404_problem(client: FlaskClient, auth: Auth) -> None:
    assert_problem(client.get("/api/v1/procedures/9.999999", headers=auth("tuphap")), 404)


def test_a_designer_deploys_a_changed_definition_as_a_new_version(
    client: FlaskClient, auth: Auth
) -> None:
    source = (FIXTURES / "good" / "khai_sinh.yaml").read_text(encoding="utf-8")
    changed = source.replace('name: "Đăng ký khai sinh"', 'name: "Đăng ký khai sinh (sửa)"')
    response = deploy(client, auth, "thietke", "khai_sinh.yaml", changed.encode())
    assert response.status_code == 201
    assert (response.get_json()["version"], response.get_json()["created"]) == (2, True)
    assert response.get_json()["deployed_by"] == "thietke"
    shown = client.get(f"/api/v1/procedures/{BIRTH}", headers=auth("tuphap")).get_json()
    assert (shown["name"], [v["version"] for v in shown["versions"]]) == (
        "Đăng ký khai sinh (sửa)",
        [1, 2],
    )
    old = client.get(f"/api/v1/procedures/{BIRTH}?version=1", headers=auth("tuphap")).get_json()
    assert old["name"] == "Đăng ký khai sinh"


def test_deploying_the_same_content_again_changes_nothing(client: FlaskClient, auth: Auth) -> None:
    content = (FIXTURES / "good" / "khai_sinh.yaml").read_bytes()
    response = deploy(client, auth, "quantri", "khai_sinh.yaml", content)
    assert response.status_code == 200
    assert (response.get_json()["version"], response.get_json()["created"]) == (1, False)


def test_an_exported_bpmn_deploys_back_as_the_same_procedure(
    client: FlaskClient, auth: Auth
) -> None:
    bpmn = client.get(f"/api/v1/procedures/{BIRTH}/bpmn", headers=auth("thietke")).data
    response = deploy(client, auth, "thietke", "khai_sinh.bpmn", bpmn)
    assert response.status_code == 200  # same procedure, same content hash: not a new version
    assert (response.get_json()["version"], response.get_json()["created"]) == (1, False)


def test_a_definition_with_problems_is_a_422_listing_each_by_line_and_column(
    client: FlaskClient, auth: Auth
) -> None:
    content = (FIXTURES / "bad" / "bad_step_id.yaml").read_bytes()
    body = assert_problem(deploy(client, auth, "thietke", "sai.yaml", content), 422)
    (problem,) = body["errors"]
    assert (problem["line"], problem["column"]) == (8, 10)
    assert "Tiep_Nhan" in problem["message"]
    assert "sai.yaml" in body["detail"]
    listed = client.get("/api/v1/procedures", headers=auth("thietke")).get_json()
    assert len(listed) == 3


HOSTILE = {  # file: the start of the message naming the danger
    "bad/alias_bomb.yaml": "the document expands to more than 100,000 values",
    "bad/recursive_alias.yaml": "recursive YAML alias",
    "bpmn/bad/billion_laughs.bpmn": "the document declares a DOCTYPE",
    "bpmn/bad/doctype_external_entity.bpmn": "the document declares a DOCTYPE",
}


@pytest.mark.parametrize("fixture", sorted(HOSTILE))
def test_alias_bombs_and_entities_are_refused_by_name_and_deploy_nothing(
    client: FlaskClient, auth: Auth, fixture: str
) -> None:
    content = (FIXTURES / fixture).read_bytes()
    name = fixture.rsplit("/", 1)[1]
    body = assert_problem(deploy(client, auth, "thietke", name, content), 422)
    assert any(e["message"].startswith(HOSTILE[fixture]) for e in body["errors"]), body
    assert "root:" not in str(body)  # /etc/passwd was not read
    listed = client.get("/api/v1/procedures", headers=auth("thietke")).get_json()
    assert len(listed) == 3


def test_only_designers_and_administrators_deploy(client: FlaskClient, auth: Auth) -> None:
    content = (FIXTURES / "good" / "khai_sinh.yaml").read_bytes()
    assert_problem(deploy(client, auth, "tuphap", "khai_sinh.yaml", content), 403)
    assert_problem(deploy(client, auth, "thanhtra", "khai_sinh.yaml", content), 403)


def test_a_definition_must_be_yaml_or_bpmn_sent_as_multipart(
    client: FlaskClient, auth: Auth
) -> None:
    assert_problem(deploy(client, auth, "thietke", "quy_trinh.docx", b"PK\x03\x04"), 415)
    response = client.post("/api/v1/procedures", json={"file": "code: x"}, headers=auth("thietke"))
    assert_problem(response, 415)


def test_a_definition_file_over_the_limit_is_a_413(client: FlaskClient, auth: Auth) -> None:
    huge = b"# " + b"x" * 1_000_001
    assert_problem(deploy(client, auth, "thietke", "lon.yaml", huge), 413)


def test_bpmn_export_is_xml_to_download(client: FlaskClient, auth: Auth) -> None:
    response = client.get(f"/api/v1/procedures/{BIRTH}/bpmn", headers=auth("tuphap"))
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="1.001193-v1.bpmn"'
    assert response.data.startswith(b"<?xml")


def test_a_component_form_is_published_as_json_schema(client: FlaskClient, auth: Auth) -> None:
    response = client.get(f"/api/v1/procedures/{EFORM_BIRTH}/forms/TK", headers=auth("tuphap"))
    schema = response.get_json()
    assert schema["title"] == "Tờ khai đăng ký khai sinh"
    assert "nguoi_yeu_cau_dinh_danh" in schema["required"]
    assert schema["additionalProperties"] is False


def test_a_component_without_a_form_has_no_schema(client: FlaskClient, auth: Auth) -> None:
    for path in (f"{EFORM_BIRTH}/forms/GCS", f"{EFORM_BIRTH}/forms/KHONG", "9.9/forms/TK"):
        assert_problem(client.get(f"/api/v1/procedures/{path}", headers=auth("tuphap")), 404)
