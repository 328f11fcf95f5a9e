"""The Flask app on a fresh database, with demo-like officers who can log in."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.engine import Engine
from engine.store.db import Database

from ..runtime.conftest import FAST_HASHER, FIXTURES, MONDAY_8AM

PASSWORD = "mật-khẩu-thử-nghiệm"
USERS = {  # username: (full name, unit, roles)
    "tiepnhan": ("Trần Thị Thu", "mot_cua", ["officer"]),
    "tuphap": ("Lê Văn Bình", "tu_phap", ["officer"]),
    "tuphap2": ("Phạm Thị Hoa", "tu_phap", ["officer"]),
    "truongtp": ("Võ Văn Trưởng", "tu_phap", ["head"]),
    "chutich": ("Nguyễn Văn An", "lanh_dao", ["leader"]),
    "diachinh": ("Võ Minh Tâm", "dia_chinh", ["officer"]),
    "thanhtra": ("Đinh Thị Thanh", None, ["auditor"]),
    "quantri": ("Quản Trị Viên", None, ["admin", "designer"]),
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_8AM)


@pytest.fixture
def engine(database: Database, clock: FakeClock) -> Engine:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(FIXTURES / "units.yaml"),
        clock,
        password_hasher=FAST_HASHER,
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([FIXTURES / "good"])
    for username, (name, unit, roles) in USERS.items():
        engine.users.create(username, name, unit, roles, PASSWORD)
    return engine


@pytest.fixture
def app(engine: Engine, tmp_path: Path) -> Iterator[Flask]:
    config = dataclasses.replace(Config(), base_dir=tmp_path)
    application = create_app(config, engine)
    application.config.update(TESTING=True)
    yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str) -> str:
    """Log in through the form; returns the session's CSRF token."""
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    with client.session_transaction() as session:
        token = session.get("csrf")
    assert token, page
    return str(token)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)
