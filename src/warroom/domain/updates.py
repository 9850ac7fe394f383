"""The stakeholder update: a draft of what changed since the last one.

The IC edits the draft and posts it; posting records it in the timeline (kind `update`) and
restarts the update clock. What changed is read from the timeline, where warroom also records
severity changes, lifecycle steps, role changes and action items opened or done.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from warroom.domain.model import ActionItem, ActionType, Event, EventKind, Incident, Unknown
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.text import printable
from warroom.domain.timefmt import clock_time_on, date_time, duration

# The words a stakeholder reads the update's heading in, by audience.
_TO = {
    "exec team": "Update to the exec team",
    "stakeholders": "Update to stakeholders",
    "daily update": "Daily update",
    "standup": "Update for the standup",
}
# Events that are news to stakeholders, whatever their text: what was done and decided, the
# severity, the step. Notes and alerts are the responders' own (counted, not listed); role
# changes and board moves are the war room's housekeeping.
_NEWS_KINDS = frozenset({EventKind.SEVERITY, EventKind.PHASE, EventKind.DECISION, EventKind.ACTION})
# warroom's records of the board: "Action item opened: ...", "... in progress: ...", ...
_BOARD = re.compile(r"^Action item (opened|in progress|done|reopened): (.*)$", re.DOTALL)
_MITIGATION_VERBS = {
    "opened": "Mitigation planned",
    "in progress": "Mitigation under way",
    "done": "Mitigation in place",
    "reopened": "Mitigation reopened",
}
# A time to resolution someone gave ("ETA 15:30 for the fix"): stakeholders want it.
_ETA = re.compile(r"\bETA\b", re.IGNORECASE)


def update_heading(level: int) -> str:
    """`Update to the exec team`: the composer's title, for the severity's audience."""
    audience = SEVERITIES[level].audience
    return _TO.get(audience, f"Update to {audience}")


@dataclass(frozen=True, slots=True)
class UpdateContext:
    incident: Incident
    since: datetime | None  # the last update, None if this is the first
    events: Sequence[Event]  # timeline events after `since`, oldest first
    action_items: Sequence[ActionItem]
    next_due: datetime  # when the update after this one will be due
    now: datetime
    users_affected: int | Unknown | None = None  # as the post-mortem records them, if it does
    revenue_impact: str = ""


def compose_update(context: UpdateContext, tz: tzinfo) -> str:
    incident, now = context.incident, context.now
    level = SEVERITIES[incident.severity]
    detected = incident.detected_at
    # The title says what users see (it heads the update); the impact line says how long, and
    # how many, once someone knows.
    since = f"{clock_time_on(detected, tz, now)} {_zone(detected, tz)}"
    if incident.resolved_at is None:
        impact = f"ongoing for {duration(now - detected)} (since {since})"
    else:
        impact = f"lasted {duration(incident.resolved_at - detected)} (from {since})"
    if isinstance(context.users_affected, int):
        impact += f"; {context.users_affected:,} users affected"
    if context.revenue_impact.strip():
        impact += f"; revenue: {_one_line(context.revenue_impact)}"
    lines = [
        f"[{severity_label(incident.severity)}] {incident.key} {_one_line(incident.title)}",
        f"Impact: {impact}.",
        f"Status: {_status(incident)}, at {level.label} ({level.name}). "
        f"IC: {_one_line(incident.commander or 'unassigned')}.",
        "",
        f"Since the last update ({clock_time_on(context.since, tz, now)}):"
        if context.since
        else "What we know so far:",
    ]
    mitigations = {
        item.description for item in context.action_items if item.type is ActionType.MITIGATE
    }
    news: list[str] = []
    chatter = {EventKind.NOTE: 0, EventKind.ALERT: 0}
    for event in context.events:
        line = _news(event, mitigations)
        if line is not None:
            news.append(f"- {clock_time_on(event.occurred_at, tz, now)} {line}")
        elif event.kind in chatter:
            chatter[event.kind] += 1
    lines.extend(news)
    logged = _counted(chatter)
    if not news:
        lines.append(
            f"- No change yet; the team is working on it ({logged} logged)."
            if logged
            else "- No new developments."
        )
    elif logged:
        lines.append(f"- Also {logged} logged by the team.")
    lines.append("")
    if incident.is_active:
        lines.append(f"Next update by {date_time(context.next_due, tz)}.")
    else:
        lines.append("The incident is resolved; a post-mortem will follow.")
    return "\n".join(lines)


def _news(event: Event, mitigations: set[str]) -> str | None:
    """The event as a line of the update, or None when it is not news to stakeholders."""
    text = _one_line(event.text)
    if event.kind is EventKind.ACTION:
        board = _BOARD.match(event.text)
        if board is not None:  # the board's own record: news only for a mitigation
            verb, description = board.groups()
            if description not in mitigations:
                return None
            return f"{_MITIGATION_VERBS[verb]}: {_one_line(description)}"
    if event.kind is EventKind.DECISION:
        return f"Decided: {text}"
    if event.kind in _NEWS_KINDS or (event.kind is not EventKind.UPDATE and _ETA.search(text)):
        return text
    return None


def _status(incident: Incident) -> str:
    if incident.withdrawn:
        return "withdrawn"
    if incident.resolved_at is not None:
        return "resolved"
    return incident.phase.title


def _counted(chatter: dict[EventKind, int]) -> str:
    parts = [
        f"{count} {kind.value}{'s' if count != 1 else ''}"
        for kind, count in chatter.items()
        if count
    ]
    return " and ".join(parts)


def _zone(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Z")


def _one_line(text: str) -> str:
    """User text on one line, shown literally: escapes as `\\x1b`, never obeyed."""
    return printable(" ".join(text.split()))
