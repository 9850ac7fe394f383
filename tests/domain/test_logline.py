from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.logline import (
    TYPED_KINDS,
    LogLine,
    next_kind,
    parse_log_line,
    unclear_start,
)
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


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("14:15pm rollback", "bad time '14:15pm': use HH:MM, -5m"),
        ("1415 deploy", "bad time '1415': use HH:MM"),
        ("-5x alert: fired", "bad time '-5x'"),
        ("2pm call with the vendor", "bad time '2pm'"),
        ("14.15 deploy", "bad time '14.15'"),
        ("25:15 deployed", "no such time of day"),
        ("decison: roll back", "unknown kind 'decison' (did you mean decision:?): use note:,"),
        ("14:15 Alret: p99", "did you mean alert:?"),
        ("notes: db is slow", "did you mean note:?"),
    ],
)
def test_a_mistyped_start_is_named_with_what_is_accepted(line: str, said: str) -> None:
    found = unclear_start(line, NOW, UTC_ZONE)
    assert found is not None
    assert said in found


@pytest.mark.parametrize(
    "line",
    [
        "db cpu 95%",
        "500 errors from checkout",
        "3 pods down",
        "-1 replicas after the scale-down",
        "14:15 migration deployed",
        "-5m alert: fired",
        "decision: roll back",
        "update: not typed by hand",
        "db: slow",
        "http://status.example: red",
        "10:00-11:00 maintenance window",
    ],
)
def test_a_line_that_reads_as_meant_is_not_questioned(line: str) -> None:
    assert unclear_start(line, NOW, UTC_ZONE) is None
