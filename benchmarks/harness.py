"""What every benchmark in this folder shares: one row of results, the table, discovery.

A benchmark is a module ``benchmarks/<name>.py`` that

* runs on its own: ``.venv/bin/python benchmarks/<name>.py [options]`` (full size), and
* exposes ``quick(postgres_url: str | None) -> list[Measure]``: a small, fast version
  (a few seconds to a minute) that ``motcua bench`` runs and prints in one table.
  ``postgres_url`` is an admin URL (``postgresql://127.0.0.1:5432/test``) when
  PostgreSQL answers, else None: the benchmark then measures SQLite only.

Each ``Measure`` compares the engine with its baseline measured side by side in the
same run (the machines are small and noisy: only ratios mean anything).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

FOLDER = Path(__file__).resolve().parent
ROOT = FOLDER.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Quick = Callable[[str | None], "list[Measure]"]


@dataclass(frozen=True)
class Measure:
    """One line of the table: ``engine`` against ``baseline``, their ratio and the target."""

    benchmark: str  # "1. step overhead"
    setting: str  # "SQLite", "PostgreSQL, 2 processes"
    engine: str  # what the engine did, with its unit: "1.92 ms/step"
    baseline: str  # the baseline measured in the same run: "0.71 ms/step raw Spiff"
    ratio: float  # as the target reads it (engine/baseline, or a share)
    target: str  # "≤ 3×", "≥ 25 %", "p95 ≤ 20 ms"
    met: bool | None  # None: informative only

    @property
    def verdict(self) -> str:
        return {True: "đạt", False: "CHƯA ĐẠT", None: "-"}[self.met]


def render(measures: list[Measure]) -> str:
    """A plain-text table, one row per measure."""
    header = ("Benchmark", "Setting", "Engine", "Baseline", "Ratio", "Target", "Met")
    rows = [header] + [
        (m.benchmark, m.setting, m.engine, m.baseline, f"{m.ratio:.2f}", m.target, m.verdict)
        for m in measures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def discover() -> Iterator[tuple[str, Quick]]:
    """Every benchmark module of this folder with a ``quick`` function, by file name."""
    for path in sorted(FOLDER.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "harness":
            continue
        module = _load(path)
        quick = getattr(module, "quick", None)
        if callable(quick):
            yield path.stem, quick


def _load(path: Path) -> ModuleType:
    name = f"benchmarks.{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
