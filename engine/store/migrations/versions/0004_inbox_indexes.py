"""inbox indexes: the unit queue walked in due order

Revision ID: 0004_inbox_indexes
Revises: 0003_digitisation
Create Date: 2026-11-25

The unit queue (open, unassigned tasks of a unit and role, due first) could not
be read in due order from ix_tasks_unit_queue: ``assignee_id IS NULL`` is not an
equality to PostgreSQL's planner, so it fetched and sorted the whole queue of
the unit for every page. A partial index on the open, unassigned tasks keyed by
(unit, role, due, id) serves each page by walking the first rows only
(benchmarks/inbox_scale.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox_indexes"
down_revision = "0003_digitisation"
branch_labels = None
depends_on = None

_UNASSIGNED = sa.text("status = 'open' AND assignee_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_tasks_unit_queue_unassigned",
        "tasks",
        ["unit_id", "role", "due_at", "id"],
        postgresql_where=_UNASSIGNED,
        sqlite_where=_UNASSIGNED,
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_unit_queue_unassigned", table_name="tasks")
