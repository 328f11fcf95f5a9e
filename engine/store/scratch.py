"""A PostgreSQL database of its own, made beside an existing one and dropped after use:
for the simulation and the benchmarks, whose tables must not mix with anyone's."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

__all__ = ["scratch_postgres"]


@contextmanager
def scratch_postgres(admin_url: str, prefix: str, keep: bool = False) -> Iterator[str]:
    """A fresh, empty database beside the one ``admin_url`` names (``postgresql://`` or
    ``postgresql+psycopg://``), dropped at the end unless ``keep``. Yields its libpq URL."""
    plain = make_url(admin_url).set(drivername="postgresql")
    conninfo = plain.render_as_string(hide_password=False)
    name = f"{prefix}_{os.getpid()}_{time.time_ns() % 10**6}"
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield plain.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
