"""`motcua doc`: a dossier's official forms, and the tracking book, as DOCX (or PDF)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from engine.config import Config
from engine.runtime.paperwork import render_dossier_document, render_tracking_book
from forms.documents import DocumentError, to_pdf, write_atomically

from . import pass_config
from .runtime import engine_for

__all__ = ["COMMANDS"]


def _day(value: str | None, name: str) -> date:
    if value is None:
        raise click.UsageError(f"the tracking book needs --{name} (a day such as 2026-10-21)")
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a day such as 2026-10-21") from error


@click.command()
@click.argument("code")
@click.argument("form", required=False)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option("--pdf", is_flag=True, help="Convert to PDF with LibreOffice.")
@click.option("--number", help="The document's number (Số: …); by default from the dossier code.")
@click.option("--index", type=click.IntRange(1), help="Which supplement request (Mẫu 02), from 1.")
@click.option("--from", "first", help="Tracking book: first day (YYYY-MM-DD).")
@click.option("--to", "last", help="Tracking book: last day (YYYY-MM-DD).")
@click.option("--unit", help="Tracking book: the agency whose book it is.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    multiple=True,
    help="A folder of the agency's own templates (repeatable, most specific first).",
)
@pass_config
def doc(
    config: Config,
    code: str,
    form: str | None,
    output: Path | None,
    pdf: bool,
    number: str | None,
    index: int | None,
    first: str | None,
    last: str | None,
    unit: str | None,
    templates: tuple[Path, ...],
) -> None:
    """Fill official form FORM of dossier CODE: 01 receipt, 02 supplement request, 03 refusal,
    04 apology, 05 stop notice, 06 control sheet, or `result` (the procedure's result).

    `motcua doc book --from 2026-09-21 --to 2026-10-20 [--unit ID]` makes the tracking
    book (Mẫu 07) of the dossiers received in those days.
    """
    with engine_for(config) as engine:
        try:
            if code == "book":
                content, name = render_tracking_book(
                    engine, _day(first, "from"), _day(last, "to"), unit, templates
                )
            else:
                if form is None:
                    raise click.UsageError("name the FORM: 01 to 06, or result")
                content, name = render_dossier_document(
                    engine,
                    code,
                    form,
                    public_base_url=config.web.public_base_url,
                    number=number,
                    index=index,
                    template_dirs=templates,
                )
            if pdf:
                content, name = to_pdf(content), name.removesuffix(".docx") + ".pdf"
        except DocumentError as error:
            raise click.ClickException(str(error)) from error
    target = output or Path(name)
    write_atomically(target, content)
    click.echo(str(target))


COMMANDS = [doc]
