"""When each person may next need attention; indexes for status and open outreach.

``person_stats.wake_on`` lets the agenda read only the people who may be on it,
``reconnect_on`` and ``reconnect_base`` only the best of the dormant ties;
``rules_key`` records which settings they were computed with.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kith.storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_stats") as batch_op:
        batch_op.add_column(sa.Column("wake_on", kith.storage.types.ISODate(), nullable=True))
        batch_op.add_column(sa.Column("reconnect_on", kith.storage.types.ISODate(), nullable=True))
        batch_op.add_column(
            sa.Column("reconnect_base", sa.Float(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("rules_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index("ix_person_stats_wake_on", ["wake_on"], unique=False)
        batch_op.create_index("ix_person_stats_reconnect_on", ["reconnect_on"], unique=False)
        batch_op.create_index("ix_person_stats_rules_key", ["rules_key"], unique=False)
    with op.batch_alter_table("people") as batch_op:
        batch_op.create_index("ix_people_status", ["status"], unique=False)
    with op.batch_alter_table("outreach") as batch_op:
        batch_op.create_index("ix_outreach_state", ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_stats") as batch_op:
        batch_op.drop_index("ix_person_stats_rules_key")
        batch_op.drop_index("ix_person_stats_reconnect_on")
        batch_op.drop_index("ix_person_stats_wake_on")
        batch_op.drop_column("rules_key")
        batch_op.drop_column("reconnect_base")
        batch_op.drop_column("reconnect_on")
        batch_op.drop_column("wake_on")
    with op.batch_alter_table("outreach") as batch_op:
        batch_op.drop_index("ix_outreach_state")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_status")
