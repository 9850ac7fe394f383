"""How the response went, from the milestones and the timeline (`warroom.domain.metrics`)."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from warroom.domain.metrics import Metrics
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.timefmt import clock_time, duration


def _since_detection(delta: timedelta | None) -> Text:
    return Text(duration(delta)) if delta is not None else Text("not recorded", style="dim")


def metrics_table(metrics: Metrics, tz: tzinfo) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("acknowledged", _since_detection(metrics.time_to_acknowledge))
    table.add_row("mitigated", _since_detection(metrics.time_to_mitigate))
    table.add_row("resolved", _since_detection(metrics.time_to_resolve))
    response = metrics.response
    target = SEVERITIES[response.level].response_target
    verdict = {True: "met ✓", False: "missed ✗", None: "no acknowledgement recorded"}[response.met]
    table.add_row("response", Text(f"{severity_label(response.level)} within {target}: {verdict}"))
    updates = Text(f"{metrics.updates_posted} posted")
    if metrics.late_updates:
        worst = metrics.worst_late_by
        count = len(metrics.late_updates)
        updates.append(f" · {count} late (worst +{duration(worst or timedelta())})", style="bold")
        first = metrics.late_updates[0]
        updates.append(f"\nfirst due {clock_time(first.due, tz)}", style="dim")
    elif metrics.updates_posted:
        updates.append(" · cadence kept ✓")
    table.add_row("updates", updates)
    for level, spent in metrics.time_in_severity:
        table.add_row(f"at {severity_label(level)}", Text(duration(spent)))
    return table


class MetricsPanel(Static):
    """Times from detection to each milestone, the response target, the update cadence."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("…", style="dim"), id=id, classes="metrics-panel")
        self.border_title = "Metrics"

    def show(self, metrics: Metrics, tz: tzinfo) -> None:
        self.update(metrics_table(metrics, tz))
