"""Commands for leaders and the one-stop office: report, feedback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engine.config import Config
from engine.reports import ReportService
from engine.reports.feedback import FeedbackService
from engine.reports.index766 import ScopeScore, ServiceIndex
from engine.reports.periods import InvalidPeriod, Period, PeriodKind
from engine.reports.service import DossierReport

from . import pass_config
from .runtime import engine_for

__all__ = ["COMMANDS"]

FORMATS = ("json", "xlsx", "docx")


@click.group()
def report() -> None:
    """Reports: monthly (21st to the 20th), quarterly, yearly; the Decision 766 index."""


def _report_command(kind: PeriodKind, example: str) -> Callable[..., None]:
    @click.argument("period")
    @click.option(
        "--format", "output_format", type=click.Choice(FORMATS), default="json", show_default=True
    )
    @click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
    )
    @click.option("--unit", help="Only this agency and the agencies under it (a unit id).")
    @pass_config
    def command(
        config: Config, period: str, output_format: str, output: Path | None, unit: str | None
    ) -> None:
        with engine_for(config) as engine:
            reports = ReportService.from_config(engine, config)
            chosen = _period(reports, period, kind, example)
            made = reports.dossier_report(chosen, unit)
        _write(made, output_format, output)

    command.__doc__ = (
        f"The {kind.value} report for PERIOD, written {example}; dossiers carried over, "
        "received, resolved early / on time / late, in progress; by level, field, agency and "
        "procedure; the late list; the targets. JSON on stdout, or XLSX/DOCX to a file."
    )
    return command


report.command("monthly")(_report_command(PeriodKind.MONTH, "2026-10"))
report.command("quarterly")(_report_command(PeriodKind.QUARTER, "2026-Q3"))
report.command("yearly")(_report_command(PeriodKind.YEAR, "2026"))


@report.command("index")
@click.argument("period")
@click.option("--unit", help="Only this agency and the agencies under it.")
@click.option("--json", "as_json", is_flag=True, help="Every indicator as JSON.")
@pass_config
def report_index(config: Config, period: str, unit: str | None, as_json: bool) -> None:
    """Decision 766 service index for PERIOD, written 2026-10, 2026-Q3 or 2026."""
    with engine_for(config) as engine:
        reports = ReportService.from_config(engine, config)
        index = reports.service_index(_period(reports, period, None, "2026-10"), unit)
    if as_json:
        click.echo(
            _json({"period": index.period.code, "scopes": [s.as_dict() for s in index.scopes]})
        )
        return
    _print_index(index)


@report.command("snapshot")
@pass_config
def report_snapshot(config: Config) -> None:
    """Keep last week's 766 index (the scheduler does this every Monday)."""
    with engine_for(config) as engine:
        added = ReportService.from_config(engine, config).take_weekly_snapshot()
    click.echo(f"{added} weekly snapshots added")


@report.command("trend")
@click.option(
    "--scope", type=click.Choice(["all", "level", "unit"]), default="all", show_default=True
)
@click.option("--key", default="", help="The level (tinh, huyen, xa) or the unit id.")
@click.option("--weeks", type=click.IntRange(1, 520), default=26, show_default=True)
@pass_config
def report_trend(config: Config, scope: str, key: str, weeks: int) -> None:
    """The weekly 766 index of a scope, oldest first."""
    with engine_for(config) as engine:
        points = ReportService.from_config(engine, config).trend(scope, key, weeks)
    for point in points:
        scaled = f"{point.scaled:6.2f}" if point.scaled is not None else "     -"
        click.echo(
            f"{point.period_start.astimezone(engine.tz):%d/%m/%Y}  {scaled}  "
            f"{point.band or '-':<11} {point.score:.2f}/{point.max_points:g}"
        )


def _period(reports: ReportService, text: str, kind: PeriodKind | None, example: str) -> Period:
    try:
        period = reports.parse_period(text)
    except InvalidPeriod as error:
        raise click.BadParameter(str(error), param_hint="PERIOD") from error
    if kind is not None and period.kind is not kind:
        raise click.BadParameter(f"write the period as {example}", param_hint="PERIOD")
    return period


