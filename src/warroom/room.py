"""What a war room shows, apart from its timeline: read in one go, from the store or from the
quick first-screen read (store/preview.py); and, once it is open, read again piece by piece as
the change feed says what others changed (`read_news`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from warroom.model import ActionItem, Event, EventKind, Incident, RoleAssignment, SeverityChange

if TYPE_CHECKING:
    from warroom.store import Change, Store

FIRST_PAGE = 60  # events the timeline opens with, the newest: more than a tall terminal shows
# More changed events than this in one batch of news (an alert flood): the timeline reads its
# newest window again rather than each event.
EVENTS_ONE_BY_ONE = 100


@dataclass(frozen=True, slots=True)
class RoomState:
    incident: Incident
    severity_changes: tuple[SeverityChange, ...]
    last_update: Event | None
    action_items: tuple[ActionItem, ...]
    roles: tuple[RoleAssignment, ...]


@dataclass(frozen=True, slots=True)
class RoomPreview:
    """Everything the first screen of a war room needs."""

    state: RoomState
    newest_events: Sequence[Event]  # the newest FIRST_PAGE, in timeline order


def read_state(store: Store, incident_id: int) -> RoomState:
    return RoomState(
        incident=store.get_incident(incident_id),
        severity_changes=tuple(store.severity_changes(incident_id)),
        last_update=store.last_event_of_kind(incident_id, EventKind.UPDATE),
        action_items=tuple(store.action_items(incident_id)),
        roles=tuple(store.roles(incident_id)),
    )


@dataclass(frozen=True, slots=True)
class RoomNews:
    """What the change feed said changed in one war room, read again. A part that did not
    change is None (or False)."""

    incident: Incident | None = None
    severity_changes: tuple[SeverityChange, ...] | None = None
    roles: tuple[RoleAssignment, ...] | None = None
    action_items: tuple[ActionItem, ...] | None = None
    updates_changed: bool = False  # then `last_update` is the latest stakeholder update
    last_update: Event | None = None
    events: tuple[Event, ...] = ()  # changed events (deleted ones too), in timeline order
    many_events: bool = False  # too many (or unnamed) events changed: read the window again
    presence: bool = False  # someone opened or closed the war room

    def applied_to(self, state: RoomState) -> RoomState:
        return replace(
            state,
            incident=self.incident or state.incident,
            severity_changes=(
                state.severity_changes if self.severity_changes is None else self.severity_changes
            ),
            roles=state.roles if self.roles is None else self.roles,
            action_items=state.action_items if self.action_items is None else self.action_items,
            last_update=self.last_update if self.updates_changed else state.last_update,
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
