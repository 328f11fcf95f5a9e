"""What the benchmarks over big PostgreSQL databases share: a database of their own,
an engine on it with the real procedures deployed, and dossiers bulk-loaded with COPY.

The loader writes a province's work (about 900,000 dossiers a year, realistic shares
of channels, outcomes, late results, supplements and apologies), not through the
engine: it is set-up, and the engine's own writes are measured elsewhere.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.calendar import WorkingCalendar  # noqa: E402
from engine.clock import FakeClock  # noqa: E402
from engine.config import Config  # noqa: E402
from engine.definitions.organisation import load_organisation  # noqa: E402
from engine.reports.facts import ProcedureFacts  # noqa: E402
from engine.runtime.dossier import search_text  # noqa: E402
from engine.runtime.engine import Engine  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.store.scratch import scratch_postgres  # noqa: E402

__all__ = [
    "ADMIN_URL",
    "NOW",
    "VN",
    "bench_database",
    "copy_rows",
    "engine_on",
    "load",
]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 22, 9, tzinfo=VN)  # two days after the December window closed
FIRST_DAY = datetime(2025, 1, 2, tzinfo=VN)
ADMIN_URL = os.environ.get("MOTCUA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
CHANNELS = (("desk", 55), ("online", 35), ("post", 7), ("kiosk", 3))
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hoài")
GIVEN = (
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
    "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc",
    "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Yến",
)  # fmt: skip
DOSSIER_COLUMNS = (
    "id, code, definition_id, procedure_code, agency_id, applicant_name, applicant_search, "
    "applicant_id_number, applicant, channel, status, received_at, received_by, due_at, "
    "original_due_at, finished_at, closed_at, paused_at, pause_kind, remaining_minutes, "
    "supplement_count, overdue, apologised, apology_requested, data, outcome, state, version, "
    "last_seq, last_hash"
)
TASK_COLUMNS = (
    "dossier_id, key, step_id, kind, name, unit_id, role, status, assignee_id, created_at, "
    "due_at, completed_at, completed_by, decision, form_data, late, warned, escalation"
)
OFFICER_UNITS = ("mot_cua_xa", "tu_phap_xa", "dia_chinh_xa", "lanh_dao_xa")

Officer = tuple[int, str, str]  # id, username, unit


@contextmanager
def bench_database(
    admin_url: str, keep: bool = False, prefix: str = "motcua_bench"
) -> Iterator[str]:
    """A fresh, empty PostgreSQL database beside ``admin_url``; dropped at the end unless
    ``keep``. Yields its libpq URL."""
    with scratch_postgres(admin_url, prefix, keep) as url:
        yield url


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def engine_on(database: Database, now: datetime = NOW, units: Path | None = None) -> Engine:
    """The engine on a migrated ``database`` with the real procedures of ``procedures/``."""
    upgrade(database)
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(units or ROOT / "procedures" / "units.yaml"),
        FakeClock(now),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([ROOT / "procedures"])
    return engine


def copy_rows(
    connection: psycopg.Connection[Any], table: str, columns: str, rows: Iterable[tuple[Any, ...]]
) -> int:
    """COPY ``rows`` into ``table``; returns how many."""
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def load(url: str, rows: int, facts: list[ProcedureFacts]) -> int:
    """``rows`` dossiers received over two years up to NOW, and their steps; returns the
    number of steps (tasks) written."""
    random.seed(766)
    with psycopg.connect(url) as connection:
        officers = add_officers(connection, OFFICER_UNITS, 40)
        tasks_buffer: list[tuple[Any, ...]] = []

        def dossiers() -> Iterator[tuple[Any, ...]]:
            for number, (dossier, tasks) in enumerate(generate(rows, facts, officers), 1):
                tasks_buffer.extend(tasks)
                if number % 100_000 == 0:
                    print(f"  {number:,} dossiers", file=sys.stderr)
                yield dossier

        copy_rows(connection, "dossiers", DOSSIER_COLUMNS, dossiers())
        steps = copy_rows(connection, "tasks", TASK_COLUMNS, tasks_buffer)
        connection.execute("SELECT setval('dossiers_id_seq', (SELECT max(id) FROM dossiers))")
        connection.commit()
    return steps


def add_officers(
    connection: psycopg.Connection[Any], units: Iterable[str], count: int, role: str = "officer"
) -> list[Officer]:
    """``count`` officers spread over ``units`` in turn."""
    chosen = list(units)
    made = []
    start = int(connection.execute("SELECT count(*) FROM users").fetchone()[0])  # type: ignore[index]
    for number in range(start, start + count):
        unit = chosen[number % len(chosen)]
        username = f"canbo{number:03d}"
        row = connection.execute(
            "INSERT INTO users (username, full_name, unit_id, roles, active, failed_logins, "
            "created_at) VALUES (%s, %s, %s, %s, true, 0, now()) RETURNING id",
            (username, f"Cán bộ số {number:03d}", unit, f'["{role}"]'),
        ).fetchone()
        assert row is not None
        made.append((int(row[0]), username, unit))
    return made


def applicant_name() -> str:
    return f"{random.choice(FAMILY)} {random.choice(MIDDLE)} {random.choice(GIVEN)}"


def generate(
    rows: int, facts: list[ProcedureFacts], officers: list[Officer]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    span = (NOW - FIRST_DAY).total_seconds()
    channels = [c for c, weight in CHANNELS for _ in range(weight)]
    for number in range(1, rows + 1):  # in the order they were received, as a live system does
        fact = random.choice(facts)
        second = (number + random.random()) * span / (rows + 1)
        received = (FIRST_DAY + timedelta(seconds=second)).astimezone(UTC)
        yield dossier_row(number, fact, received, random.choice(channels), officers)


def dossier_code(number: int, received: datetime) -> str:
    """Shaped like the engine's codes: ``<agency electronic id>-<yymmdd>-<number>``."""
    return f"000.31.36.H10-{received.astimezone(VN):%y%m%d}-{number:07d}"