def _write(made: DossierReport, output_format: str, output: Path | None) -> None:
    from forms.documents import write_atomically

    if output_format == "json":
        text = _json(made.as_dict())
        if output is None:
            click.echo(text)
            return
        content = (text + "\n").encode("utf-8")
    elif output_format == "xlsx":
        from engine.reports.export_xlsx import to_xlsx

        content = to_xlsx(made)
    else:
        from engine.reports.export_docx import to_docx

        content = to_docx(made)
    target = output or Path(f"bao-cao-{made.period.code}.{output_format}")
    write_atomically(target, content)
    click.echo(str(target))


def _print_index(index: ServiceIndex) -> None:
    click.echo(f"Bộ chỉ số 766 – {index.period.label} ({index.period.window_text.lower()})")
    for scope in index.scopes:
        click.echo(_scope_line(scope))
        if scope.kind == "all":
            for indicator in scope.indicators:
                value = indicator.value
                shown = (
                    ""
                    if value is None
                    else (
                        f"{value:.2f} ngày"
                        if indicator.indicator.unit == "ngày"
                        else f"{100 * value:.2f} %"
                    )
                )
                score = (
                    ""
                    if indicator.score is None
                    else f"{indicator.score:.2f}/{indicator.indicator.points:g}"
                )
                click.echo(
                    f"    {indicator.indicator.label[:70]:<70} {shown:>11} {score:>11}  "
                    f"{indicator.status.label}"
                )


def _scope_line(scope: ScopeScore) -> str:
    scaled = f"{scope.scaled:.2f}" if scope.scaled is not None else "-"
    provisional = "" if scope.complete else " (tạm tính trên các chỉ số tính được)"
    return (
        f"{scope.label}: {scope.score:.2f}/{scope.max_points:g} điểm → {scaled}/100, "
        f"{scope.band or 'chưa xếp loại'}{provisional}"
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


# --- feedback ---------------------------------------------------------------------------------


@click.group()
def feedback() -> None:
    """Feedback and complaints (phản ánh, kiến nghị): answered within 10 working days."""


@feedback.command("list")
@click.option("--unit", help="Only feedback to this agency.")
@click.option("--open", "open_only", is_flag=True, help="Only unanswered feedback.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only overdue feedback.")
@pass_config
def feedback_list(config: Config, unit: str | None, open_only: bool, overdue_only: bool) -> None:
    """List feedback, newest first."""
    with engine_for(config) as engine:
        items = FeedbackService(engine).find(unit, open_only, overdue_only)
        for item in items:
            state = "đã trả lời" if item.answered else "chưa trả lời"
            late = ", quá hạn" if item.overdue else ""
            due = item.due_at.astimezone(engine.tz)
            click.echo(
                f"{item.code}  {item.agency_id:<16} hạn {due:%d/%m/%Y}  {state}{late}  "
                f"{item.subject}"
            )


@feedback.command("answer")
@click.argument("code")
@click.option("--by", "username", required=True, help="The officer who answers.")
@click.option("--text", required=True, help="The answer.")
@click.option("--publish", is_flag=True, help="Publish the answer at once.")
@pass_config
def feedback_answer(config: Config, code: str, username: str, text: str, publish: bool) -> None:
    """Answer feedback CODE as an officer of its agency."""
    with engine_for(config) as engine:
        actor = engine.users.get(username).actor
        answered = FeedbackService(engine).answer(code, actor, text, publish)
    click.echo(f"{answered.code} answered{' and published' if publish else ''}")


@feedback.command("sweep")
@pass_config
def feedback_sweep(config: Config) -> None:
    """Mark feedback unanswered past its due time overdue (the scheduler does this)."""
    with engine_for(config) as engine:
        marked = FeedbackService(engine).mark_overdue()
    click.echo(
        f"{len(marked)} feedback marked overdue" + (f": {', '.join(marked)}" if marked else "")
    )


COMMANDS = [report, feedback]
