"""Sort keys for the people list: strength and how overdue, each with an index; circles indexed.

``person_stats.strength_key`` orders people by the strength of the tie at any
later date (see ``domain.history.strength_key``); ``due_on`` is the day keeping
in touch falls due.  Both are filled when the statistics are next refreshed
(the stored key of the statistics changes with this version, so the first
agenda or list after the upgrade recomputes them).  The indexes put people
without a value last on both backends: ``(key IS NULL, key)``; the one of
strength also holds the weights each way, so that a list by strength is read
from the index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kith.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_stats") as batch_op:
        batch_op.add_column(sa.Column("strength_key", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("due_on", kith.storage.types.ISODate(), nullable=True))
    op.create_index("ix_people_circle", "people", ["circle"], unique=False)
    op.execute(
        "CREATE INDEX ix_person_stats_strength "
        "ON person_stats ((strength_key IS NULL), strength_key DESC, person_id, out_weight, "
        "in_weight)"
    )
    op.execute(
        "CREATE INDEX ix_person_stats_due ON person_stats ((due_on IS NULL), due_on, person_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_people_circle", table_name="people")
    op.execute("DROP INDEX IF EXISTS ix_person_stats_due")
    op.execute("DROP INDEX IF EXISTS ix_person_stats_strength")
    with op.batch_alter_table("person_stats") as batch_op:
        batch_op.drop_column("due_on")
        batch_op.drop_column("strength_key")
