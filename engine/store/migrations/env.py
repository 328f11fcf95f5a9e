"""Alembic environment: migrations run on the connection motcua hands over."""

from __future__ import annotations

from alembic import context

import engine.store  # noqa: F401 - registers every model module
from engine.store.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - motcua always passes a connection
    raise RuntimeError("run migrations through `motcua db upgrade`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
