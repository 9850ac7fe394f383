"""Persistence: SQLModel tables, engine set-up, migrations, queries, the change feed.

The names below are loaded on first use: `import warroom.store.preview` (the quick read the
first screen is drawn from) must not pay for SQLAlchemy and SQLModel.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warroom.store.changes import Change
    from warroom.store.feed import ChangeFeed
    from warroom.store.people import HEARTBEAT_INTERVAL, PRESENCE_TIMEOUT
    from warroom.store.presence import Heartbeat
    from warroom.store.sqlite_file import MissingDatabase
    from warroom.store.store import Store
    from warroom.store.target import Target, resolve_target
    from warroom.store.timeline import EventCursor, NewEvent

_WHERE = {
    "MissingDatabase": "sqlite_file",
    "Target": "target",
    "resolve_target": "target",
    "ChangeFeed": "feed",
    "Heartbeat": "presence",
    "HEARTBEAT_INTERVAL": "people",
    "PRESENCE_TIMEOUT": "people",
    "Change": "changes",
    "EventCursor": "timeline",
    "NewEvent": "timeline",
    "Store": "store",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'warroom.store' has no attribute {name!r}")
    value = getattr(import_module(f"warroom.store.{module}"), name)
    globals()[name] = value
    return value
