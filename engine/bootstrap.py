"""Wiring an Engine from the configuration (the one place that knows every part)."""

from __future__ import annotations

from decimal import Decimal

from argon2 import PasswordHasher

from engine.calendar import WorkingCalendar
from engine.clock import Clock
from engine.config import Config
from engine.definitions.organisation import load_organisation
from engine.digitisation.settings import settings_from_config
from engine.files import FileStore
from engine.runtime.deadlines import DeadlinePolicy
from engine.runtime.engine import Engine
from engine.store.db import Database, resolve_url

__all__ = ["build_engine", "open_database"]


def open_database(config: Config) -> Database:
    return Database(resolve_url(config.database.url, config.base_dir), echo=config.database.echo)


def deadline_policy(config: Config) -> DeadlinePolicy:
    deadlines = config.deadlines
    return DeadlinePolicy(
        warning_lead=Decimal(str(deadlines.warning_lead)),
        apology_lead_working_days=Decimal(str(deadlines.apology_lead_working_days)),
        escalation_delay_working_hours=Decimal(str(deadlines.escalation_delay_working_hours)),
    )


def build_engine(
    config: Config, clock: Clock | None = None, password_hasher: PasswordHasher | None = None
) -> Engine:
    organisation = load_organisation(config.path(config.paths.units))
    calendar = WorkingCalendar.from_config(config)
    files = FileStore(config.path(config.paths.uploads), config.web.max_upload_mb * 1024 * 1024)
    return Engine(
        open_database(config),
        calendar,
        organisation,
        clock,
        policy=deadline_policy(config),
        notifications=config.notifications,
        tz=config.tz,
        files=files,
        password_hasher=password_hasher,
        digitisation=settings_from_config(config),
    )
