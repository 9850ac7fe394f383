"""The five whys chain: each answer proposes the next question."""

import pytest

from warroom.domain.fivewhys import first_clause, first_question, next_question


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        # the lesson's chain, answer by answer
        ("Database connection pool was exhausted.", "Why was database connection pool exhausted?"),
        (
            "Queries were taking 10x longer than normal, holding connections.",
            "Why were queries taking 10x longer than normal?",
        ),
        (
            "A full table scan on the orders table (2M rows) due to missing index.",
            "Why was there a full table scan on the orders table?",
        ),
        (
            "Schema migration did not include it, and review did not catch it.",
            "Why did schema migration not include it?",
        ),
        (
            "No automated tool or checklist item for verifying indexes on modified tables.",
            "Why was there no automated tool or checklist item for verifying indexes on modified "
            "tables?",
        ),
        # contractions stay in front; acronyms and capitals inside a word keep their case
        ("The API wasn't rate limited", "Why wasn't the API rate limited?"),
        (
            "PostgreSQL is configured for 50 connections",
            "Why is PostgreSQL configured for 50 connections?",
        ),
        ("CPU was at 95% on the primary", "Why was CPU at 95% on the primary?"),
        # what cannot be turned around is asked about as written
        ("Rollback failed — new column has data", "Why did this happen: Rollback failed?"),
        ("   ", ""),
    ],
)
def test_next_question(answer: str, question: str) -> None:
    assert next_question(answer) == question


def test_names_keep_their_capital() -> None:
    assert next_question("Dave was paged late.", frozenset({"Dave"})) == "Why was Dave paged late?"
    assert next_question("Dave was paged late.") == "Why was dave paged late?"


def test_first_clause_stops_at_punctuation() -> None:
    assert first_clause("  Pool  exhausted; queries slow. ") == "Pool exhausted"
    assert first_clause("p99 > 10s - alert fired") == "p99 > 10s"
    assert first_clause("v1.2 was deployed") == "v1.2 was deployed"


def test_first_question_comes_from_the_title() -> None:
    assert first_question("Checkout down") == "Why did this happen: Checkout down?"
    assert first_question("  ") == "Why did this happen?"
