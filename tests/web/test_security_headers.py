"""Every web answer carries the security headers, with values that forbid framing,
sniffing, foreign scripts and leaking the address: pages, error pages, files, redirects."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from engine.runtime.engine import Engine

from .conftest import login, receive

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def assert_secured(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (name, headers.get(name))
    policy = headers.get("Content-Security-Policy", "")
    for directive in CSP_DIRECTIVES:
        assert directive in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/login", "/tra-cuu", "/static/motcua.css", "/khong-co-trang"])
def test_anonymous_answers_are_secured(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_secured(response)


def test_an_anonymous_visit_to_a_page_is_a_secured_redirect(client: FlaskClient) -> None:
    response = client.get("/inbox")
    assert response.status_code == 302
    assert_secured(response)


def test_officers_pages_and_files_are_secured_and_not_cached(
    client: FlaskClient, engine: Engine
) -> None:
    code = receive(engine)
    login(client, "tiepnhan")
    for path in ("/inbox", f"/dossiers/{code}", "/dossiers/KHONG-CO"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_secured(response)
        assert response.headers.get("Cache-Control") == "no-store", path
    assert "Đăng xuất" in client.get("/inbox").get_data(as_text=True)


def test_a_refused_upload_page_is_secured(client: FlaskClient) -> None:
    token = login(client, "tiepnhan")
    response = client.post(
        "/reception/2.000001",
        data={"csrf_token": token, "file_GCS": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert_secured(response)
