"""The tables. The deliveries table is the queue (see docs/architecture.md).

Times are stored as float seconds since the epoch: cheap to compare in SQL on
both engines and free of time-zone conversions.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# One row per accepted send (SendMessage, SendMessageStream, SendNotification).
requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # message | notification | campaign
    # The caller's idempotency key, scoped by kind and caller; NULL when none was given.
    sa.Column("idempotency_key", sa.String(300), nullable=True, unique=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("caller", sa.String(200), nullable=False, server_default=""),
    sa.Column("brand_id", sa.String(200), nullable=False, server_default=""),
    sa.Column("content", sa.LargeBinary, nullable=False),  # JSON: subject, text, html, data...
    sa.Column("summary", sa.LargeBinary, nullable=True),  # JSON: kind-specific answer parts
    sa.Column("created_at", sa.Float, nullable=False),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("request_id", sa.String(32), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # order within the request
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
    # Part of a fallback chain: tried in position order until one is delivered.
    sa.Column("fallback", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Index("ix_deliveries_request", deliveries.c.request_id, deliveries.c.position)
# The claim query: queued (or leased-and-expired) rows by lane and due time.
sa.Index("ix_deliveries_due", deliveries.c.state, deliveries.c.lane, deliveries.c.next_attempt_at)
sa.Index("ix_deliveries_lease", deliveries.c.state, deliveries.c.lease_expires_at)

inbox_messages = sa.Table(
    "inbox_messages",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(200), nullable=False),
    # One inbox message per delivery, so a redelivery after a crash adds nothing.
    sa.Column("delivery_id", sa.String(32), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("read_at", sa.Float, nullable=True),
)
sa.Index("ix_inbox_user", inbox_messages.c.user_id, inbox_messages.c.id)
