"""Inbox messages written before 0006 take the brand of the send that delivered them.

0006 added inbox_messages.brand_id as "" for every existing row, so after the upgrade a
brand's earlier In-App messages were its users' inboxes no more and the default brand's
callers read them instead. So were the rows of deliveries queued before the upgrade and
delivered after it (their stored content has no brand). Each such row takes its send's
brand (requests.brand_id, through its delivery). A row whose delivery is gone is left
as it is: nothing says whose it was. Rows of the default brand's sends stay "".

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SEND_BRAND = """
    SELECT r.brand_id FROM deliveries d JOIN requests r ON r.id = d.request_id
    WHERE d.id = inbox_messages.delivery_id
"""

BACKFILL = sa.text(
    f"""
    UPDATE inbox_messages SET brand_id = ({SEND_BRAND})
    WHERE brand_id = '' AND EXISTS ({SEND_BRAND} AND r.brand_id <> '')
    """
)


def upgrade() -> None:
    op.execute(BACKFILL)


def downgrade() -> None:
    # Nothing to undo: the rows hold their sends' brands, as rows written since 0006 do.
    pass
