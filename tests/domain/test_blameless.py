"""Blame language: what is flagged (with the phrase and a suggestion) and what is not."""

import pytest

from warroom.domain.blameless import find_blame, person_names

NAMES = person_names(
    ["Bob Chen", "Alice Kim", "Dave Park", "Dave", "CI/CD pipeline", "System", "SRE team", "bob"]
)


def phrases(text: str, *, causal: bool = True) -> list[str]:
    return [finding.phrase for finding in find_blame(text, "rootCause", NAMES, causal=causal)]


def test_person_names_keep_people_and_their_first_names() -> None:
    assert {"Bob Chen", "Bob", "Alice Kim", "Alice", "Dave Park", "Dave"} == NAMES


def test_the_lessons_blame_example_is_flagged_with_phrase_and_suggestion() -> None:
    findings = find_blame("Dave forgot to add an index", "rootCause", NAMES, causal=True)
    assert [(f.where, f.phrase) for f in findings] == [
        ("rootCause", "Dave forgot"),
        ("rootCause", "forgot to add an index"),
    ]
    assert "Dave is the subject" in findings[0].suggestion
    assert findings[1].suggestion == 'try "the process had no step to add an index"'
    assert str(findings[1]) == (
        'rootCause: blame language "forgot to add an index": '
        'try "the process had no step to add an index"'
    )


@pytest.mark.parametrize(
    "text",
    [
        "The process allowed a migration without index verification",
        "A schema migration added a new column to the orders table but did not include an index "
        "on user_id. The full table scan under production load exhausted the connection pool.",
        "The forgotten password reset flow was slow",  # an adjective, not blame
        "The rollback failed to drop the column",  # a system failing is not blame
        "Rollback plan failed — untested assumption",
        "Dave's migration lacked an index",  # possessive: the migration is the subject
        "Alerts were routed to Dave and Alice",  # names as objects
        'The dashboard showed "Operator mistakenly paged" from an old template',  # a quote
        "Log line: `user error: retry` appeared 500 times",  # code
        "Blameless reviews share findings; git blame shows the file's history",
        "System load doubled; CI/CD pipeline deployed at 14:15",  # not people
        "Failed to connect errors rose",  # no subject
    ],
)
def test_systems_phrasing_passes(text: str) -> None:
    assert phrases(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We forgot the index", ["forgot"]),
        ("the index was forgotten during review", ["was forgotten"]),
        ("they neglected to run the load test", ["neglected to run the load test"]),
        ("Dave Park failed to check the plan", ["Dave Park failed", "failed to check the plan"]),
        ("The on-call engineer failed to escalate", ["failed to escalate"]),
        ("The reviewer should have caught it", ["should have"]),
        ("It shouldn't have shipped; we should've waited", ["shouldn't have", "should've"]),
        ("A careless change", ["careless"]),
        ("Carelessly deployed", ["Carelessly"]),
        ("Root cause: human error", ["human error"]),
        ("Operator error during failover", ["Operator error"]),
        ("A mistake in the config", ["mistake"]),
        ("The flag was mistakenly enabled", ["mistakenly"]),
        ("It was Dave's fault", ["'s fault"]),
        ("Nobody was at fault", ["at fault"]),
        ("Because Alice deployed on Friday, the cache was cold", ["Alice deployed"]),
        ("The pool ran dry. Bob Chen restarted it too late", ["Bob Chen restarted"]),
        ("Alice and Dave skipped the checklist", ["Dave skipped"]),
    ],
)
def test_blame_is_flagged(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


def test_names_as_subjects_only_in_the_causal_analysis() -> None:
    assert phrases("Dave deployed the fix quickly", causal=False) == []
    assert phrases("Dave deployed the fix quickly", causal=True) == ["Dave deployed"]


def test_word_boundaries() -> None:
    assert phrases("unforgotten forgotmenot carelessness-free mistakes") == [
        "carelessness",
        "mistakes",
    ]


def test_long_tails_are_shortened_in_the_suggestion() -> None:
    (finding,) = find_blame(
        "we forgot to run one two three four five six seven eight nine ten eleven twelve",
        "summary",
    )
    assert finding.suggestion == (
        'try "the process had no step to run one two three four five six seven eight nine …"'
    )
