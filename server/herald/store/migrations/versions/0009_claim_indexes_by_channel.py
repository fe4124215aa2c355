"""The claim indexes are keyed by channel too: (lane, channel, due time).

A claim takes no more of a channel's deliveries than the claiming process has room for
(Queue.claim's caps) and walks each channel's rows on its own, so one channel's backlog
neither is leased by one process nor hides the other channels' rows behind it.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

QUEUED = sa.text("state = 'queued'")
LEASED = sa.text("state = 'sending'")


def _create(channel: bool) -> None:
    keys = ["lane", "channel"] if channel else ["lane"]
    op.create_index(
        "ix_deliveries_queued",
        "deliveries",
        [*keys, "next_attempt_at"],
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )
    op.create_index(
        "ix_deliveries_leased",
        "deliveries",
        [*keys, "lease_expires_at"],
        sqlite_where=LEASED,
        postgresql_where=LEASED,
    )


def _drop() -> None:
    op.drop_index("ix_deliveries_queued", "deliveries")
    op.drop_index("ix_deliveries_leased", "deliveries")


def upgrade() -> None:
    _drop()
    _create(channel=True)


def downgrade() -> None:
    _drop()
    _create(channel=False)
