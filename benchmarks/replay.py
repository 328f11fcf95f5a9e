"""Benchmark 6: replaying a dossier's history and ``motcua verify --all``.

    .venv/bin/python benchmarks/replay.py [--dossiers 10000] [--rounds 20]
                                          [--url postgresql://…/test] [--sqlite-only]

Everything is created through the engine (no copied rows: every event is
hash-chained to its dossier's code), on a fake clock:

* one birth registration (Đăng ký khai sinh) sent back and forth ``--rounds``
  times between appraisal and the leader's signature (return with a reason),
  then signed and its result handed out: ``engine.history.replay`` of it, per
  event, against reading the same events (``engine.history.events``);
* ``--dossiers`` birth registrations, each received, handed over and appraised
  (three events): ``engine.history.verify_all`` (what ``motcua verify --all``
  runs: the chains, every event's replayed state, the stored rows) against
  reading every dossier and its events in the same batches without verifying.

Both on SQLite (a file) and PostgreSQL. Informative: no target is set.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import (
    DEFAULT_POSTGRES,
    Bench,
    Officers,
    backends,
    median_ms,
    scratch_database,
    timed,
)
from benchmarks.harness import Measure
from engine.audit.history import EventView, dossiers_in_batches, event_rows

NAME = "6. replay and verify"


@dataclass(frozen=True)
class ReplayTimes:
    events: int  # events of the long dossier
    replay_ms: float  # per event
    read_ms: float  # per event
    dossiers: int
    verify_s: float  # every dossier
    scan_s: float  # reading them and their events

    @property
    def replay_ratio(self) -> float:
        return self.replay_ms / self.read_ms

    @property
    def verify_ratio(self) -> float:
        return self.verify_s / self.scan_s


def measure(postgres_url: str | None, dossiers: int, rounds: int) -> ReplayTimes:
    with tempfile.TemporaryDirectory() as files, scratch_database(postgres_url) as database:
        bench = Bench(database, Path(files))
        officers = bench.create_officers()
        code = long_dossier(bench, officers, rounds)
        history = bench.engine.history
        events = len(history.events(code))
        replay = median_ms(lambda: history.replay(code), 7) / events
        read = median_ms(lambda: history.events(code), 7) / events
        for _ in range(dossiers - 1):  # the long one is verified too
            _, task_id = bench.to_appraisal(officers)
            bench.engine.tasks.complete(task_id, officers.justice)
            bench.clock.advance(timedelta(minutes=5))
        report = history.verify_all()
        assert report.ok and report.checked == dossiers, report.failures[:3]
        verify = min(timed(history.verify_all) for _ in range(2))
        scan = min(timed(lambda: sum(1 for _ in read_all(bench))) for _ in range(2))
        return ReplayTimes(events, replay, read, dossiers, verify, scan)


def long_dossier(bench: Bench, officers: Officers, rounds: int) -> str:
    """A dossier with 2 × rounds + 5 events: back and forth, then signed and returned."""
    code, appraisal = bench.to_appraisal(officers)
    tasks = bench.engine.tasks
    for _ in range(rounds):
        tasks.complete(appraisal, officers.justice)
        signature = bench.open_task(code, "ky_duyet")
        tasks.complete(signature, officers.leader, "return", {"reason": "Ghi lại ngày sinh."})
        appraisal = bench.open_task(code, "tham_dinh")
        bench.clock.advance(timedelta(minutes=10))
    tasks.complete(appraisal, officers.justice)
    tasks.complete(bench.open_task(code, "ky_duyet"), officers.leader)
    tasks.complete(bench.open_task(code, "tra_ket_qua"), officers.receiver)
    return code


def read_all(bench: Bench, batch: int = 500) -> Iterator[EventView]:
    """Every dossier and its events, in verify_all's batches and order, without verifying."""
    for session, rows in dossiers_in_batches(bench.engine.database, batch):
        for row in rows:
            yield from (EventView.of(e) for e in event_rows(session, row.id))


def as_measures(label: str, times: ReplayTimes) -> list[Measure]:
    return [
        Measure(
            NAME,
            f"{label}, replay of {times.events} events",
            f"{times.replay_ms:.2f} ms/event replay",
            f"{times.read_ms:.3f} ms/event read",
            times.replay_ratio,
            "-",
            None,
        ),
        Measure(
            NAME,
            f"{label}, verify --all, {times.dossiers:,} dossiers",
            f"{times.verify_s:.2f} s verify",
            f"{times.scan_s:.2f} s read events",
            times.verify_ratio,
            "-",
            None,
        ),
    ]


def quick(postgres_url: str | None) -> list[Measure]:
    made = []
    for label, url in backends(postgres_url):
        made += as_measures(label, measure(url, 60, 10))
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20, help="Back-and-forth rounds.")
    parser.add_argument("--url", default=DEFAULT_POSTGRES, help="PostgreSQL admin URL.")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    for label, url in backends(None if args.sqlite_only else args.url):
        times = measure(url, args.dossiers, args.rounds)
        print(
            f"{label:<11} replay {times.replay_ms:6.2f} ms/event, read {times.read_ms:6.3f} "
            f"ms/event ({times.events} events): ratio {times.replay_ratio:6.1f}\n"
            f"{'':<11} verify --all over {times.dossiers:,} dossiers {times.verify_s:7.2f} s, "
            f"reading their events {times.scan_s:7.2f} s: ratio {times.verify_ratio:6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
