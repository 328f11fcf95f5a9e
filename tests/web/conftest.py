"""The web UI on a fresh database: the fixture organisation, procedures with e-forms, officers.

``web_engine`` deploys the definition fixtures plus ``fixtures/procedures/khai_sinh_eform.yaml``
(an application e-form and a step form); the app's e-form catalogue is the
project's ``forms/schemas`` plus ``fixtures/forms``.
"""

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
from engine.config import Config, PathsConfig
from engine.definitions.organisation import load_organisation
from engine.digitisation.demo import sample_components
from engine.files import FileStore
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.store.db import Database
from forms.eform import EForm, load_forms

from ..runtime.conftest import FAST_HASHER, FIXTURES, MONDAY_8AM

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PASSWORD = "mật-khẩu-thử-nghiệm"
USERS = {  # username: (full name, unit, roles)
    "tiepnhan": ("Trần Thị Thu", "mot_cua", ["officer"]),
    "tuphap": ("Lê Văn Bình", "tu_phap", ["officer"]),
    "tuphap2": ("Phạm Thị Hoa", "tu_phap", ["officer"]),
    "truongtp": ("Võ Văn Trưởng", "tu_phap", ["head"]),
    "chutich": ("Nguyễn Văn An", "lanh_dao", ["leader"]),
    "thue": ("Huỳnh Thị Lan", "thue_nghiep_vu", ["officer"]),
    "thanhtra": ("Đinh Thị Thanh", None, ["auditor"]),
    "thietke": ("Quản Trị Viên", None, ["admin", "designer"]),
}
CITIZEN = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    id_number="079190001234",
    address="Thôn 3, xã Phước Lộc",
    phone="0905123456",
)


def web_forms() -> dict[str, EForm]:
    return {**load_forms(REPO / "forms" / "schemas"), **load_forms(HERE / "fixtures" / "forms")}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_8AM)


@pytest.fixture
def engine(database: Database, clock: FakeClock, tmp_path: Path) -> Engine:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(FIXTURES / "units.yaml"),
        clock,
        password_hasher=FAST_HASHER,
        files=FileStore(tmp_path / "uploads", 2 * 1024 * 1024),
    )
    engine.repository.sync_units()
    forms = set(web_forms())
    paths = [FIXTURES / "good", HERE / "fixtures" / "procedures"]
    engine.repository.deploy_paths(paths, forms=forms)
    for username, (name, unit, roles) in USERS.items():
        engine.users.create(username, name, unit, roles, PASSWORD)
    return engine


@pytest.fixture
def app(engine: Engine, tmp_path: Path) -> Iterator[Flask]:
    config = dataclasses.replace(
        Config(), base_dir=tmp_path, paths=PathsConfig(forms=REPO / "forms")
    )
    application = create_app(config, engine)
    application.config.update(TESTING=True)
    application.extensions["motcua.forms"] = web_forms()
    yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str) -> str:
    """Log in through the form (as a fresh visitor); returns the session's CSRF token."""
    with client.session_transaction() as session:
        session.clear()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    with client.session_transaction() as session:
        token = session.get("csrf")
    assert token
    return str(token)


def receive(engine: Engine, procedure: str = "1.001193", applicant: Applicant = CITIZEN) -> str:
    """A dossier received at the desk by `tiepnhan`, with its papers complete."""
    officer = engine.users.get("tiepnhan").actor
    papers = sample_components(engine, procedure)
    outcome = engine.runtime.receive(procedure, applicant, officer, components=papers)
    assert outcome.dossier_code is not None
    return outcome.dossier_code


def open_task(engine: Engine, code: str, step: str) -> int:
    found = [t.id for t in engine.runtime.get(code).open_tasks if t.step_id == step]
    assert len(found) == 1, f"expected one open `{step}` task, found {found}"
    return found[0]


def hand_over(engine: Engine, code: str) -> int:
    """Finish reception; returns the id of the examination task now open."""
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), engine.users.get("tiepnhan").actor)
    return open_task(engine, code, "tham_dinh")


def text(response: object) -> str:
    """The page as text, tags and repeated spaces removed (for readable assertions)."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
