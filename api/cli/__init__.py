"""The `motcua` command line: one click group, one module per area."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engine.config import Config, ConfigError, load_config

__all__ = ["main", "cli", "pass_config"]


class Context:
    """Lazily loaded configuration shared by every command."""

    def __init__(self, config_file: Path | None):
        self.config_file = config_file
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_file)
            except ConfigError as error:
                raise click.ClickException(f"configuration: {error}") from error
        return self._config


pass_context = click.make_pass_decorator(Context)


def pass_config(function: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the loaded Config as its first argument."""

    @pass_context
    def wrapper(context: Context, *args: Any, **kwargs: Any) -> Any:
        return function(context.config, *args, **kwargs)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Configuration file to use instead of the project's config.yaml.",
)
@click.version_option(package_name="motcua")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> None:
    """motcua — workflow engine for one-stop administrative procedures (cơ chế một cửa).

    Process designers check and compile procedure definitions; the same
    command serves the web app, runs the scheduler, and lets auditors replay
    and verify a dossier's history.
    """
    ctx.obj = Context(config_file)


def _register_commands() -> None:
    from . import (
        bench,
        calendar,
        definitions,
        demo,
        digitisation,
        documents,
        reports,
        runtime,
        simulate,
        web,
    )

    modules = (
        definitions,
        calendar,
        runtime,
        web,
        demo,
        reports,
        documents,
        digitisation,
        simulate,
        bench,
    )
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register_commands()


def main() -> None:
    """Entry point: never shows a traceback unless MOTCUA_DEBUG is set."""
    try:
        cli.main(prog_name="motcua", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:
        if os.environ.get("MOTCUA_DEBUG"):
            traceback.print_exc()
        click.echo(f"motcua: unexpected error: {error.__class__.__name__}: {error}", err=True)
        click.echo("Run again with MOTCUA_DEBUG=1 for details, and please report it.", err=True)
        sys.exit(70)
