"""One incident, event or action item as a JSON record: what `--json` prints and the HTTP API
serves, with the export format's camelCase names and values (`SEV-1`, ISO 8601 UTC times,
`YYYY-MM-DD` dates, null for what is not known)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from warroom.domain.alerts import Alert
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import ActionItem, Event, Incident, RoleAssignment, action_key, kind_of
from warroom.domain.severity import severity_label
from warroom.domain.timefmt import iso_utc


def _time(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment is not None else None


def incident_record(incident: Incident) -> dict[str, Any]:
    def at(milestone: Milestone) -> str | None:
        return _time(incident.milestones.get(milestone))

    return {
        "id": incident.key,
        "title": incident.title,
        "severity": severity_label(incident.severity),
        "status": incident.status,
        "step": incident.phase.value,
        "commander": incident.commander,
        "detectedAt": at(Milestone.DETECTED),
        "acknowledgedAt": at(Milestone.ACKNOWLEDGED),
        "mitigatedAt": at(Milestone.MITIGATED),
        "resolvedAt": at(Milestone.RESOLVED),
        "services": list(incident.services),
        "tags": list(incident.tags),
    }


def event_record(event: Event, incident: Incident | None = None) -> dict[str, Any]:
    """As the export's timeline entry (`time`, `event`, `actor`), with what warroom keeps."""
    return {
        "id": event.key,
        "incident": incident.key if incident is not None else f"INC-{event.incident_id}",
        "time": iso_utc(event.occurred_at),
        "event": event.text,
        "actor": event.actor,
        "kind": event.kind.value,
        "recordedAt": iso_utc(event.recorded_at),
        "editedAt": _time(event.edited_at),
        "starred": event.starred,
        "hidden": event.hidden,
    }


def action_item_record(item: ActionItem, incident_key: str) -> dict[str, Any]:
    """As the export's action item, with its id and incident."""
    return {
        "id": action_key(item.id),
        "incident": incident_key,
        "description": item.description,
        "type": item.type.value if item.type else None,
        "owner": item.owner or None,
        "priority": item.priority.value if item.priority else None,
        "dueDate": item.due_date.isoformat() if item.due_date else None,
        "status": item.status.value,
        "jiraTicket": item.ticket or None,
        "kind": kind_of(item),
    }


def role_records(roles: Sequence[RoleAssignment]) -> list[dict[str, Any]]:
    return [
        {
            "role": role.role.value,
            "person": role.person,
            "assignedAt": iso_utc(role.assigned_at),
            "releasedAt": _time(role.released_at),
        }
        for role in roles
    ]


def alert_record(alert: Alert) -> dict[str, Any]:
    """An alert a hook received (in the inbox while `incident` is null)."""
    return {
        "id": alert.key,
        "source": alert.source.value,
        "status": alert.status,
        "fingerprint": alert.fingerprint,
        "service": alert.service or None,
        "time": iso_utc(alert.occurred_at),
        "event": alert.text,
        "actor": alert.actor,
        "kind": alert.kind.value,
        "receivedAt": iso_utc(alert.received_at),
        "incident": f"INC-{alert.incident_id}" if alert.incident_id is not None else None,
        "eventId": f"EV-{alert.event_id}" if alert.event_id is not None else None,
    }
