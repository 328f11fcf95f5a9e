"""Benchmark 7: resident memory does not grow with the number of dossiers processed.

    .venv/bin/python benchmarks/memory.py [--dossiers 250] [--url postgresql://…/test]

Two processes, each started fresh, measure their own resident set size (VmRSS
from /proc/self/status, after a garbage collection):

* the engine and scheduler: ``motcua simulate``'s loop (officers' commands and
  the sweep firing timers) over k dossiers, then over 3k more;
* an API worker: the Flask app serving the inbox and each dossier's page
  through its test client, for the first k dossiers, then for the other 3k.

The ratio RSS after 4k / RSS after k is the measure (target ≤ 1.1: flat).
Runs on PostgreSQL (a database of its own beside --url) when it answers, and
on SQLite. ``quick`` uses k = 25.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Measure, render  # noqa: E402
from engine.config import Config, load_config  # noqa: E402
from scheduler.simulation import Settings, own_database  # noqa: E402
from scheduler.simulation.run import config_with, prepare, simulate_share  # noqa: E402

NAME = "7. memory"
TARGET = 1.1
PASSWORD = "bench-memory-2026"
READER = "cv1.mot_cua_xa"  # an officer with an inbox
AUDITOR = "thanhtra.bench"  # reads every dossier


def rss_kib() -> int:
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def engine_part(config: Config, url: str, k: int) -> tuple[int, int]:
    """RSS after simulating k dossiers, then after 3k more (4k in all)."""
    simulate_share(config, url, Settings(k, seed=1))
    first = rss_kib()
    simulate_share(config, url, Settings(3 * k, seed=2))
    return first, rss_kib()


def api_part(config: Config, url: str, k: int) -> tuple[int, int]:
    """RSS after serving the inbox and the pages of k dossiers, then of 3k more."""
    from api.app import create_app
    from engine.runtime.dossiers import RuntimeService

    app = create_app(config_with(config, url))
    app.config.update(TESTING=True)
    engine = app.extensions["motcua.engine"]
    codes = RuntimeService(engine).codes()
    officer, auditor = app.test_client(), app.test_client()
    for client, username in ((officer, READER), (auditor, AUDITOR)):
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed: {response.status_code}")

    def serve(chosen: list[str]) -> None:
        for code in chosen:
            for response in (officer.get("/inbox"), auditor.get(f"/dossiers/{code}")):
                if response.status_code != 200:
                    raise RuntimeError(f"{response.request.path}: {response.status_code}")

    serve(codes[:k])
    first = rss_kib()
    serve(codes[k : 4 * k])
    return first, rss_kib()


def _in_fresh_process(
    work: Callable[[Config, str, int], tuple[int, int]], config: Config, url: str, k: int
) -> tuple[int, int]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(work, (config, url, k))


def measure_backend(config: Config, url: str, backend: str, k: int) -> list[Measure]:
    prepare(config, url)
    _add_readers(config, url)
    made = []
    for label, work in (("engine + scheduler sweep", engine_part), ("API worker", api_part)):
        first, last = _in_fresh_process(work, config, url, k)
        made.append(
            Measure(
                benchmark=NAME,
                setting=f"{backend}, {label}",
                engine=f"{last / 1024:.1f} MiB after {4 * k} dossiers",
                baseline=f"{first / 1024:.1f} MiB after {k} dossiers",
                ratio=last / first,
                target=f"≤ {TARGET}",
                met=last / first <= TARGET,
            )
        )
    return made


def _add_readers(config: Config, url: str) -> None:
    from engine.clock import FakeClock
    from scheduler.simulation.run import START, simulation_engine

    engine = simulation_engine(config, url, FakeClock(START))
    try:
        engine.users.set_password(READER, PASSWORD)
        engine.users.create(AUDITOR, "Đinh Thị Thanh Tra", None, ["auditor"], PASSWORD)
    finally:
        engine.database.dispose()


def run(k: int, postgres_url: str | None, sqlite: bool = True) -> list[Measure]:
    config = load_config(None)
    measures: list[Measure] = []
    if postgres_url is not None:
        with own_database(postgres_url) as url:
            measures += measure_backend(config, url, "PostgreSQL", k)
    if sqlite or postgres_url is None:
        with _sqlite_file() as url:
            measures += measure_backend(config, url, "SQLite", k)
    return measures


def _sqlite_file() -> AbstractContextManager[str]:
    folder = tempfile.mkdtemp(prefix="motcua-memory-")
    path = Path(folder) / "memory.db"

    class _File(nullcontext[str]):
        def __exit__(self, *exc: object) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.rmdir(folder)

    return _File(f"sqlite:///{path}")


def quick(postgres_url: str | None) -> list[Measure]:
    """k = 25 (100 dossiers): on PostgreSQL when it answers, else on SQLite."""
    return run(25, postgres_url, sqlite=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=250, help="k: the first measure's count")
    parser.add_argument(
        "--url", default=os.environ.get("MOTCUA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(render(run(args.dossiers, None if args.no_postgres else args.url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
