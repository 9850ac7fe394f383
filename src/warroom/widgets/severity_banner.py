"""The severity banner: what is on fire, how badly, who leads, for how long, where we stand,
and who is in the room."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from warroom.domain.cadence import ResponseStatus
from warroom.domain.lifecycle import PHASES, Phase
from warroom.domain.model import Incident, Presence, Role, RoleAssignment
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import cell_line
from warroom.domain.timefmt import duration

_SHORT_PHASE = {
    Phase.DETECTION: "Det",
    Phase.TRIAGE: "Tri",
    Phase.COMMUNICATION: "Com",
    Phase.INVESTIGATION: "Inv",
    Phase.MITIGATION: "Mit",
    Phase.RESOLUTION: "Res",
    Phase.POSTMORTEM: "PM",
}


_ROLE_LABEL = {
    Role.COMMANDER: "IC",
    Role.SCRIBE: "scribe",
    Role.COMMS: "comms",
    Role.EXPERT: "experts",
}


class SeverityBanner(Widget):
    """Four lines in the severity's colour (a CSS class per level). The screen owns the data:
    the incident, its roles, and who has the war room open (`here`)."""

    incident: reactive[Incident | None] = reactive(None)
    response: reactive[ResponseStatus | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    roles: reactive[tuple[RoleAssignment, ...]] = reactive(())
    here: reactive[tuple[Presence, ...]] = reactive(())

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
        elapsed = (incident.resolved_at or now) - incident.detected_at
        tail = Text(
            f"{'lasted' if incident.resolved_at else 'elapsed'} {duration(elapsed)} ",
            style="bold",
        )
        # The title gives way first: the severity and the elapsed time always show.
        title = Text(cell_line(incident.title), style="bold")
        title.truncate(max(1, width - head.cell_len - tail.cell_len - 2), overflow="ellipsis")
        head.append_text(title)
        facts = self._response(incident.severity)
        facts.append(f"  ·  {level.definition}")  # gives way next, cut at the line's end
        banner = Text("\n").join(
            [
                _spread(head, tail, width),
                facts,
                _lifecycle_strip(incident.phase, width),
                self._crew(incident, now, width),
            ]
        )
        banner.no_wrap = True
        banner.overflow = "ellipsis"
        return banner

    def _response(self, current: int) -> Text:
        """The response target and its verdict, both of the severity in force at
        acknowledgement (named when it is not the current one)."""
        response, now = self.response, self.now
        if response is None or now is None:
            return Text(f" respond within {SEVERITIES[current].response_target}")
        target = SEVERITIES[response.level]
        facts = Text(f" respond within {target.response_target}")
        if response.level != current:
            facts.append(f" ({target.label} when acknowledged)")
        facts.append_text(self._response_mark(now))
        return facts

    def _response_mark(self, now: datetime) -> Text:
        response = self.response
        if response is None:
            return Text("")
        if response.met is True:
            return Text(": met ✓", style="bold")
        if response.missed_by(now):
            return Text(": MISSED ✗", style="bold")
        return Text(": waiting for acknowledgement")

    def _crew(self, incident: Incident, now: datetime, width: int) -> Text:
        """Who holds each role, and who is here. When the width allows, the people here are on
        the right with how long they have been; else after the roles, and what does not fit is
        cut with an ellipsis."""
        holders = {
            role: [cell_line(r.person) for r in self.roles if r.role is role] for role in Role
        }
        if not holders[Role.COMMANDER] and incident.commander:
            holders[Role.COMMANDER] = [cell_line(incident.commander)]
        here = self.here
        roles = _roles(holders)
        if not here:
            return roles
        wide = Text(f"{len(here)} here: ")
        for index, person in enumerate(here):
            if index:
                wide.append(" · ")
            wide.append(cell_line(person.person), style="bold")
            wide.append(f" ({duration(now - person.since)})")
        wide.append(" ")
        if roles.cell_len + 2 + wide.cell_len <= width:
            return _spread(roles, wide, width)
        compact = Text(f" · {len(here)} here: ")
        compact.append(", ".join(cell_line(person.person) for person in here), style="bold")
        roles.append_text(compact)  # what does not fit is cut with an ellipsis, never dropped
        return roles


def _roles(holders: dict[Role, list[str]]) -> Text:
    line = Text(" ")
    for role in Role:
        people = holders[role]
        if role is Role.EXPERT and not people:
            continue
        if len(line) > 1:
            line.append(" · ")
        line.append(f"{_ROLE_LABEL[role]} ")
        if people:
            line.append(", ".join(people), style="bold")
        else:
            line.append("—")
    return line


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
