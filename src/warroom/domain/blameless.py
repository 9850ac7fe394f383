"""Blameless language: find phrasing that points at a person and suggest systems phrasing.

The lesson's principle: "The process allowed a migration without index verification", not
"Dave forgot to add an index".

What is flagged (whole words, any case):
- "forgot" (and "forget/forgets/forgetting to", "neglected to", "omitted to", "didn't bother
  to"); "forgotten" only as a verb ("was forgotten", "had forgotten"): "the forgotten password
  reset flow" names a feature and is left alone;
- "failed to" only with a person as its subject (a known name, a pronoun, or a word for people
  such as "engineer" or "reviewer"): "the rollback failed to drop the column" describes a system;
- "should have" and its contractions (hindsight), "careless" and other judgements of people,
  "human error" (and "operator error", "user error"), "mistake(s)", "mistaken(ly)", "to blame",
  "at fault";
- a person's name as the subject of a sentence or clause in the causal analysis (root cause,
  contributing factors, five whys answers): "Dave deployed ...", "... because Dave skipped ...".
  Names are those the incident knows (IC, roles, timeline actors, authors, action item owners)
  that look like a person's name (capitalised words: "Dave", "Bob Chen"; not "CI/CD pipeline",
  "SRE team" or "System"), and their first names.

Text inside double quotes or backticks is not examined: it is a quotation (a log line, an alert,
what someone said), kept as written. Timeline events are not examined at all: they are the record
as it was logged during the incident; the checks apply to the analysis written afterwards.

The checks take time linear in the length of the text (a field can hold a pasted megabyte of
log): no two quantifiers of a pattern can match the same character, and what is looked for
before a phrase (the subject of "failed to", what opens the clause before a name) is read
backwards from the phrase, on the reversed text, as far as it needs to go.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

Span = tuple[int, int, str]  # where a phrase starts and ends in the field, and the suggestion


@dataclass(frozen=True, slots=True)
class BlameFinding:
    where: str  # the field, as a path: `rootCause`, `fiveWhys[2].answer`
    phrase: str  # as written
    suggestion: str

    def __str__(self) -> str:
        return f'{self.where}: blame language "{self.phrase}": {self.suggestion}'


# The words after a phrase, up to the end of its clause, for the suggestion.
_REST = r"\s*(?P<rest>[^\s.;:!?,()\"“`][^.;:!?,\n()\"“`]*)?"


def _rest(words_after: str | None) -> str:
    words = (words_after or "").split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def _try(template: str) -> Callable[[re.Match[str]], str]:
    def suggest(match: re.Match[str]) -> str:
        rest = _rest(match.group("rest"))
        if not rest:
            return f'say which step or check was missing from "{_clause(match)}"'
        return f'try "{template.format(rest)}"'

    return suggest


# A clause as the suggestion quotes it: around the phrase, up to this many characters each side
# (read within a bounded window: the checks stay linear in the text).
_CLAUSE_REACH = 80
_CLAUSE_ENDS = re.compile(r"[.;:!?\n()]")


def _clause(match: re.Match[str]) -> str:
    """The words of the clause the phrase is in, as written (quotations left out), at most
    ten: what a suggestion speaks of, instead of an example of its own."""
    text, start, end = match.string, match.start(), match.end()
    before = text[max(0, start - _CLAUSE_REACH) : start]
    after = text[end : end + _CLAUSE_REACH]
    cut = [m.end() for m in _CLAUSE_ENDS.finditer(before)]
    before = before[cut[-1] :] if cut else before
    stop = _CLAUSE_ENDS.search(after)
    after = after[: stop.start()] if stop else after
    words = f"{before}{match.group()}{after}".split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def _advice(template: str) -> Callable[[re.Match[str]], str]:
    """A suggestion about the clause flagged (`{clause}` in `template`)."""
    return lambda match: template.format(clause=_clause(match))


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"\b(?:forgot|forget|forgets|forgetting|neglected|neglects|omitted"
            r"|didn['’]t bother|did not bother)\s+to\b" + _REST,
            re.IGNORECASE,
        ),
        _try("the process had no step to {}"),
    ),
    (
        re.compile(
            r"\bforgot\b|\b(?:has|have|had|was|were|been|got|is|are|being)\s+forgotten\b",
            re.IGNORECASE,
        ),
        _advice('say which step or check was missing from "{clause}"'),
    ),
    (
        re.compile(
            r"\b(?:should(?:n['’]t| not)? have|should['’]ve|shouldn['’]t['’]ve"
            r"|ought to have)\b",
            re.IGNORECASE,
        ),
        _advice('hindsight: say what did happen in "{clause}", and what the system lacked'),
    ),
    (
        re.compile(
            r"\b(?:careless(?:ly|ness)?|sloppy|sloppiness|negligen(?:t|tly|ce)"
            r"|reckless(?:ly|ness)?|lazy|laziness|incompeten(?:t|ce)|stupid(?:ity)?|dumb"
            r"|clueless|inattentive|inattention)\b",
            re.IGNORECASE,
        ),
        _advice('describe the conditions, not the person: what made "{clause}" easy to do?'),
    ),
    (
        re.compile(r"\b(?:human|operator|user|pilot|engineer|developer)\s+error\b", re.IGNORECASE),
        _advice(
            'name what made the error possible: which step, check or tool let "{clause}" through?'
        ),
    ),
    (
        re.compile(r"\bmistak(?:e|es|en|enly)\b", re.IGNORECASE),
        _advice('describe the action in "{clause}" and what allowed it'),
    ),
    (
        re.compile(
            r"\b(?:(?:is|was|are|were|be) to blame|blamed|at fault|fault of)\b"
            r"|(?:['’]s|s['’]) fault\b",
            re.IGNORECASE,
        ),
        _advice('describe the system, not who is at fault: what let "{clause}" happen?'),
    ),
)

# "failed to" blames only when a person is its subject: the word before it (before "has",
# "had" or "have" when one of them comes first), found by reading backwards from the verb.
_FAILED_TO = re.compile(r"(?<=\s)(?P<verb>failed|fails)\s+to\b", re.IGNORECASE)
_REST_AT = re.compile(_REST)
_WORD_BEFORE = re.compile(r"\s+(?P<word>[\w'’-]+)")  # on the text reversed
_AUXILIARIES = frozenset({"has", "had", "have"})
_PEOPLE_WORDS = frozenset(
    {
        "he",
        "she",
        "they",
        "i",
        "we",
        "you",
        "someone",
        "somebody",
        "nobody",
        "everyone",
        "everybody",
        "engineer",
        "engineers",
        "developer",
        "developers",
        "dev",
        "devs",
        "operator",
        "operators",
        "reviewer",
        "reviewers",
        "team",
        "on-call",
        "oncall",
        "owner",
        "owners",
        "author",
        "authors",
        "admin",
        "admins",
        "administrator",
        "ic",
        "commander",
        "responder",
        "responders",
        "staff",
        "person",
        "people",
        "who",
        "sre",
        "sres",
        "human",
        "humans",
    }
)

# A quotation runs from an opening mark to its closing mark on the same line.
_CLOSING = {'"': '"', "“": "”", "`": "`"}
_OPENING = re.compile('["“`]')

_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*$")
_NOT_PEOPLE = frozenset(
    {
        "System",
        "Systems",
        "Monitoring",
        "Monitor",
        "Automation",
        "Automated",
        "Alerting",
        "Alert",
        "Alerts",
        "Pipeline",
        "Team",
        "Bot",
        "Support",
        "Customer",
        "Customers",
        "User",
        "Users",
        "Unknown",
        "Nobody",
        "Someone",
        "Everyone",
        "Ops",
        "Engineering",
        "Security",
        "Database",
        "Service",
        "Services",
        "Scheduler",
        "Cron",
        "Deploy",
        "Deployer",
        "Platform",
        "Infrastructure",
        "Network",
        "Oncall",
        "Warroom",
        "Responder",
        "Release",
        "Build",
        "Server",
        "Cluster",
    }
)
# What opens a clause before a name, read backwards from the name: the start of the text, a
# line break or a mark (after spaces), or one of these words.
_CONJUNCTIONS = (
    *("because", "since", "when", "after", "before", "as", "so", "but"),
    *("and", "while", "until", "then", "once", "if", "or"),
)
_OPENS_CLAUSE = re.compile(
    r"[^\S\n]*(?:[.!?;:,(\n]|\Z)|\s+(?i:"
    + "|".join(word[::-1] for word in _CONJUNCTIONS)
    + r")(?!\w)"
)
_NOT_VERBS = frozenset({"and", "or", "nor", "with", "from", "of", "to", "in", "on", "at"})


def person_names(candidates: Iterable[str]) -> frozenset[str]:
    """The candidates that look like a person's name, and their first names."""
    names: set[str] = set()
    for candidate in candidates:
        words = candidate.split()
        if not 1 <= len(words) <= 4 or words[0] in _NOT_PEOPLE:
            continue
        if all(_NAME_WORD.match(word) for word in words):
            names.add(" ".join(words))
            names.add(words[0])
    return frozenset(names)


