"""Real processes for the reliability tests: `motcua serve` (gunicorn), `motcua scheduler`,
the CLI, and a small HTTP client that tells an answer from a lost connection."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "definitions" / "fixtures"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def motcua_env(database_url: str, data: Path, **extra: str) -> dict[str, str]:
    """The environment of a motcua process on ``database_url`` with the fixture organisation."""
    return {
        **os.environ,
        "MOTCUA_DATABASE__URL": database_url,
        "MOTCUA_PATHS__UNITS": str(FIXTURES / "units.yaml"),
        "MOTCUA_PATHS__DATA": str(data),
        "MOTCUA_PATHS__UPLOADS": str(data / "uploads"),
        "MOTCUA_WEB__SECRET_KEY": "khoa-bi-mat-kiem-thu",
        **extra,
    }


def start(env: dict[str, str], *arguments: str, log: Path) -> subprocess.Popen[bytes]:
    """``motcua ARGUMENTS`` in the background, its output in ``log``."""
    command = [sys.executable, "-c", "from api.cli import main; main()", *arguments]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, cwd=REPO, stdout=output, stderr=output)


def run(
    env: dict[str, str], *arguments: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from api.cli import main; main()", *arguments]
    return subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def children(pid: int) -> set[int]:
    """The direct children of ``pid`` (gunicorn's workers under its master)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(child) for child in text)
    return found


def wait_for(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class Client:
    """HTTP/1.1 on 127.0.0.1 with a bearer token; None when the connection was lost
    (the outcome of the request is then unknown)."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token

    def get(self, path: str) -> Answer | None:
        return self._send("GET", path, None, {})

    def post_json(self, path: str, body: Any) -> Answer | None:
        data = json.dumps(body).encode()
        return self._send("POST", path, data, {"Content-Type": "application/json"})

    def post_multipart(
        self, path: str, fields: dict[str, str], files: dict[str, bytes]
    ) -> Answer | None:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
                f"Content-Type: application/json; charset=utf-8\r\n\r\n".encode()
                + value.encode()
                + b"\r\n"
            )
        for name, content in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name.lower()}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._send("POST", path, data, headers)

    def _send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> Answer | None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                method,
                path,
                body=data,
                headers={**headers, "Authorization": f"Bearer {self.token}"},
            )
            response = connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return Answer(response.status, body)
