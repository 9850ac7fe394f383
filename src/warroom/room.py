"""What a war room shows, apart from its timeline: read in one go, from the store or from the
quick first-screen read (store/preview.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.model import ActionItem, Event, EventKind, Incident, RoleAssignment, SeverityChange

if TYPE_CHECKING:
    from warroom.store import Store

FIRST_PAGE = 60  # events the timeline opens with, the newest: more than a tall terminal shows


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
