"""The stakeholder page as HTML (Jinja2, every value escaped) and as data: the same view for
the page, its live stream and `/incidents/ID.json`.

User text is shown literally: escaped for HTML by the templates, and with control characters,
ANSI escapes and bidi controls made visible (`\\x1b`, `\\u202e`) so they cannot reorder or
restyle what is around them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from warroom.domain.model import Event
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import printable
from warroom.domain.timefmt import countdown, date_time, duration, iso_utc
from warroom.exporters.views import event_record, incident_record
from warroom.services.stakeholders import StakeholderView

# Without JavaScript, the page reloads itself this often.
REFRESH_SECONDS = 30


class Pages:
    def __init__(self, tz: tzinfo, cadence: Mapping[int, str]) -> None:
        self._tz = tz
        self._cadence = cadence  # each severity's cadence, as the war room says it
        self._env = Environment(
            loader=PackageLoader("warroom.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["shown"] = _shown

    def page(self, view: StakeholderView) -> str:
        context = self._context(view)
        return self._env.get_template("incident.html").render(
            v=context, refresh_seconds=REFRESH_SECONDS
        )

    def live(self, view: StakeholderView) -> str:
        """One server-sent event's data: the page's live part, and its title (one line of
        JSON, ASCII only: nothing in it can end the event early)."""
        context = self._context(view)
        html = self._env.get_template("_live.html").render(v=context)
        return json.dumps({"html": html, "title": context["page_title"]}, ensure_ascii=True)

    def message(self, template: str, **values: Any) -> str:
        return self._env.get_template(template).render(**values)

    def record(self, view: StakeholderView) -> dict[str, Any]:
        incident = view.incident
        return {
            **incident_record(incident),
            "definition": SEVERITIES[incident.severity].definition,
            "nextUpdate": {
                "due": iso_utc(view.due),
                "overdueSeconds": view.overdue_seconds,
                "cadence": self._cadence[incident.severity],
                "audience": SEVERITIES[incident.severity].audience,
            }
            if incident.is_active
            else None,
            "postmortemDue": None if incident.is_active else iso_utc(view.due),
            "updates": [event_record(event, incident) for event in view.updates],
            "timeline": [event_record(event, incident) for event in view.public_events],
        }

    def _context(self, view: StakeholderView) -> dict[str, Any]:
        incident = view.incident
        level = SEVERITIES[incident.severity]
        left = view.due - view.now
        overdue = incident.is_active and left.total_seconds() < 0
        if not incident.is_active:
            clock = "Resolved"
        elif overdue:
            clock = f"UPDATE OVERDUE +{countdown(-left)}"
        else:
            clock = f"Next update in {countdown(left)}"
        resolved = incident.resolved_at
        return {
            "page_title": f"{level.label} {incident.key}: {printable(incident.title)}",
            "key": incident.key,
            "level": incident.severity,
            "label": level.label,
            "name": level.name,
            "definition": level.definition,
            "title": incident.title,
            "status": incident.status,
            "step": incident.phase.title,
            "commander": incident.commander or "—",
            "detected": self._local(incident.detected_at),
            "active": incident.is_active,
            "overdue": overdue,
            "clock": clock,
            "due_iso": iso_utc(view.due),
            "now_iso": iso_utc(view.now),
            "due_local": self._local(view.due),
            "cadence": self._cadence[incident.severity],
            "audience": level.audience,
            "resolved": self._local(resolved) if resolved else "",
            "lasted": duration(resolved - incident.detected_at) if resolved else "",
            "updates": [self._event(event) for event in view.updates],
            "timeline": [self._event(event) for event in reversed(view.public_events)],
        }

    def _event(self, event: Event) -> dict[str, str]:
        return {
            "iso": iso_utc(event.occurred_at),
            "local": self._local(event.occurred_at),
            "kind": event.kind.value,
            "actor": event.actor,
            "text": event.text,
        }

    def _local(self, moment: datetime) -> str:
        return date_time(moment, self._tz)


def _shown(text: str) -> str:
    return printable(text, keep_newlines=True)
