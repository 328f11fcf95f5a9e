"""`motcua bench`: the quick version of every benchmark in ``benchmarks/``, in one table."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import psycopg

__all__ = ["COMMANDS"]

DEFAULT_POSTGRES = "postgresql://127.0.0.1:5432/test"


def benchmarks_folder() -> Path:
    """``benchmarks/`` of this checkout (the console script runs from an editable install)."""
    return Path(__file__).resolve().parents[2] / "benchmarks"


def load_harness() -> ModuleType:
    folder = benchmarks_folder()
    if not (folder / "harness.py").is_file():
        raise click.ClickException(
            f"no benchmarks folder at {folder}: run from a checkout of the repository"
        )
    if str(folder.parent) not in sys.path:
        sys.path.insert(0, str(folder.parent))
    return importlib.import_module("benchmarks.harness")


def postgres_problem(url: str) -> str | None:
    """None when PostgreSQL answers at ``url``, else why not."""
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip() or error.__class__.__name__


@click.command()
@click.option(
    "--postgres",
    "postgres_url",
    default=DEFAULT_POSTGRES,
    show_default=True,
    help="PostgreSQL admin URL; each benchmark creates and drops a database of its own there.",
)
@click.option("--sqlite-only", is_flag=True, help="Do not try PostgreSQL.")
@click.option(
    "--only", "only", multiple=True, help="Run only this benchmark (file name), repeatable."
)
def bench(postgres_url: str, sqlite_only: bool, only: tuple[str, ...]) -> None:
    """Run every benchmark's quick version and print one table of ratios.

    Each benchmark compares the engine with its baseline measured side by side
    in the same run. A benchmark that fails is reported in its row, and the
    command then exits with status 1.
    """
    harness = load_harness()
    found = dict(harness.discover())
    unknown = sorted(set(only) - set(found))
    if unknown:
        raise click.UsageError(
            f"no benchmark named {', '.join(unknown)}; known: {', '.join(sorted(found))}"
        )
    chosen = {name: quick for name, quick in found.items() if not only or name in only}
    url = None if sqlite_only else postgres_url
    if url is None:
        click.echo("SQLite only (--sqlite-only).")
    elif (problem := postgres_problem(url)) is not None:
        click.echo(f"PostgreSQL at {url} is not reachable ({problem}): SQLite only.")
        url = None
    else:
        click.echo(f"SQLite and PostgreSQL ({url}).")
    measures, failed = run_all(harness, chosen, url)
    click.echo(harness.render(measures))
    if failed:
        click.echo(f"{failed} benchmark(s) failed", err=True)
        raise SystemExit(1)


def run_all(
    harness: ModuleType, chosen: dict[str, Callable[[str | None], list[Any]]], url: str | None
) -> tuple[list[Any], int]:
    """Every chosen benchmark's measures; a failing one becomes a row saying why."""
    measures: list[Any] = []
    failed = 0
    for name, quick in chosen.items():
        click.echo(f"… {name}", err=True)
        try:
            made = quick(url)
        except Exception as error:  # one benchmark's failure must not hide the others
            failed += 1
            reason = f"failed: {error.__class__.__name__}: {error}".replace("\n", " ")[:160]
            made = [harness.Measure(name, "-", reason, "-", float("nan"), "-", False)]
        if not made:
            made = [
                harness.Measure(name, "-", "not measured: needs PostgreSQL", "-", 0.0, "-", None)
            ]
        measures += made
    return measures, failed


COMMANDS = [bench]
