"""An engine with the paper-type catalogue, a file store, the digitisation fixtures and officers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.definitions.paper_types import load_paper_types
from engine.digitisation.demo import sample_pdf
from engine.digitisation.settings import DigitisationSettings
from engine.files import FileStore, StoredFile
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent
from engine.store.db import Database

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "tests" / "definitions" / "fixtures" / "units.yaml"
PROCEDURES = Path(__file__).resolve().parent / "fixtures"
CATALOGUE = REPO / "procedures" / "paper_types.yaml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8AM = datetime(2026, 12, 7, 8, 0, tzinfo=VN)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only
BIRTH = "1.001193"
CORRECTION = "1.004859"

CITIZEN = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    id_number="079190001234",
    address="Thôn 3, xã Phước Lộc",
    phone="0905123456",
)
OTHER_CITIZEN = Applicant(name="Trần Văn Hải", id_number="079085004321", address="Thôn 1")


@dataclass
class Officers:
    receiver: Actor  # Bộ phận Một cửa
    receiver_2: Actor
    justice: Actor  # Tư pháp - Hộ tịch
    leader: Actor  # Lãnh đạo UBND xã
    auditor: Actor  # Thanh tra
    outsider: Actor  # another agency
    postal: Actor  # Bưu chính công ích


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_8AM)


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "uploads", 5 * 1024 * 1024)


def settings(**changes: Any) -> DigitisationSettings:
    base = DigitisationSettings(
        paper_types=load_paper_types(CATALOGUE),
        file_link_base="https://motcua.example/api/v1/papers",
    )
    return dataclasses.replace(base, **changes)


def make_engine(database: Database, clock: FakeClock, files: FileStore, **changes: Any) -> Engine:
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(UNITS),
        clock,
        password_hasher=FAST_HASHER,
        files=files,
        digitisation=settings(**changes),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([PROCEDURES])
    return engine


@pytest.fixture
def engine(database: Database, clock: FakeClock, files: FileStore) -> Iterator[Engine]:
    yield make_engine(database, clock, files)


@pytest.fixture
def officers(engine: Engine) -> Officers:
    return make_officers(engine)


def make_officers(engine: Engine) -> Officers:
    def make(username: str, name: str, unit: str | None, *roles: str) -> Actor:
        return engine.users.create(username, name, unit, roles).actor

    return Officers(
        receiver=make("tiepnhan", "Trần Thị Thu", "mot_cua", "officer"),
        receiver_2=make("tiepnhan2", "Lê Thị Mai", "mot_cua", "officer"),
        justice=make("tuphap", "Lê Văn Bình", "tu_phap", "officer"),
        leader=make("chutich", "Nguyễn Văn An", "lanh_dao", "leader"),
        auditor=make("thanhtra", "Đinh Thị Thanh", None, "auditor"),
        outsider=make("ngoai", "Mai Văn Ngoại", "khong_phai_co_quan", "officer"),
        postal=make("buudien", "Phan Văn Bưu", None, "postal"),
    )


_counter = iter(range(1, 1_000_000))


def pdf_bytes(title: str) -> bytes:
    """A small, valid one-page PDF whose content is unique to this call."""
    return sample_pdf([f"{title} #{next(_counter)}"])


def put(files: FileStore, title: str) -> StoredFile:
    return files.put_bytes(pdf_bytes(title), f"{title}.pdf", "application/pdf")


def scanned(files: FileStore, code: str, title: str | None = None) -> SubmittedComponent:
    stored = put(files, title or code)
    return SubmittedComponent(code, file_key=stored.key, file_name=stored.name)


def birth_papers(files: FileStore, *extra: SubmittedComponent) -> list[SubmittedComponent]:
    """Birth registration's papers: the form and the birth notice scanned, the ID shown."""
    return [scanned(files, "TK"), scanned(files, "GCS"), SubmittedComponent("GTTT"), *extra]


def open_task(engine: Engine, code: str, step: str) -> int:
    found = [t.id for t in engine.runtime.get(code).open_tasks if t.step_id == step]
    assert len(found) == 1, f"expected one open `{step}` task, found {found}"
    return found[0]


def process_to_result(engine: Engine, officers: Officers, code: str, clock: FakeClock) -> None:
    """Hand over, examine and sign: the dossier waits at the return step."""
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    clock.advance(timedelta(minutes=30))
    engine.tasks.complete(open_task(engine, code, "tham_dinh"), officers.justice)
    clock.advance(timedelta(minutes=30))
    engine.tasks.complete(open_task(engine, code, "ky_duyet"), officers.leader)


def receive_birth(engine: Engine, officers: Officers, files: FileStore) -> str:
    outcome = engine.runtime.receive(
        BIRTH, CITIZEN, officers.receiver, components=birth_papers(files)
    )
    assert outcome.dossier_code is not None
    return outcome.dossier_code
