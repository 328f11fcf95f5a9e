"""The public lookup (no personal data, rate-limited) and the administrators' users and tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.clock import FakeClock

from ..conftest import PASSWORD
from .conftest import APPLICANT, Auth, act, assert_problem, receive


def test_the_public_lookup_shows_status_and_dates_but_no_personal_data(
    client: FlaskClient, auth: Auth
) -> None:
    code = receive(client, auth)
    response = client.get(f"/api/v1/public/dossiers/{code.lower()}")
    assert response.get_json() == {
        "code": code,
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "status": "received",
        "status_label": "Đã tiếp nhận",
        "received_at": "2026-12-07T08:00:00+07:00",
        "due_at": "2026-12-08T17:00:00+07:00",
    }
    text = response.get_data(as_text=True)
    for private in (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"]):
        assert private not in text


def test_the_public_lookup_of_an_unknown_code_is_a_404(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/public/dossiers/000.00.00.X00-000000-0000"), 404)


def test_the_public_lookup_is_rate_limited_per_address(client: FlaskClient) -> None:
    for _ in range(30):
        client.get("/api/v1/public/dossiers/KHONG-CO")
    limited = client.get("/api/v1/public/dossiers/KHONG-CO")
    assert_problem(limited, 429)
    assert limited.headers["Retry-After"] == "60"
    other = client.get("/api/v1/public/dossiers/KHONG-CO", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_an_administrator_creates_and_lists_users(client: FlaskClient, auth: Auth) -> None:
    body = {
        "username": "tuphap3",
        "full_name": "Lê Thị Hà",
        "unit_id": "tu_phap",
        "roles": ["officer"],
        "password": PASSWORD,
    }
    created = act(client, auth, "quantri", "/api/v1/users", body)
    assert created.status_code == 201
    assert "password" not in created.get_json()
    assert created.get_json()["roles"] == ["officer"]
    again = act(client, auth, "quantri", "/api/v1/users", body)
    assert list(assert_problem(again, 422)["errors"]) == ["username"]
    users = client.get("/api/v1/users", headers=auth("quantri")).get_json()
    assert "tuphap3" in [u["username"] for u in users]


def test_bad_user_data_is_a_field_error(client: FlaskClient, auth: Auth) -> None:
    body = {"username": "Có Dấu", "full_name": "X", "roles": ["officer"], "unit_id": "tu_phap"}
    assert (
        "username"
        in assert_problem(act(client, auth, "quantri", "/api/v1/users", body), 422)["errors"]
    )
    roles = {"username": "abc", "full_name": "X", "roles": ["vua"], "unit_id": None}
    assert (
        "roles"
        in assert_problem(act(client, auth, "quantri", "/api/v1/users", roles), 422)["errors"]
    )


def test_tokens_are_shown_once_listed_without_secret_and_revoked(
    client: FlaskClient, auth: Auth
) -> None:
    created = act(
        client, auth, "quantri", "/api/v1/tokens", {"username": "tuphap", "name": "Cổng DVC"}
    )
    assert created.status_code == 201
    secret = created.get_json()["secret"]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tasks/counts", headers=bearer).status_code == 200
    listed = client.get("/api/v1/tokens", headers=auth("quantri")).get_data(as_text=True)
    assert secret not in listed and "Cổng DVC" in listed
    token_id = created.get_json()["id"]
    revoked = act(client, auth, "quantri", f"/api/v1/tokens/{token_id}/revoke")
    assert revoked.get_json()["revoked_at"] is not None
    assert_problem(client.get("/api/v1/tasks/counts", headers=bearer), 401)
    assert_problem(act(client, auth, "quantri", "/api/v1/tokens/999/revoke"), 404)


def test_an_expired_token_is_a_401(client: FlaskClient, auth: Auth, clock: FakeClock) -> None:
    created = act(
        client, auth, "quantri", "/api/v1/tokens", {"username": "tuphap", "name": "Ngắn", "days": 1}
    )
    bearer = {"Authorization": f"Bearer {created.get_json()['secret']}"}
    assert client.get("/api/v1/tasks/counts", headers=bearer).status_code == 200
    clock.advance(timedelta(days=1, seconds=1))
    response = client.get("/api/v1/tasks/counts", headers=bearer)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_for_unknown_users_or_with_bad_validity_are_refused(
    client: FlaskClient, auth: Auth
) -> None:
    unknown = act(client, auth, "quantri", "/api/v1/tokens", {"username": "khong", "name": "x"})
    assert_problem(unknown, 404)
    zero = act(
        client, auth, "quantri", "/api/v1/tokens", {"username": "tuphap", "name": "x", "days": 0}
    )
    assert list(assert_problem(zero, 422)["errors"]) == ["days"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users"), ("POST", "/api/v1/users"), ("GET", "/api/v1/tokens")],
)
def test_only_administrators_manage_users_and_tokens(
    client: FlaskClient, auth: Auth, method: str, path: str
) -> None:
    for user in ("tuphap", "thanhtra", "thietke"):
        assert_problem(client.open(path, method=method, json={}, headers=auth(user)), 403)
    assert_problem(client.open(path, method=method, json={}), 401)
