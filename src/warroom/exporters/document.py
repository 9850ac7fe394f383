"""The post-mortem as the lesson's `PostMortem` interface: the structure of the JSON and TOML
exports, and what the importer reads back.

Every interface key is present, camelCase, in the interface's order. Values that are not known
are `null` in JSON (`usersAffected`, `slaBreached`, an action item's `type`, `priority` or
`dueDate`); TOML has no null, so there the key is left out, and the importer reads a missing
key as null. Everything else warroom keeps is under the one extra key `warroom`:

- `incident`: the incident it was exported from (`INC-7`; informational, not imported);
- `services`, `tags`: the incident's services and tags, in order (imported);
- `factorCategories`: the fishbone category of each contributing factor, in order (`People`,
  `Process`, `Technology`, `Environment`, or `""` for none);
- `timeline`: the timeline entries that are not plain notes or are starred, by position:
  `{index, kind, starred}` (every other entry is an unstarred `note`);
- `milestones`: `detected`, `acknowledged`, `mitigated`, `resolved` (ISO 8601 UTC, as every
  time in the document, with its fraction of a second when it has one; a milestone not reached
  is null, or absent in TOML);
- `severityHistory`: `{at, from, to, actor}`, the declaration first (`from` null);
- `roles`: `{role, person, assignedAt, releasedAt}`;
- `liveTasks`: the tasks of the live response, as action items (`actionItems` are the
  post-mortem's follow-ups);
- `metrics`: computed from the rest (exported for readers; recomputed, not imported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.domain.lifecycle import RESPONSE_MILESTONES
from warroom.domain.model import UNKNOWN, ActionItem, EventKind
from warroom.domain.postmortem import Report
from warroom.domain.severity import severity_label

WARROOM_KEY = "warroom"


def to_document(
    report: Report, *, time: Callable[[datetime], object] | None = None
) -> dict[str, Any]:
    """The document; `time` formats timeline times (default: ISO 8601 UTC text)."""
    stamp = time or _iso
    impact = report.impact
    return {
        "id": report.report_id,
        "title": report.title,
        "date": report.date.isoformat(),
        "severity": severity_label(report.severity),
        "incidentCommander": report.commander,
        "authors": list(report.authors),
        "status": report.status.value,
        "summary": report.summary,
        "impact": {
            "duration": impact.duration,
            "usersAffected": None if impact.users_affected is UNKNOWN else impact.users_affected,
            "revenueImpact": impact.revenue_impact,
            "slaBreached": impact.sla_breached,
        },
        "timeline": [
            {"time": stamp(entry.at), "event": entry.text, "actor": entry.actor}
            for entry in report.timeline
        ],
        "rootCause": report.root_cause,
        "contributingFactors": [factor.text for factor in report.contributing_factors],
        "whatWentWell": list(report.what_went_well),
        "whatWentPoorly": list(report.what_went_poorly),
        "luckyBreaks": list(report.lucky_breaks),
        "actionItems": [_action_item(item) for item in report.action_items],
        "fiveWhys": [{"question": why.question, "answer": why.answer} for why in report.five_whys],
        WARROOM_KEY: _warroom(report),
    }


def _action_item(item: ActionItem) -> dict[str, Any]:
    return {
        "description": item.description,
        "type": item.type.value if item.type else None,
        "owner": item.owner,
        "priority": item.priority.value if item.priority else None,
        "dueDate": item.due_date.isoformat() if item.due_date else None,
        "status": item.status.value,
        "jiraTicket": item.ticket,
    }


def _warroom(report: Report) -> dict[str, Any]:
    milestones = report.incident.milestones
    metrics = report.metrics
    return {
        "incident": report.incident.key,
        "services": list(report.incident.services),
        "tags": list(report.incident.tags),
        "factorCategories": [
            factor.category.value if factor.category else ""
            for factor in report.contributing_factors
        ],
        "timeline": [
            {"index": index, "kind": entry.kind.value, "starred": entry.starred}
            for index, entry in enumerate(report.timeline)
            if entry.starred or entry.kind is not EventKind.NOTE
        ],
        "milestones": {
            milestone.value: _iso(milestones[milestone]) if milestone in milestones else None
            for milestone in RESPONSE_MILESTONES
        },
        "severityHistory": [
            {
                "at": _iso(change.at),
                "from": severity_label(change.old) if change.old else None,
                "to": severity_label(change.new),
                "actor": change.actor,
            }
            for change in report.severity_history
        ],
        "roles": [
            {
                "role": role.role.value,
                "person": role.person,
                "assignedAt": _iso(role.assigned_at),
                "releasedAt": _iso(role.released_at) if role.released_at else None,
            }
            for role in report.roles
        ],
        "liveTasks": [_action_item(item) for item in report.live_tasks],
        # The interface's usersAffected is a number: null there, and this says why.
        "usersAffectedUnknown": report.impact.users_affected is UNKNOWN,
        "postmortemNotes": [
            {"at": _iso(note.at), "actor": note.actor, "text": note.text} for note in report.notes
        ],
        "metrics": {
            "timeToAcknowledgeSeconds": _seconds(metrics.time_to_acknowledge),
            "timeToMitigateSeconds": _seconds(metrics.time_to_mitigate),
            "timeToResolveSeconds": _seconds(metrics.time_to_resolve),
            "secondsAtSeverity": {
                severity_label(level): _seconds(spent) for level, spent in metrics.time_in_severity
            },
            "responseTarget": {
                "severity": severity_label(metrics.response.level),
                "deadline": _iso(metrics.response.deadline),
                "met": metrics.response.met,
            },
            "updatesPosted": metrics.updates_posted,
            "lateUpdates": [
                {
                    "severity": severity_label(late.level),
                    "due": _iso(late.due),
                    "postedAt": _iso(late.posted_at) if late.posted_at else None,
                    "lateBySeconds": _seconds(late.late_by),
                }
                for late in metrics.late_updates
            ],
        },
    }


def _iso(moment: datetime) -> str:
    """`2024-03-15T14:15:00Z`, or `2024-03-15T14:15:00.250000Z` for a time with a fraction of a
    second (kept: the importer reads it back). Without strftime: 100,000 of these."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    written = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return written.removesuffix("+00:00") + "Z"


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def without_nulls(value: Any) -> Any:
    """The same structure with every null left out (TOML has no null)."""
    if isinstance(value, Mapping):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value
