"""The stakeholder update: a draft of what changed since the last one.

The IC edits the draft and posts it; posting records it in the timeline (kind `update`) and
restarts the update clock. What changed is read from the timeline, where warroom also records
severity changes, lifecycle steps, role changes and action items opened or done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from warroom.domain.model import ActionItem, ActionStatus, Event, EventKind, Incident
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.text import printable
from warroom.domain.timefmt import clock_time_on, date_time, duration

# A flood of alerts should not bury the update: the newest developments, and a count.
MAX_DEVELOPMENTS = 12


@dataclass(frozen=True, slots=True)
class UpdateContext:
    incident: Incident
    since: datetime | None  # the last update, None if this is the first
    events: Sequence[Event]  # timeline events after `since`, oldest first
    action_items: Sequence[ActionItem]
    next_due: datetime  # when the update after this one will be due
    now: datetime


def compose_update(context: UpdateContext, tz: tzinfo) -> str:
    incident = context.incident
    level = SEVERITIES[incident.severity]
    lines = [
        f"[{severity_label(incident.severity)}] {incident.key} {_one_line(incident.title)}",
        f"Status: {incident.status}, {incident.phase.title} "
        f"({duration(context.now - incident.detected_at)} since detection). "
        f"IC: {_one_line(incident.commander or 'unassigned')}.",
        f"Impact: {level.name}: {level.definition.lower()}.",
        "",
        f"Since the last update ({clock_time_on(context.since, tz, context.now)}):"
        if context.since
        else "What we know so far:",
    ]
    news = [event for event in context.events if event.kind is not EventKind.UPDATE]
    if len(news) > MAX_DEVELOPMENTS:
        lines.append(f"- ... {len(news) - MAX_DEVELOPMENTS} earlier events, see the timeline")
        news = news[-MAX_DEVELOPMENTS:]
    lines.extend(
        f"- {clock_time_on(event.occurred_at, tz, context.now)} {_one_line(event.text)}"
        for event in news
    )
    if not news:
        lines.append("- No new developments.")
    still_open = [item for item in context.action_items if item.status is not ActionStatus.DONE]
    if still_open:
        lines += ["", f"Open action items: {len(still_open)}."]
    lines.append("")
    if incident.is_active:
        lines.append(f"Next update by {date_time(context.next_due, tz)}.")
    else:
        lines.append("The incident is resolved; a post-mortem will follow.")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """User text on one line, shown literally: escapes as `\\x1b`, never obeyed."""
    return printable(" ".join(text.split()))
