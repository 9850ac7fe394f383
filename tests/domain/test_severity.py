from datetime import timedelta

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.severity import (
    SEVERITIES,
    Cadence,
    format_interval,
    parse_interval,
    parse_severity,
    severity_label,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [("1", 1), ("4", 4), ("SEV-1", 1), ("sev-3", 3), ("SEV2", 2), (" 2 ", 2), ("Sev-4", 4)],
)
def test_parse_severity_accepts_numbers_and_labels(text: str, level: int) -> None:
    assert parse_severity(text) == level


@pytest.mark.parametrize("text", ["0", "5", "SEV-5", "SEV-", "high", "", "1.0", "-1", "SEV-12"])
def test_parse_severity_refuses_everything_else(text: str) -> None:
    with pytest.raises(BadInput, match="bad severity"):
        parse_severity(text)


def test_policy_table_matches_the_lesson() -> None:
    rows = [
        (s.label, s.name, s.respond_within, s.update.interval, s.audience)
        for s in SEVERITIES.values()
    ]
    assert rows == [
        ("SEV-1", "Critical", timedelta(minutes=15), timedelta(minutes=30), "exec team"),
        ("SEV-2", "High", timedelta(hours=1), timedelta(hours=1), "stakeholders"),
        ("SEV-3", "Medium", timedelta(hours=4), timedelta(days=1), "daily update"),
        ("SEV-4", "Low", None, None, "standup"),
    ]
    assert SEVERITIES[4].update.cadence is Cadence.STANDUP
    assert SEVERITIES[4].response_target == "next business day"
    assert SEVERITIES[1].response_target == "15m"
    assert severity_label(2) == "SEV-2"


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("90s", timedelta(seconds=90)),
        ("1D2H", timedelta(days=1, hours=2)),
    ],
)
def test_parse_interval(text: str, delta: timedelta) -> None:
    assert parse_interval(text) == delta


@pytest.mark.parametrize("text", ["", "m", "30", "0m", "1x", "h1", "1h-5m", "soon"])
def test_parse_interval_refuses(text: str) -> None:
    with pytest.raises(BadInput):
        parse_interval(text)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=30), "30m"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(days=1), "1d"),
        (timedelta(seconds=0), "0m"),
        (timedelta(seconds=3661), "1h1m1s"),
    ],
)
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text
