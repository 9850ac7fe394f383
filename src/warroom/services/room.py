"""Reading a war room from the store: in one go, and, once it is open, again piece by piece as
the change feed says what others changed (`read_news`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from warroom.domain.model import Event, EventKind
from warroom.domain.room import EVENTS_ONE_BY_ONE, RoomNews, RoomState

if TYPE_CHECKING:
    from warroom.store import Change, Store


def read_state(store: Store, incident_id: int) -> RoomState:
    return RoomState(
        incident=store.get_incident(incident_id),
        severity_changes=tuple(store.severity_changes(incident_id)),
        last_update=store.last_event_of_kind(incident_id, EventKind.UPDATE),
        action_items=tuple(store.action_items(incident_id)),
        roles=tuple(store.roles(incident_id)),
    )


def read_news(
    store: Store, incident_id: int, changes: Sequence[Change], last_update: Event | None
) -> RoomNews:
    """Read again what `changes` name in this incident, and nothing else. `last_update`: the
    stakeholder update shown now (re-read when an update event changed)."""
    mine = [change for change in changes if change.incident_id == incident_id]
    entities = {change.entity for change in mine}
    event_ids = {change.entity_id for change in mine if change.entity == "event"}
    many_events = None in event_ids or len(event_ids) > EVENTS_ONE_BY_ONE
    events = () if many_events else tuple(store.events_by_id(i for i in event_ids if i is not None))
    updates_changed = many_events or any(
        event.kind is EventKind.UPDATE or (last_update is not None and event.id == last_update.id)
        for event in events
    )
    return RoomNews(
        incident=store.get_incident(incident_id) if entities & {"incident", "role"} else None,
        severity_changes=(
            tuple(store.severity_changes(incident_id)) if "incident" in entities else None
        ),
        roles=tuple(store.roles(incident_id)) if "role" in entities else None,
        action_items=(
            tuple(store.action_items(incident_id)) if "action_item" in entities else None
        ),
        updates_changed=updates_changed,
        last_update=(
            store.last_event_of_kind(incident_id, EventKind.UPDATE) if updates_changed else None
        ),
        events=events,
        many_events=many_events,
        presence="presence" in entities,
    )
