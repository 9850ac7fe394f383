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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SYSTEMS_EXAMPLE = "the process allowed a migration without index verification"


@dataclass(frozen=True, slots=True)
class BlameFinding:
    where: str  # the field, as a path: `rootCause`, `fiveWhys[2].answer`
    phrase: str  # as written
    suggestion: str

    def __str__(self) -> str:
        return f'{self.where}: blame language "{self.phrase}": {self.suggestion}'


_REST = r"(?P<rest>[^.;:!?,\n()\"“`]*)"


def _rest(match: re.Match[str]) -> str:
    words = (match.group("rest") or "").split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def _try(template: str) -> Callable[[re.Match[str]], str]:
    def suggest(match: re.Match[str]) -> str:
        rest = _rest(match)
        if not rest:
            return f'say which step or check was missing, e.g. "{template.format("…")}"'
        return f'try "{template.format(rest)}"'

    return suggest


def _advice(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"\b(?:forgot|forget|forgets|forgetting|neglected|neglects|omitted"
            r"|didn['’]t bother|did not bother)\s+to\b\s*" + _REST,
            re.IGNORECASE,
        ),
        _try("the process had no step to {}"),
    ),
    (
        re.compile(
            r"\bforgot\b|\b(?:has|have|had|was|were|been|got|is|are|being)\s+forgotten\b",
            re.IGNORECASE,
        ),
        _advice('say which step or check was missing, e.g. "the process had no step to …"'),
    ),
    (
        re.compile(
            r"\b(?:should(?:n['’]t| not)? have|should['’]ve|shouldn['’]t['’]ve"
            r"|ought to have)\b",
            re.IGNORECASE,
        ),
        _advice(
            "hindsight: say what did happen and what the system lacked, "
            'e.g. "the checklist had no step for index verification"'
        ),
    ),
    (
        re.compile(
            r"\b(?:careless(?:ly|ness)?|sloppy|sloppiness|negligen(?:t|tly|ce)"
            r"|reckless(?:ly|ness)?|lazy|laziness|incompeten(?:t|ce)|stupid(?:ity)?|dumb"
            r"|clueless|inattentive|inattention)\b",
            re.IGNORECASE,
        ),
        _advice(
            "describe the conditions, not the person, "
            'e.g. "the tooling made the risky path the easy one"'
        ),
    ),
    (
        re.compile(r"\b(?:human|operator|user|pilot|engineer|developer)\s+error\b", re.IGNORECASE),
        _advice(
            'name what made the error possible, e.g. "the deploy tool accepted the change '
            'without a check"'
        ),
    ),
    (
        re.compile(r"\bmistak(?:e|es|en|enly)\b", re.IGNORECASE),
        _advice(
            "describe the action and what allowed it, "
            'e.g. "the migration ran without index verification"'
        ),
    ),
    (
        re.compile(
            r"\b(?:(?:is|was|are|were|be) to blame|blamed|at fault|fault of)\b"
            r"|(?:['’]s|s['’]) fault\b",
            re.IGNORECASE,
        ),
        _advice(f'describe the system, not who is at fault, e.g. "{SYSTEMS_EXAMPLE}"'),
    ),
)

# "failed to" blames only when a person is its subject.
_FAILED_TO = re.compile(
    r"(?P<subject>[\w'’-]+)\s+(?:(?:has|had|have)\s+)?(?P<verb>failed|fails)\s+to\b\s*" + _REST,
    re.IGNORECASE,
)
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

_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|`[^`\n]*`')

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
_CLAUSE_OPENER = (
    r"(?:^|[.!?;:,(\n]|\b(?i:because|since|when|after|before|as|so|but|and|while|until|then"
    r"|once|if|or)\b)"
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
    return _QUOTED.sub(lambda match: " " * len(match.group()), text)


def find_blame(
    text: str, where: str, names: frozenset[str] = frozenset(), *, causal: bool = False
) -> list[BlameFinding]:
    """Blame phrasing in one field. `names` come from `person_names`; with `causal` (root
    cause, contributing factors, five whys answers) a name as the subject is flagged too."""
    masked = _mask_quotes(text)
    found: list[tuple[int, int, BlameFinding]] = []

    def add(start: int, end: int, suggestion: str) -> None:
        # A phrase inside one already found ("forgot" in "forgot to add") is the same finding.
        if not any(start >= seen[0] and end <= seen[1] for seen in found):
            phrase = text[start:end].strip()
            found.append((start, end, BlameFinding(where, phrase, suggestion)))

    for pattern, suggest in _RULES:
        for match in pattern.finditer(masked):
            add(match.start(), match.end(), suggest(match))
    name_words = {word for name in names for word in name.split()}
    for match in _FAILED_TO.finditer(masked):
        subject = match.group("subject")
        if subject.lower() in _PEOPLE_WORDS or subject in name_words:
            rest = _rest(match)
            suggestion = (
                f'try "nothing in the process made sure to {rest}"'
                if rest
                else 'say what the system did not ensure, e.g. "nothing in the process made sure'
                ' to …"'
            )
            add(match.start("verb"), match.end(), suggestion)
    if causal and names:
        for start, end, suggestion in _named_subjects(masked, names):
            add(start, end, suggestion)
    return [finding for _start, _end, finding in sorted(found, key=lambda seen: seen[0])]


def _named_subjects(masked: str, names: frozenset[str]) -> list[tuple[int, int, str]]:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(
        _CLAUSE_OPENER + r"\s*(?P<name>" + alternatives + r")(?![\w'’-])\s+(?P<verb>[a-z][\w'’-]*)"
    )
    found: list[tuple[int, int, str]] = []
    position = 0
    while match := pattern.search(masked, position):
        if match.group("verb").lower() not in _NOT_VERBS:
            name = match.group("name")
            suggestion = (
                f"{name} is the subject: name the system or process instead, "
                f'e.g. "{SYSTEMS_EXAMPLE}"'
            )
            found.append((match.start("name"), match.end("verb"), suggestion))
        position = match.start("name") + 1
    return found
