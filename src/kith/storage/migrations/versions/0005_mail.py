"""Mail: messages seen (by Message-ID), addresses met, where each source was read up to,
and interactions settled by a reply in their thread.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kith.storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("settled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=500), nullable=False),
        sa.Column("occurred_at", kith.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("others", sa.Text(), nullable=False),
        sa.Column("to_owner", sa.Boolean(), nullable=False),
        sa.Column("thread_key", sa.String(length=500), nullable=True),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_mail_messages_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("message_key", name=op.f("uq_mail_messages_message_key")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_messages_pending"), ["pending"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_messages_thread_key"), ["thread_key"], unique=False
        )
    op.create_table(
        "mail_addresses",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_rank", sa.Integer(), nullable=False),
        sa.Column("written_to", sa.Integer(), nullable=False),
        sa.Column("wrote", sa.Integer(), nullable=False),
        sa.Column("copied", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.Integer(), nullable=False),
        sa.Column("left_out_reason", sa.Text(), nullable=False),
        sa.Column("first_at", kith.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_at", kith.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("is_list", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_mail_addresses")),
    )
    op.create_table(
        "mail_seen",
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("source", "key", name=op.f("pk_mail_seen")),
    )
    op.create_table(
        "mail_cursors",
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", kith.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_mail_cursors")),
    )


def downgrade() -> None:
    op.drop_table("mail_cursors")
    op.drop_table("mail_seen")
    op.drop_table("mail_addresses")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_messages_thread_key"))
        batch_op.drop_index(batch_op.f("ix_mail_messages_pending"))
    op.drop_table("mail_messages")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_column("settled")
