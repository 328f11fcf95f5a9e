"""What the engine benchmarks share: a scratch database, an engine on the real procedures,
officers, and birth registrations (Đăng ký khai sinh) driven through the engine.

Not a benchmark itself (the leading underscore keeps it out of ``harness.discover``).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._bulk import ADMIN_URL, bench_database, sqlalchemy_url  # noqa: E402
from engine.calendar import WorkingCalendar  # noqa: E402
from engine.clock import FakeClock  # noqa: E402
from engine.config import load_config  # noqa: E402
from engine.definitions.organisation import load_organisation  # noqa: E402
from engine.digitisation.demo import sample_components  # noqa: E402
from engine.digitisation.settings import settings_from_config  # noqa: E402
from engine.files import FileStore  # noqa: E402
from engine.runtime.commands import Actor  # noqa: E402
from engine.runtime.dossier import Applicant  # noqa: E402
from engine.runtime.engine import Engine  # noqa: E402
from engine.runtime.reception import SubmittedComponent  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402

__all__ = [
    "BIRTH",
    "Bench",
    "Officers",
    "ROOT",
    "backends",
    "median_ms",
    "scratch_database",
]

BIRTH = "1.001193"  # Đăng ký khai sinh: procedures/dang-ky-khai-sinh.yaml
DEFAULT_POSTGRES = ADMIN_URL
VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 7, 8, 0, tzinfo=VN)  # a Monday morning, no holiday that week
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # benchmark users only
APPLICANT = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    id_number="079190001234",
    address="Thôn 3, xã Phước Lộc",
    phone="0905123456",
)


def backends(postgres_url: str | None) -> list[tuple[str, str | None]]:
    """(label, admin URL or None for SQLite) for every database to measure."""
    made: list[tuple[str, str | None]] = [("SQLite", None)]
    if postgres_url:
        made.append(("PostgreSQL", postgres_url))
    return made


@contextmanager
def scratch_database(postgres_url: str | None) -> Iterator[Database]:
    """A migrated database of its own: a SQLite file (WAL, as embedded in production), or a
    PostgreSQL database created beside ``postgres_url`` and dropped afterwards."""
    if postgres_url is None:
        folder = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
        database = Database(f"sqlite:///{folder / 'motcua.db'}")
        try:
            upgrade(database)
            yield database
        finally:
            database.dispose()
            shutil.rmtree(folder, ignore_errors=True)
        return
    with bench_database(postgres_url) as url:
        database = Database(sqlalchemy_url(url))
        try:
            upgrade(database)
            yield database
        finally:
            database.dispose()


@dataclass(frozen=True)
class Officers:
    receiver: Actor  # Bộ phận Một cửa xã
    justice: Actor  # Tư pháp - Hộ tịch xã
    leader: Actor  # Lãnh đạo UBND xã


class Bench:
    """An engine on the real procedures and organisation, on a fake clock."""

    def __init__(self, database: Database, files: Path, deploy: bool = True):
        config = load_config(environ={})
        self.clock = FakeClock(START)
        self.engine = Engine(
            database,
            WorkingCalendar.from_config(config),
            load_organisation(ROOT / "procedures" / "units.yaml"),
            self.clock,
            password_hasher=FAST_HASHER,
            files=FileStore(files, 25 * 1024 * 1024),
            digitisation=settings_from_config(config),
        )
        self._papers: tuple[SubmittedComponent, ...] = ()
        if deploy:
            self.engine.repository.sync_units()
            self.engine.repository.deploy_paths([ROOT / "procedures"])

    def create_officers(self) -> Officers:
        users = self.engine.users
        return Officers(
            receiver=users.create("tiepnhan", "Trần Thị Thu", "mot_cua_xa", ["officer"]).actor,
            justice=users.create("tuphap", "Lê Văn Bình", "tu_phap_xa", ["officer"]).actor,
            leader=users.create("chutich", "Nguyễn Văn An", "lanh_dao_xa", ["leader"]).actor,
        )

    def officers(self) -> Officers:
        """The officers made by :meth:`create_officers` (in another process, say)."""
        users = self.engine.users
        return Officers(
            users.get("tiepnhan").actor, users.get("tuphap").actor, users.get("chutich").actor
        )

    def receive(self, officers: Officers) -> str:
        """A birth registration with its papers (scans included), at the desk."""
        if not self._papers:
            self._papers = sample_components(self.engine, BIRTH)
        outcome = self.engine.runtime.receive(
            BIRTH, APPLICANT, officers.receiver, components=self._papers
        )
        assert outcome.dossier_code is not None, outcome.missing
        self.clock.advance(timedelta(minutes=1))
        return outcome.dossier_code

    def open_task(self, code: str, step: str) -> int:
        found = [t.id for t in self.engine.runtime.get(code).open_tasks if t.step_id == step]
        assert len(found) == 1, f"expected one open `{step}` task in {code}, found {found}"
        return found[0]

    def to_appraisal(self, officers: Officers) -> tuple[str, int]:
        """A dossier received and handed over: its appraisal task (tham_dinh) is open."""
        code = self.receive(officers)
        self.engine.tasks.complete(self.open_task(code, "tiep_nhan"), officers.receiver)
        return code, self.open_task(code, "tham_dinh")


def median_ms(work: Callable[[], object], times: int) -> float:
    """The median of ``times`` runs of ``work``, in milliseconds."""
    return statistics.median(timed(work) for _ in range(times)) * 1000


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started
