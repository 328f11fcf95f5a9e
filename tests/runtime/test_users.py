"""Users log in with a password (locked after repeated failures); integrations use tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import FakeClock
from engine.runtime.engine import Engine
from engine.runtime.errors import InvalidCommand
from engine.runtime.users import MAX_FAILED_LOGINS

PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture
def clerk(engine: Engine) -> str:
    engine.users.create("vanthu", "Nguyễn Văn Thư", "mot_cua", ["officer"], PASSWORD)
    return "vanthu"


def test_the_right_password_logs_in(engine: Engine, clerk: str) -> None:
    assert engine.users.login(clerk, PASSWORD).user is not None
    assert engine.users.login(clerk, "sai-mat-khau").user is None
    assert engine.users.login("khong-co", PASSWORD).user is None


def test_repeated_failures_lock_the_account_for_a_while(
    engine: Engine, clerk: str, clock: FakeClock
) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        result = engine.users.login(clerk, "sai-mat-khau")
    assert result.locked_until == clock.now() + timedelta(minutes=15)
    assert engine.users.login(clerk, PASSWORD).user is None  # even the right one, while locked
    clock.advance(timedelta(minutes=16))
    assert engine.users.login(clerk, PASSWORD).user is not None


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("username", {"username": "Có Dấu"}),
        ("full_name", {"full_name": "  "}),
        ("unit_id", {"unit_id": "khong_co"}),
        ("roles", {"roles": ["chu_tich"]}),
        ("password", {"password": "ngắn"}),
    ],
)
def test_bad_user_data_names_the_field(engine: Engine, field: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    values = {
        "username": "moi",
        "full_name": "Người Mới",
        "unit_id": "mot_cua",
        "roles": ["officer"],
        "password": PASSWORD,
        **kwargs,
    }
    with pytest.raises(InvalidCommand) as raised:
        engine.users.create(**values)
    assert raised.value.details["field"] == field


def test_usernames_are_unique(engine: Engine, clerk: str) -> None:
    with pytest.raises(InvalidCommand):
        engine.users.create(clerk, "Người Khác", "mot_cua", ["officer"])


def test_a_token_acts_as_its_user_until_revoked(engine: Engine, clerk: str) -> None:
    issued = engine.tokens.create(clerk, "Cổng dịch vụ công tỉnh")
    user = engine.tokens.authenticate(issued.secret)
    assert user is not None and user.username == clerk
    assert engine.tokens.authenticate(issued.secret + "x") is None
    engine.tokens.revoke(issued.id)
    assert engine.tokens.authenticate(issued.secret) is None
    (info,) = engine.tokens.list()
    assert info.revoked_at is not None and issued.secret.startswith(info.prefix)


def test_an_expired_token_is_refused(engine: Engine, clerk: str, clock: FakeClock) -> None:
    issued = engine.tokens.create(clerk, "Bưu điện", days=1)
    clock.advance(timedelta(days=2))
    assert engine.tokens.authenticate(issued.secret) is None
