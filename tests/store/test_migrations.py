"""The schema comes from migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.store.db import Database
from engine.store.migrate import current_revision, downgrade, head_revision, upgrade
from engine.store.models import Base


@pytest.mark.postgres
def test_fresh_database_is_at_the_head_revision(database: Database) -> None:
    assert current_revision(database) == head_revision()


@pytest.mark.postgres
def test_migrations_leave_no_difference_from_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.postgres
def test_every_migration_can_be_undone_and_redone(database: Database) -> None:
    downgrade(database, "base")
    assert current_revision(database) is None
    upgrade(database)
    assert current_revision(database) == head_revision()
