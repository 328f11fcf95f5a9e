"""An engine on a fresh database with the fixture organisation, definitions and officers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.runtime.reception import SubmittedComponent
from engine.store.db import Database

FIXTURES = Path(__file__).resolve().parent.parent / "definitions" / "fixtures"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only
MONDAY_8AM = datetime(2026, 12, 7, 8, 0, tzinfo=VN)  # no holiday that week


@dataclass
class Officers:
    receiver: Actor  # Bộ phận Một cửa
    justice: Actor  # Tư pháp - Hộ tịch
    justice_2: Actor
    leader: Actor  # Lãnh đạo UBND xã
    cadastral: Actor  # Địa chính
    cadastral_head: Actor
    tax: Actor  # Thuế
    tax_head: Actor
    outsider: Actor  # another agency


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_8AM)


@pytest.fixture
def engine(database: Database, clock: FakeClock) -> Iterator[Engine]:
    organisation = load_organisation(FIXTURES / "units.yaml")
    calendar = WorkingCalendar.from_config(Config())
    engine = Engine(database, calendar, organisation, clock, password_hasher=FAST_HASHER)
    engine.repository.sync_units()
    engine.repository.deploy_paths([FIXTURES / "good"])
    yield engine


@pytest.fixture
def officers(engine: Engine) -> Officers:
    def make(username: str, name: str, unit: str, *roles: str) -> Actor:
        return engine.users.create(username, name, unit, roles).actor

    return Officers(
        receiver=make("tiepnhan", "Trần Thị Thu", "mot_cua", "officer"),
        justice=make("tuphap", "Lê Văn Bình", "tu_phap", "officer"),
        justice_2=make("tuphap2", "Phạm Thị Hoa", "tu_phap", "officer"),
        leader=make("chutich", "Nguyễn Văn An", "lanh_dao", "leader"),
        cadastral=make("diachinh", "Võ Minh Tâm", "dia_chinh", "officer"),
        cadastral_head=make("truongdc", "Đặng Quốc Huy", "dia_chinh", "head"),
        tax=make("thue", "Huỳnh Thị Lan", "thue_nghiep_vu", "officer"),
        tax_head=make("truongthue", "Bùi Văn Khoa", "thue_nghiep_vu", "head"),
        outsider=make("ngoai", "Mai Văn Ngoại", "khong_phai_co_quan", "officer"),
    )


CITIZEN = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    id_number="079190001234",
    address="Thôn 3, xã Phước Lộc",
    phone="0905123456",
)
BIRTH_PAPERS = (  # both must be digitised before hand-over: both have their scans
    SubmittedComponent("TK", sha256="a" * 64, file_name="to-khai.pdf"),
    SubmittedComponent("GCS", sha256="b" * 64, file_name="giay-chung-sinh.pdf"),
)


def open_task(engine: Engine, code: str, step: str) -> int:
    """The id of the one open task of ``step`` in dossier ``code``."""
    found = [t.id for t in engine.runtime.get(code).open_tasks if t.step_id == step]
    assert len(found) == 1, f"expected one open `{step}` task, found {found}"
    return found[0]


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)
