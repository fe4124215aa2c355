"""What WatchInbox needs to follow an inbox from any replica: when a message's
state last changed, and indexes to find recent additions and changes per user.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inbox_messages", sa.Column("updated_at", sa.Float, nullable=True))
    op.create_index("ix_inbox_user_created", "inbox_messages", ["user_id", "created_at"])
    op.create_index(
        "ix_inbox_user_updated",
        "inbox_messages",
        ["user_id", "updated_at"],
        sqlite_where=sa.text("updated_at IS NOT NULL"),
        postgresql_where=sa.text("updated_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_user_updated", "inbox_messages")
    op.drop_index("ix_inbox_user_created", "inbox_messages")
    with op.batch_alter_table("inbox_messages") as batch:
        batch.drop_column("updated_at")
