"""What a line typed into the war room's log input means.

    [TIME] [KIND:] TEXT

- TIME backdates the event (see `timeparse`): `14:15 migration deployed`, `-5m alert fired`.
- KIND: one of the kinds a person logs (note, alert, action, decision), any case, followed by a
  colon: `decision: roll back`. Without it the kind chosen in the input is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind
from warroom.domain.timeparse import split_leading_time, taken_as_yesterday

# Kinds typed by people. The others (severity, phase, role, update) are recorded by warroom
# when the thing happens, so the timeline's record of them stays trustworthy.
TYPED_KINDS: tuple[EventKind, ...] = (
    EventKind.NOTE,
    EventKind.ALERT,
    EventKind.ACTION,
    EventKind.DECISION,
)

_KIND_PREFIX = re.compile(
    r"^(" + "|".join(kind.value for kind in TYPED_KINDS) + r")\s*:\s*", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class LogLine:
    text: str
    kind: EventKind
    occurred_at: datetime | None  # None: now
    yesterday: bool = False  # its time of day was later than now, so yesterday's: worth saying


def parse_log_line(line: str, default_kind: EventKind, now: datetime, tz: tzinfo) -> LogLine:
    occurred_at, rest = split_leading_time(line, now, tz)
    kind = default_kind
    match = _KIND_PREFIX.match(rest)
    if match:
        kind = EventKind(match.group(1).lower())
        rest = rest[match.end() :]
    if not rest.strip():
        raise BadInput("nothing to log: type what happened")
    typed_time = line.lstrip().partition(" ")[0]
    yesterday = occurred_at is not None and taken_as_yesterday(typed_time, occurred_at, now, tz)
    return LogLine(rest.strip(), kind, occurred_at, yesterday)


def next_kind(kind: EventKind) -> EventKind:
    """The kind after `kind` in the input's cycle."""
    if kind not in TYPED_KINDS:
        return TYPED_KINDS[0]
    return TYPED_KINDS[(TYPED_KINDS.index(kind) + 1) % len(TYPED_KINDS)]
