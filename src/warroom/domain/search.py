"""Full-text search across incidents, as plain values: what a query means (its words), what a
hit is, and the snippet shown for it. The store runs the query on the database's own index.

A query is words: each one must appear (as a word or, from three letters on, the start of one:
`migra` finds "migration"), in any order. Text between double quotes, or words joined by punctuation
(`p99>10s`, `checkout-api`), must appear in that order. Everything else a person types is
data: no character of the query is an operator of either database's query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind, incident_key

MAX_QUERY = 500  # characters
# A shorter word is matched whole: one or two letters start too many words (on a million
# events, "w1" matched 870,000 rows and took two seconds to rank).
MIN_PREFIX = 3
MAX_LIMIT = 1000


class SearchKind(Enum):
    """What a hit is in: an incident's title, an event, a post-mortem field, an action item."""

    INCIDENT = "incident"
    EVENT = "event"
    POSTMORTEM = "postmortem"
    ACTION = "action"

    @classmethod
    def parse(cls, text: str) -> SearchKind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise BadInput(f"bad kind {text!r}: use one of {names}") from None


# How a hit's field is named to people (export names for a post-mortem's).
FIELD_TITLES = {
    "title": "title",
    "event": "timeline",
    "actionItems": "action item",
    "summary": "summary",
    "rootCause": "root cause",
    "impact": "impact",
    "contributingFactors": "contributing factors",
    "whatWentWell": "what went well",
    "whatWentPoorly": "what went poorly",
    "luckyBreaks": "lucky breaks",
    "fiveWhys": "five whys",
}

# A word as both databases' tokenizers cut text: letters and digits (the underscore and all
# punctuation separate words).
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True, slots=True)
class Query:
    """Phrases, each a run of words that must appear in order; all of them must appear."""

    phrases: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for phrase in self.phrases for word in phrase)

    @property
    def empty(self) -> bool:
        return not self.phrases


def is_prefix(phrase: tuple[str, ...]) -> bool:
    """Whether a phrase's last word also finds the words it starts."""
    return len(phrase[-1]) >= MIN_PREFIX


def _matches(word: str, asked: str) -> bool:
    return word == asked or (len(asked) >= MIN_PREFIX and word.startswith(asked))


def parse_query(text: str) -> Query:
    if len(text) > MAX_QUERY:
        raise BadInput(f"the query is too long: at most {MAX_QUERY} characters")
    phrases: list[tuple[str, ...]] = []
    at = 0
    for quoted in _QUOTED.finditer(text):
        phrases += _chunks(text[at : quoted.start()])
        words = tuple(word.lower() for word in _WORD.findall(quoted.group(1)))
        if words:
            phrases.append(words)
        at = quoted.end()
    phrases += _chunks(text[at:])
    return Query(tuple(dict.fromkeys(phrases)))


def _chunks(text: str) -> list[tuple[str, ...]]:
    found = []
    for chunk in text.split():
        words = tuple(word.lower() for word in _WORD.findall(chunk))
        if words:
            found.append(words)
    return found


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"bad limit {limit}: give 1 to {MAX_LIMIT}")
    return limit


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One text that matched, best first. `ref_id` is the event's or action item's id, else the
    incident's; for an event, its kind and time too. `withdrawn`: the incident was declared by
    mistake (still found, and marked)."""

    incident_id: int
    incident_title: str
    severity: int
    withdrawn: bool
    kind: SearchKind
    field: str
    ref_id: int
    text: str
    rank: float  # lower is better; the order of `Store.search`
    entry_id: int  # with `rank`, where the next page starts
    event_kind: EventKind | None = None
    occurred_at: datetime | None = None

    @property
    def incident_key(self) -> str:
        return incident_key(self.incident_id)

    @property
    def event_id(self) -> int | None:
        return self.ref_id if self.kind is SearchKind.EVENT else None

    @property
    def field_title(self) -> str:
        title = FIELD_TITLES.get(self.field, self.field)
        if self.event_kind is not None:
            return f"{title} · {self.event_kind.value}"
        return title


SearchCursor = tuple[float, int]  # (rank, entry id) of the last hit of a page


@dataclass(frozen=True, slots=True)
class Snippet:
    """A stretch of a hit's text on one line, and where the query's words are in it."""

    text: str
    marks: tuple[tuple[int, int], ...]  # (start, end) offsets into `text`


def snippet(text: str, query: Query, width: int = 72) -> Snippet:
    """The part of `text` around its first match, `width` characters at most, on one line
    (line breaks and tabs as spaces), with `…` where it was cut."""
    flat = re.sub(r"\s", " ", text)
    words = query.words
    marks = [
        (match.start(), match.end())
        for match in _WORD.finditer(flat)
        if any(_matches(match.group().lower(), word) for word in words)
    ]
    first = marks[0][0] if marks else 0
    if len(flat) <= width:
        return Snippet(flat, tuple(_trim_marks(marks, 0, len(flat), 0)))
    start = max(0, min(first - width // 4, len(flat) - width))
    if start > 0 and flat[start - 1] != " ":  # begin at a word, not inside one
        before = flat.rfind(" ", 0, start) + 1
        after = flat.find(" ", start, first)
        if start - before <= width // 5:
            start = before
        elif after != -1:
            start = after + 1
    lead = "…" if start > 0 else ""
    end = start + width - len(lead)
    tail = ""
    if end < len(flat):
        end -= 1
        space = flat.rfind(" ", start + width // 2, end)
        end = space if space != -1 and flat[end] != " " else end
        tail = "…"
    shown = lead + flat[start:end] + tail
    return Snippet(shown, tuple(_trim_marks(marks, start, end, len(lead))))


def _trim_marks(
    marks: list[tuple[int, int]], start: int, end: int, shift: int
) -> list[tuple[int, int]]:
    return [
        (max(a, start) - start + shift, min(b, end) - start + shift)
        for a, b in marks
        if b > start and a < end
    ]
