"""`GET /metrics` in Prometheus' text format: what an alerting rule needs to page the IC whose
stakeholder update is late."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from warroom.domain.severity import SEVERITIES, severity_label
from warroom.services.stakeholders import ServiceStatus

# The classic text format, which every Prometheus reads (the names here need no escaping).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Snapshot(Collector):
    """The status read for one scrape (a registry per scrape: nothing is kept between)."""

    def __init__(self, status: ServiceStatus) -> None:
        self._status = status

    def collect(self) -> Iterator[Metric]:
        active = GaugeMetricFamily(
            "warroom_incidents_active", "Active (unresolved) incidents", labels=["severity"]
        )
        for level in SEVERITIES:
            count = sum(view.incident.severity == level for view in self._status.active)
            active.add_metric([severity_label(level)], count)
        yield active
        overdue = GaugeMetricFamily(
            "warroom_update_overdue_seconds",
            "Seconds the next stakeholder update is overdue (0 while not yet due), "
            "per active incident",
            labels=["incident", "severity"],
        )
        for view in self._status.active:
            overdue.add_metric(
                [view.incident.key, severity_label(view.incident.severity)],
                view.overdue_seconds,
            )
        yield overdue
        yield GaugeMetricFamily(
            "warroom_action_items_overdue",
            "Action items past their due date and not done, across incidents",
            value=self._status.overdue_action_items,
        )


def render_metrics(status: ServiceStatus) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(status))
    return generate_latest(registry)
