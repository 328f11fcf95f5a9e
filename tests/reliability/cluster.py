"""A private PostgreSQL 15 cluster in a temporary folder, on a free port, that a test may
stop and start (the shared server at 127.0.0.1:5432 is never touched)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("MOTCUA_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
OWNER = "postgres"  # initdb refuses to run as root: the cluster belongs to this user then


def missing_binaries() -> str | None:
    """None when initdb and pg_ctl are there, else what is missing."""
    for name in ("initdb", "pg_ctl"):
        if not (BIN / name).is_file():
            return f"{BIN / name} is missing (set MOTCUA_TEST_PG_BIN to PostgreSQL's bin folder)"
    return None


class Cluster:
    """initdb, then ``start``/``stop`` at will; ``remove`` stops it and deletes its files."""

    def __init__(self, port: int):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, OWNER)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(BIN / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OWNER, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=60, check=False, cwd=self.folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")
