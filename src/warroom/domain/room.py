"""What a war room shows, apart from its timeline: the whole of it (`RoomState`), the first
screen's quick read (`RoomPreview`), and what the change feed said changed (`RoomNews`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from warroom.domain.cadence import UpdateSchedule, next_update_due
from warroom.domain.lifecycle import postmortem_due
from warroom.domain.model import (
    ActionItem,
    Event,
    Incident,
    RoleAssignment,
    SeverityChange,
)

FIRST_PAGE = 60  # events the timeline opens with, the newest: more than a tall terminal shows
# Past incidents the home screen lists at first, after the active ones; more as the cursor
# nears the end (10,000 rows in one table took seconds to lay out).
HOME_PAST_PAGE = 100
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


def deadline(state: RoomState, schedule: UpdateSchedule, tz: tzinfo) -> datetime:
    """What the countdown counts to: the next stakeholder update, or once resolved the
    post-mortem's deadline."""
    incident = state.incident
    if incident.resolved_at is not None:
        return postmortem_due(incident.resolved_at)
    last = state.last_update.occurred_at if state.last_update else None
    return next_update_due(incident, last, state.severity_changes, schedule, tz)


@dataclass(frozen=True, slots=True)
class RoomPreview:
    """Everything the first screen of a war room needs."""

    state: RoomState
    newest_events: Sequence[Event]  # the newest FIRST_PAGE, in timeline order


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
