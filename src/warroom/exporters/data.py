"""JSON and TOML: the same structure (`document.py`), written by the json module and tomli-w.

JSON is indented, with each entry of a list on one line of its own (a timeline of 100,000 events
stays readable and diffs line by line). The json module encodes every string and number.

TOML uses its own types where it has them: `date` and `dueDate` are TOML dates, timeline `time`
a TOML date-time (`2024-03-15 14:15:00+00:00`); TOML has no null, so unknown values are left out
(the importer reads a missing key as null). tomli-w writes it. Only the timeline, which can hold
100,000 entries, is written here, as tomli-w writes it (tests compare the two byte for byte):
tomli-w escapes strings a character at a time, which takes seconds at that size; here a string
that needs no escape (nearly all) is taken as it is, and any other is escaped by tomli-w.

Neither format lets user text act on a terminal (`warroom export` writes to stdout): characters
a terminal would obey (C1 controls, DEL, bidi controls; C0 controls already are) are written as
`\\u` escapes, which read back as exactly the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import Any

import tomli_w

from warroom.domain.postmortem import Report
from warroom.domain.text import is_control
from warroom.exporters.document import WARROOM_KEY, to_document, without_nulls

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def to_json(report: Report) -> str:
    return _escape_controls("".join(_json(to_document(report), "")), _json_escape) + "\n"


def _json(value: Any, indent: str) -> list[str]:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        parts = ["{\n"]
        for position, (key, item) in enumerate(value.items()):
            parts += [inner, _ENCODE(key), ": ", *_json(item, inner)]
            parts.append(",\n" if position < len(value) - 1 else "\n")
        parts += [indent, "}"]
        return parts
    if isinstance(value, list) and value:
        return ["[\n", inner, f",\n{inner}".join(map(_json_line, value)), "\n", indent, "]"]
    return [_ENCODE(value)]


def _json_line(value: Any) -> str:
    """One entry of a list, on one line. An object of plain values (a timeline entry; there
    can be 100,000) is put together here from what the json module writes for each key and
    value, as its encoder would put it together, without setting up an encoder per entry."""
    if type(value) is dict:
        try:
            pairs = ", ".join(
                [
                    f"{encode_basestring(key)}: {_JSON_PLAIN[type(item)](item)}"
                    for key, item in value.items()
                ]
            )
        except (KeyError, TypeError):  # not plain: a nested value, or a key that is not text
            return _ENCODE(value)
        return f"{{{pairs}}}"
    return _ENCODE(value)


# How the json module writes each plain value, by its exact type.
_JSON_PLAIN: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda flag: "true" if flag else "false",
    type(None): lambda _none: "null",
}


# The lists that can hold 100,000 entries (a timeline entry each), by their path in the document.
# Their entries hold no nulls, so they are not walked for them, and they are written here.
LONG_LISTS = (("timeline",), (WARROOM_KEY, "timeline"))


def to_toml(report: Report) -> str:
    document = without_nulls(to_document(report, time=_toml_time), keep=LONG_LISTS)
    document["date"] = date.fromisoformat(document["date"])
    for item in document["actionItems"]:
        if "dueDate" in item:
            item["dueDate"] = date.fromisoformat(item["dueDate"])
    return _escape_controls(_toml_dumps(document, LONG_LISTS), _toml_escape)


_INDENT = " " * 4  # tomli-w's default
_MAX_LINE = 100  # tomli-w writes a list of tables inline when every line fits in this


def _toml_dumps(document: dict[str, Any], long_lists: Sequence[tuple[str, ...]]) -> str:
    """tomli_w.dumps(document), with the lists of tables of plain values at `long_lists`
    written here. A stand-in takes each list's place while tomli-w writes the rest: a string
    where tomli-w would write the list inline, one table where it would write tables
    ([[name]]). Then the stand-ins are replaced by the lists as tomli-w writes them."""
    replacements: list[tuple[str, str]] = []
    standing_in = document
    for number, path in enumerate(long_lists):
        key = path[-1]
        entries = _get(document, path)
        if not entries:
            continue
        # Rendered, a mark starts with a NUL escape that no text a person typed renders to
        # (a backslash they type is doubled), then says which list it stands in for.
        mark = f"\0warroom {number}"
        mark_toml = tomli_w.dumps({"m": mark})[4:-1]
        inline = _inline_tables(entries)
        if inline is not None:
            stand_in: object = mark
            written = f"{key} = {mark_toml}\n"
            text = "".join(f"{_INDENT}{line},\n" for line in inline)
            wanted = f"{key} = [\n{text}]\n"
        else:
            stand_in = {"m": mark}
            name = ".".join(path)
            written = f"[{name}]\nm = {mark_toml}\n"
            tables = [f"[[{name}]]\n{_toml_pairs(entry, chr(10))}\n" for entry in entries]
            wanted = "\n".join(tables)
        standing_in = _replaced(standing_in, path, stand_in)
        replacements.append((written, wanted))
    result = tomli_w.dumps(standing_in)
    for written, wanted in replacements:
        before, found, after = result.partition(written)
        if not found:  # a tomli-w that writes differently: let it write everything
            return tomli_w.dumps(document)
        result = before + wanted + after
    return result


def _get(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _replaced(document: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A copy of `document` with the value at `path` replaced (the document is not changed)."""
    key, *rest = path
    return {**document, key: _replaced(document[key], tuple(rest), value) if rest else value}


def _inline_tables(entries: Sequence[Mapping[str, object]]) -> list[str] | None:
    """Each entry as an inline table, when every one fits on a line as tomli-w wants it."""
    lines = []
    for entry in entries:
        line = f"{{ {_toml_pairs(entry, ', ')} }}"
        if len(line) + len(_INDENT) + 1 > _MAX_LINE:
            return None
        lines.append(line)
    return lines


def _toml_pairs(entry: Mapping[str, object], between: str) -> str:
    """The entry's keys (bare words: the document's own) and values, as tomli-w writes them."""
    return between.join([f"{name} = {_toml_value(value)}" for name, value in entry.items()])


def _toml_value(value: object) -> str:
    if type(value) is str and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # nothing in it to escape
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) in (int, datetime):
        return str(value)  # as tomli-w writes them
    return tomli_w.dumps({"v": value})[4:-1]


def _escape_controls(text: str, escape: Callable[[str], str]) -> str:
    """`text` with each character a terminal would obey written as `escape` writes it. Such a
    character can only be inside a string: both formats escape newlines there, so lines that
    are all printable (nearly all of them) are left as they are, at C speed."""
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
    if moment.tzinfo is UTC and not moment.microsecond:
        return moment  # already whole seconds in UTC (an imported timeline)
    return moment.astimezone(UTC).replace(microsecond=0)