def _mask_quotes(text: str) -> str:
    """`text` with each quotation, marks included, blanked out (every position kept). A mark
    with no closing mark on its line opens nothing. In one pass: where the next closing mark
    of each kind and the line's end are is looked up once, and again only once passed."""
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    line_end = -1
    next_closing: dict[str, int] = {}
    for mark in _OPENING.finditer(text):
        start = mark.start()
        if start < done:
            continue  # inside the quotation just blanked
        if start > line_end:
            line_end = _find(text, "\n", start)
        closing = _CLOSING[mark.group()]
        if next_closing.get(closing, -1) <= start:
            next_closing[closing] = _find(text, closing, start + 1)
        end = next_closing[closing]
        if end < line_end:
            pieces += [text[done:start], " " * (end + 1 - start)]
            done = end + 1
    pieces.append(text[done:])
    return "".join(pieces)


def _find(text: str, wanted: str, start: int) -> int:
    found = text.find(wanted, start)
    return len(text) if found < 0 else found


def find_blame(
    text: str, where: str, names: frozenset[str] = frozenset(), *, causal: bool = False
) -> list[BlameFinding]:
    """Blame phrasing in one field. `names` come from `person_names`; with `causal` (root
    cause, contributing factors, five whys answers) a name as the subject is flagged too.
    Linear in the length of the text (a field can be a pasted megabyte)."""
    masked = _mask_quotes(text)
    batches = [
        [(match.start(), match.end(), suggest(match)) for match in pattern.finditer(masked)]
        for pattern, suggest in _RULES
    ]
    batches.append(_failed_to(masked, {word for name in names for word in name.split()}))
    if causal and names:
        batches.append(_named_subjects(masked, names))
    return [
        BlameFinding(where, text[start:end].strip(), advice)
        for start, end, advice in _not_nested(batches)
    ]


