"""Reading the pages a timeline asks for, the same for every screen that shows one (the war
room, the post-mortem): the page past an edge of its window, or an end of the incident."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from warroom.domain.model import Event
from warroom.widgets.timeline import PAGE, Timeline

if TYPE_CHECKING:  # (the store loads SQLAlchemy: not before the screen needs it)
    from warroom.store import Store

    # The app's call: `work(store)` on the store thread, awaited.
    Call = Callable[[Callable[[Store], list[Event]]], Awaitable[list[Event]]]


async def read_page(call: Call, incident_id: int, message: Timeline.PageWanted) -> None:
    edge = (message.edge.occurred_at, message.edge.id)
    if message.older:
        events = await call(lambda store: store.events_before(incident_id, edge, limit=PAGE))
    else:
        events = await call(lambda store: store.events_after(incident_id, edge, limit=PAGE))
    message.timeline.add_page(
        events, older=message.older, more=len(events) == PAGE, edge=message.edge
    )


async def read_end(call: Call, incident_id: int, message: Timeline.EndWanted) -> None:
    """The incident's first page, the cursor on its first event; or its newest page, the
    cursor on the newest."""
    timeline = message.timeline
    if message.oldest:
        events = await call(lambda store: store.events_after(incident_id, None, limit=PAGE))
        first = events[0].id if events else None
        timeline.show(events, has_older=False, has_newer=len(events) == PAGE, select=first)
    else:
        events = await call(lambda store: store.events_before(incident_id, None, limit=PAGE))
        timeline.show(events, has_older=len(events) == PAGE, has_newer=False)
