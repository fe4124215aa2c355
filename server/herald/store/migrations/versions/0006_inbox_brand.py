"""Inbox messages belong to a brand's user: the brand of the send that delivered them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.add_column(sa.Column("brand_id", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.drop_column("brand_id")
