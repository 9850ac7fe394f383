"""Persistence: SQLModel tables, engine set-up, migrations, queries, the change feed."""

from warroom.store.engine import MissingDatabase, Target, resolve_target
from warroom.store.store import Change, EventCursor, NewEvent, Store

__all__ = [
    "Change",
    "EventCursor",
    "MissingDatabase",
    "NewEvent",
    "Store",
    "Target",
    "resolve_target",
]
