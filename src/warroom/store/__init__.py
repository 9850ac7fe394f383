"""Persistence: SQLModel tables, engine set-up, migrations, queries, the change feed."""

from warroom.store.engine import MissingDatabase, Target, resolve_target
from warroom.store.feed import ChangeFeed
from warroom.store.presence import Heartbeat
from warroom.store.store import (
    HEARTBEAT_INTERVAL,
    PRESENCE_TIMEOUT,
    Change,
    EventCursor,
    NewEvent,
    Store,
)

__all__ = [
    "HEARTBEAT_INTERVAL",
    "PRESENCE_TIMEOUT",
    "Change",
    "ChangeFeed",
    "EventCursor",
    "Heartbeat",
    "MissingDatabase",
    "NewEvent",
    "Store",
    "Target",
    "resolve_target",
]
