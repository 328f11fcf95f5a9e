"""`motcua simulate`: a scaled year of the sample procedures, driven through the engine."""

from __future__ import annotations

import click

from engine.config import Config

from . import pass_config

__all__ = ["COMMANDS"]


@click.command()
@click.option(
    "--dossiers",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    help="How many dossiers arrive over the year.",
)
@click.option(
    "--database",
    "database",
    metavar="URL",
    help="PostgreSQL URL (e.g. postgresql://127.0.0.1:5432/test): a database of its own is "
    "created beside it and dropped afterwards. Default: a fresh SQLite file under var/.",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes, each working its own share of the dossiers (PostgreSQL only).",
)
@click.option(
    "--density",
    type=click.Choice(["year", "province"]),
    default="year",
    show_default=True,
    help="year: the dossiers arrive over a whole year; province: as densely as a real "
    "province's 900,000 a year (a slice of the year), which the extrapolation to a "
    "province's year should use.",
)
@click.option("--keep", is_flag=True, help="Keep the PostgreSQL database afterwards.")
@pass_config
def simulate(
    config: Config,
    dossiers: int,
    database: str | None,
    seed: int,
    workers: int,
    density: str,
    keep: bool,
) -> None:
    """Live through a scaled year of a province's dossiers on a fake clock, then verify them all.

    Dossiers of the deployed sample procedures (most at commune level) arrive
    over the working hours of a year by every channel; officers of every unit
    work them step by step, with reworks, supplements, refusals, withdrawals
    and late steps whose timers the scheduler's sweep fires. Prints the
    throughput, the outcomes, the time a 900,000-dossier year would take, and
    the verification of every dossier's history; exits 1 if any dossier fails
    it or is left unfinished.
    """
    from scheduler.simulation import Settings
    from scheduler.simulation import simulate as run_simulation

    url = _postgres_url(database)
    if workers > 1 and url is None:
        raise click.BadParameter(
            "several workers need PostgreSQL: give --database", param_hint="--workers"
        )
    if density == "province":
        settings = Settings.at_province_density(dossiers, seed, workers)
    else:
        settings = Settings(dossiers, seed, workers)
    report = run_simulation(config, settings, url, keep)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        click.echo("simulation left dossiers unverified or unfinished", err=True)
        raise SystemExit(1)


def _postgres_url(database: str | None) -> str | None:
    if database is None:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(database)
    except ArgumentError as error:
        raise click.BadParameter(
            f"{database!r} is not a database URL", param_hint="--database"
        ) from error
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise click.BadParameter(
            "give a PostgreSQL URL with a database, e.g. postgresql://127.0.0.1:5432/test "
            "(leave it out for SQLite)",
            param_hint="--database",
        )
    return database


COMMANDS = [simulate]
