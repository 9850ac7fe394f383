"""How the response went, measured from the milestones and the timeline (PRODUCT.md §2).

- Time to acknowledge, mitigate and resolve: from detection to each milestone.
- Time spent at each severity: from each severity change to the next, the last one running until
  resolution (or now, while the incident is active).
- The response target: `cadence.response_status`, as the war room shows it.
- The update cadence, replayed: the clock starts at detection and restarts at every posted
  update (an event of kind `update`) and every severity change, exactly as the war room's
  countdown does. Each time the clock restarts (or the incident ends) after the update was due,
  that deadline was missed: an update posted late, or none posted at all before a severity
  change restarted the clock or the incident was resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from warroom.domain.cadence import ResponseStatus, UpdateSchedule, response_status
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import Incident, SeverityChange


@dataclass(frozen=True, slots=True)
class LateUpdate:
    """A stakeholder-update deadline that passed before an update was posted."""

    level: int  # the severity whose cadence set the deadline
    due: datetime
    posted_at: datetime | None  # None: no update came before the clock restarted or it ended
    late_by: timedelta


@dataclass(frozen=True, slots=True)
class Metrics:
    time_to_acknowledge: timedelta | None  # None: the milestone was not recorded
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None
    time_in_severity: tuple[tuple[int, timedelta], ...]  # (level, time), most severe first
    response: ResponseStatus
    updates_posted: int
    late_updates: tuple[LateUpdate, ...]

    @property
    def cadence_kept(self) -> bool:
        return not self.late_updates

    @property
    def worst_late_by(self) -> timedelta | None:
        return max((late.late_by for late in self.late_updates), default=None)


def compute_metrics(
    incident: Incident,
    changes: Sequence[SeverityChange],
    update_times: Iterable[datetime],
    schedule: UpdateSchedule,
    tz: tzinfo,
    now: datetime,
) -> Metrics:
    detected = incident.detected_at
    end = incident.resolved_at or now
    updates = sorted(update_times)
    return Metrics(
        time_to_acknowledge=_since(detected, incident.milestones.get(Milestone.ACKNOWLEDGED)),
        time_to_mitigate=_since(detected, incident.milestones.get(Milestone.MITIGATED)),
        time_to_resolve=_since(detected, incident.resolved_at),
        time_in_severity=time_in_severity(incident, changes, end),
        response=response_status(incident, changes, now, schedule.standup, tz),
        updates_posted=len(updates),
        late_updates=late_updates(incident, changes, updates, schedule, tz, end),
    )


def _since(start: datetime, moment: datetime | None) -> timedelta | None:
    return None if moment is None else moment - start


def _ordered(changes: Sequence[SeverityChange]) -> list[SeverityChange]:
    return sorted(changes, key=lambda change: change.at)


def _declared_level(incident: Incident, ordered: Sequence[SeverityChange]) -> int:
    if not ordered:
        return incident.severity
    first = ordered[0]
    return first.new if first.old is None else first.old


def time_in_severity(
    incident: Incident, changes: Sequence[SeverityChange], end: datetime
) -> tuple[tuple[int, timedelta], ...]:
    """How long the incident spent at each level it was at, from detection to `end`."""
    ordered = _ordered(changes)
    spent: dict[int, timedelta] = {}
    level = _declared_level(incident, ordered)
    since = incident.detected_at
    for change in ordered:
        if change.old is None:
            continue  # the declaration: already the starting level
        moment = min(max(change.at, since), end)
        spent[level] = spent.get(level, timedelta()) + (moment - since)
        level, since = change.new, moment
    spent[level] = spent.get(level, timedelta()) + max(end - since, timedelta())
    return tuple(sorted(spent.items()))


def late_updates(
    incident: Incident,
    changes: Sequence[SeverityChange],
    updates: Sequence[datetime],
    schedule: UpdateSchedule,
    tz: tzinfo,
    end: datetime,
) -> tuple[LateUpdate, ...]:
    """Replay the update clock from detection to `end` and list every deadline missed."""
    ordered = _ordered(changes)
    # (moment, order, new level or None): at the same instant an update counts before a change.
    restarts: list[tuple[datetime, int, int | None]] = [
        (moment, 0, None) for moment in updates if incident.detected_at <= moment <= end
    ]
    restarts += [
        (change.at, 1, change.new)
        for change in ordered
        if change.old is not None and change.at <= end
    ]
    restarts.sort(key=lambda restart: (restart[0], restart[1]))
    level = _declared_level(incident, ordered)
    reference = incident.detected_at
    missed: list[LateUpdate] = []
    for moment, _order, new_level in restarts:
        due = schedule.due_after(level, reference, tz)
        if moment > due:
            posted = moment if new_level is None else None
            missed.append(LateUpdate(level, due, posted, moment - due))
        reference = max(reference, moment)
        if new_level is not None:
            level = new_level
    due = schedule.due_after(level, reference, tz)
    if end > due:
        missed.append(LateUpdate(level, due, None, end - due))
    return tuple(missed)
