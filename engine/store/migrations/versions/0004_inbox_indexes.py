"""inbox indexes: the unit queue walked in due order, the waiting list in created order

Revision ID: 0004_inbox_indexes
Revises: 0003_digitisation
Create Date: 2026-11-25

The unit queue (open, unassigned tasks of a unit and role, due first) could not
be read in due order from ix_tasks_unit_queue: ``assignee_id IS NULL`` is not an
equality to PostgreSQL's planner, and it underestimates the open, unassigned
tasks of a unit (status and assignee are correlated), so it fetched and sorted
the unit's whole queue for every page. Two partial indexes replace it:

* ix_tasks_unit_queue_unassigned (unit, role, due, id) over open, unassigned
  tasks: a page of the unit queue reads its first rows only;
* ix_tasks_open_unit (unit, role, created, id) over open tasks: the waiting list
  (oldest first) and the unit's part of the inbox counts.

Measured with benchmarks/inbox_scale.py (1,000,000 dossiers, 100,000 open tasks).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox_indexes"
down_revision = "0003_digitisation"
branch_labels = None
depends_on = None

_OPEN = sa.text("status = 'open'")
_UNASSIGNED = sa.text("status = 'open' AND assignee_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_tasks_unit_queue_unassigned",
        "tasks",
        ["unit_id", "role", "due_at", "id"],
        postgresql_where=_UNASSIGNED,
        sqlite_where=_UNASSIGNED,
    )
    op.create_index(
        "ix_tasks_open_unit",
        "tasks",
        ["unit_id", "role", "created_at", "id"],
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    )
    op.drop_index("ix_tasks_unit_queue", table_name="tasks")


def downgrade() -> None:
    op.create_index(
        "ix_tasks_unit_queue",
        "tasks",
        ["status", "unit_id", "role", "assignee_id", "due_at", "id"],
    )
    op.drop_index("ix_tasks_open_unit", table_name="tasks")
    op.drop_index("ix_tasks_unit_queue_unassigned", table_name="tasks")
