"""Persistence: SQLModel tables, engine set-up, migrations, queries, the change feed."""

from warroom.store.engine import MissingDatabase, Target, resolve_target
from warroom.store.store import Change, EventCursor, Store

__all__ = ["Change", "EventCursor", "MissingDatabase", "Store", "Target", "resolve_target"]
