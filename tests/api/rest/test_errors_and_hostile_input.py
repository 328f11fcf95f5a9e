"""Every error is a problem body with the right status; hostile input never reaches a 500."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import PDF, Auth, assert_problem, birth_body, receive

# SQLite for all; the tests whose input PostgreSQL treats differently (NUL, SQL text) run on both.


def test_malformed_json_is_a_400(client: FlaskClient, auth: Auth) -> None:
    response = client.post(
        "/api/v1/dossiers",
        data='{"procedure_code": "1.001193",',
        headers=auth("tiepnhan"),
        content_type="application/json",
    )
    assert assert_problem(response, 400)["errors"] == {"body": ["Sai cú pháp JSON."]}
    code = receive(client, auth)
    broken = client.post(
        f"/api/v1/dossiers/{code}/stop",
        data="{reason",
        headers=auth("tiepnhan"),
        content_type="application/json",
    )
    assert assert_problem(broken, 400)["errors"] == {"body": ["Nội dung không phải JSON hợp lệ."]}


def test_wrong_types_are_422_field_errors_in_vietnamese(client: FlaskClient, auth: Auth) -> None:
    body = birth_body(applicant={"name": 42, "organisation": "có"}, components="TK")
    problem = assert_problem(
        client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan")), 422
    )
    assert problem["errors"] == {
        "applicant.name": ["Phải là chuỗi ký tự."],
        "applicant.organisation": ["Phải là true hoặc false."],
        "components": ["Phải là một danh sách."],
    }


def test_missing_and_unknown_fields_are_named(client: FlaskClient, auth: Auth) -> None:
    body = {"applicant": {"name": "A"}, "hack": True}
    problem = assert_problem(
        client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan")), 422
    )
    assert problem["errors"] == {
        "procedure_code": ["Thiếu trường bắt buộc."],
        "hack": ["Trường này không có trong tài liệu API."],
    }


def test_a_body_that_is_not_an_object_is_a_422(client: FlaskClient, auth: Auth) -> None:
    response = client.post("/api/v1/dossiers", json=[1, 2], headers=auth("tiepnhan"))
    assert_problem(response, 422)


@pytest.mark.parametrize("field", ["name", "address"])
def test_huge_strings_are_refused_not_stored(
    client: FlaskClient, auth: Auth, rest_engine: Engine, field: str
) -> None:
    applicant = {"name": "Nguyễn Văn A", field: "Ạ" * 100_000}
    response = client.post(
        "/api/v1/dossiers", json=birth_body(applicant=applicant), headers=auth("tiepnhan")
    )
    assert list(assert_problem(response, 422)["errors"]) == [f"applicant.{field}"]
    assert rest_engine.runtime.codes() == []


def test_a_wrong_content_type_is_a_415(client: FlaskClient, auth: Auth) -> None:
    form = client.post(
        "/api/v1/dossiers",
        data="procedure_code=1.001193",
        headers=auth("tiepnhan"),
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(form, 415)
    code = receive(client, auth)
    text = client.post(
        f"/api/v1/dossiers/{code}/stop",
        data=json.dumps({"reason": "x"}),
        headers=auth("tiepnhan"),
        content_type="text/plain",
    )
    assert_problem(text, 415)


def test_an_unsupported_method_is_a_405_naming_the_allowed_ones(
    client: FlaskClient, auth: Auth
) -> None:
    response = client.delete("/api/v1/procedures", headers=auth("quantri"))
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_request_over_the_size_limit_is_a_413(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    data = {"dossier": json.dumps(birth_body()), "TK": (io.BytesIO(PDF * 20), "to-khai.pdf")}
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    assert_problem(response, 413)
    big_json = client.post(
        "/api/v1/dossiers",
        json=birth_body(applicant={"name": "x" * 2000}),
        headers=auth("tiepnhan"),
    )
    assert_problem(big_json, 413)


def test_an_upload_over_the_store_limit_is_a_413(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    rest_engine.files.max_bytes = 100
    data = {"dossier": json.dumps(birth_body()), "TK": (io.BytesIO(PDF * 5), "to-khai.pdf")}
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    assert list(assert_problem(response, 413)["errors"]) == ["TK"]
    assert rest_engine.runtime.codes() == []


@pytest.mark.parametrize(
    ("content", "declared"),
    [(b"MZ\x90\x00 a program", "application/pdf"), (b"<html><script>", "text/html")],
)
def test_an_upload_whose_content_is_not_allowed_is_a_415(
    client: FlaskClient, auth: Auth, content: bytes, declared: str
) -> None:
    data = {"dossier": json.dumps(birth_body()), "TK": (io.BytesIO(content), "tk.pdf", declared)}
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    assert list(assert_problem(response, 415)["errors"]) == ["TK"]


@pytest.mark.parametrize(
    "name",
    ["../../../../etc/passwd.pdf", "..\\..\\windows\\system32\\a.pdf", "/tmp/x.pdf", "a\x00b.pdf"],
)
def test_path_traversal_in_upload_names_is_neutralised(
    client: FlaskClient, auth: Auth, rest_engine: Engine, name: str
) -> None:
    data = {"dossier": json.dumps(birth_body()), "TK": (io.BytesIO(PDF), name)}
    response = client.post(
        "/api/v1/dossiers", data=data, headers=auth("tiepnhan"), content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    (stored, _gcs) = client.get(
        f"/api/v1/dossiers/{code}/components", headers=auth("tiepnhan")
    ).get_json()
    assert "/" not in stored["file_name"] and "\\" not in stored["file_name"]
    assert ".." not in stored["file_name"].split(".")[0]
    path = rest_engine.files.path_of(stored["sha256"])
    assert path.resolve().is_relative_to(rest_engine.files.root.resolve())


def test_the_same_file_twice_is_stored_once_and_never_overwritten(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    for name in ("a.pdf", "b.pdf"):
        data = {"dossier": json.dumps(birth_body()), "TK": (io.BytesIO(PDF), name)}
        client.post(
            "/api/v1/dossiers",
            data=data,
            headers=auth("tiepnhan"),
            content_type="multipart/form-data",
        )
    files = [p for p in rest_engine.files.root.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].read_bytes() == PDF


def test_a_missing_or_broken_document_part_in_multipart(client: FlaskClient, auth: Auth) -> None:
    missing = client.post(
        "/api/v1/dossiers",
        data={"TK": (io.BytesIO(PDF), "a.pdf")},
        headers=auth("tiepnhan"),
        content_type="multipart/form-data",
    )
    assert list(assert_problem(missing, 422)["errors"]) == ["dossier"]
    broken = client.post(
        "/api/v1/dossiers",
        data={"dossier": "{not json"},
        headers=auth("tiepnhan"),
        content_type="multipart/form-data",
    )
    assert list(assert_problem(broken, 400)["errors"]) == ["dossier"]
    stray = client.post(
        "/api/v1/dossiers",
        data={"dossier": json.dumps(birth_body()), "KHAC": (io.BytesIO(PDF), "a.pdf")},
        headers=auth("tiepnhan"),
        content_type="multipart/form-data",
    )
    assert list(assert_problem(stray, 422)["errors"]) == ["KHAC"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "hostile",
    [
        "' OR '1'='1",
        "1; DROP TABLE dossiers; --",
        '" OR ""="',
        "%' --",
        "_",
        "\\",
        "𝕏" * 200,
    ],
)
def test_sql_injection_strings_in_search_and_filters_find_nothing(
    client: FlaskClient, auth: Auth, rest_engine: Engine, hostile: str
) -> None:
    receive(client, auth)
    for params in ({"q": hostile}, {"procedure": hostile[:64]}):
        response = client.get("/api/v1/dossiers", query_string=params, headers=auth("thanhtra"))
        assert (response.status_code, response.get_json()["items"]) == (200, []), params
    inbox = client.get("/api/v1/tasks/mine", query_string={"q": hostile}, headers=auth("tiepnhan"))
    assert (inbox.status_code, inbox.get_json()["items"]) == (200, [])
    assert len(rest_engine.runtime.codes()) == 1


@pytest.mark.postgres
def test_a_nul_character_in_the_address_or_a_text_field_is_refused(
    client: FlaskClient, auth: Auth, rest_engine: Engine
) -> None:
    for path in (
        "/api/v1/dossiers?q=a%00b",
        "/api/v1/dossiers/A%00B",
        "/api/v1/public/dossiers/%00",
    ):
        assert_problem(client.get(path, headers=auth("thanhtra")), 400)
    body = birth_body(applicant={"name": "Nguyễn\x00Văn A"})
    response = client.post("/api/v1/dossiers", json=body, headers=auth("tiepnhan"))
    assert list(assert_problem(response, 422)["errors"]) == ["applicant.name"]
    assert rest_engine.runtime.codes() == []


def test_a_forged_cursor_or_bad_filter_is_a_422(client: FlaskClient, auth: Auth) -> None:
    for query in ("cursor=%27%3B--", "limit=0", "limit=abc", "status=vui", "received_from=hôm-nay"):
        response = client.get(f"/api/v1/dossiers?{query}", headers=auth("thanhtra"))
        assert_problem(response, 422)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer mc_khong-co",
        "Bearer ' OR 1=1 --",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_credentials_are_a_401_or_no_user(client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/dossiers", headers={"Authorization": header})
    assert_problem(response, 401)


def test_without_credentials_every_protected_area_is_a_401(client: FlaskClient) -> None:
    for path in ("/api/v1/procedures", "/api/v1/dossiers", "/api/v1/tasks/mine", "/api/v1/users"):
        assert_problem(client.get(path), 401)
    assert_problem(client.post("/api/v1/dossiers", json=birth_body()), 401)


def test_a_session_cookie_needs_the_csrf_header_to_change_anything(
    client: FlaskClient, auth: Auth
) -> None:
    from ..conftest import login

    code = receive(client, auth)
    token = login(client, "tiepnhan")
    path = f"/api/v1/dossiers/{code}/withdraw"
    assert_problem(client.post(path, json={"reason": "Rút"}), 403)
    allowed = client.post(path, json={"reason": "Rút"}, headers={"X-CSRF-Token": token})
    assert allowed.status_code == 200


def test_the_docs_page_lists_every_operation_without_scripts(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    document = client.get("/api/v1/openapi.json").get_json()
    for path in document["paths"]:
        assert f"<code>{path}</code>" in html
    assert "<script" not in html
    assert "Tiếp nhận hồ sơ" in html
    css = client.get("/api/v1/docs/docs.css")
    assert (css.status_code, css.mimetype) == (200, "text/css")


def test_the_openapi_document_declares_bearer_auth_and_problem_errors(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    public = document["paths"]["/api/v1/public/dossiers/{code}"]["get"]
    assert public["security"] == []
    default = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default) == ["application/problem+json"]
    receive_body = document["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]
    assert set(receive_body) == {"application/json", "multipart/form-data"}
    assert set(document["paths"]["/api/v1/dossiers"]["post"]["responses"]) >= {"200", "201"}


def test_an_unexpected_failure_is_a_500_problem_not_a_traceback(
    client: FlaskClient, auth: Auth, rest_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(rest_engine.runtime, "search", broken)
    response = client.get("/api/v1/dossiers", headers=auth("thanhtra"))
    problem = assert_problem(response, 500)
    assert "database on fire" not in response.get_data(as_text=True)
    assert problem["title"] == "Lỗi hệ thống"
