from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.logline import TYPED_KINDS, LogLine, next_kind, parse_log_line
from warroom.domain.model import EventKind

NOW = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("db cpu 95%", LogLine("db cpu 95%", EventKind.NOTE, None)),
        ("alert: p99 > 10s", LogLine("p99 > 10s", EventKind.ALERT, None)),
        ("Decision:roll back", LogLine("roll back", EventKind.DECISION, None)),
        (
            "14:15 migration deployed",
            LogLine("migration deployed", EventKind.NOTE, NOW.replace(minute=15)),
        ),
        (
            "-3m action: restarted the pool",
            LogLine("restarted the pool", EventKind.ACTION, NOW.replace(minute=20)),
        ),
        (
            "http://status.example is red",
            LogLine("http://status.example is red", EventKind.NOTE, None),
        ),
        ("update: not typed by hand", LogLine("update: not typed by hand", EventKind.NOTE, None)),
        ("[red]x[/red]", LogLine("[red]x[/red]", EventKind.NOTE, None)),
    ],
)
def test_parse_log_line(line: str, expected: LogLine) -> None:
    assert parse_log_line(line, EventKind.NOTE, NOW, UTC_ZONE) == expected


def test_default_kind_applies_without_a_prefix() -> None:
    parsed = parse_log_line("pager went off", EventKind.ALERT, NOW, UTC_ZONE)
    assert parsed.kind is EventKind.ALERT


@pytest.mark.parametrize("line", ["", "   ", "14:15", "alert:", "-5m decision:  "])
def test_nothing_to_log(line: str) -> None:
    with pytest.raises(BadInput, match="nothing to log"):
        parse_log_line(line, EventKind.NOTE, NOW, UTC_ZONE)


def test_kind_cycle_visits_every_typed_kind() -> None:
    seen = [EventKind.NOTE]
    for _ in range(len(TYPED_KINDS)):
        seen.append(next_kind(seen[-1]))
    assert seen[:-1] == list(TYPED_KINDS)
    assert seen[-1] is EventKind.NOTE
    assert next_kind(EventKind.SEVERITY) is EventKind.NOTE
