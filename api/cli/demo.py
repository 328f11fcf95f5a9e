"""`motcua demo`: a working system with sample procedures, officers and dossiers."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import click

from engine.config import Config, DatabaseConfig

from . import pass_config

__all__ = ["COMMANDS"]


@click.command()
@click.option("--keep", is_flag=True, help="Keep the existing demo database instead of a new one.")
@click.option("--no-serve", is_flag=True, help="Prepare the database, print the users, and exit.")
@click.option("--host", help="Address to listen on (default: web.host).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: web.port).")
@pass_config
def demo(config: Config, keep: bool, no_serve: bool, host: str | None, port: int | None) -> None:
    """Load the sample procedures and demo data into SQLite, then serve the app.

    The demo database is var/demo.db (made anew each time unless --keep). Every
    demo user's password is printed; log in as any of them at the address shown.
    """
    demo_config = _demo_config(config)
    database_file = demo_config.path(demo_config.paths.data) / "demo.db"
    if not keep or not database_file.exists():
        _prepare(demo_config, database_file)
    if no_serve:
        return
    from .web import run_server

    run_server(demo_config, host, port, workers=2, dev=False, no_scheduler=False)


def _demo_config(config: Config) -> Config:
    path = config.path(config.paths.data) / "demo.db"
    return dataclasses.replace(config, database=DatabaseConfig(url=f"sqlite:///{path}"))


def _prepare(config: Config, database_file: Path) -> None:
    from datetime import UTC, datetime

    from argon2 import PasswordHasher

    from engine.bootstrap import build_engine
    from engine.clock import FakeClock
    from engine.definitions.loading import known_forms
    from engine.demo import DEMO_PASSWORD, seed_demo
    from engine.store import migrate

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database_file}{suffix}").unlink(missing_ok=True)
    now = datetime.now(UTC)
    clock = FakeClock(now)
    # Demo passwords are printed for everyone, so a light hash is enough; a login still
    # verifies with the parameters stored in each hash.
    engine = build_engine(config, clock, PasswordHasher(time_cost=1, memory_cost=8192))
    try:
        migrate.upgrade(engine.database)
        engine.repository.sync_units()
        forms = known_forms(config.path(config.paths.forms))
        deployed = engine.repository.deploy_paths(
            [config.path(config.paths.procedures)], "demo", forms
        )
        click.echo(f"Deployed {len(deployed)} procedures.")
        summary = seed_demo(engine, clock, now)
    finally:
        engine.database.dispose()
    states = Counter(summary.dossiers.values())
    click.echo(
        f"Created {len(summary.dossiers)} dossiers: "
        + ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    )
    click.echo(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
    for user in summary.users:
        click.echo(
            f"  {user.username:<40} {user.full_name:<24} {user.unit or '-':<28} "
            f"{', '.join(user.roles)}"
        )


COMMANDS = [demo]
