"""The timeline of an export is written without setting up the json module's encoder
per entry and without tomli-w's character-by-character escaping (100,000 entries must export in
well under two seconds). These tests hold that what comes out is what the libraries write,
byte for byte, whatever the text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w
from hypothesis import example, given, settings
from hypothesis import strategies as st

from warroom.domain.timefmt import iso_utc
from warroom.exporters.data import LONG_LISTS, _json_line, _toml_dumps
from warroom.exporters.document import _iso

texts = st.text(st.characters(codec="utf-8"), max_size=120)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
entries = st.fixed_dictionaries({"time": moments, "event": texts, "actor": texts})
marks = st.fixed_dictionaries(
    {"index": st.integers(0, 10**6), "kind": texts, "starred": st.booleans()}
)


def document(
    timeline: list[dict[str, Any]], marked: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The shape of an export: plain values before and after the timeline, tables after it,
    and the second long list inside a table."""
    return {
        "id": "PM-2024-007",
        "summary": 'a "quoted" summary\\ with a backslash\nand a second line',
        "timeline": timeline,
        "rootCause": "the pool was too small",
        "fiveWhys": [{"question": "Why?", "answer": "x" * 150}],  # written as [[fiveWhys]]
        "impact": {"duration": "47 minutes"},
        "warroom": {
            "incident": "INC-1",
            "timeline": marked or [],
            "roles": [{"role": "ic", "person": "Bob"}],
        },
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(entries, max_size=6))
@example([])
@example([{"time": datetime(2024, 3, 15, 14, 15, tzinfo=UTC), "event": "ok", "actor": "Bob"}])
@example(  # one line too long for tomli-w to write the list inline: every entry a [[table]]
    [
        {"time": datetime(2024, 3, 15, 14, 15, tzinfo=UTC), "event": "short", "actor": "A"},
        {"time": datetime(2024, 3, 15, 14, 16, tzinfo=UTC), "event": "x" * 60, "actor": "A"},
    ]
)
@example(  # exactly at tomli-w's limit, and one past it
    [{"time": datetime(2024, 3, 15, 14, 15, tzinfo=UTC), "event": "x" * 32, "actor": "Bob"}]
)
@example([{"time": datetime(2024, 3, 15, 14, 15, tzinfo=UTC), "event": "x" * 33, "actor": "Bob"}])
@example(
    [
        {
            "time": datetime(2024, 3, 15, 14, 15, tzinfo=UTC),
            "event": '\\0warroom "\x00" \x1b[31m \x7f \u2028 \u009b tab\there',
            "actor": "\\",
        }
    ]
)
def test_the_toml_timeline_is_what_tomli_w_writes(timeline: list[dict[str, Any]]) -> None:
    whole = document(timeline)
    assert _toml_dumps(whole, LONG_LISTS) == tomli_w.dumps(whole)


@settings(max_examples=200, deadline=None)
@given(st.lists(entries, max_size=3), st.lists(marks, max_size=4))
@example([], [{"index": 3, "kind": "alert", "starred": True}])
@example([], [{"index": 3, "kind": "x" * 100, "starred": False}])  # written as tables
def test_both_long_lists_are_what_tomli_w_writes(
    timeline: list[dict[str, Any]], marked: list[dict[str, Any]]
) -> None:
    whole = document(timeline, marked)
    assert _toml_dumps(whole, LONG_LISTS) == tomli_w.dumps(whole)


def test_the_toml_limit_examples_fall_on_both_sides_of_it() -> None:
    """The examples above do test both of tomli-w's ways of writing the list."""
    at = datetime(2024, 3, 15, 14, 15, tzinfo=UTC)
    fits = tomli_w.dumps({"t": [{"time": at, "event": "x" * 32, "actor": "Bob"}]})
    too_long = tomli_w.dumps({"t": [{"time": at, "event": "x" * 33, "actor": "Bob"}]})
    assert fits.startswith("t = [\n")
    assert too_long.startswith("[[t]]\n")


def test_a_long_toml_timeline_is_what_tomli_w_writes() -> None:
    start = datetime(2024, 3, 15, 14, 15, tzinfo=UTC)
    timeline = [
        {"time": start + timedelta(seconds=n), "event": f"alert {n}: p99 {n} ms", "actor": "Mon"}
        for n in range(2000)
    ]
    marked = [{"index": n, "kind": "alert", "starred": n % 7 == 0} for n in range(0, 2000, 3)]
    whole = document(timeline, marked)
    assert _toml_dumps(whole, LONG_LISTS) == tomli_w.dumps(whole)


ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(texts, st.one_of(texts, st.integers(), st.booleans(), st.none()), max_size=4)
)
@example({"event": '"\\\x00\x1b\x7f\u2028\ud7ff', "actor": "</script>"})
@example({"index": 2**70, "starred": True, "kind": "alert", "gone": None})
def test_a_json_line_is_what_the_json_module_writes(entry: dict[str, object]) -> None:
    assert _json_line(entry) == ENCODE(entry)


@given(
    st.one_of(
        st.integers(),
        st.none(),
        st.dictionaries(st.integers(), texts, min_size=1, max_size=2),  # keys not text
        st.dictionaries(texts, st.lists(st.integers()), min_size=1, max_size=2),  # nested
        st.dictionaries(texts, st.floats(), min_size=1, max_size=2),
    )
)
def test_a_json_line_of_anything_else_is_the_json_module_s(value: object) -> None:
    assert _json_line(value) == ENCODE(value)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/St_Johns")]),
    )
)
def test_timeline_times_are_written_as_everywhere_else(moment: datetime) -> None:
    assert _iso(moment) == iso_utc(moment)
