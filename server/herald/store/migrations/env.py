"""Alembic environment: runs on the connection handed over by herald.store.migrate."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from herald.store.schema import metadata

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Several replicas may start at once: one migrates, the others wait.
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(7250117)"))
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
