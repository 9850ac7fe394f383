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
from warroom.domain.timeparse import parse_time, split_leading_time, taken_as_yesterday

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


# A first word that looks like a time a person meant but is not one: `14:15pm`, `2pm`, `14.15`,
# `-5x` (and `1415`, below). Text really starting so is logged with Enter again.
_MEANT_AS_TIME = re.compile(r"^(?:\d{1,2}(?::\d{2})*(?::|\.\d{2})?(?:am|pm|h)?|-\d+\D\S*)$", re.I)
_FIRST_WORD_COLON = re.compile(r"^([A-Za-z]{3,})\s*:")


def unclear_start(line: str, now: datetime, tz: tzinfo) -> str | None:
    """Why the start of `line` looks mistyped (a time that `warroom log --at` would refuse, a
    kind misspelt), saying what is accepted; None when it reads as meant."""
    try:
        occurred_at, rest = split_leading_time(line, now, tz)
    except BadInput as error:
        return str(error)
    head = rest.lstrip().partition(" ")[0]
    if occurred_at is None and (
        (_MEANT_AS_TIME.match(head) and not head.isdigit()) or _is_clock_digits(head)
    ):
        try:
            parse_time(head, now, tz)
        except BadInput as error:
            return str(error)
    match = _FIRST_WORD_COLON.match(rest.lstrip())
    if match and not _KIND_PREFIX.match(rest.lstrip()):
        word = match.group(1).lower()
        near = [kind.value for kind in TYPED_KINDS if _close(word, kind.value)]
        if near:
            kinds = ", ".join(f"{kind.value}:" for kind in TYPED_KINDS)
            return f"unknown kind {match.group(1)!r} (did you mean {near[0]}:?): use {kinds}"
    return None


def _is_clock_digits(head: str) -> bool:
    """`1415`, `0930`: a time of day typed without its colon (not `500`, `2024`)."""
    return len(head) == 4 and head.isdigit() and int(head[:2]) < 24 and int(head[2:]) < 60


def _close(word: str, kind: str) -> bool:
    """`word` is a slip of `kind`'s typing: one or two letters off (one for short words)."""
    if word == kind or word in {k.value for k in EventKind}:
        return False
    allowed = 1 if len(kind) <= 5 else 2
    return _distance(word, kind) <= allowed


def _distance(a: str, b: str) -> int:
    """Edit distance, a transposition counting one (`decison`, `alret`)."""
    rows = [list(range(len(b) + 1))]
    for i, char_a in enumerate(a, 1):
        row = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]
