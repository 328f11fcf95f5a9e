"""The sample procedures with the demo applicants: a second dossier reuses stored papers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import load_config
from engine.definitions.organisation import load_organisation
from engine.digitisation.demo import DEMO_APPLICANTS, sample_components, seed_demo_applicants
from engine.digitisation.settings import settings_from_config
from engine.files import FileStore
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent
from engine.store.db import Database

from .conftest import FAST_HASHER, REPO, open_task

pytestmark = pytest.mark.postgres
MARRIAGE = "1.000894"  # Đăng ký kết hôn


@pytest.fixture
def real(database: Database, clock: FakeClock, files: FileStore) -> Iterator[Engine]:
    config = load_config(environ={})
    engine = Engine(
        database,
        WorkingCalendar.from_config(config),
        load_organisation(REPO / "procedures" / "units.yaml"),
        clock,
        password_hasher=FAST_HASHER,
        files=files,
        digitisation=settings_from_config(config),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([REPO / "procedures"])  # the catalogue is not deployed
    yield engine


def test_every_sample_procedure_deploys_with_the_catalogue(real: Engine) -> None:
    assert len(real.repository.list_latest()) == 6


def test_a_marriage_registration_takes_the_demo_applicants_papers(real: Engine) -> None:
    seed_demo_applicants(real)
    officer = real.users.create("motcua", "Trần Thị Thu", "mot_cua_xa", ["officer"]).actor
    ngoc = DEMO_APPLICANTS[0].applicant
    offers = {o.component: o for o in real.datastore.offers(MARRIAGE, "079190012345", officer)}
    assert [p.code for p in offers["XNTTHN"].papers] == ["079190012345.XNTTHN"]
    assert [p.code for p in offers["GTTT"].papers] == ["079190012345.CCCD"]
    papers = [p for p in sample_components(real, MARRIAGE) if p.code != "GTTT"]
    papers += [
        SubmittedComponent("XNTTHN", reused_from="079190012345.XNTTHN"),
        SubmittedComponent("GTTT", reused_from="079190012345.CCCD"),
    ]
    code = real.runtime.receive(MARRIAGE, ngoc, officer, components=papers).dossier_code
    assert code is not None
    reused = {c.code: c.reused_from for c in real.runtime.components(code) if c.reused_from}
    assert reused == {"XNTTHN": "079190012345.XNTTHN", "GTTT": "079190012345.CCCD"}
    real.tasks.complete(open_task(real, code, "tiep_nhan"), officer)  # nothing left to scan
    received = real.portal.of_dossier(code)[0].document
    assert received["components"]["reused"] == 2
    assert real.history.verify(code).ok
