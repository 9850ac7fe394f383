"""When the next stakeholder update is due, and whether the response target was met.

The next update is due one cadence after the latest of: detection, the last posted update, the
last severity change. A severity change restarts the clock at the new severity's cadence: an
escalation to SEV-1 asks for an update within 30 minutes of escalating, a de-escalation relaxes it.
SEV-4's cadence is the next standup: the first standup time on a standup day strictly after the
reference moment, in the display timezone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from warroom.domain.lifecycle import Milestone
from warroom.domain.model import Incident, SeverityChange
from warroom.domain.severity import SEVERITIES, Cadence, UpdatePolicy

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Standup:
    at: time = time(9, 30)
    days: frozenset[int] = frozenset(range(5))  # Monday is 0

    def next_after(self, moment: datetime, tz: tzinfo) -> datetime:
        """The first standup strictly after `moment`, in UTC."""
        start = moment.astimezone(tz).date()
        for offset in range(8):
            day = start + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            candidate = _local_instant(day, self.at, tz)
            if candidate > moment:
                return candidate
        raise ValueError("standup has no days")

    def next_business_day(self, moment: datetime, tz: tzinfo) -> datetime:
        """The standup on the first standup day after the day of `moment`, in UTC."""
        local = moment.astimezone(tz)
        end_of_day = datetime.combine(local.date(), time.max).replace(tzinfo=tz)
        return self.next_after(end_of_day.astimezone(UTC), tz)


def _local_instant(day: date, at: time, tz: tzinfo) -> datetime:
    # A standup inside a DST gap happens at the same offset as before the gap (fold=0),
    # which lands just after the gap: the meeting happens once, whatever the clocks do.
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class UpdateSchedule:
    """The update policy per severity level, defaults from the policy table, overridable."""

    policies: Mapping[int, UpdatePolicy] = field(
        default_factory=lambda: {level: sev.update for level, sev in SEVERITIES.items()}
    )
    standup: Standup = Standup()

    def due_after(self, level: int, reference: datetime, tz: tzinfo) -> datetime:
        policy = self.policies[level]
        if policy.cadence is Cadence.STANDUP or policy.interval is None:
            return self.standup.next_after(reference, tz)
        return reference + policy.interval


def update_reference(
    incident: Incident, last_update: datetime | None, changes: Sequence[SeverityChange]
) -> datetime:
    """The moment the update clock last restarted."""
    moments = [incident.detected_at]
    if last_update is not None:
        moments.append(last_update)
    moments.extend(change.at for change in changes if change.old is not None)
    return max(moments)


def next_update_due(
    incident: Incident,
    last_update: datetime | None,
    changes: Sequence[SeverityChange],
    schedule: UpdateSchedule,
    tz: tzinfo,
) -> datetime:
    reference = update_reference(incident, last_update, changes)
    return schedule.due_after(incident.severity, reference, tz)


def severity_at(moment: datetime, incident: Incident, changes: Sequence[SeverityChange]) -> int:
    """The severity in force at `moment` (the current one when there is no history)."""
    level = incident.severity
    ordered = sorted(changes, key=lambda change: change.at)
    if ordered:
        level = ordered[0].new if ordered[0].old is None else ordered[0].old
    for change in ordered:
        if change.at <= moment:
            level = change.new
    return level


@dataclass(frozen=True, slots=True)
class ResponseStatus:
    level: int  # the severity whose target applies
    deadline: datetime
    acknowledged_at: datetime | None

    @property
    def met(self) -> bool | None:
        """True/False once acknowledged; None while still open."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at <= self.deadline

    def missed_by(self, now: datetime) -> bool:
        """Whether the target is already missed (acknowledged late, or not yet and past due)."""
        if self.acknowledged_at is None:
            return now > self.deadline
        return self.acknowledged_at > self.deadline


def response_status(
    incident: Incident,
    changes: Sequence[SeverityChange],
    now: datetime,
    standup: Standup,
    tz: tzinfo,
) -> ResponseStatus:
    """The response target: the severity in force when the incident was acknowledged (or now,
    while nobody has) sets how soon after detection someone had to respond."""
    acknowledged = incident.milestones.get(Milestone.ACKNOWLEDGED)
    level = severity_at(acknowledged or now, incident, changes)
    within = SEVERITIES[level].respond_within
    detected = incident.detected_at
    deadline = standup.next_business_day(detected, tz) if within is None else detected + within
    return ResponseStatus(level, deadline, acknowledged)
