"""What the home screen and the war room share across incidents: the search box and the
services-and-tags dialog. Each runs its store calls on the store thread (`screen.host.call`);
searching never reads more than a page at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from warroom.domain.model import Event, EventKind, Incident
from warroom.domain.search import SearchCursor, SearchHit, SearchKind
from warroom.screens.base import NotDone, OpenIncident, WarroomScreen
from warroom.widgets.timeline import PAGE, Timeline


def search_everywhere(screen: WarroomScreen[Any]) -> None:
    """`/` on the home screen: Enter opens the hit's incident, on its event if it is one."""
    from warroom.screens.dialogs.search import PAGE as HITS
    from warroom.screens.dialogs.search import SearchDialog

    def search(
        text: str, _kind: EventKind | None, after: SearchCursor | None
    ) -> Awaitable[Sequence[SearchHit]]:
        return screen.host.call(lambda store: store.search(text, limit=HITS, after=after))

    def chosen(hit: SearchHit | None) -> None:
        if hit is not None:
            screen.go(OpenIncident(hit.incident_id, event_id=hit.event_id))

    screen.app.push_screen(
        SearchDialog(
            search,
            screen.host.config.tz,
            title="Search every incident",
            blink=screen.host.blink,
        ),
        chosen,
    )


def search_timeline(
    screen: WarroomScreen[Any], incident: Incident, jump: Callable[[int], Awaitable[None]]
) -> None:
    """`/` in the war room: this incident's events, by text and kind; Enter puts the
    timeline's cursor on the event."""
    from warroom.screens.dialogs.search import PAGE as HITS
    from warroom.screens.dialogs.search import SearchDialog

    def search(
        text: str, kind: EventKind | None, after: SearchCursor | None
    ) -> Awaitable[Sequence[SearchHit]]:
        return screen.host.call(
            lambda store: store.search(
                text,
                kinds=[SearchKind.EVENT],
                incident_id=incident.id,
                event_kinds=[kind] if kind is not None else None,
                limit=HITS,
                after=after,
            )
        )

    async def chosen(hit: SearchHit | None) -> None:
        if hit is not None and hit.event_id is not None:
            await jump(hit.event_id)

    screen.app.push_screen(
        SearchDialog(
            search,
            screen.host.config.tz,
            title=f"Search the timeline of {incident.key}",
            in_incident=True,
            blink=screen.host.blink,
        ),
        chosen,
    )


async def show_around(screen: WarroomScreen[Any], timeline: Timeline, event_id: int) -> bool:
    """The window of the timeline around one event, the cursor on it (the incident's, however
    long: two keyset reads of half a page each). False when it is not in the timeline."""
    half = PAGE // 2

    def around(store: Any) -> tuple[Event, list[Event], list[Event]]:
        event = store.get_event(event_id)
        edge = (event.occurred_at, event.id)
        before = store.events_before(event.incident_id, edge, limit=half)
        after = store.events_after(event.incident_id, edge, limit=half)
        return event, before, after

    event, before, after = await screen.host.call(around)
    if event.deleted_at is not None:
        return False
    timeline.show(
        [*before, event, *after],
        has_older=len(before) == half,
        has_newer=len(after) == half,
        select=event.id,
    )
    return True


def edit_labels(
    screen: WarroomScreen[Any], incident: Incident, after: Callable[[], Awaitable[None]]
) -> None:
    """`t`: the incident's services and tags."""
    from warroom.screens.dialogs.labels import Labels, LabelsDialog

    async def save(labels: Labels) -> bool:
        done = await screen.attempt(
            "save the services and tags",
            lambda store: store.set_labels(incident.id, services=labels.services, tags=labels.tags),
        )
        if isinstance(done, NotDone):
            return not done.retry
        await after()
        return True

    screen.app.push_screen(LabelsDialog(incident, blink=screen.host.blink, save=save))
