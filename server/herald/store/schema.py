"""The tables. The deliveries table is the queue (see docs/architecture.md).

Times are stored as float seconds since the epoch: cheap to compare in SQL on
both engines and free of time-zone conversions.
"""

from __future__ import annotations

import sqlalchemy as sa

from herald.core.channel import DeliveryState

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
# One delivery per position of a request: a campaign call and a retry storing the same
# recipients at once (on one replica or two) store each once (CampaignStore.add_deliveries).
sa.Index("ux_deliveries_request", deliveries.c.request_id, deliveries.c.position, unique=True)


def _state_is(state: DeliveryState) -> sa.ColumnElement[bool]:
    # The state inline, not a bound parameter: a query saying "state = ?" cannot use the
    # partial indexes below (SQLite's planner, PostgreSQL's generic plans).
    return deliveries.c.state == sa.literal_column(f"'{state.value}'")


QUEUED = _state_is(DeliveryState.QUEUED)
LEASED = _state_is(DeliveryState.SENDING)


def statement_clock(is_sqlite: bool) -> sa.ColumnElement[float]:
    """The time a statement runs, in float epoch seconds, read by the database inside the
    write transaction (after SQLite's write lock is held). A time taken in Python before
    the write waits for a lock or a group commit can be seconds older than the commit, and
    WatchInbox reads changes by these times."""
    if is_sqlite:
        return sa.literal_column("((julianday('now') - 2440587.5) * 86400.0)", sa.Float)
    return sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)


# The claim queries (queue.py): queued rows by lane, channel and due time, and leases by
# expiry. Partial, so each holds only the rows it serves: finished deliveries, almost all
# of the table, are in neither, and the update recording an outcome writes no entry in
# either. By channel, so a claim walks each channel's rows up to what it has room for.
sa.Index(
    "ix_deliveries_queued",
    deliveries.c.lane,
    deliveries.c.channel,
    deliveries.c.next_attempt_at,
    sqlite_where=QUEUED,
    postgresql_where=QUEUED,
)
sa.Index(
    "ix_deliveries_leased",
    deliveries.c.lane,
    deliveries.c.channel,
    deliveries.c.lease_expires_at,
    sqlite_where=LEASED,
    postgresql_where=LEASED,
)

inbox_messages = sa.Table(
    "inbox_messages",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(200), nullable=False),
    # The brand of the send that put it there: an inbox is a brand's user's.
    sa.Column("brand_id", sa.String(200), nullable=False, server_default=""),
    # One inbox message per delivery, so a redelivery after a crash adds nothing.
    sa.Column("delivery_id", sa.String(32), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("read_at", sa.Float, nullable=True),
    # When MarkInboxMessages last changed the state (NULL until then): how a
    # WatchInbox on another replica finds state changes.
    sa.Column("updated_at", sa.Float, nullable=True),
)
sa.Index("ix_inbox_user", inbox_messages.c.user_id, inbox_messages.c.id)

# -- The directory, templates and campaigns. Every row belongs to a brand (the
# tenant; "" for callers bound to none), and ids are unique within a brand.

users = sa.Table(
    "users",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("id", sa.String(200), primary_key=True),  # the caller's external id
    sa.Column("display_name", sa.Text, nullable=False, server_default=""),
    sa.Column("email", sa.Text, nullable=False, server_default=""),
    sa.Column("phone_number", sa.String(32), nullable=False, server_default=""),
    sa.Column("webhook_url", sa.Text, nullable=False, server_default=""),
    sa.Column("locale", sa.String(35), nullable=False, server_default=""),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

user_push_tokens = sa.Table(
    "user_push_tokens",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("token", sa.String(4096), primary_key=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.ForeignKeyConstraint(
        ["brand_id", "user_id"], ["users.brand_id", "users.id"], ondelete="CASCADE"
    ),
)
# An unregistered token is removed wherever it is stored.
sa.Index("ix_user_push_tokens_token", user_push_tokens.c.token)

clusters = sa.Table(
    "clusters",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
)

cluster_members = sa.Table(
    "cluster_members",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("cluster_id", sa.String(200), primary_key=True),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("added_at", sa.Float, nullable=False),
    sa.ForeignKeyConstraint(
        ["brand_id", "cluster_id"], ["clusters.brand_id", "clusters.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(
        ["brand_id", "user_id"], ["users.brand_id", "users.id"], ondelete="CASCADE"
    ),
)
sa.Index("ix_cluster_members_user", cluster_members.c.brand_id, cluster_members.c.user_id)

templates = sa.Table(
    "templates",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False, server_default=""),
    # A well-known message type (welcome, logininfo, forgottenpassword) or "".
    sa.Column("message_type", sa.String(32), nullable=False, server_default=""),
    # JSON: the default content, locale variants and attachments.
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
# At most one template per message type and brand.
sa.Index(
    "ux_templates_message_type",
    templates.c.brand_id,
    templates.c.message_type,
    unique=True,
    sqlite_where=templates.c.message_type != "",
    postgresql_where=templates.c.message_type != "",
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("brand_id", sa.String(200), primary_key=True),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False, server_default=""),
    sa.Column("channels", sa.Text, nullable=False),  # JSON list of channel names
    sa.Column("template_id", sa.String(200), nullable=False, server_default=""),
    # JSON: subject, body, body_html, data (when there is no template).
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
)

# One send of a campaign (seed 004); its deliveries are those of the request
# with the same id (requests.kind = "campaign").
campaign_sends = sa.Table(
    "campaign_sends",
    metadata,
    sa.Column("id", sa.String(32), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("brand_id", sa.String(200), nullable=False),
    sa.Column("campaign_id", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # queued|sending|completed|cancelled
    sa.Column("total_recipients", sa.Integer, nullable=False, server_default="0"),
    sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("cancelled", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float, nullable=True),
    sa.Column("completed_at", sa.Float, nullable=True),
    sa.ForeignKeyConstraint(["brand_id", "campaign_id"], ["campaigns.brand_id", "campaigns.id"]),
)
# A campaign is sent once.
sa.Index(
    "ux_campaign_sends_campaign",
    campaign_sends.c.brand_id,
    campaign_sends.c.campaign_id,
    unique=True,
)
# The inbox by user and state (unread counts, unread-only listings).
sa.Index("ix_inbox_user_state", inbox_messages.c.user_id, inbox_messages.c.state)
# WatchInbox's re-read: messages added, and states changed, since a moment
# (the second index is partial: a message never marked costs it nothing).
sa.Index("ix_inbox_user_created", inbox_messages.c.user_id, inbox_messages.c.created_at)
sa.Index(
    "ix_inbox_user_updated",
    inbox_messages.c.user_id,
    inbox_messages.c.updated_at,
    sqlite_where=inbox_messages.c.updated_at.isnot(None),
    postgresql_where=inbox_messages.c.updated_at.isnot(None),
)

# API keys (auth/api_keys.py): the key itself is shown once; only a SHA-256 of
# its secret part is kept. Scopes and roles are space-separated names.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # the key's public prefix id
    sa.Column("name", sa.Text, nullable=False, server_default=""),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("scopes", sa.Text, nullable=False, server_default=""),
    sa.Column("roles", sa.Text, nullable=False, server_default=""),
    sa.Column("brand_id", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float, nullable=True),
)
