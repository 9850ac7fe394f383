"""The five whys, as a guided chain: each answer proposes the next "Why …?" question.

The proposal turns the answer's first clause into a question, as the lesson's example does:

    "Database connection pool was exhausted."  ->  "Why was database connection pool exhausted?"
    "Queries were taking 10x longer than normal, holding connections."
                                               ->  "Why were queries taking 10x longer than normal?"
    "Schema migration did not include it."     ->  "Why did schema migration not include it?"
    "A full table scan on the orders table (2M rows) due to missing index."
                                               ->  "Why was there a full table scan on the orders
                                                    table?"

It is only a proposal: the person asking edits it into the question they mean. An answer it
cannot turn around gives `Why did this happen: <the answer's first clause>?`.
"""

from __future__ import annotations

import re

# The chain's depth: deep enough to reach the system, short enough to stay on the cause.
MIN_LEVELS, MAX_LEVELS = 3, 5

_AUXILIARIES = "was|were|is|are|has|have|had|did|does|do|could|can|would|will|should|might|must"
# "<subject> <auxiliary> [not] <rest>": the subject is a few words, none of them a verb we know.
_TURNABLE = re.compile(
    r"^(?P<subject>(?:[\w'’./%-]+\s+){0,6}?[\w'’./%-]+)\s+"
    r"(?P<aux>" + _AUXILIARIES + r")(?P<neg>n['’]t|\s+not)?\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# Noun phrases that read as "Why was there …?"
_THERE = re.compile(
    r"^(?:a|an|no|too many|too few|too much|too little|many|several|some|two|three)\s",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"\s*(?:[,;:(]|\s[-–—]\s|\.(?:\s|$)|\?|!)")


def first_clause(answer: str) -> str:
    """The answer up to its first comma, semicolon, parenthesis, dash or full stop."""
    flat = " ".join(answer.split())
    end = _CLAUSE_END.search(flat)
    clause = flat[: end.start()] if end else flat
    return clause.rstrip(" .?!")


def _lower_first(phrase: str, names: frozenset[str]) -> str:
    """`Database pool` -> `database pool`; `API latency`, `PostgreSQL` (capitals inside a word)
    and the names in `names` keep their capitals."""
    word = phrase.split(" ", 1)[0]
    if word in names:
        return phrase
    if len(word) > 1 and (word[1:].lower() != word[1:] or not word[0].isupper()):
        return phrase
    if len(word) == 1 and word != "A":
        return phrase
    return phrase[:1].lower() + phrase[1:]


def next_question(answer: str, names: frozenset[str] = frozenset()) -> str:
    """The question the answer raises: `Why …?`. Empty for an empty answer. `names`: words
    that keep their capital letter (people's names: "Why was Dave paged?")."""
    clause = first_clause(answer)
    if not clause:
        return ""
    turned = _TURNABLE.match(clause)
    if turned:
        aux = turned.group("aux").lower()
        subject = _lower_first(turned.group("subject"), names)
        rest = turned.group("rest")
        negation = (turned.group("neg") or "").strip().lower()
        if negation in ("n't", "n’t"):  # a contraction stays in front: "Why didn't …"
            return f"Why {aux}n't {subject} {rest}?"
        if negation:
            return f"Why {aux} {subject} not {rest}?"
        return f"Why {aux} {subject} {rest}?"
    if _THERE.match(clause):
        return f"Why was there {_lower_first(clause, names)}?"
    return f"Why did this happen: {clause}?"


def first_question(title: str) -> str:
    """The chain's opening question, from the incident's title."""
    clause = " ".join(title.split())
    return f"Why did this happen: {clause}?" if clause else "Why did this happen?"
