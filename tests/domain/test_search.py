"""What a search query means, and the snippet shown for a hit."""

from __future__ import annotations

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.search import SearchKind, parse_query, snippet


@pytest.mark.parametrize(
    ("typed", "phrases"),
    [
        ("pool exhausted", (("pool",), ("exhausted",))),
        ("Pool  POOL pool", (("pool",),)),
        ('"connection pool" orders', (("connection", "pool"), ("orders",))),
        ("p99>10s checkout-api", (("p99", "10s"), ("checkout", "api"))),
        ('"unclosed phrase', (("unclosed", "phrase"),)),
        ('AND OR NEAR(x) * ^ : "" -', (("and",), ("or",), ("near", "x"))),
        ("db_pool 95%", (("db", "pool"), ("95",))),
        ("   ", ()),
        ("Ünïcödé straße", (("ünïcödé",), ("straße",))),
    ],
)
def test_a_query_is_phrases_of_words(typed: str, phrases: tuple[tuple[str, ...], ...]) -> None:
    assert parse_query(typed).phrases == phrases


def test_a_query_too_long_and_a_bad_kind_are_refused() -> None:
    with pytest.raises(BadInput, match="at most 500"):
        parse_query("x" * 501)
    with pytest.raises(BadInput, match="use one of incident, event, postmortem, action"):
        SearchKind.parse("alerts")
    assert SearchKind.parse(" Event ") is SearchKind.EVENT


def test_a_short_text_is_shown_whole_with_its_matches_marked() -> None:
    shown = snippet("DB cpu at 95%\nafter the deploy", parse_query("cpu deploy"))
    assert shown.text == "DB cpu at 95% after the deploy"
    assert [shown.text[a:b] for a, b in shown.marks] == ["cpu", "deploy"]


def test_a_long_text_is_cut_around_its_first_match_at_words() -> None:
    text = " ".join(f"word{n}" for n in range(40)) + " the connection pool ran dry " + "tail " * 30
    shown = snippet(text, parse_query("pool"), width=40)
    assert len(shown.text) <= 40
    assert shown.text.endswith("…")
    assert "pool" in shown.text
    assert shown.text.startswith("…connection pool ran")  # whole words
    assert [shown.text[a:b] for a, b in shown.marks] == ["pool"]


def test_prefixes_are_marked_as_the_databases_match_them() -> None:
    shown = snippet("migration migrated remigrate", parse_query("migra"))
    assert [shown.text[a:b] for a, b in shown.marks] == ["migration", "migrated"]


def test_a_word_of_one_or_two_letters_is_matched_whole() -> None:
    shown = snippet("db dba dbs are down", parse_query("db"))
    assert [shown.text[a:b] for a, b in shown.marks] == ["db"]
