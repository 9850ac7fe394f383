"""Alerts that monitoring sends in (PRODUCT.md §9): one timeline event each, deduplicated, routed
to an incident or kept in the inbox until a person declares an incident or attaches them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind

FIRING = "firing"
RESOLVED = "resolved"
ACKNOWLEDGED = "acknowledged"


class AlertSource(Enum):
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    PAGERDUTY = "pagerduty"
    GENERIC = "generic"

    @property
    def title(self) -> str:
        return _SOURCE_TITLES[self]


_SOURCE_TITLES = {
    AlertSource.ALERTMANAGER: "Alertmanager",
    AlertSource.GRAFANA: "Grafana",
    AlertSource.PAGERDUTY: "PagerDuty",
    AlertSource.GENERIC: "webhook",
}


class Route(Enum):
    """How an alert found its incident (or did not)."""

    REQUESTED = "requested"  # `?incident=ID`, or the generic payload's `incident`
    FOLLOWS = "follows"  # an earlier state of the same alert went to that active incident
    SERVICE = "service"  # the one active incident whose services include its `service` label
    INBOX = "inbox"
    ATTACHED = "attached"  # from the inbox, by a person


@dataclass(frozen=True, slots=True)
class IncomingAlert:
    """One alert as a sender described it, before it is stored.

    `occurrence` tells one firing of an alert from a later one with the same fingerprint and
    status (Alertmanager's `startsAt`, PagerDuty's event id): a retry repeats it, a new firing
    does not. None: nothing identifies a retry, so every delivery is stored.
    """

    source: AlertSource
    fingerprint: str
    status: str
    occurrence: str | None
    occurred_at: datetime
    text: str
    actor: str
    service: str = ""
    kind: EventKind = EventKind.ALERT
    incident_id: int | None = None  # the incident the payload itself names
    acknowledges: bool = False  # PagerDuty's acknowledgement: the incident leaves Detection

    @property
    def dedupe_key(self) -> str | None:
        if self.occurrence is None:
            return None
        parts = (self.source.value, self.fingerprint, self.status, self.occurrence)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as stored: in an incident's timeline (`event_id`), or in the inbox."""

    id: int
    source: AlertSource
    fingerprint: str
    status: str
    text: str
    actor: str
    kind: EventKind
    service: str
    occurred_at: datetime
    received_at: datetime
    incident_id: int | None = None
    event_id: int | None = None

    @property
    def key(self) -> str:
        return alert_key(self.id)

    @property
    def in_inbox(self) -> bool:
        return self.incident_id is None


@dataclass(frozen=True, slots=True)
class Receipt:
    """What became of one incoming alert."""

    alert: Alert  # for a duplicate: the alert stored the first time
    duplicate: bool
    route: Route
    acknowledged: bool = False  # it moved its incident from Detection to Triage
    note: str = ""  # why it went where it went, when that needs saying


def alert_key(alert_id: int) -> str:
    return f"AL-{alert_id}"


_ALERT_REF = re.compile(r"^\s*(?:al-?)?(\d{1,18})\s*$", re.IGNORECASE)


def parse_alert_ref(text: str) -> int:
    """`AL-3`, `al-3` or `3` to 3."""
    match = _ALERT_REF.match(text)
    if not match or int(match.group(1)) == 0:
        raise BadInput(f"bad alert id {text!r}: use e.g. AL-1 (warroom inbox)")
    return int(match.group(1))
