"""Commands to serve the app and manage API tokens."""

from __future__ import annotations

import logging
import os
from typing import Any

import click

from engine.config import Config

from . import pass_config
from .runtime import engine_for

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", help="Address to listen on (default: web.host).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: web.port).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="gunicorn worker processes.",
)
@click.option("--dev", is_flag=True, help="Flask's development server with reloading.")
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Do not run the timer sweep in this process (run `motcua scheduler`).",
)
@pass_config
def serve(
    config: Config, host: str | None, port: int | None, workers: int, dev: bool, no_scheduler: bool
) -> None:
    """Serve the web UI and the REST API (/api/v1, OpenAPI at /api/v1/openapi.json)."""
    run_server(config, host, port, workers, dev, no_scheduler)


def run_server(
    config: Config, host: str | None, port: int | None, workers: int, dev: bool, no_scheduler: bool
) -> None:
    """Serve ``config``'s database: what ``motcua serve`` and ``motcua demo`` run."""
    bind_host = host or config.web.host
    bind_port = port or config.web.port
    with_scheduler = config.scheduler.in_process and not no_scheduler
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if dev:
        _serve_dev(config, bind_host, bind_port, with_scheduler)
    else:
        _serve_gunicorn(config, bind_host, bind_port, workers, with_scheduler)


def _serve_dev(config: Config, host: str, port: int, with_scheduler: bool) -> None:
    from api.app import create_app

    app = create_app(config)
    if with_scheduler and os.environ.get("WERKZEUG_RUN_MAIN") != "false":
        _start_scheduler(config)
    app.run(host=host, port=port, debug=False)


def _start_scheduler(config: Config) -> Any:
    from engine.bootstrap import build_engine
    from scheduler.runner import Worker, build_scheduler

    engine = build_engine(config)
    scheduler = build_scheduler(Worker.from_config(engine, config), config, background=True)
    scheduler.start()
    click.echo(f"scheduler: sweeping every {config.scheduler.sweep_interval_seconds:g} s")
    return scheduler


def _serve_gunicorn(
    config: Config, host: str, port: int, workers: int, with_scheduler: bool
) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            if with_scheduler:
                self.cfg.set("when_ready", lambda _server: _start_scheduler(config))

        def load(self) -> Any:
            from api.app import create_app

            return create_app(config)

    click.echo(f"serving on http://{host}:{port}/ with {workers} workers")
    Server().run()


@click.group()
def token() -> None:
    """API tokens for integrations (shown once when created, stored hashed)."""


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help='What the token is for, e.g. "Cổng DVC tỉnh".')
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=365,
    show_default=True,
    help="Days until it expires.",
)
@pass_config
def token_create(config: Config, username: str, name: str, days: int) -> None:
    """Create a token acting as USERNAME; prints it once."""
    with engine_for(config) as engine:
        issued = engine.tokens.create(username, name, days)
    click.echo(issued.secret)
    click.echo(
        f"token {issued.id} “{issued.name}” expires {issued.expires_at:%Y-%m-%d}; "
        "store it now, it is not shown again",
        err=True,
    )


@token.command("list")
@pass_config
def token_list(config: Config) -> None:
    """List tokens (never their secrets)."""
    with engine_for(config) as engine:
        for item in engine.tokens.list():
            state = "revoked" if item.revoked_at else "active"
            click.echo(f"{item.id:>4}  {item.prefix}…  {item.username:<16} {state:<8} {item.name}")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_config
def token_revoke(config: Config, token_id: int) -> None:
    """Revoke a token at once."""
    with engine_for(config) as engine:
        engine.tokens.revoke(token_id)
    click.echo(f"token {token_id} revoked")


COMMANDS = [serve, token]
