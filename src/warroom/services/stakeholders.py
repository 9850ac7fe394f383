"""What the stakeholder page shows of an incident: the banner, the next update, the posted
updates and the public timeline (updates, severity and phase changes: never the responders'
notes, alerts or decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.model import Event, EventKind, Incident
from warroom.domain.room import RoomState, deadline
from warroom.services.room import read_state

if TYPE_CHECKING:
    from warroom.store import Store

PUBLIC_KINDS = frozenset({EventKind.UPDATE, EventKind.SEVERITY, EventKind.PHASE})
PUBLIC_EVENTS = 500  # the newest; an incident's public timeline is seldom more than dozens


@dataclass(frozen=True, slots=True)
class StakeholderView:
    state: RoomState
    due: datetime  # the next update, or once resolved the post-mortem's deadline
    now: datetime
    public_events: tuple[Event, ...]  # in timeline order

    @property
    def incident(self) -> Incident:
        return self.state.incident

    @property
    def updates(self) -> list[Event]:
        """The posted updates, newest first."""
        return [event for event in reversed(self.public_events) if event.kind is EventKind.UPDATE]

    @property
    def overdue_seconds(self) -> int:
        """How late the next update is (0: not yet due, or resolved)."""
        if not self.incident.is_active:
            return 0
        return max(0, int((self.now - self.due).total_seconds()))


def read_stakeholder_view(
    store: Store, incident_id: int, schedule: UpdateSchedule, tz: tzinfo
) -> StakeholderView:
    state = read_state(store, incident_id)
    events = store.events_of_kinds(incident_id, PUBLIC_KINDS, limit=PUBLIC_EVENTS)
    return StakeholderView(state, deadline(state, schedule, tz), store.clock.now(), tuple(events))


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """What `/metrics` reports: the active incidents and how late their updates are, and the
    action items past due."""

    active: tuple[StakeholderView, ...]
    overdue_action_items: int


def read_status(store: Store, schedule: UpdateSchedule, tz: tzinfo) -> ServiceStatus:
    now = store.clock.now()
    today: date = now.astimezone(tz).date()
    active = []
    for incident in store.list_incidents():
        if incident.is_active:
            state = read_state(store, incident.id)
            active.append(StakeholderView(state, deadline(state, schedule, tz), now, ()))
    overdue = store.follow_ups(overdue_on=today)
    return ServiceStatus(tuple(active), len(overdue))
