"""The claim indexes hold only the deliveries they serve: queued ones, and leased ones.

The full indexes on (state, ...) kept an entry for every finished delivery, and each
update of a delivery's state wrote one in both.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

QUEUED = sa.text("state = 'queued'")
LEASED = sa.text("state = 'sending'")


def upgrade() -> None:
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_index("ix_deliveries_lease", "deliveries")
    op.create_index(
        "ix_deliveries_queued",
        "deliveries",
        ["lane", "next_attempt_at"],
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )
    op.create_index(
        "ix_deliveries_leased",
        "deliveries",
        ["lane", "lease_expires_at"],
        sqlite_where=LEASED,
        postgresql_where=LEASED,
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_queued", "deliveries")
    op.drop_index("ix_deliveries_leased", "deliveries")
    op.create_index("ix_deliveries_due", "deliveries", ["state", "lane", "next_attempt_at"])
    op.create_index("ix_deliveries_lease", "deliveries", ["state", "lease_expires_at"])
