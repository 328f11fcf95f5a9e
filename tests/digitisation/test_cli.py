"""`motcua sync`, `rates`, `paper-types` and `kho` against a database the engine filled."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import cli
from engine.clock import FakeClock
from engine.files import FileStore
from engine.runtime.engine import Engine

from .conftest import UNITS, VN, Officers, receive_birth
from .peers import FakePortal

pytestmark = pytest.mark.postgres


@pytest.fixture
def clock() -> FakeClock:
    """In the past: the commands run on the real clock, so what was queued is due."""
    return FakeClock(datetime(2026, 1, 5, 8, 0, tzinfo=VN))


def run(database_url: str, tmp_path: Path, *args: str, **env: str) -> Result:
    environment = {
        "MOTCUA_DATABASE__URL": database_url,
        "MOTCUA_PATHS__UNITS": str(UNITS),
        "MOTCUA_PATHS__UPLOADS": str(tmp_path / "uploads"),
        **env,
    }
    return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def test_sync_status_send_and_show(
    engine: Engine, officers: Officers, files: FileStore, database_url: str, tmp_path: Path
) -> None:
    code = receive_birth(engine, officers, files)
    status = run(database_url, tmp_path, "sync", "status")
    assert "pending: 1" in status.output and "portal.url is not set" in status.output
    refused = run(database_url, tmp_path, "sync", "send")
    assert refused.exit_code == 1 and "portal.url is not set" in refused.output
    with FakePortal().running() as portal:
        portal_env = {"MOTCUA_PORTAL__URL": portal.url, "MOTCUA_PORTAL__TOKEN": portal.token}
        sent = run(database_url, tmp_path, "sync", "send", **portal_env)
        assert sent.exit_code == 0 and "1 delivered, 0 failed" in sent.output
        assert portal.keys() == [f"{code}:1"]
    shown = json.loads(run(database_url, tmp_path, "sync", "show", code).output)
    assert [(d["key"], d["status"]) for d in shown] == [(f"{code}:1", "sent")]
    assert shown[0]["document"]["dossier_code"] == code


def test_dead_letters_are_listed_and_requeued(
    engine: Engine, officers: Officers, files: FileStore, database_url: str, tmp_path: Path
) -> None:
    code = receive_birth(engine, officers, files)
    assert "No dead letters." in run(database_url, tmp_path, "sync", "dead").output
    with FakePortal(script=[422]).running() as portal:
        env = {"MOTCUA_PORTAL__URL": portal.url, "MOTCUA_PORTAL__TOKEN": portal.token}
        assert "0 delivered, 1 failed" in run(database_url, tmp_path, "sync", "send", **env).output
    listed = run(database_url, tmp_path, "sync", "dead").output
    assert f"{code}:1" in listed and "HTTP 422" in listed
    usage = run(database_url, tmp_path, "sync", "requeue")
    assert usage.exit_code == 2
    assert "1 requeued" in run(database_url, tmp_path, "sync", "requeue", "--all").output
    assert "pending: 1" in run(database_url, tmp_path, "sync", "status").output


def test_rates_as_a_table_and_as_json(
    engine: Engine, officers: Officers, files: FileStore, database_url: str, tmp_path: Path
) -> None:
    receive_birth(engine, officers, files)
    table = run(database_url, tmp_path, "rates", "--from", "2026-01-01", "--to", "2026-01-31")
    assert "Hồ sơ tiếp nhận: 1" in table.output
    assert "Tỷ lệ hồ sơ trực tuyến" in table.output and "0,0 % (0/1)" in table.output
    assert "không tính được" in table.output  # nothing has a result yet
    args = ["rates", "--from", "2026-01-01", "--to", "2026-01-31", "--by", "agency", "--json"]
    data = json.loads(run(database_url, tmp_path, *args).output)
    assert data["ubnd_xa"]["received"] == 1
    assert data["ubnd_xa"]["digitisation"]["value"] is None
    assert data["ubnd_xa"]["online"] == {
        "numerator": 0,
        "denominator": 1,
        "value": 0.0,
        "target": 0.5,
    }


def test_the_data_store_for_an_auditor_and_its_access_logs_verified(
    engine: Engine, officers: Officers, files: FileStore, database_url: str, tmp_path: Path
) -> None:
    receive_birth(engine, officers, files)
    listed = run(
        database_url,
        tmp_path,
        "kho",
        "papers",
        "079190001234",
        "--as",
        "thanhtra",
        "--reason",
        "Thanh tra theo kế hoạch",
    )
    assert "079190001234.GCS" in listed.output and "079190001234.TKKS" in listed.output
    refused = run(
        database_url, tmp_path, "kho", "papers", "079190001234", "--as", "tiepnhan", "--reason", "x"
    )
    assert refused.exit_code == 1 and "thanh tra" in refused.output
    verified = run(database_url, tmp_path, "kho", "verify")
    assert verified.exit_code == 0 and "chains intact" in verified.output
    log = engine.datastore.access_log("079190001234", officers.auditor, "Xem nhật ký")
    assert any(e.actor == "thanhtra" and e.reason == "Thanh tra theo kế hoạch" for e in log)


def test_paper_types_lists_the_catalogue(database_url: str, tmp_path: Path) -> None:
    output = run(database_url, tmp_path, "paper-types").output
    assert "GKS        Giấy khai sinh" in output
    assert "XNTTHN     Giấy xác nhận tình trạng hôn nhân  (hiệu lực 6 tháng)" in output
