"""JSON and TOML are what the json module and tomli-w write: the same document (`to_document`),
read back whole, with JSON's lists one entry a line and TOML exactly as `tomli_w.dumps` has it."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reports import DETECTED, make_report
from warroom.domain.postmortem import Report, TimelineEntry
from warroom.domain.text import is_control
from warroom.domain.timefmt import iso_utc
from warroom.exporters.data import to_json, to_toml
from warroom.exporters.document import _iso, to_document, without_nulls

# Text a terminal would not obey: what is written stays the libraries' own output, unescaped.
shown_text = st.text(st.characters(codec="utf-8").filter(lambda char: not is_control(char)))
entries = st.lists(st.tuples(shown_text, shown_text.filter(str.strip)), max_size=8)


def report_with(timeline: list[tuple[str, str]]) -> Report:
    return make_report(
        timeline=tuple(
            TimelineEntry(DETECTED + timedelta(minutes=n), event, actor.strip())
            for n, (event, actor) in enumerate(timeline)
        ),
        root_cause='a "quoted" cause \\ with a backslash\nand a second line',
    )


def toml_document(report: Report) -> dict[str, Any]:
    """The document as the TOML export builds it: no nulls, TOML's own dates and times."""
    document = without_nulls(to_document(report, time=lambda moment: moment))
    document["date"] = date.fromisoformat(document["date"])
    for item in document["actionItems"]:
        if "dueDate" in item:
            item["dueDate"] = date.fromisoformat(item["dueDate"])
    return document


@settings(max_examples=60, deadline=None)
@given(entries)
def test_json_is_the_document_with_each_list_entry_on_a_line_of_its_own(
    timeline: list[tuple[str, str]],
) -> None:
    report = report_with(timeline)
    document = to_document(report)
    written = to_json(report)
    assert json.loads(written) == document
    lines = [line.removesuffix(",") for line in written.splitlines()]
    for entry in document["timeline"]:  # each there, whole, on a line of its own
        assert "    " + json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")) in lines


@settings(max_examples=60, deadline=None)
@given(entries)
def test_toml_is_what_tomli_w_writes(timeline: list[tuple[str, str]]) -> None:
    report = report_with(timeline)
    document = toml_document(report)
    written = to_toml(report)
    assert written == tomli_w.dumps(document)
    assert tomllib.loads(written) == document


def test_a_long_timeline_is_written_as_tomli_w_writes_it() -> None:
    timeline = [(f"alert {n}: p99 {n} ms", "Monitoring") for n in range(2000)]
    report = report_with(timeline)
    assert to_toml(report) == tomli_w.dumps(toml_document(report))


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/St_Johns")]),
    ).map(lambda moment: moment.replace(microsecond=0))
)
def test_timeline_times_are_written_as_everywhere_else(moment: datetime) -> None:
    assert _iso(moment) == iso_utc(moment)
