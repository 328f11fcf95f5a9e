"""Benchmark 3: a province's year (900,000 dossiers) in under three hours of wall time.

    .venv/bin/python benchmarks/province_year.py [--dossiers 5000] [--workers 2]
        [--url postgresql://127.0.0.1:5432/test] [--sqlite]

Runs ``motcua simulate``'s year (every dossier received, worked step by step,
its timers fired by the sweep, its result returned, then verified) on
PostgreSQL in a database of its own, and on SQLite when asked, and prints the
dossiers per second with the extrapolated time for 900,000 dossiers against
the three-hour target. The dossiers arrive at a province's density
(``motcua simulate --density province``: as many per working hour as 900,000 a
year), so what each simulated hour costs (the sweep, the workers meeting) weighs
what it would in the real year. ``quick`` runs about 300 dossiers.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Measure, render  # noqa: E402
from engine.config import load_config  # noqa: E402
from scheduler.simulation import (  # noqa: E402
    PROVINCE_YEAR,
    Settings,
    SimulationReport,
    hours,
    simulate,
)

TARGET_SECONDS = 3 * 3600
NAME = "3. province year"


def measure(report: SimulationReport) -> Measure:
    """Extrapolated wall time for 900,000 dossiers against three hours (ratio: share of it)."""
    settings = report.settings
    setting = f"{report.backend}, {settings.workers} process(es), {settings.dossiers} dossiers"
    seconds = report.province_year_seconds
    return Measure(
        benchmark=NAME,
        setting=setting,
        engine=f"{report.dossiers_per_second:.1f} dossiers/s, "
        f"{report.commands_per_second:.0f} commands/s → {hours(seconds)} for {PROVINCE_YEAR:,}",
        baseline="3 h target (83.3 dossiers/s)",
        ratio=seconds / TARGET_SECONDS,
        target="≤ 1.00 (and every dossier verified)",
        met=seconds <= TARGET_SECONDS and report.ok,
    )


def run(dossiers: int, url: str | None, workers: int, sqlite: bool) -> list[Measure]:
    config = load_config(None)
    measures = []
    if url is not None:
        report = simulate(config, Settings.at_province_density(dossiers, 2026, workers), url)
        print("\n".join(report.lines()), file=sys.stderr)
        measures.append(measure(report))
    if sqlite or url is None:
        report = simulate(config, Settings.at_province_density(dossiers, 2026), None)
        print("\n".join(report.lines()), file=sys.stderr)
        Path(report.notes[-1].removeprefix("database: ")).unlink(missing_ok=True)
        measures.append(measure(report))
    return measures


def quick(postgres_url: str | None) -> list[Measure]:
    """About 300 dossiers: on PostgreSQL with two processes when it answers, else on SQLite."""
    return run(300, postgres_url, 2, sqlite=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--url", default=os.environ.get("MOTCUA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
    )
    parser.add_argument("--sqlite", action="store_true", help="Also run on SQLite.")
    args = parser.parse_args()
    print(render(run(args.dossiers, args.url, args.workers, args.sqlite)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
