"""The stakeholder update, as the war room's composer and `warroom update` both make it (one
draft: the composer asks for this one)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.model import Event, EventKind
from warroom.domain.room import RoomState
from warroom.domain.updates import UpdateContext, compose_update

if TYPE_CHECKING:
    from warroom.store import Store

# Events the draft reads since the last update; it summarises the newest of them.
DRAFT_EVENTS = 2000


def draft_update(store: Store, state: RoomState, schedule: UpdateSchedule, tz: tzinfo) -> str:
    """The pre-filled update: what changed since the last one, and when the next is due."""
    since = state.last_update
    cursor = (since.occurred_at, since.id) if since else None
    events = store.events_after(state.incident.id, cursor, limit=DRAFT_EVENTS)
    now = store.clock.now()
    # The deadline this update sets: one cadence from now.
    due = schedule.due_after(state.incident.severity, now, tz)
    report = store.postmortem(state.incident.id)  # the impact, when someone has written it
    context = UpdateContext(
        state.incident,
        since.occurred_at if since else None,
        events,
        state.action_items,
        due,
        now,
        users_affected=report.users_affected,
        revenue_impact=report.revenue_impact,
    )
    return compose_update(context, tz)


def post_update(store: Store, incident_id: int, text: str, *, actor: str) -> Event:
    """Recorded in the timeline (kind `update`); it restarts the update countdown."""
    return store.log_event(incident_id, text, actor=actor, kind=EventKind.UPDATE)
