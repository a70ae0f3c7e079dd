"""Indexes for listing people by status and finding open outreach.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.create_index("ix_people_status", ["status"], unique=False)
    with op.batch_alter_table("outreach") as batch_op:
        batch_op.create_index("ix_outreach_state", ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outreach") as batch_op:
        batch_op.drop_index("ix_outreach_state")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_status")
