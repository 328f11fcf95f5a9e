"""`motcua demo` prepares a working system; `motcua serve` serves it through gunicorn."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.bootstrap import build_engine
from engine.config import load_config
from engine.demo import DEMO_PASSWORD

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("demo")
    env = {
        "MOTCUA_PATHS__DATA": str(data),
        "MOTCUA_PATHS__UPLOADS": str(data / "uploads"),
        "MOTCUA_DATABASE__URL": f"sqlite:///{data / 'demo.db'}",
    }
    result = CliRunner().invoke(cli, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    return env


def test_the_demo_has_dossiers_in_every_state_and_prints_its_users(
    demo_env: dict[str, str],
) -> None:
    engine = build_engine(load_config(environ=demo_env))
    statuses = {engine.runtime.get(code).status.value for code in engine.runtime.codes()}
    assert statuses >= {
        "received",
        "processing",
        "supplement",
        "result_ready",
        "returned",
        "refused",
        "withdrawn",
    }
    assert engine.users.login("thanhtra", DEMO_PASSWORD).user is not None
    assert engine.history.verify_all().ok


def test_the_demo_goes_late_when_its_deadlines_fire(demo_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["scheduler", "--until-idle"], env=demo_env)
    assert result.exit_code == 0, result.output
    engine = build_engine(load_config(environ=demo_env))
    late = [c for c in engine.runtime.codes() if engine.runtime.get(c).status.value == "late"]
    assert late
    assert any(t.kind == "apology" for t in engine.runtime.get(late[0]).open_tasks)
    assert CliRunner().invoke(cli, ["verify", "--all"], env=demo_env).exit_code == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_on_its_port(demo_env: dict[str, str]) -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-scheduler",
    ]
    server = subprocess.Popen(
        command,
        env={**os.environ, **demo_env},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/api/v1/health")
        assert json.loads(body)["status"] == "ok"
        assert "Đăng nhập" in _get_when_up(f"http://127.0.0.1:{port}/login")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_the_demo_serves_the_database_it_prepared(demo_env: dict[str, str], tmp_path: Path) -> None:
    """`make demo` with the project's config: the configured database is another file."""
    env = {**demo_env, "MOTCUA_DATABASE__URL": demo_env["MOTCUA_DATABASE__URL"] + ".other"}
    code = build_engine(load_config(environ=demo_env)).runtime.codes()[0]
    port = _free_port()
    command = [sys.executable, "-c", "from api.cli import main; main()", "demo", "--keep"]
    with (tmp_path / "demo.log").open("wb") as log:  # a pipe nobody reads would fill up
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # gunicorn's workers with it, for the cleanup
        )
        try:
            body = _get_when_up(f"http://127.0.0.1:{port}/api/v1/public/dossiers/{code}")
            assert json.loads(body)["code"] == code
        finally:
            _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL to the whole group: the demo's in-process scheduler may be in
    the middle of a job (firing the demo's timers), which a graceful stop waits for."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
