"""Alerts in and out of the inbox: receiving a hook's alerts (with service routing), and
declaring an incident from inbox alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from warroom.domain.alerts import IncomingAlert, Receipt
from warroom.domain.errors import BadInput
from warroom.domain.model import Incident

if TYPE_CHECKING:
    from warroom.store import Store

# Which active incidents list each of these services (by default: the incidents' own services,
# `route_by_service`).
ServiceRouter = Callable[["Store", frozenset[str]], Mapping[str, Sequence[int]]]


def route_by_service(store: Store, services: frozenset[str]) -> Mapping[str, Sequence[int]]:
    """The active incidents whose services name each of these (case aside)."""
    return store.active_incidents_by_service(services)


def receive(
    store: Store,
    alerts: Sequence[IncomingAlert],
    *,
    incident_id: int | None = None,
    service_router: ServiceRouter | None = None,
) -> list[Receipt]:
    """Store a hook's alerts (all or none), each routed: `incident_id`, else the incident an
    earlier state of the alert went to, else the one active incident of its service (by
    `service_router`, else the incidents' services), else the inbox."""
    services = frozenset(alert.service for alert in alerts if alert.service)
    router = service_router or route_by_service
    by_service = router(store, services) if services else {}
    return store.receive_alerts(alerts, incident_id=incident_id, service_incidents=by_service)


def declare_from_alerts(
    store: Store,
    alert_ids: Iterable[int],
    *,
    title: str | None,
    severity: int,
    commander: str,
    actor: str,
) -> tuple[Incident, list[Receipt]]:
    """A new incident for inbox alerts: detected when the first of them happened, titled after
    it unless `title` says otherwise, the alerts in its timeline."""
    alerts = store.get_alerts(alert_ids)
    taken = [alert.key for alert in alerts if not alert.in_inbox]
    if taken:
        raise BadInput(
            f"{', '.join(taken)} already in an incident: warroom inbox attach moves none"
        )
    first = min(alerts, key=lambda alert: (alert.occurred_at, alert.id))
    incident = store.create_incident(
        title if title is not None else first.text,
        severity,
        commander=commander,
        actor=actor,
        detected_at=first.occurred_at,
    )
    return incident, store.attach_alerts(incident.id, [alert.id for alert in alerts])
