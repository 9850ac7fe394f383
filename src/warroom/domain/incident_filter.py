"""The home screen's filter (`sev:1,2 status:active service:payments tag:kafka`): words that
all hold of an incident for it to be listed. Services and tags match whatever their case, as
the store's labels do."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.errors import BadInput
from warroom.domain.model import Incident
from warroom.domain.severity import SEVERITIES

STATUSES = ("active", "resolved")
ACCEPTED = "sev:1,2 · status:active|resolved · service:NAME · tag:NAME"


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """Each part is a set of values, any of which matches; every part given must match."""

    severities: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()  # lower case
    tags: frozenset[str] = frozenset()  # lower case
    text: str = ""  # as typed, one space between words

    @property
    def is_on(self) -> bool:
        return bool(self.severities or self.statuses or self.services or self.tags)

    def matches(self, incident: Incident) -> bool:
        if self.severities and incident.severity not in self.severities:
            return False
        if self.statuses and incident.status not in self.statuses:
            return False
        if self.services and not self.services & {s.lower() for s in incident.services}:
            return False
        return not self.tags or bool(self.tags & {t.lower() for t in incident.tags})


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """What the home screen lists: the active incidents a filter lets through, then a page of
    past ones, newest first; how many it lets through in all (`matching`), and how many
    incidents there are (`total`: none yet, or none matching)."""

    incidents: tuple[Incident, ...]
    matching: int
    total: int


def parse_filter(text: str) -> IncidentFilter:
    """Words like `sev:1,2`; a value list is `,` or `|` separated. Empty: no filter."""
    parts: dict[str, set[str]] = {}
    words = text.split()
    for word in words:
        name, colon, values = word.partition(":")
        name = name.lower()
        if name == "severity":
            name = "sev"
        listed = [value for value in values.replace("|", ",").split(",") if value]
        if not colon or name not in ("sev", "status", "service", "tag") or not listed:
            raise BadInput(f"cannot filter by {word!r}: use {ACCEPTED}")
        parts.setdefault(name, set()).update(value.lower() for value in listed)
    severities = set()
    for value in parts.get("sev", ()):
        level = value.removeprefix("sev-")
        if not level.isdigit() or int(level) not in SEVERITIES:
            raise BadInput(f"no severity {value!r}: use sev:1 to sev:{max(SEVERITIES)}")
        severities.add(int(level))
    statuses = parts.get("status", set())
    for status in statuses:
        if status not in STATUSES:
            raise BadInput(f"no status {status!r}: use status:active or status:resolved")
    return IncidentFilter(
        frozenset(severities),
        frozenset(statuses),
        frozenset(parts.get("service", ())),
        frozenset(parts.get("tag", ())),
        " ".join(words),
    )
