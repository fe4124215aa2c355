"""One delivery per position of a request: ix_deliveries_request becomes unique.

Two overlapping SendCampaign calls for one campaign (a retry beside the call it
retries) could both store a recipient's position, so it was sent twice and the send's
counters passed its total. A store holding such duplicates keeps one delivery per
position: a delivered one if there is one, else one with another final outcome, else
one being sent, else a queued one. The others are deleted; a queued copy is then never
sent, and the message a delivered copy sent stays where it went (an In-App one in the
inbox) but counts once, so the send's counters add up to its total and it completes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Only positions held more than once are ranked (found by the old index).
DELETE_DUPLICATES = sa.text(
    """
    DELETE FROM deliveries WHERE id IN (
        SELECT id FROM (
            SELECT id, ROW_NUMBER() OVER (
                PARTITION BY request_id, position
                ORDER BY CASE state
                    WHEN 'delivered' THEN 0 WHEN 'sending' THEN 2 WHEN 'queued' THEN 3 ELSE 1
                END, id
            ) AS n
            FROM deliveries
            WHERE (request_id, position) IN (
                SELECT request_id, position FROM deliveries
                GROUP BY request_id, position HAVING COUNT(*) > 1
            )
        ) AS ranked
        WHERE n > 1
    )
    """
)


def upgrade() -> None:
    op.execute(DELETE_DUPLICATES)
    op.create_index("ux_deliveries_request", "deliveries", ["request_id", "position"], unique=True)
    op.drop_index("ix_deliveries_request", "deliveries")


def downgrade() -> None:
    op.create_index("ix_deliveries_request", "deliveries", ["request_id", "position"])
    op.drop_index("ux_deliveries_request", "deliveries")
