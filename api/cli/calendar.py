"""Commands on the working-day calendar: due, year."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Any

import click

from engine.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarRangeError,
    WorkingCalendar,
    parse_cutoff,
)
from engine.config import Config
from engine.definitions.model import Duration, TimeUnit

from . import pass_config

__all__ = ["COMMANDS"]

_DURATION = re.compile(r"^(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>[dh])$", re.IGNORECASE)


class MomentType(click.ParamType):
    """An ISO 8601 moment with its UTC offset, e.g. 2027-02-03T16:30+07:00."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"{value!r} is not a date and time such as 2027-02-03T16:30+07:00", param, ctx
            )
        if moment.tzinfo is None:
            self.fail(
                f"{value!r} has no UTC offset: write the time zone, e.g. {value}+07:00", param, ctx
            )
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            self.fail(f"{value!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}", param, ctx)
        return moment


class DurationType(click.ParamType):
    """A working-time amount: 3d (working days), 12h (working hours), 0.5d."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Duration):
            return value
        match = _DURATION.match(str(value).strip())
        if not match:
            self.fail(
                f"{value!r} is not a duration: write working days as 3d or 0.5d, "
                f"working hours as 12h",
                param,
                ctx,
            )
        amount = Decimal(match["amount"].replace(",", "."))
        unit = TimeUnit.DAYS if match["unit"].lower() == "d" else TimeUnit.HOURS
        return Duration(amount, unit)


class CutoffType(click.ParamType):
    """A time of day HH:MM."""

    name = "HH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, time):
            return value
        try:
            return parse_cutoff(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a time of day such as 15:00", param, ctx)


@click.group()
def calendar() -> None:
    """The working-day calendar (lịch làm việc): due dates and holidays."""


@calendar.command()
@click.argument("start", type=MomentType())
@click.argument("duration", type=DurationType())
@click.option(
    "--cutoff",
    type=CutoffType(),
    help="Per-procedure cut-off: a dossier received later than this counts from "
    "the next working day (statutory counting only).",
)
@click.option(
    "--statutory/--plain",
    default=True,
    show_default=True,
    help="Statutory: START is when the dossier was received and DURATION its time "
    "limit (the day of receipt is not counted). Plain: add DURATION of office time "
    "to START, as for a step's due time (1d = 8 office hours).",
)
@pass_config
def due(
    config: Config, start: datetime, duration: Duration, cutoff: time | None, statutory: bool
) -> None:
    """Print when DURATION after START falls due, in ISO 8601 (+07:00).

    START is a moment with its UTC offset, e.g. 2027-02-03T16:30+07:00.
    DURATION is working days (3d, 0.5d) or working hours (12h).

    By default the statutory rule applies, as on the appointment slip: a
    dossier received outside office hours, on a day off or after --cutoff
    counts as received on the next working day; a limit in days starts the
    day after receipt and ends at the close of office hours of its last day;
    a limit in hours counts office hours from the receipt. Example:

        motcua calendar due 2027-02-03T16:30+07:00 3d   # 2027-02-15T17:00+07:00
    """
    if cutoff is not None and not statutory:
        raise click.UsageError("--cutoff applies to statutory time limits only, not with --plain")
    working_calendar = WorkingCalendar.from_config(config)
    try:
        if statutory:
            moment = working_calendar.due(start, duration, cutoff)
        else:
            moment = working_calendar.add(start, duration)
    except CalendarRangeError as error:
        raise click.UsageError(str(error)) from error
    click.echo(_iso(moment))


@calendar.command()
@click.argument("year", type=click.IntRange(FIRST_YEAR, LAST_YEAR))
@pass_config
def year(config: Config, year: int) -> None:
    """List YEAR's weekdays off and weekend working days, and count its working days.

    One line per day: date, weekday, "nghỉ" (day off) or "làm việc" (worked),
    and its name. Holidays come from the `holidays` package, corrected by
    calendar.overrides in the configuration.
    """
    working_calendar = WorkingCalendar.from_config(config)
    for special in working_calendar.special_days(year):
        status = "làm việc" if special.working else "nghỉ"
        click.echo(
            f"{special.day.isoformat()}  {special.weekday_name:<8}  {status:<8}  {special.name}"
        )
    count = working_calendar.working_days_in_year(year)
    click.echo(f"Năm {year} có {count} ngày làm việc.")


def _iso(moment: datetime) -> str:
    spec = "minutes" if moment.second == 0 and moment.microsecond == 0 else "auto"
    return moment.isoformat(timespec=spec)


COMMANDS = [calendar]
