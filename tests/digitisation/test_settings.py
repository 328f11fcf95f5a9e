"""Configuration of payment and the portal, and the settings the engine is built with."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import ConfigError, load_config
from engine.digitisation.payments import HmacGateway
from engine.digitisation.settings import settings_from_config

REPO = Path(__file__).resolve().parents[2]


def test_defaults_have_no_gateway_and_no_portal_but_the_catalogue() -> None:
    config = load_config(environ={})
    settings = settings_from_config(config)
    assert settings.gateway is None and config.portal.url == ""
    assert settings.paper_types is not None and "GKS" in settings.paper_types
    assert settings.payment_notify_url == "http://127.0.0.1:8000/api/v1/payments/callback"
    assert settings.file_link("abc") == "http://127.0.0.1:8000/api/v1/papers/abc/file"


def test_a_gateway_comes_from_the_environment_with_its_secret() -> None:
    environ = {
        "MOTCUA_PAYMENT__GATEWAY_URL": "https://pay.example.vn",
        "MOTCUA_PAYMENT__SECRET": "bi-mat",
        "MOTCUA_PAYMENT__GATEWAY_NAME": "paygov",
        "MOTCUA_WEB__PUBLIC_BASE_URL": "https://motcua.anhoa.gov.vn",
    }
    settings = settings_from_config(load_config(environ=environ))
    assert isinstance(settings.gateway, HmacGateway) and settings.gateway.name == "paygov"
    assert settings.payment_notify_url == "https://motcua.anhoa.gov.vn/api/v1/payments/callback"


def test_a_gateway_without_its_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match=r"payment\.secret"):
        load_config(environ={"MOTCUA_PAYMENT__GATEWAY_URL": "https://pay.example.vn"})


def test_portal_settings_are_typed_and_checked() -> None:
    config = load_config(environ={"MOTCUA_PORTAL__URL": "https://dvc.example/sync"})
    assert (config.portal.url, config.portal.max_attempts) == ("https://dvc.example/sync", 8)
    with pytest.raises(ConfigError, match=r"portal\.max_attempts"):
        load_config(environ={"MOTCUA_PORTAL__MAX_ATTEMPTS": "0"})
    with pytest.raises(ConfigError, match=r"portal\.colour: unknown configuration key"):
        load_config(environ={"MOTCUA_PORTAL__COLOUR": "blue"})


def test_without_a_catalogue_file_any_well_formed_type_is_taken(tmp_path: Path) -> None:
    environ = {"MOTCUA_PATHS__PAPER_TYPES": str(tmp_path / "none.yaml")}
    assert settings_from_config(load_config(environ=environ)).paper_types is None
