"""Commands for digitisation: the portal sync outbox, rates, paper types, the data store."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import click

from engine.config import Config
from engine.definitions.paper_types import load_paper_types
from engine.definitions.problems import DefinitionError
from engine.digitisation.access import Grounds
from engine.digitisation.portal import dispatcher_from_config
from engine.digitisation.rates import Period, Rates

from . import pass_config
from .runtime import engine_for

__all__ = ["COMMANDS"]


# --- sync -------------------------------------------------------------------------------------


@click.group()
def sync() -> None:
    """Synchronisation with the national public-service portal (the sync outbox)."""


@sync.command("status")
@pass_config
def sync_status(config: Config) -> None:
    """How many documents are pending, being sent, sent and dead."""
    with engine_for(config) as engine:
        counts = engine.portal.counts()
    click.echo("  ".join(f"{status}: {count}" for status, count in counts.items()))
    if not config.portal.url:
        click.echo("portal.url is not set: documents stay queued until it is.", err=True)


@sync.command("dead")
@click.option("--limit", default=100, show_default=True, help="How many to list.")
@pass_config
def sync_dead(config: Config, limit: int) -> None:
    """The dead-letter view: documents the portal never took, with the last error."""
    with engine_for(config) as engine:
        dead = engine.portal.dead(limit)
    if not dead:
        click.echo("No dead letters.")
        return
    for view in dead:
        status = view.response_status or "-"
        click.echo(f"{view.id:>8}  {view.key:<34} tries {view.attempts:<3} HTTP {status}")
        click.echo(f"          {view.last_error or ''}")


@sync.command("requeue")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Requeue every dead letter.")
@pass_config
def sync_requeue(config: Config, ids: tuple[int, ...], every: bool) -> None:
    """Put dead letters back in the queue (by id, or --all) once the cause is fixed."""
    if bool(ids) == every:
        raise click.UsageError("give dead-letter IDS or --all")
    with engine_for(config) as engine:
        count = engine.portal.requeue(None if every else ids)
    click.echo(f"{count} requeued")


@sync.command("send")
@pass_config
def sync_send(config: Config) -> None:
    """Send what is due now (the scheduler does this on every round)."""
    with engine_for(config) as engine:
        dispatcher = dispatcher_from_config(engine, config.portal)
        if dispatcher is None:
            raise click.ClickException("portal.url is not set; nothing can be sent")
        delivered = failed = 0
        while True:
            sent, lost = dispatcher.dispatch()
            if sent + lost == 0:
                break
            delivered, failed = delivered + sent, failed + lost
    click.echo(f"{delivered} delivered, {failed} failed (retried later or dead)")


@sync.command("show")
@click.argument("code")
@pass_config
def sync_show(config: Config, code: str) -> None:
    """The documents queued for one dossier, as JSON."""
    with engine_for(config) as engine:
        views = engine.portal.of_dossier(code)
    rows = [
        {"key": v.key, "status": v.status, "attempts": v.attempts, "document": v.document}
        for v in views
    ]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


# --- rates ------------------------------------------------------------------------------------


@click.command()
@click.option(
    "--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day."
)
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@click.option("--agency", help="Only this agency (unit id).")
@click.option("--level", type=click.Choice(["tinh", "huyen", "xa"]), help="Only this level.")
@click.option("--by", type=click.Choice(["agency", "level"]), help="One line per agency or level.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@pass_config
def rates(
    config: Config,
    start: datetime,
    end: datetime,
    agency: str | None,
    level: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Digitisation, electronic-result, reuse, online and online-payment rates.

    Days are inclusive, in the configured time zone: --from 2026-11-21 --to
    2026-12-20 is the monthly report window. A rate over nothing says so.
    """
    if end < start:
        raise click.BadParameter("--to is before --from")
    period = Period(
        datetime.combine(start.date(), time(), config.tz),
        datetime.combine(_next_day(end.date()), time(), config.tz),
    )
    with engine_for(config) as engine:
        if by is not None:
            found = engine.digitisation.rates_by(period, by)
        else:
            found = {"": engine.digitisation.rates(period, agency_id=agency, level=level)}
    if as_json:
        click.echo(json.dumps({k: _rates_json(r) for k, r in found.items()}, indent=2))
        return
    for key, value in found.items():
        if key:
            click.echo(f"== {key}")
        _print_rates(value)


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


