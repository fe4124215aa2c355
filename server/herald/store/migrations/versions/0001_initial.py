"""Requests, deliveries (the queue) and inbox messages.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(300), nullable=True, unique=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("caller", sa.String(200), nullable=False, server_default=""),
        sa.Column("brand_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("summary", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("request_id", sa.String(32), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("lane", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", sa.Float, nullable=True),
        sa.Column("deadline_at", sa.Float, nullable=False),
        sa.Column("error_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("permanent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("provider_message_id", sa.Text, nullable=False, server_default=""),
        sa.Column("sms_encoding", sa.String(8), nullable=False, server_default=""),
        sa.Column("sms_segments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("completed_at", sa.Float, nullable=True),
    )
    op.create_index("ix_deliveries_request", "deliveries", ["request_id", "position"])
    op.create_index("ix_deliveries_due", "deliveries", ["state", "lane", "next_attempt_at"])
    op.create_index("ix_deliveries_lease", "deliveries", ["state", "lease_expires_at"])
    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("delivery_id", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("read_at", sa.Float, nullable=True),
    )
    op.create_index("ix_inbox_user", "inbox_messages", ["user_id", "id"])


def downgrade() -> None:
    op.drop_table("inbox_messages")
    op.drop_table("deliveries")
    op.drop_table("requests")
