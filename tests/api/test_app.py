"""The app's frame: login, sessions and CSRF, tokens, problem bodies, security headers."""

from __future__ import annotations

import psycopg
import pytest
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import PASSWORD, login


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert header in response.headers


def test_a_wrong_password_is_refused_in_vietnamese(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "tiepnhan", "password": "sai"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_logging_in_opens_a_session_and_returns_to_the_page_asked_for(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/login", data={"username": "tiepnhan", "password": PASSWORD, "next": "/dossiers/X"}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/dossiers/X")
    assert client.get("/login").status_code == 302  # already logged in


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:1"])
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.post(
        "/login", data={"username": "tiepnhan", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/"


def test_unsafe_requests_without_the_csrf_token_are_refused(client: FlaskClient) -> None:
    token = login(client, "tiepnhan")
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_too_many_login_attempts_from_one_address_are_slowed_down(client: FlaskClient) -> None:
    for _ in range(10):
        client.post("/login", data={"username": "khong-co", "password": "x"})
    response = client.post("/login", data={"username": "tiepnhan", "password": PASSWORD})
    assert response.status_code == 429


def test_an_account_locks_after_repeated_wrong_passwords(
    client: FlaskClient, engine: Engine
) -> None:
    for _ in range(5):
        engine.users.login("tiepnhan", "sai")
    response = client.post("/login", data={"username": "tiepnhan", "password": PASSWORD})
    assert response.status_code == 403
    assert "tạm khóa" in response.get_data(as_text=True)


def test_an_unknown_api_path_is_a_json_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_a_bad_bearer_token_is_a_401_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/khong-co", headers={"Authorization": "Bearer mc_sai"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["title"] == "Chưa đăng nhập"


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_health_reports_the_database_and_backlogs(client: FlaskClient) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body == {"status": "ok", "database": "sqlite", "timers_due": 0, "outbox_waiting": 0}


def test_the_openapi_document_is_served(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["info"]["title"] == "motcua"
    assert "/api/v1/health" in document["paths"]


@pytest.mark.postgres_only
def test_a_lost_database_connection_is_a_503_to_retry_not_a_500(
    client: FlaskClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.store import db as db_module

    from ..databases import ADMIN_URL

    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 3600.0)  # no ping: the loss surfaces
    assert client.get("/api/v1/public/dossiers/KHONG-CO").status_code == 404
    database_name = engine.database.engine.url.database
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:  # as a server restart would
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (database_name,),
        )
    response = client.get("/api/v1/public/dossiers/KHONG-CO")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["type"].endswith("/database_unavailable")
    assert "tạm thời không truy cập được" in response.get_json()["detail"]
    assert client.get("/api/v1/public/dossiers/KHONG-CO").status_code == 404  # reconnected
