"""The severity banner: what is on fire, how badly, who leads, for how long, where we stand."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from warroom.cadence import ResponseStatus
from warroom.lifecycle import PHASES, Phase
from warroom.model import Incident
from warroom.severity import SEVERITIES
from warroom.text import one_line
from warroom.timefmt import duration

_SHORT_PHASE = {
    Phase.DETECTION: "Det",
    Phase.TRIAGE: "Tri",
    Phase.COMMUNICATION: "Com",
    Phase.INVESTIGATION: "Inv",
    Phase.MITIGATION: "Mit",
    Phase.RESOLUTION: "Res",
    Phase.POSTMORTEM: "PM",
}


class SeverityBanner(Widget):
    """Three lines in the severity's colour (a CSS class per level). The screen owns the data."""

    incident: reactive[Incident | None] = reactive(None)
    response: reactive[ResponseStatus | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)

    def watch_incident(self, incident: Incident | None) -> None:
        for level in SEVERITIES:
            self.set_class(incident is not None and incident.severity == level, f"sev-{level}")
        self.set_class(incident is not None and not incident.is_active, "-resolved")

    def render(self) -> Text:
        incident, now = self.incident, self.now
        if incident is None or now is None:
            return Text(" Opening the war room…")
        width = self.size.width
        level = SEVERITIES[incident.severity]
        head = Text()
        head.append(f" {level.label} {level.name.upper()} ", style="bold reverse")
        head.append(f"  {incident.key} ", style="bold")
        head.append(one_line(incident.title), style="bold")
        elapsed = (incident.resolved_at or now) - incident.detected_at
        tail = Text(f"IC {one_line(incident.commander or 'unassigned')}  ")
        tail.append(
            f"{'lasted' if incident.resolved_at else 'elapsed'} {duration(elapsed)} ",
            style="bold",
        )
        facts = Text(f" respond within {level.response_target}")
        facts.append_text(self._response_mark(now))
        facts.append(f"  ·  {level.definition}")
        banner = Text("\n").join(
            [_spread(head, tail, width), facts, _lifecycle_strip(incident.phase, width)]
        )
        banner.no_wrap = True
        banner.overflow = "ellipsis"
        return banner

    def _response_mark(self, now: datetime) -> Text:
        response = self.response
        if response is None:
            return Text("")
        if response.met is True:
            return Text(": met ✓", style="bold")
        if response.missed_by(now):
            return Text(": MISSED ✗", style="bold")
        return Text(": waiting for acknowledgement")


def _lifecycle_strip(current: Phase, width: int) -> Text:
    """Every step, the current one marked; short names when the full ones do not fit."""
    full = " " + " › ".join(phase.title for phase in PHASES)
    short = width < len(full) + 2
    strip = Text(" ")
    for index, phase in enumerate(PHASES):
        if index:
            strip.append(" › ", style="dim")
        if phase is current:
            strip.append(f"▶ {phase.title}", style="bold reverse")
        else:
            name = _SHORT_PHASE[phase] if short else phase.title
            strip.append(name, style="" if index < current.index else "dim")
    return strip


def _spread(left: Text, right: Text, width: int) -> Text:
    """`left` and `right` on one line, `right` flush right when there is room."""
    line = left.copy()
    line.append(" " * max(2, width - left.cell_len - right.cell_len))
    line.append_text(right)
    return line
