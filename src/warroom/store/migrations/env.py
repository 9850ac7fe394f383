"""Alembic environment: warroom runs migrations itself, on the connection it opened."""

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("warroom migrations run through the store, on an open connection")

context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
