"""On the demo data, every official form (01-06) of every state downloads through the API
and opens with python-docx, with the dossier's code in it."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from pathlib import Path

import docx
from argon2 import PasswordHasher

from api.app import create_app
from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config, PathsConfig, load_config
from engine.definitions.loading import known_forms
from engine.definitions.organisation import load_organisation
from engine.demo import DEMO_PASSWORD, seed_demo
from engine.digitisation.settings import settings_from_config
from engine.files import FileStore
from engine.runtime.dossier import DossierStatus
from engine.runtime.engine import Engine
from engine.store.db import Database
from scheduler.sweep import sweep_once

from ..runtime.conftest import MONDAY_8AM

REPO = Path(__file__).resolve().parents[2]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _demo_engine(database: Database, tmp_path: Path) -> tuple[Engine, FakeClock]:
    config = load_config(environ={})
    clock = FakeClock(MONDAY_8AM)
    engine = Engine(
        database,
        WorkingCalendar.from_config(config),
        load_organisation(REPO / "procedures" / "units.yaml"),
        clock,
        password_hasher=PasswordHasher(time_cost=1, memory_cost=8192),
        files=FileStore(tmp_path / "uploads", 5 * 1024 * 1024),
        digitisation=settings_from_config(config),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([REPO / "procedures"], "demo", known_forms(REPO / "forms"))
    seed_demo(engine, clock, MONDAY_8AM)
    return engine, clock


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_form_of_the_demo_dossiers_downloads_and_names_its_dossier(
    database: Database, tmp_path: Path
) -> None:
    engine, clock = _demo_engine(database, tmp_path)
    clock.advance(timedelta(days=3))
    while sweep_once(engine).handled:  # the deadlines fire: warnings, late, apologies
        pass
    codes = engine.runtime.codes()
    in_progress = next(c for c in codes if engine.runtime.get(c).status is DossierStatus.PROCESSING)
    holder = engine.runtime.get(in_progress).agency_id
    stopper = next(
        u
        for u in engine.users.list()
        if u.unit_id and engine.organisation.belongs_to(u.unit_id, holder)
    )
    engine.runtime.stop(in_progress, stopper.actor, "Công dân đề nghị dừng giải quyết")
    config = dataclasses.replace(
        Config(), base_dir=tmp_path, paths=PathsConfig(forms=REPO / "forms")
    )
    client = create_app(config, engine).test_client()
    headers = {"Authorization": f"Bearer {engine.tokens.create('thanhtra', 'thử').secret}"}
    seen: set[str] = set()
    one_per_status = {engine.runtime.get(c).status: c for c in codes}
    for code in one_per_status.values():
        listed = client.get(f"/api/v1/dossiers/{code}/documents", headers=headers)
        assert listed.status_code == 200, listed.get_json()
        for form in listed.get_json()["forms"]:
            response = client.get(form["download"], headers=headers)
            assert response.status_code == 200, (code, form, response.get_json())
            assert response.mimetype == DOCX
            assert code in response.headers["Content-Disposition"]
            if form["form"] == "03":
                # the official Mẫu 03 names the applicant and the reason, not the code
                dossier = engine.runtime.get(code)
                paper = _text(response.data)
                assert dossier.applicant["name"] in paper
                assert str(dossier.outcome["refusal_reason"]).split()[0] in paper
            else:
                assert code in _text(response.data), (code, form["form"])
            seen.add(form["form"])
    assert seen == {"01", "02", "03", "04", "05", "06"}
    for path in ("monthly/2026-12", "index766/2026-12", "rates/2026-Q4"):
        assert client.get(f"/api/v1/reports/{path}", headers=headers).status_code == 200
    login = client.post("/login", data={"username": "thanhtra", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    for page in ("/bao-cao?ky=2026-12", "/bao-cao/766?ky=2026-12"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "<svg" in response.get_data(as_text=True)