def _not_nested(batches: Iterable[Sequence[Span]]) -> list[Span]:
    """The spans in order of their starts, but those inside one kept before them ("forgot" in
    "forgot to add" is the same finding). Each batch comes in order of its starts; a span is
    compared with the widest reach of the spans kept before it that start no later, found by
    bisection (a text can hold a hundred thousand findings: comparing each with every other
    takes minutes)."""
    kept: list[Span] = []
    starts: list[int] = []
    reach: list[int] = []
    for batch in batches:
        added: list[Span] = []
        reach_in_batch = -1
        for span in batch:
            start, end, _advice = span
            before = bisect_right(starts, start) - 1
            if (before >= 0 and reach[before] >= end) or reach_in_batch >= end:
                continue
            added.append(span)
            reach_in_batch = max(reach_in_batch, end)
        if added:
            kept = sorted(kept + added, key=lambda span: span[0])  # two sorted runs: merged
            starts = [start for start, _end, _advice in kept]
            reach = list(accumulate((end for _start, end, _advice in kept), max))
    return kept


def _failed_to(masked: str, name_words: set[str]) -> list[Span]:
    """ "failed to" whose subject is a person. As one scan from left to right: a subject starts
    at or after the end of the phrase before (`taken`), which runs to the end of its clause."""
    found: list[Span] = []
    backwards = masked[::-1]
    taken = 0
    for verb in _FAILED_TO.finditer(masked):
        if verb.start() < taken:
            continue
        subject = _subject(backwards, len(masked) - verb.start(), taken)
        if subject is None:
            continue
        rest = _REST_AT.match(masked, verb.end())
        assert rest is not None  # it matches nothing at worst
        taken = rest.end()
        if subject.lower() in _PEOPLE_WORDS or subject in name_words:
            words = _rest(rest.group("rest"))
            suggestion = (
                f'try "nothing in the process made sure to {words}"'
                if words
                else f'say what the system did not ensure in "{_clause(verb)}"'
            )
            found.append((verb.start("verb"), rest.end(), suggestion))
    return found


def _subject(backwards: str, at: int, taken: int) -> str | None:
    """The word before position `at` of the reversed text (spaces between); before "has",
    "had" or "have", the word before that ("Dave has failed to"). None when there is no word
    there that starts at or after `taken`."""
    before = _WORD_BEFORE.match(backwards, at)
    if before is None:
        return None
    word = before.group("word")[::-1]
    if word.lower() in _AUXILIARIES:
        earlier = _WORD_BEFORE.match(backwards, before.end())
        if earlier is not None and len(backwards) - earlier.end() >= taken:
            return earlier.group("word")[::-1]
    return word if len(backwards) - before.end() >= taken else None


# Words that, after the verb, show that what follows is not what was done ("Dave forgot to
# add", "Bob should have checked"): the suggestion then quotes the clause instead.
_NOT_AN_OBJECT = frozenset({"to", "have", "has", "had", "be", "been", "not", "that", "it"})


def _named_subjects(masked: str, names: frozenset[str]) -> list[Span]:
    """A name followed by a verb, at the start of a clause. The name is found first; what
    opens its clause is then read backwards from it, over the spaces before it only."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(r"(?P<name>" + alternatives + r")(?![\w'’-])\s+(?P<verb>[a-z][\w'’-]*)")
    backwards = masked[::-1]
    found: list[Span] = []
    position = 0
    while match := pattern.search(masked, position):
        position = match.start() + 1
        if match.group("verb").lower() in _NOT_VERBS:
            continue
        if not _OPENS_CLAUSE.match(backwards, len(masked) - match.start()):
            continue
        after = _REST_AT.match(masked, match.end("verb"))
        assert after is not None  # it matches nothing at worst
        position = max(position, after.end())  # the rest of its clause is read once, here
        name, rest = match.group("name"), _rest(after.group("rest"))
        suggestion = (
            f'{name} is the subject: name the system or process instead, e.g. "the process '
            f'allowed {rest}"'
            if rest and rest.split()[0].lower() not in _NOT_AN_OBJECT
            else f'{name} is the subject of "{_clause(match)}": name the system or process'
        )
        found.append((match.start("name"), match.end("verb"), suggestion))
    return found
