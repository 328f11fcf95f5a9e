"""Calendars for the calendar tests: the project's (with its overrides) and the package's alone."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.calendar import WorkingCalendar
from engine.config import DEFAULT_CONFIG_FILE, load_config

# Built once: holiday years are cached inside, and hypothesis calls it thousands of times.
PROJECT_CALENDAR = WorkingCalendar.from_config(load_config(DEFAULT_CONFIG_FILE, environ={}))
PACKAGE_CALENDAR = WorkingCalendar()


@pytest.fixture
def calendar() -> WorkingCalendar:
    """The calendar `config.yaml` describes: the package corrected by the official schedules."""
    return PROJECT_CALENDAR


@pytest.fixture
def package_calendar() -> WorkingCalendar:
    """The `holidays` package with no overrides."""
    return PACKAGE_CALENDAR


def at(text: str) -> datetime:
    """A moment in Vietnam time: at("2027-02-03 16:30")."""
    return datetime.fromisoformat(text.replace(" ", "T") + "+07:00")
