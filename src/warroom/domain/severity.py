"""The severity policy (PRODUCT.md §1), as data.

Levels are plain integers 1..4 everywhere in warroom; `SEV-n` is how they are written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from warroom.domain.errors import BadInput


class Cadence(Enum):
    """How the next stakeholder update is scheduled."""

    INTERVAL = "interval"  # a fixed time after the last update
    STANDUP = "standup"  # at the next standup (business days, configured time)


@dataclass(frozen=True, slots=True)
class UpdatePolicy:
    cadence: Cadence
    interval: timedelta | None = None  # set when cadence is INTERVAL

    def describe(self) -> str:
        if self.cadence is Cadence.STANDUP or self.interval is None:
            return "at the next standup"
        return f"every {format_interval(self.interval)}"


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    level: int
    name: str
    definition: str
    respond_within: timedelta | None  # None: by the next business day's standup
    update: UpdatePolicy
    audience: str
    example: str

    @property
    def label(self) -> str:
        return f"SEV-{self.level}"

    @property
    def response_target(self) -> str:
        if self.respond_within is None:
            return "next business day"
        return format_interval(self.respond_within)


SEVERITIES: dict[int, SeverityLevel] = {
    1: SeverityLevel(
        1,
        "Critical",
        "Complete outage or data breach",
        timedelta(minutes=15),
        UpdatePolicy(Cadence.INTERVAL, timedelta(minutes=30)),
        "exec team",
        "Site is down for all users",
    ),
    2: SeverityLevel(
        2,
        "High",
        "Major feature broken, significant user impact",
        timedelta(hours=1),
        UpdatePolicy(Cadence.INTERVAL, timedelta(hours=1)),
        "stakeholders",
        "Checkout broken, users cannot purchase",
    ),
    3: SeverityLevel(
        3,
        "Medium",
        "Minor feature degraded, workaround exists",
        timedelta(hours=4),
        UpdatePolicy(Cadence.INTERVAL, timedelta(days=1)),
        "daily update",
        "Search returning slow results",
    ),
    4: SeverityLevel(
        4,
        "Low",
        "Cosmetic issue, minimal impact",
        None,
        UpdatePolicy(Cadence.STANDUP),
        "standup",
        "Footer link broken on FAQ page",
    ),
}

_LEVEL_RE = re.compile(r"^\s*(?:sev-?)?([1-4])\s*$", re.IGNORECASE)


def parse_severity(text: str) -> int:
    """`1`..`4` or `SEV-1`..`SEV-4` (any case) to the level number."""
    match = _LEVEL_RE.match(text)
    if not match:
        raise BadInput(f"bad severity {text!r}: use 1-4 or SEV-1..SEV-4")
    return int(match.group(1))


def severity_label(level: int) -> str:
    return SEVERITIES[level].label


_INTERVAL_RE = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_interval(text: str) -> timedelta:
    """A duration such as `30m`, `1h`, `1h30m`, `2d`, `90s`."""
    compact = text.strip().replace(" ", "")
    if not compact:
        raise BadInput("empty duration")
    total = 0
    position = 0
    for match in _INTERVAL_RE.finditer(compact):
        if match.start() != position:
            break
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        position = match.end()
    if position != len(compact) or total <= 0:
        raise BadInput(f"bad duration {text!r}: use e.g. 30m, 1h, 1h30m, 2d")
    try:
        return timedelta(seconds=total)
    except OverflowError:
        raise BadInput(f"bad duration {text!r}: too long") from None


def format_interval(delta: timedelta) -> str:
    """The inverse of parse_interval, for display: `30m`, `1h`, `1h30m`, `1d`."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "0m"
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        if seconds >= size:
            count, seconds = divmod(seconds, size)
            parts.append(f"{count}{unit}")
    return "".join(parts)
