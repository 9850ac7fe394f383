from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.timeparse import parse_date, parse_time, split_leading_time

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


NOW = utc(2024, 3, 15, 14, 23)


@pytest.mark.parametrize(
    ("text", "now", "tz", "expected"),
    [
        # wall-clock times, display zone UTC
        ("14:15", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 15)),
        ("14:23", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 23)),
        ("9:05", NOW, UTC_ZONE, utc(2024, 3, 15, 9, 5)),
        ("14:15:30", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 15, 30)),
        # later than now today: yesterday
        ("14:24", NOW, UTC_ZONE, utc(2024, 3, 14, 14, 24)),
        ("23:50", utc(2024, 3, 15, 0, 5), UTC_ZONE, utc(2024, 3, 14, 23, 50)),
        # just after midnight, a time just before it is yesterday's
        ("00:00", utc(2024, 3, 15, 0, 0), UTC_ZONE, utc(2024, 3, 15, 0, 0)),
        # the display zone decides what 14:15 means
        ("14:15", NOW, BERLIN, utc(2024, 3, 15, 13, 15)),
        ("10:00", NOW, NEW_YORK, utc(2024, 3, 15, 14, 0)),
        # relative
        ("-5m", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 18)),
        ("-1h30m", NOW, UTC_ZONE, utc(2024, 3, 15, 12, 53)),
        ("-90s", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 21, 30)),
        ("-2d", NOW, UTC_ZONE, utc(2024, 3, 13, 14, 23)),
        # ISO 8601
        ("2024-03-15T14:15:00Z", NOW, BERLIN, utc(2024, 3, 15, 14, 15)),
        ("2024-03-15T15:15:00+01:00", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 15)),
        ("2024-03-15T15:15", NOW, BERLIN, utc(2024, 3, 15, 14, 15)),
        ("2024-03-15 15:15", NOW, BERLIN, utc(2024, 3, 15, 14, 15)),
        # a minute of clock skew is allowed
        ("2024-03-15T14:23:50Z", NOW, UTC_ZONE, utc(2024, 3, 15, 14, 23, 50)),
    ],
)
def test_parse_time(text: str, now: datetime, tz: ZoneInfo, expected: datetime) -> None:
    parsed = parse_time(text, now, tz)
    assert parsed == expected
    assert parsed.tzinfo is UTC


# Europe/Berlin: clocks went forward 2024-03-31 02:00 -> 03:00 and back 2024-10-27 03:00 -> 02:00.


def test_dst_spring_forward_gap_is_refused() -> None:
    now = utc(2024, 3, 31, 5, 0)  # 07:00 CEST
    with pytest.raises(BadInput, match="does not exist"):
        parse_time("02:30", now, BERLIN)


def test_dst_spring_forward_times_around_the_gap() -> None:
    now = utc(2024, 3, 31, 5, 0)
    assert parse_time("01:59", now, BERLIN) == utc(2024, 3, 31, 0, 59)
    assert parse_time("03:00", now, BERLIN) == utc(2024, 3, 31, 1, 0)


def test_dst_fall_back_ambiguous_time_is_the_latest_past_one() -> None:
    # 02:30 happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET)
    after_both = utc(2024, 10, 27, 3, 0)
    assert parse_time("02:30", after_both, BERLIN) == utc(2024, 10, 27, 1, 30)
    between = utc(2024, 10, 27, 1, 0)  # 02:00 CET, the second pass has not reached 02:30 yet
    assert parse_time("02:30", between, BERLIN) == utc(2024, 10, 27, 0, 30)


@pytest.mark.parametrize("text", ["2024-10-27 02:30", "2024-10-27T02:30"])
def test_dst_fall_back_iso_time_without_offset_follows_the_same_rule(text: str) -> None:
    """As for HH:MM: the most recent occurrence that is not in the future."""
    after_both = utc(2024, 10, 27, 3, 0)
    assert parse_time(text, after_both, BERLIN) == parse_time("02:30", after_both, BERLIN)
    assert parse_time(text, after_both, BERLIN) == utc(2024, 10, 27, 1, 30)
    between = utc(2024, 10, 27, 1, 0)
    assert parse_time(text, between, BERLIN) == utc(2024, 10, 27, 0, 30)


def test_dst_duration_across_the_change_is_real_time() -> None:
    now = utc(2024, 3, 31, 1, 30)  # 03:30 CEST, an hour of wall clock was skipped
    assert parse_time("01:30", now, BERLIN) == utc(2024, 3, 31, 0, 30)
    assert parse_time("-1h", now, BERLIN) == utc(2024, 3, 31, 0, 30)


@pytest.mark.parametrize(
    "text",
    ["25:00", "12:60", "12:5", "noon", "", "+5m", "-5", "2024-13-01T00:00", "2030-01-01T00:00Z"],
)
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(BadInput):
        parse_time(text, NOW, UTC_ZONE)


@pytest.mark.parametrize(
    ("text", "expected_time", "rest"),
    [
        ("14:15 migration deployed", utc(2024, 3, 15, 14, 15), "migration deployed"),
        ("-5m alert fired", utc(2024, 3, 15, 14, 18), "alert fired"),
        ("2024-03-15T14:00Z rollback", utc(2024, 3, 15, 14, 0), "rollback"),
        ("2024-03-15 14:00 rollback", utc(2024, 3, 15, 14, 0), "rollback"),
        ("db cpu 95%", None, "db cpu 95%"),
        ("3:1 ratio of errors", None, "3:1 ratio of errors"),
        ("-5 people on the call", None, "-5 people on the call"),
        ("2024-03-15 was the day", None, "2024-03-15 was the day"),
        ("[red]x[/red]", None, "[red]x[/red]"),
    ],
)
def test_split_leading_time(text: str, expected_time: datetime | None, rest: str) -> None:
    assert split_leading_time(text, NOW, UTC_ZONE) == (expected_time, rest)


@pytest.mark.parametrize(
    "text",
    [
        "25:15 migration deployed",
        # An event's edit line (`date time kind: text`) with its time broken: it was saved
        # whole as the event's text, at the old time.
        "2024-03-15 14:1500 note: rollback",
        "2024-03-15114:15:00 note: rollback",
    ],
)
def test_split_leading_time_refuses_a_mistyped_time(text: str) -> None:
    with pytest.raises(BadInput):
        split_leading_time(text, NOW, UTC_ZONE)


@pytest.mark.parametrize("text", ["2024-03-15 3:1 ratio", "2024-03-15 10:00-11:00 maintenance"])
def test_a_date_with_other_figures_after_it_is_text(text: str) -> None:
    assert split_leading_time(text, NOW, UTC_ZONE) == (None, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("2024-03-22", date(2024, 3, 22)),
        ("03-22", date(2024, 3, 22)),
        ("03-01", date(2025, 3, 1)),  # already past this year: next year's
        ("+3d", date(2024, 3, 18)),
        ("+2w", date(2024, 3, 29)),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, date(2024, 3, 15)) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "13-01", "tomorrow", "+3", "3d"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(BadInput, match="bad date"):
        parse_date(text, date(2024, 3, 15))