_LABELS = {
    "digitisation": "Tỷ lệ số hóa hồ sơ",
    "electronic_result": "Tỷ lệ kết quả điện tử",
    "reuse": "Tỷ lệ tái sử dụng dữ liệu số hóa",
    "online": "Tỷ lệ hồ sơ trực tuyến",
    "online_payment": "Tỷ lệ thanh toán trực tuyến (hồ sơ có phí)",
    "payments_online": "Tỷ lệ khoản thanh toán trực tuyến",
}


def _print_rates(value: Rates) -> None:
    channels = ", ".join(f"{k} {n}" for k, n in value.channels.items())
    click.echo(f"Hồ sơ tiếp nhận: {value.received} ({channels}); có kết quả: {value.with_result}")
    for name, ratio in value.ratios().items():
        target = f"chỉ tiêu {int(ratio.target * 100)} %"
        click.echo(f"  {_LABELS[name]:<44} {ratio!s:<24} {target}")


def _rates_json(value: Rates) -> dict[str, Any]:
    return {
        "received": value.received,
        "with_result": value.with_result,
        "channels": value.channels,
        **{
            name: {
                "numerator": r.numerator,
                "denominator": r.denominator,
                "value": None if r.value is None else float(r.value),
                "target": float(r.target),
            }
            for name, r in value.ratios().items()
        },
    }


# --- paper types and the data store -----------------------------------------------------------


@click.command("paper-types")
@pass_config
def paper_types(config: Config) -> None:
    """List the paper-type catalogue (danh mục loại giấy tờ)."""
    path = config.path(config.paths.paper_types)
    try:
        catalogue = load_paper_types(path)
    except DefinitionError as error:
        raise click.ClickException(str(error)) from error
    for kind in catalogue:
        validity = f"  (hiệu lực {kind.validity_months} tháng)" if kind.validity_months else ""
        click.echo(f"{kind.code:<10} {kind.name}{validity}")


@click.group()
def kho() -> None:
    """The applicants' data store (Kho quản lý dữ liệu điện tử)."""


@kho.command("verify")
@pass_config
def kho_verify(config: Config) -> None:
    """Recompute every applicant's access-log hash chain; exit 1 naming those that fail."""
    with engine_for(config) as engine:
        problems = engine.datastore.verify_access_logs()
    for identifier, problem in problems:
        click.echo(f"{identifier}: {problem}")
    if problems:
        raise SystemExit(1)
    click.echo("access logs verified: chains intact")


@kho.command("papers")
@click.argument("identifier")
@click.option("--as", "username", required=True, help="An auditor's username (recorded).")
@click.option("--reason", required=True, help="Why (recorded in the person's access log).")
@click.option("--all", "include_invalid", is_flag=True, help="Also revoked and expired papers.")
@pass_config
def kho_papers(
    config: Config, identifier: str, username: str, reason: str, include_invalid: bool
) -> None:
    """List a person's stored papers, for an auditor; the reading is logged."""
    with engine_for(config) as engine:
        actor = engine.users.get(username).actor
        papers = engine.datastore.papers(
            identifier, actor, Grounds.audit(reason), include_invalid=include_invalid
        )
    for paper in papers:
        until = paper.valid_until.isoformat() if paper.valid_until else "-"
        click.echo(f"{paper.code:<32} {paper.status:<8} đến {until:<10} {paper.name}")


COMMANDS = [sync, rates, paper_types, kho]
