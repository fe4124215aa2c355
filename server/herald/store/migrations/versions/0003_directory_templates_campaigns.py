"""Users with contact points, clusters, templates, campaigns and their sends.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BRAND = 200


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("email", sa.Text, nullable=False, server_default=""),
        sa.Column("phone_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("webhook_url", sa.Text, nullable=False, server_default=""),
        sa.Column("locale", sa.String(35), nullable=False, server_default=""),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "user_push_tokens",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("token", sa.String(4096), primary_key=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id", "user_id"], ["users.brand_id", "users.id"], ondelete="CASCADE"
        ),
    )
    op.create_index("ix_user_push_tokens_token", "user_push_tokens", ["token"])
    op.create_table(
        "clusters",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "cluster_members",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("cluster_id", sa.String(200), primary_key=True),
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("added_at", sa.Float, nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id", "cluster_id"],
            ["clusters.brand_id", "clusters.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brand_id", "user_id"], ["users.brand_id", "users.id"], ondelete="CASCADE"
        ),
    )
    op.create_index("ix_cluster_members_user", "cluster_members", ["brand_id", "user_id"])
    op.create_table(
        "templates",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("message_type", sa.String(32), nullable=False, server_default=""),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index(
        "ux_templates_message_type",
        "templates",
        ["brand_id", "message_type"],
        unique=True,
        sqlite_where=sa.text("message_type != ''"),
        postgresql_where=sa.text("message_type != ''"),
    )
    op.create_table(
        "campaigns",
        sa.Column("brand_id", sa.String(BRAND), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False, server_default=""),
        sa.Column("channels", sa.Text, nullable=False),
        sa.Column("template_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "campaign_sends",
        sa.Column("id", sa.String(32), sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("brand_id", sa.String(BRAND), nullable=False),
        sa.Column("campaign_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_recipients", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cancelled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float, nullable=True),
        sa.Column("completed_at", sa.Float, nullable=True),
        sa.ForeignKeyConstraint(
            ["brand_id", "campaign_id"], ["campaigns.brand_id", "campaigns.id"]
        ),
    )
    op.create_index(
        "ux_campaign_sends_campaign", "campaign_sends", ["brand_id", "campaign_id"], unique=True
    )
    op.create_index("ix_inbox_user_state", "inbox_messages", ["user_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_inbox_user_state", "inbox_messages")
    for table in (
        "campaign_sends",
        "campaigns",
        "templates",
        "cluster_members",
        "clusters",
        "user_push_tokens",
        "users",
    ):
        op.drop_table(table)
