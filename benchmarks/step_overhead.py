"""Benchmark 1: what the engine adds to one SpiffWorkflow step.

    .venv/bin/python benchmarks/step_overhead.py [--steps 300] [--url postgresql://…/test]
                                                  [--sqlite-only] [--profile]

On the real procedure ``procedures/dang-ky-khai-sinh.yaml`` (compiled and parsed
as the engine does), ``--steps`` birth registrations are received and handed over
to the appraisal step (tham_dinh). Then, in the same run:

* raw SpiffWorkflow does that step in memory on each dossier's stored state:
  deserialize (the engine's spec-free codec, the cheapest way Spiff state can be
  restored), complete the ready user task with the decision, run the engine steps,
  serialize again;
* the engine does the same step through its command path,
  ``engine.tasks.complete``: find the task, lock and load the dossier, authorize,
  the same Spiff step, task projections, timers, one history event, commit, and
  read the task back.

Both are the median over every dossier, on SQLite (a file in WAL mode, as
embedded in production) and on PostgreSQL. Target: engine ≤ 3× raw Spiff.
``--profile`` prints the engine path's cProfile (top 30 by cumulative time), then
its own time summed by package (psycopg, SpiffWorkflow, sqlalchemy, engine files…).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import DEFAULT_POSTGRES, Bench, backends, scratch_database, timed
from benchmarks.harness import Measure
from engine.definitions.executable import DECISION_VARIABLE
from engine.runtime.spiff import ProcessSpecs, WorkflowCodec, ready_user_tasks

NAME = "1. step overhead"
TARGET = 3.0


@dataclass(frozen=True)
class StepTimes:
    engine_ms: float
    raw_ms: float
    engine_cpu_ms: float  # this process's CPU time only: the database server's is not in it

    @property
    def ratio(self) -> float:
        return self.engine_ms / self.raw_ms


def measure(postgres_url: str | None, steps: int, profile: bool = False) -> StepTimes:
    with tempfile.TemporaryDirectory() as files, scratch_database(postgres_url) as database:
        bench = Bench(database, Path(files))
        officers = bench.create_officers()
        ready = [bench.to_appraisal(officers) for _ in range(steps + 1)]
        blobs, specs = stored_states(bench, [code for code, _ in ready])
        codec, engine = bench.engine.codec, bench.engine
        raw_step(codec, specs, blobs[0])  # warm-up: pools, caches
        engine.tasks.complete(ready[0][1], officers.justice)
        profiler = cProfile.Profile() if profile else None
        raw: list[float] = []
        times: list[float] = []
        cpu: list[float] = []
        for blob, (_, task_id) in zip(blobs[1:], ready[1:], strict=True):  # side by side
            raw.append(timed(lambda blob=blob: raw_step(codec, specs, blob)))
            if profiler is not None:
                profiler.enable()
            cpu_started = time.process_time()
            times.append(timed(lambda t=task_id: engine.tasks.complete(t, officers.justice)))
            cpu.append(time.process_time() - cpu_started)
            if profiler is not None:
                profiler.disable()
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(30)
            print_by_package(stats, len(times))
        return StepTimes(
            statistics.median(times) * 1000,
            statistics.median(raw) * 1000,
            statistics.median(cpu) * 1000,
        )


def print_by_package(stats: pstats.Stats, steps: int) -> None:
    """Where a step's time goes, by package (own time of each function, summed)."""
    own: Counter[str] = Counter()
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        own[_package(filename, name)] += tottime
    total = sum(own.values())
    print(f"own time by package, {total / steps * 1000:.2f} ms a step under the profiler:")
    for package, seconds in own.most_common(15):
        print(f"  {seconds / steps * 1000:6.3f} ms  {seconds / total:6.1%}  {package}")


def _package(filename: str, name: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if filename.startswith("~") or filename.startswith("<"):
        return name  # a builtin: the method's own name says most (sqlite3's execute, …)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    if filename.startswith(root):
        return filename.removeprefix(root)
    return Path(filename).name  # the standard library: uuid.py, json's encoder.py, …


def stored_states(bench: Bench, codes: list[str]) -> tuple[list[bytes], ProcessSpecs]:
    """Each dossier's stored Spiff state before the step, and the definition's parsed specs."""
    engine = bench.engine
    with engine.database.read() as session:
        rows = [engine.dossier_row(session, code) for code in codes]
        specs = engine.definitions.get(session, rows[0].definition_id).specs
        return [bytes(row.state) for row in rows], specs


def raw_step(codec: WorkflowCodec, specs: ProcessSpecs, blob: bytes) -> bytes:
    """The appraisal step in plain SpiffWorkflow: restore, complete, run on, store."""
    workflow = codec.loads(blob, specs)
    task = next(t for t in ready_user_tasks(workflow) if t.task_spec.bpmn_id == "tham_dinh")
    task.data[DECISION_VARIABLE] = "approve"
    task.run()
    workflow.do_engine_steps()
    return codec.dumps(workflow)


def as_measure(label: str, times: StepTimes) -> Measure:
    return Measure(
        NAME,
        label,
        f"{times.engine_ms:.2f} ms/step engine ({times.engine_cpu_ms:.2f} CPU)",
        f"{times.raw_ms:.2f} ms/step raw Spiff",
        times.ratio,
        f"≤ {TARGET:g}×",
        times.ratio <= TARGET,
    )


def quick(postgres_url: str | None) -> list[Measure]:
    return [as_measure(label, measure(url, 40)) for label, url in backends(postgres_url)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--url", default=DEFAULT_POSTGRES, help="PostgreSQL admin URL.")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine's steps.")
    args = parser.parse_args()
    for label, url in backends(None if args.sqlite_only else args.url):
        times = measure(url, args.steps, args.profile)
        print(
            f"{label:<11} engine {times.engine_ms:7.2f} ms/step ({times.engine_cpu_ms:.2f} ms "
            f"CPU in this process)   raw Spiff "
            f"{times.raw_ms:7.2f} ms/step   ratio {times.ratio:5.2f} (target ≤ {TARGET:g}×)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
