"""The Store: the one object the rest of warroom reads and writes incidents through.

Each aggregate is a class of its own module over the shared transactions (session.py); Store
inherits them all, so callers hold one object and each method lives where its aggregate is.
"""

from __future__ import annotations

from warroom.domain.clock import Clock
from warroom.store.action_items import ActionItems
from warroom.store.alerts import Alerts
from warroom.store.changes import Changes
from warroom.store.drafts import Drafts
from warroom.store.engine import open_engine
from warroom.store.imports import Imports
from warroom.store.incidents import Incidents
from warroom.store.labels import Labels
from warroom.store.people import People
from warroom.store.postmortems import PostMortems
from warroom.store.reports import Reports
from warroom.store.search import Search
from warroom.store.target import resolve_target
from warroom.store.timeline import Timeline


class Store(
    Alerts,
    Incidents,
    Labels,
    Timeline,
    People,
    ActionItems,
    PostMortems,
    Reports,
    Imports,
    Search,
    Changes,
    Drafts,
):
    @classmethod
    def open(cls, location: str, clock: Clock, *, create: bool = True) -> Store:
        """Open (and, with `create`, make) the database at a path or PostgreSQL URL."""
        target = resolve_target(location)
        return cls(open_engine(target, create=create), clock, target)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
