"""The home screen's filter: words parsed, incidents matched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.incident_filter import parse_filter
from warroom.domain.model import Incident, Milestone, Phase

DETECTED = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)


def incident(
    level: int,
    *,
    resolved: bool = False,
    services: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> Incident:
    marks = {Milestone.DETECTED: DETECTED}
    if resolved:
        marks[Milestone.RESOLVED] = DETECTED
    return Incident(1, "t", level, Phase.INVESTIGATION, marks, "IC", services=services, tags=tags)


def test_empty_is_no_filter() -> None:
    empty = parse_filter("   ")
    assert not empty.is_on
    assert empty.matches(incident(4, resolved=True))


@pytest.mark.parametrize(
    ("text", "matching", "other"),
    [
        ("sev:1", incident(1), incident(2)),
        ("sev:1,2", incident(2), incident(3)),
        ("SEV:sev-3|4", incident(4), incident(1)),
        ("status:active", incident(3), incident(3, resolved=True)),
        ("status:resolved", incident(3, resolved=True), incident(3)),
        ("service:Payments", incident(1, services=("payments", "ledger")), incident(1)),
        ("tag:kafka", incident(1, tags=("Kafka",)), incident(1, services=("kafka",))),
        (
            "sev:1 service:payments",
            incident(1, services=("payments",)),
            incident(2, services=("payments",)),
        ),
    ],
)
def test_matches(text: str, matching: Incident, other: Incident) -> None:
    wanted = parse_filter(text)
    assert wanted.is_on
    assert wanted.matches(matching)
    assert not wanted.matches(other)


def test_the_words_as_typed() -> None:
    assert parse_filter("  sev:1   service:payments ").text == "sev:1 service:payments"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("payments", "cannot filter by 'payments'"),
        ("owner:bob", "cannot filter by 'owner:bob'"),
        ("sev:", "cannot filter by 'sev:'"),
        ("sev:5", "no severity '5'"),
        ("sev:high", "no severity 'high'"),
        ("status:open", "no status 'open'"),
    ],
)
def test_bad_words_say_what_is_accepted(text: str, said: str) -> None:
    with pytest.raises(BadInput, match="use ") as error:
        parse_filter(f"sev:1 {text}")
    assert str(error.value).startswith(said)
