"""Commands for operators and auditors: db, deploy, replay, verify, user."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from engine.bootstrap import build_engine, open_database
from engine.config import Config
from engine.definitions.loading import known_forms
from engine.definitions.problems import DefinitionError
from engine.runtime.engine import Engine
from engine.runtime.errors import DomainError
from engine.store import migrate

from . import pass_config

__all__ = ["COMMANDS"]

T = TypeVar("T")


@contextmanager
def engine_for(config: Config) -> Iterator[Engine]:
    """An engine for one command; domain and definition errors become clean CLI errors."""
    try:
        engine = build_engine(config)
    except DefinitionError as error:
        raise click.ClickException(f"organisation file:\n{error}") from error
    try:
        yield engine
    except DomainError as error:
        raise click.ClickException(error.message) from error
    except DefinitionError as error:
        raise click.ClickException(str(error)) from error
    finally:
        engine.database.dispose()


def _iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time") from error
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no time zone; add one, e.g. +07:00")
    return moment


# --- db ---------------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_config
def db_upgrade(config: Config, revision: str) -> None:
    """Create or upgrade the schema to the latest revision."""
    database = open_database(config)
    try:
        migrate.upgrade(database, revision)
        click.echo(f"database at revision {migrate.current_revision(database)}")
    finally:
        database.dispose()


@db.command("current")
@pass_config
def db_current(config: Config) -> None:
    """Print the schema revision of the configured database."""
    database = open_database(config)
    try:
        current = migrate.current_revision(database)
        head = migrate.head_revision()
        state = "up to date" if current == head else f"behind {head}: run `motcua db upgrade`"
        click.echo(f"{current or 'empty'} ({state})")
    finally:
        database.dispose()


# --- deploy -----------------------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--by", "deployed_by", default=None, help="Who deploys (recorded).")
@pass_config
def deploy(config: Config, paths: tuple[Path, ...], deployed_by: str | None) -> None:
    """Deploy definitions (default: the configured procedures folder).

    The same content again changes nothing; a changed file becomes a new
    version, and dossiers already running stay on the version they started on.
    """
    targets = list(paths) or [config.path(config.paths.procedures)]
    forms = known_forms(config.path(config.paths.forms))
    with engine_for(config) as engine:
        engine.repository.sync_units()
        for item in engine.repository.deploy_paths(targets, deployed_by, forms):
            state = "new version" if item.created else "unchanged"
            click.echo(f"{item.code}  v{item.version}  {state:11}  {item.name}")


# --- replay and verify ------------------------------------------------------------------------


@click.command()
@click.argument("code")
@click.option("--at", "at", help="Show the state at this moment (ISO 8601 with offset).")
@click.option(
    "--format", "output", type=click.Choice(["json", "table"]), default="json", show_default=True
)
@pass_config
def replay(config: Config, code: str, at: str | None, output: str) -> None:
    """Rebuild a dossier from its definition and history, without touching live rows."""
    moment = _iso(at)
    with engine_for(config) as engine:
        result = engine.history.replay(code, moment)
        if output == "json":
            events = [
                {
                    "seq": e.seq,
                    "at": e.occurred_at.isoformat(),
                    "actor": e.actor,
                    "command": e.command,
                    "payload": e.payload,
                }
                for e in result.events
            ]
            text = json.dumps(
                {"state": result.state, "events": events}, ensure_ascii=False, indent=2, default=str
            )
            click.echo(text)
        else:
            _print_replay_table(engine, result.state, result.events)


def _print_replay_table(engine: Engine, state: dict[str, Any], events: list[Any]) -> None:
    tz = engine.calendar.tz  # type: ignore[attr-defined]
    local = _local_formatter(tz)
    click.echo(f"Hồ sơ {state.get('code')}   trạng thái: {state.get('status')}")
    click.echo(
        f"Tiếp nhận: {local(state.get('received_at'))}   hẹn trả: {local(state.get('due_at'))}"
    )
    names = {user.id: user.full_name for user in engine.users.list()}
    click.echo("Đang xử lý:")
    for task in state.get("open_tasks", []):
        holder = names.get(task["assignee"], "-")
        click.echo(
            f"  {task['step']:<28} {task['unit']:<22} người xử lý: {holder:<22} "
            f"hạn: {local(task['due_at'])}"
        )
    click.echo("Lịch sử:")
    for event in events:
        payload = event.payload
        detail = " ".join(str(payload[k]) for k in ("kind", "task", "decision") if payload.get(k))
        click.echo(
            f"  {event.seq:>3}  {local(event.occurred_at.isoformat())}  "
            f"{event.actor:<16} {event.command:<20} {detail}"
        )


def _local_formatter(tz: Any) -> Callable[[str | None], str]:
    def format_moment(value: str | None) -> str:
        if not value:
            return "-"
        return datetime.fromisoformat(value).astimezone(tz).strftime("%d/%m/%Y %H:%M")

    return format_moment


@click.command()
@click.argument("code", required=False)
@click.option("--all", "check_all", is_flag=True, help="Verify every dossier.")
@pass_config
def verify(config: Config, code: str | None, check_all: bool) -> None:
    """Recompute hash chains and replay dossiers; exit 1 naming the first that disagrees."""
    if bool(code) == check_all:
        raise click.UsageError("give a dossier CODE or --all")
    with engine_for(config) as engine:
        report = engine.history.verify_all() if check_all else engine.history.verify(code or "")
    for failure in report.failures:
        click.echo(str(failure))
    if not report.ok:
        click.echo(
            f"{len(report.failures)} of {report.checked} dossiers fail verification", err=True
        )
        raise SystemExit(1)
    click.echo(f"{report.checked} dossiers verified: chains intact, replay matches stored state")


# --- users ------------------------------------------------------------------------------------


@click.group()
def user() -> None:
    """Manage users (officers, heads, leaders, auditors, administrators)."""


@user.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help='Full name, e.g. "Nguyễn Văn An".')
@click.option("--unit", "unit_id", help="Unit id from the organisation file.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="Role (repeatable): officer, head, leader, auditor, admin, designer.",
)
@click.option("--title", help='Job title shown on documents, e.g. "Trưởng phòng".')
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@pass_config
def user_create(
    config: Config,
    username: str,
    full_name: str,
    unit_id: str | None,
    roles: tuple[str, ...],
    title: str | None,
    password: str,
) -> None:
    """Create a user who can log in."""
    with engine_for(config) as engine:
        engine.repository.sync_units()
        created = engine.users.create(username, full_name, unit_id, roles, password, title)
    click.echo(
        f"created {created.username} ({created.full_name}, {created.unit_id or '-'}, "
        f"{', '.join(sorted(created.roles))})"
    )


@user.command("list")
@click.option("--unit", "unit_id", help="Only this unit.")
@pass_config
def user_list(config: Config, unit_id: str | None) -> None:
    """List users."""
    with engine_for(config) as engine:
        for item in engine.users.list(unit_id):
            click.echo(
                f"{item.username:<20} {item.full_name:<28} {item.unit_id or '-':<22} "
                f"{', '.join(sorted(item.roles))}"
            )


COMMANDS = [db, deploy, replay, verify, user]


# --- scheduler --------------------------------------------------------------------------------


@click.command()
@click.option(
    "--until-idle",
    is_flag=True,
    help="Fire what is due, send what is queued, and exit when nothing is left.",
)
@pass_config
def scheduler(config: Config, until_idle: bool) -> None:
    """Run the timer sweep and the notification dispatcher.

    Start as many as you like against one PostgreSQL database: each due timer
    fires exactly once. Stop with Ctrl-C or SIGTERM; the current round ends first.
    """
    import logging

    from scheduler.runner import Worker, run_forever, run_until_idle

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with engine_for(config) as engine:
        worker = Worker.from_config(engine, config)
        if until_idle:
            totals = run_until_idle(worker)
            click.echo(
                f"timers fired: {totals.fired}, no longer needed: {totals.cancelled}, "
                f"failed: {totals.failed}"
            )
        else:
            run_forever(worker, config)


COMMANDS.append(scheduler)
