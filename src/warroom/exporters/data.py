"""JSON and TOML: the same structure (`document.py`), written by the json module and tomli-w.

JSON is indented, with each entry of a list on one line of its own (a timeline of 100,000 events
stays readable and diffs line by line): the json module writes each key and each entry.

TOML uses its own types where it has them: `date` and `dueDate` are TOML dates, timeline `time`
a TOML date-time (`2024-03-15 14:15:00+00:00`); TOML has no null, so unknown values are left out
(the importer reads a missing key as null). `tomli_w.dumps` writes the whole document.

Neither format lets user text act on a terminal (`warroom export` writes to stdout): characters
a terminal would obey (C1 controls, DEL, bidi controls; C0 controls already are) are written as
`\\u` escapes, which read back as exactly the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import tomli_w

from warroom.domain.postmortem import Report
from warroom.domain.text import is_control
from warroom.exporters.document import to_document, without_nulls

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def to_json(report: Report) -> str:
    return _escape_controls("".join(_json(to_document(report), "")), _json_escape) + "\n"


def _json(value: Any, indent: str) -> list[str]:
    """Objects spread over indented lines, each entry of a list on a line of its own."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        parts = ["{\n"]
        for position, (key, item) in enumerate(value.items()):
            parts += [inner, _ENCODE(key), ": ", *_json(item, inner)]
            parts.append(",\n" if position < len(value) - 1 else "\n")
        parts += [indent, "}"]
        return parts
    if isinstance(value, list) and value:
        return ["[\n", inner, f",\n{inner}".join(map(_ENCODE, value)), "\n", indent, "]"]
    return [_ENCODE(value)]


def to_toml(report: Report) -> str:
    document = without_nulls(to_document(report, time=_toml_time))
    document["date"] = date.fromisoformat(document["date"])
    for item in document["actionItems"]:
        if "dueDate" in item:
            item["dueDate"] = date.fromisoformat(item["dueDate"])
    return _escape_controls(tomli_w.dumps(document), _toml_escape)


def _escape_controls(text: str, escape: Callable[[str], str]) -> str:
    """`text` with each character a terminal would obey written as `escape` writes it. Both
    formats write such a character only inside a string, where its escape means the same
    character; lines that are all printable (nearly all of them) are left as they are."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.isprintable():
            lines[index] = "".join(escape(char) if is_control(char) else char for char in line)
    return "\n".join(lines)


def _json_escape(char: str) -> str:
    return json.dumps(char)[1:-1]  # \u009b; a character beyond the BMP as its surrogate pair


def _toml_escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def _toml_time(moment: datetime) -> datetime:
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
