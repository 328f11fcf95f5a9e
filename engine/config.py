"""Configuration: `config.yaml` defaults, an optional site file, `MOTCUA_*` overrides.

Every key is typed by the dataclasses below; a bad value is reported with its
dotted key (``calendar.morning: expected "HH:MM-HH:MM", got "7h30"``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

__all__ = ["Config", "ConfigError", "load_config", "DEFAULT_CONFIG_FILE"]

DEFAULT_CONFIG_FILE = Path(__file__).resolve().parent.parent / "config.yaml"
ENV_PREFIX = "MOTCUA_"
_NOT_KEYS = {ENV_PREFIX + "CONFIG", ENV_PREFIX + "DEBUG"}  # switches, not configuration keys
_SESSION = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type."""


class _ConfigLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as written, so a bad one is reported by its key, not a crash."""


_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite:///var/motcua.db"
    echo: bool = False


@dataclass(frozen=True)
class PathsConfig:
    procedures: Path = Path("procedures")
    units: Path = Path("procedures/units.yaml")
    paper_types: Path = Path("procedures/paper_types.yaml")
    forms: Path = Path("forms")
    uploads: Path = Path("var/uploads")
    data: Path = Path("var")


@dataclass(frozen=True)
class CalendarConfig:
    morning: str = "07:30-11:30"
    afternoon: str = "13:00-17:00"
    overrides: dict[int, dict[str, list[Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlinesConfig:
    warning_lead: float = 0.25
    apology_lead_working_days: float = 1
    escalation_delay_working_hours: float = 8


@dataclass(frozen=True)
class SchedulerConfig:
    in_process: bool = True
    sweep_interval_seconds: float = 15
    batch_size: int = 200


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    max_upload_mb: int = 25
    public_base_url: str = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class ReportsConfig:
    month_closing_day: int = 20  # monthly report: the 21st of the previous month to the 20th
    officer_yearly_target: int = 1600  # dossiers a one-stop officer handles a year (rural 1200)


@dataclass(frozen=True)
class SmtpConfig:
    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    sender: str = "motcua@localhost"
    starttls: bool = True


@dataclass(frozen=True)
class WebhookConfig:
    url: str = ""
    token: str = ""
    timeout_seconds: float = 10


@dataclass(frozen=True)
class NotificationsConfig:
    officer_channels: list[str] = field(default_factory=lambda: ["email", "log"])
    applicant_channels: list[str] = field(default_factory=lambda: ["sms", "email", "log"])
    max_attempts: int = 6
    retry_seconds: float = 60
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    webhook: WebhookConfig = field(default_factory=WebhookConfig)


@dataclass(frozen=True)
class PaymentConfig:
    """The online payment gateway (empty gateway_url: no online payment)."""

    gateway_url: str = ""
    gateway_name: str = "gateway"
    merchant_id: str = ""
    secret: str = ""  # shared HMAC key: notices signed with it are trusted
    notify_url: str = ""  # default: <web.public_base_url>/api/v1/payments/callback
    return_url: str = ""  # default: <web.public_base_url>/tra-cuu
    tolerance_seconds: float = 300  # older (or future) notices are refused as replays
    timeout_seconds: float = 10


@dataclass(frozen=True)
class PortalConfig:
    """The national public-service portal's sync endpoint (empty url: keep documents queued)."""

    url: str = ""
    token: str = ""
    timeout_seconds: float = 10
    max_attempts: int = 8
    retry_seconds: float = 60
    batch_size: int = 100


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    timezone: str = "Asia/Ho_Chi_Minh"
    paths: PathsConfig = field(default_factory=PathsConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    deadlines: DeadlinesConfig = field(default_factory=DeadlinesConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    web: WebConfig = field(default_factory=WebConfig)
    notifications: NotificationsConfig = field(default_factory=NotificationsConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    payment: PaymentConfig = field(default_factory=PaymentConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)
    base_dir: Path = Path(".")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def path(self, relative: Path) -> Path:
        """Resolve a configured path against the folder of the config file."""
        return relative if relative.is_absolute() else self.base_dir / relative

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def load_config(file: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read defaults, then the site file named by MOTCUA_CONFIG, then MOTCUA_* variables."""
    environ = os.environ if environ is None else environ
    base_file = file or DEFAULT_CONFIG_FILE
    raw = _read_yaml(base_file)
    site_file = environ.get(ENV_PREFIX + "CONFIG")
    if site_file and file is None:
        raw = _deep_merge(raw, _read_yaml(Path(site_file)))
    raw = _deep_merge(raw, _environment_overrides(environ))
    raw.pop("base_dir", None)
    config = _build(Config, raw, "")
    config = dataclasses.replace(config, base_dir=base_file.resolve().parent)
    _check_semantics(config)
    return config


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from exc
    try:
        data = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of keys to values")
    return data


def _environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in _NOT_KEYS:
            continue
        keys = name[len(ENV_PREFIX) :].lower().split("__")
        node = overrides
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        try:
            node[keys[-1]] = yaml.load(value, Loader=_ConfigLoader) if value != "" else ""
        except yaml.YAMLError:
            node[keys[-1]] = value
    return overrides


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(cls: type, raw: Any, prefix: str) -> Any:
    label = prefix or "configuration"
    if not isinstance(raw, dict):
        raise ConfigError(f"{label}: expected a mapping, got {raw!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{prefix + '.' if prefix else ''}{key}: unknown configuration key")
    values = {}
    for name, value in raw.items():
        values[name] = _coerce(hints[name], value, f"{prefix + '.' if prefix else ''}{name}")
    return cls(**values)


def _coerce(kind: Any, value: Any, key: str) -> Any:
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _build(kind, value, key)
    origin = typing.get_origin(kind)
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key}: expected a list of words, got {value!r}")
        return value
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        return value
    if isinstance(kind, types.UnionType):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        if kind is int and not float(value).is_integer():
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return kind(value)
    if kind is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key}: expected a path, got {value!r}")
        return Path(value)
    if kind is str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return str(value)
    return value


def _check_semantics(config: Config) -> None:
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"timezone: unknown time zone {config.timezone!r}") from exc
    for key in ("morning", "afternoon"):
        value = getattr(config.calendar, key)
        match = _SESSION.match(value)
        if not match or match.group(1, 2) >= match.group(3, 4):
            raise ConfigError(
                f'calendar.{key}: expected an office session "HH:MM-HH:MM" '
                f"that ends after it starts, got {value!r}"
            )
    if not 0 < config.deadlines.warning_lead < 1:
        raise ConfigError(
            f"deadlines.warning_lead: expected a share between 0 and 1, "
            f"got {config.deadlines.warning_lead!r}"
        )
    from engine.calendar import check_calendar_config  # the calendar imports this module

    check_calendar_config(config.calendar)
    if not 1 <= config.reports.month_closing_day <= 28:
        raise ConfigError(
            "reports.month_closing_day: expected a day between 1 and 28, "
            f"got {config.reports.month_closing_day!r}"
        )
    if config.reports.officer_yearly_target < 1:
        raise ConfigError("reports.officer_yearly_target: expected at least 1")
    if config.scheduler.batch_size < 1:
        raise ConfigError("scheduler.batch_size: expected at least 1")
    if config.payment.gateway_url and not config.payment.secret:
        raise ConfigError("payment.secret: a payment gateway needs the shared secret")
    if config.portal.max_attempts < 1 or config.portal.batch_size < 1:
        raise ConfigError("portal.max_attempts and portal.batch_size: expected at least 1")
    channels = {"log", "email", "sms", "webhook"}
    for key in ("officer_channels", "applicant_channels"):
        for index, channel in enumerate(getattr(config.notifications, key)):
            if channel not in channels:
                raise ConfigError(
                    f"notifications.{key}[{index}]: unknown channel {channel!r}; "
                    f"use {', '.join(sorted(channels))}"
                )
