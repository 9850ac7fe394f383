"""Properties of the time parser, over any text a person (or a cat on the keyboard) can type.

Whatever the text, the zone and the moment: either a UTC time that is not in the future (beyond
the clock-skew tolerance), or BadInput. Never another exception, never a naive datetime.
"""

from datetime import UTC, datetime, timedelta, tzinfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from warroom.domain.errors import BadInput
from warroom.domain.timeparse import FUTURE_TOLERANCE, parse_time, split_leading_time

# Clocks people run warroom with: any moment from 1971 to 2200, as an aware UTC datetime.
nows = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
zones = st.timezones()

digits = st.integers(min_value=0, max_value=10**12).map(str) | st.sampled_from(
    ["0", "00", "9", "23", "24", "59", "60", "99", "٣", "１"]
)
units = st.sampled_from("dhmsDHMSxµ")
relative = st.builds(
    lambda parts: "-" + "".join(number + unit for number, unit in parts),
    st.lists(st.tuples(digits, units), min_size=1, max_size=4),
)
clock = st.builds(
    lambda h, m, s: f"{h}:{m}" + (f":{s}" if s is not None else ""),
    digits,
    digits,
    st.none() | digits,
)
offsets = st.sampled_from(["", "Z", "+00:00", "+14:00", "-12:00", "+05:30", "+99:99", "z"])
iso = st.builds(
    lambda y, mo, d, sep, h, mi, rest, off: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h}:{mi}{rest}{off}",
    st.integers(min_value=0, max_value=9999),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=32),
    st.sampled_from(["T", " "]),
    digits,
    digits,
    st.sampled_from(["", ":00", ":59.999999", ":60", ".5"]),
    offsets,
)
time_like = relative | clock | iso
texts = time_like | st.text() | st.builds(lambda a, b: f"{a} {b}", time_like, st.text())


def check_result(result: datetime, now: datetime) -> None:
    assert result.tzinfo is UTC
    assert result.utcoffset() == timedelta(0)
    assert result <= now + FUTURE_TOLERANCE


@settings(max_examples=250, deadline=None)
@given(text=texts, now=nows, tz=zones)
@example(text="-99999999999d", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
@example(text="-1000000d", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
@example(text="0001-01-01T00:00+01:00", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
@example(text="9999-12-31T23:59-12:00", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
@example(text="0001-01-01T00:00", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
def test_parse_time_returns_a_past_utc_time_or_refuses(
    text: str, now: datetime, tz: tzinfo
) -> None:
    try:
        result = parse_time(text, now, tz)
    except BadInput:
        return
    check_result(result, now)


@settings(max_examples=250, deadline=None)
@given(text=texts, now=nows, tz=zones)
@example(text="-99999999999d rollback", now=datetime(2024, 3, 15, tzinfo=UTC), tz=UTC)
def test_split_leading_time_returns_a_past_utc_time_or_the_text_unchanged(
    text: str, now: datetime, tz: tzinfo
) -> None:
    try:
        at, rest = split_leading_time(text, now, tz)
    except BadInput:
        return
    if at is None:
        assert rest == text  # nothing taken from text that is not a time
    else:
        check_result(at, now)
        assert rest in text


@settings(max_examples=200, deadline=None)
@given(now=nows, tz=zones, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_a_wall_clock_time_is_the_latest_such_moment_not_after_now(
    now: datetime, tz: tzinfo, hour: int, minute: int
) -> None:
    try:
        result = parse_time(f"{hour:02d}:{minute:02d}", now, tz)
    except BadInput:
        return  # skipped by a DST change (or a zone changing its offset) on that day
    local = result.astimezone(tz)
    assert (local.hour, local.minute) == (hour, minute)
    assert result <= now
    # Within the last two days (a day plus the largest offset change a zone has made).
    assert now - result < timedelta(days=2)


@settings(max_examples=200, deadline=None)
@given(now=nows, tz=zones, seconds=st.integers(min_value=1, max_value=10**8))
def test_a_relative_time_is_exactly_that_long_ago(now: datetime, tz: tzinfo, seconds: int) -> None:
    assert parse_time(f"-{seconds}s", now, tz) == now - timedelta(seconds=seconds)