def dossier_row(
    number: int,
    fact: ProcedureFacts,
    received: datetime,
    channel: str,
    officers: list[Officer],
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    due: datetime | None = received + timedelta(
        days=random.randint(1, 20), hours=random.randint(0, 8)
    )
    roll = random.random()
    late = random.random() < 0.04
    supplements = 2 if random.random() < 0.01 else 1 if random.random() < 0.1 else 0
    finished = closed = None
    if roll < 0.015:
        status, closed, due = "refused", received, None  # refused at reception
    else:
        assert due is not None
        ended = received + (due - received) * (1.2 if late else random.uniform(0.2, 0.98))
        if ended > NOW:
            status = "late" if due < NOW else "processing"
        elif roll < 0.03:
            status, closed = "refused", ended
        elif roll < 0.04:
            status, closed = "withdrawn", ended
        elif roll < 0.045:
            status, closed = "stopped", ended
        else:
            finished = ended
            returned = ended + timedelta(hours=random.randint(1, 48))
            status, closed = ("returned", returned) if returned < NOW else ("result_ready", None)
    overdue = (late and finished is not None) or status == "late"
    apologised = overdue and random.random() < 0.5
    officer = random.choice(officers)
    name = applicant_name()
    dossier = (
        number, dossier_code(number, received), fact.definition_id, fact.code, fact.agency_id,
        name, search_text(name), None, "{}", channel, status, received, officer[1], due, due,
        finished, closed, None, None, None, supplements, overdue, apologised, apologised,
        "{}", "{}", b"", 1, 1, "",
    )  # fmt: skip
    return dossier, steps(number, received, due, finished or closed, supplements, apologised, late)


def steps(
    dossier_id: int,
    received: datetime,
    due: datetime | None,
    ended: datetime | None,
    supplements: int,
    apologised: bool,
    late: bool,
) -> list[tuple[Any, ...]]:
    """The appraisal step (late when the dossier was), its supplement requests, the apology."""
    if due is None:
        return []
    step_due = received + (due - received) / 2
    done: datetime | None = (
        step_due + timedelta(hours=4) if late else received + (due - received) / 3
    )
    status = "completed"
    if ended is None or done is None or done > ended:  # still open, or cancelled when it ended
        done, status = ended, "open" if ended is None else "cancelled"
    unit, user = "tu_phap_xa", 1 + dossier_id % 40
    by, decision = (user, "approve") if status == "completed" else (None, None)
    made: list[tuple[Any, ...]] = [
        (
            dossier_id, f"tham_dinh@{2 + supplements}", "tham_dinh", "step", "Thẩm định hồ sơ",
            unit, "officer", status, user, received, step_due, done, by, decision, "{}", late,
            False, 0,
        )
    ]  # fmt: skip
    for request in range(supplements):
        at = received + timedelta(hours=1 + request)
        made.append(
            (
                dossier_id, f"tham_dinh@{1 + request}x", "tham_dinh", "step", "Thẩm định hồ sơ",
                unit, "officer", "completed", user, received, step_due, at, user, "supplement",
                "{}", False, False, 0,
            )
        )  # fmt: skip
    if apologised:
        at = due - timedelta(days=1)
        made.append(
            (
                dossier_id, "xin_loi@9", "xin_loi", "apology", "Lập văn bản xin lỗi", unit, "head",
                "completed", None, at, due, at, None, "approve", "{}", False, False, 0,
            )
        )  # fmt: skip
    return made
