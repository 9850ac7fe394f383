"""Reading the webhook payloads alerts arrive in: Alertmanager's (Grafana sends the same
format), PagerDuty's v3 webhooks, and warroom's own generic one.

Each reader takes the decoded JSON and returns the alerts it describes, or raises BadPayload
naming the first thing wrong by its path (`alerts[2].labels`): a payload is taken whole or
not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from warroom.domain.alerts import ACKNOWLEDGED, FIRING, RESOLVED, AlertSource, IncomingAlert
from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind, parse_incident_ref
from warroom.domain.timeparse import parse_time

# The generic hook takes these kinds; warroom records severity, phase and role events itself.
GENERIC_KINDS = (
    EventKind.ALERT,
    EventKind.NOTE,
    EventKind.ACTION,
    EventKind.DECISION,
    EventKind.UPDATE,
)
GENERIC_KEYS = ("incident", "text", "kind", "actor", "at", "fingerprint", "status", "service")
# Alertmanager's "no end yet": the zero time of Go.
_NOT_ENDED_BEFORE_YEAR = 2


class BadPayload(BadInput):
    """A payload that does not have the sender's documented shape."""


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadPayload(f"{path}: must be a JSON object")
    return value


def _text(value: Any, path: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadPayload(f"{path}: must be {'a non-empty' if required else 'a'} string")
    return value


def _labels(value: Any, path: str) -> dict[str, str]:
    if value is None:
        return {}
    labels = _object(value, path)
    for name, label in labels.items():
        if not isinstance(label, str):
            raise BadPayload(f"{path}.{name}: must be a string")
    return dict(labels)


def _instant(value: Any, path: str) -> datetime:
    """An RFC 3339 time (Go writes nanoseconds; Python keeps microseconds)."""
    text = _text(value, path, required=True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadPayload(f"{path}: must be an RFC 3339 time (not {text!r})") from None
    if moment.utcoffset() is None:
        raise BadPayload(f"{path}: must have a timezone offset (not {text!r})")
    return moment.astimezone(UTC)


def _not_after(moment: datetime, now: datetime) -> datetime:
    """A sender's clock ahead of ours: the alert happened at the latest now."""
    return min(moment, now)


# ---- Alertmanager (and Grafana) -----------------------------------------------------------


def parse_alertmanager(
    payload: Any, now: datetime, source: AlertSource = AlertSource.ALERTMANAGER
) -> list[IncomingAlert]:
    """Alertmanager's webhook format, version 4: one alert per entry of `alerts`."""
    body = _object(payload, "payload")
    alerts = body.get("alerts")
    if not isinstance(alerts, list):
        raise BadPayload("alerts: must be a JSON array")
    common = _labels(body.get("commonAnnotations"), "commonAnnotations")
    return [
        _alertmanager_alert(entry, f"alerts[{index}]", common, now, source)
        for index, entry in enumerate(alerts)
    ]


def _alertmanager_alert(
    value: Any, path: str, common: Mapping[str, str], now: datetime, source: AlertSource
) -> IncomingAlert:
    alert = _object(value, path)
    status = _text(alert.get("status"), f"{path}.status", required=True)
    if status not in (FIRING, RESOLVED):
        raise BadPayload(f"{path}.status: must be firing or resolved (not {status!r})")
    labels = _labels(alert.get("labels"), f"{path}.labels")
    annotations = _labels(alert.get("annotations"), f"{path}.annotations")
    starts = _instant(alert.get("startsAt"), f"{path}.startsAt")
    ends = (
        _instant(alert.get("endsAt"), f"{path}.endsAt") if alert.get("endsAt") is not None else None
    )
    if ends is not None and ends.year < _NOT_ENDED_BEFORE_YEAR:
        ends = None
    fingerprint = _text(alert.get("fingerprint"), f"{path}.fingerprint") or _label_fingerprint(
        labels
    )
    name = labels.get("alertname") or "alert"
    summary = (
        annotations.get("summary")
        or annotations.get("description")
        or annotations.get("message")
        or common.get("summary")
        or common.get("description")
        or ""
    )
    happened = ends if status == RESOLVED and ends is not None else starts
    if status == RESOLVED and ends is None:
        happened = now
    text = f"{status.upper()}: {name}" + (f" — {summary}" if summary.strip() else "")
    return IncomingAlert(
        source=source,
        fingerprint=fingerprint,
        status=status,
        occurrence=starts.isoformat(),
        occurred_at=_not_after(happened, now),
        text=text,
        actor=source.title,
        service=labels.get("service", ""),
    )


def _label_fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanagers before 0.19 sent no fingerprint: the label set is the alert's identity."""
    canonical = "\x1f".join(f"{name}\x1e{labels[name]}" for name in sorted(labels))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# ---- PagerDuty v3 -------------------------------------------------------------------------


def parse_pagerduty(payload: Any, now: datetime) -> list[IncomingAlert]:
    """A v3 webhook: one event; only incident events become alerts (a `pagey.ping` when the
    subscription is made, or a service change, is answered and kept nowhere)."""
    body = _object(payload, "payload")
    event = _object(body.get("event"), "event")
    event_type = _text(event.get("event_type"), "event.event_type", required=True)
    event_id = _text(event.get("id"), "event.id", required=True)
    if not event_type.startswith("incident."):
        return []
    data = _object(event.get("data"), "event.data")
    # Notes, status updates and responders carry their incident as a reference.
    incident = (
        _object(data.get("incident"), "event.data.incident")
        if "incident" in data and data.get("type") != "incident"
        else data
    )
    incident_path = "event.data" if incident is data else "event.data.incident"
    pd_id = _text(incident.get("id"), f"{incident_path}.id", required=True)
    title = _text(incident.get("title"), f"{incident_path}.title") or _text(
        incident.get("summary"), f"{incident_path}.summary"
    )
    number = incident.get("number")
    name = f"PagerDuty #{number}" if isinstance(number, int) else f"PagerDuty {pd_id}"
    agent = event.get("agent")
    by = agent.get("summary") if isinstance(agent, dict) else None
    change = event_type.removeprefix("incident.")
    status = {"triggered": FIRING, "reopened": FIRING, "acknowledged": ACKNOWLEDGED}.get(
        change, change
    )
    detail = title
    if change == "annotated":
        detail = _text(data.get("content"), "event.data.content")
    elif change == "status_update_published":
        detail = _text(data.get("message"), "event.data.message")
    what = change.replace("_", " ").replace(".", " ")
    text = f"{name} {what}" + (f" by {by}" if isinstance(by, str) and by else "")
    text += f": {detail}" if detail.strip() else ""
    service = data.get("service") if incident is data else None
    return [
        IncomingAlert(
            source=AlertSource.PAGERDUTY,
            fingerprint=pd_id,
            status=status,
            occurrence=event_id,
            occurred_at=_not_after(_instant(event.get("occurred_at"), "event.occurred_at"), now),
            text=text,
            actor=AlertSource.PAGERDUTY.title,
            service=service.get("summary", "") if isinstance(service, dict) else "",
            acknowledges=change == "acknowledged",
        )
    ]


# ---- warroom's generic hook ---------------------------------------------------------------


def parse_generic(payload: Any, now: datetime, tz: tzinfo) -> list[IncomingAlert]:
    """`{"incident", "text", "kind", "actor", "at"}`, `text` required; optionally `service`
    (for routing), and `fingerprint` and `status` to deduplicate like an alert. Without a
    fingerprint, a payload with `at` is deduplicated whole (a retry repeats its time); one
    without `at` happened when it arrived, and each is stored."""
    body = _object(payload, "payload")
    unknown = sorted(set(body) - set(GENERIC_KEYS))
    if unknown:
        raise BadPayload(
            f"{unknown[0]}: unknown key (the generic hook takes {', '.join(GENERIC_KEYS)})"
        )
    text = _text(body.get("text"), "text", required=True)
    kind = EventKind.ALERT
    if body.get("kind") is not None:
        name = _text(body.get("kind"), "kind", required=True)
        try:
            kind = EventKind(name.strip().lower())
        except ValueError:
            kind = EventKind.SEVERITY  # refused below, with the kinds it may be
        if kind not in GENERIC_KINDS:
            names = ", ".join(k.value for k in GENERIC_KINDS)
            raise BadPayload(f"kind: must be one of {names} (not {name!r})")
    incident_id = None
    if body.get("incident") is not None:
        reference = body["incident"]
        if isinstance(reference, bool) or not isinstance(reference, str | int):
            raise BadPayload("incident: must be an incident id such as INC-7")
        try:
            incident_id = parse_incident_ref(str(reference))
        except BadInput as error:
            raise BadPayload(f"incident: {error}") from None
    at = None
    if body.get("at") is not None:
        try:
            at = parse_time(_text(body.get("at"), "at", required=True), now, tz)
        except BadPayload:
            raise
        except BadInput as error:
            raise BadPayload(f"at: {error}") from None
    actor = _text(body.get("actor"), "actor") or AlertSource.GENERIC.title
    status = _text(body.get("status"), "status") or FIRING
    fingerprint = _text(body.get("fingerprint"), "fingerprint")
    occurrence: str | None = None
    if fingerprint:
        occurrence = at.isoformat() if at is not None else ""
    elif at is not None:
        canonical = "\x1f".join(
            (str(incident_id or ""), text, kind.value, actor, at.isoformat(), status)
        )
        fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
        occurrence = at.isoformat()
    return [
        IncomingAlert(
            source=AlertSource.GENERIC,
            fingerprint=fingerprint,
            status=status,
            occurrence=occurrence,
            occurred_at=at or now,
            text=text,
            actor=actor,
            service=_text(body.get("service"), "service"),
            kind=kind,
            incident_id=incident_id,
        )
    ]
