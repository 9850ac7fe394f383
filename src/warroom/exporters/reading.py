"""Reading a post-mortem file: a regular file of at most 64 MiB, decoded as JSON or TOML.

The format is the file's extension (`.json`, `.toml`), else its content (JSON starts with `{`).
Numbers are read as they are, except one of more digits than any field holds: read as a
`HugeNumber`, which the schema refuses where it is, with its path (Python would refuse to
convert it, or take time quadratic in its length).
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from warroom.domain.errors import BadInput
from warroom.exporters.output import file_kind


class InvalidPostMortem(BadInput):
    """A file that is not a valid post-mortem; `details` lists every problem, one per line."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"{source} is not a valid post-mortem ({count} problem{'' if count == 1 else 's'})"
        )
        self.details = list(problems)


IMPORT_LIMIT = 64 << 20  # bytes: a JSON export of some 380,000 timeline events
LIMIT_TEXT = "64 MiB"


def read_capped(path: Path) -> bytes:
    """The bytes of the file at `path`, which must be a regular file of at most `IMPORT_LIMIT`
    bytes (a FIFO would keep import waiting, `/dev/zero` would fill the memory)."""
    try:
        # Without blocking: opening a FIFO would wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None
    try:
        found = os.fstat(descriptor)
        mode = found.st_mode
        if stat.S_ISDIR(mode):
            raise BadInput(f"{path} is a directory: import reads a post-mortem file")
        if not stat.S_ISREG(mode):
            raise BadInput(
                f"{path} is not a regular file ({file_kind(mode)}): import reads a post-mortem "
                "file (JSON or TOML)"
            )
        if found.st_size > IMPORT_LIMIT:
            raise _too_large(path)
        with open(descriptor, "rb", closefd=False) as handle:
            raw = handle.read(IMPORT_LIMIT + 1)
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(raw) > IMPORT_LIMIT:  # it grew while it was read
        raise _too_large(path)
    return raw


def _too_large(path: Path) -> BadInput:
    return BadInput(f"{path} is larger than {LIMIT_TEXT}, the most import reads")


def decode(raw: bytes, source: str, suffix: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidPostMortem(source, [f"(file): not UTF-8 text (byte {error.start})"]) from None
    is_json = suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{"))
    if is_json:
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_whole_number)
        except json.JSONDecodeError as error:
            raise InvalidPostMortem(
                source,
                [f"(file): not valid JSON: {error.msg} (line {error.lineno} column {error.colno})"],
            ) from None
        except _DuplicateKey as error:
            raise InvalidPostMortem(source, [f"(file): not valid JSON: {error}"]) from None
        except RecursionError:
            raise InvalidPostMortem(source, ["(file): nested too deeply"]) from None
    else:
        data = _toml(text, source)
    if not isinstance(data, dict):
        raise InvalidPostMortem(source, ["(file): must be an object of post-mortem fields"])
    return data


def _toml(text: str, source: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidPostMortem(source, [f"(file): not valid TOML: {error}"]) from None
    except RecursionError:
        raise InvalidPostMortem(source, ["(file): nested too deeply"]) from None
    except ValueError:  # an integer longer than Python converts (4,300 digits): read below
        pass
    try:
        return _with_huge_numbers(text)
    except (ValueError, RecursionError):
        problem = "(file): not valid TOML: an integer of more than 4,300 digits"
        raise InvalidPostMortem(source, [problem]) from None


class HugeNumber:
    """A whole number of more digits than any field holds, read without converting it (which
    takes time quadratic in its length): the schema refuses it where it is, with its path."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __str__(self) -> str:
        return f"a number of {self.digits:,} digits"


_LONGEST_NUMBER = 40  # digits: a field holds at most 19 (a SQL BIGINT)


def _whole_number(text: str) -> int | HugeNumber:
    digits = len(text.lstrip("+-"))
    return int(text) if digits <= _LONGEST_NUMBER else HugeNumber(digits)


# In TOML text: an integer of more digits than Python converts, where a value can stand.
_HUGE_TOML_INTEGER = re.compile(r"(?<![\w.+-])[+-]?\d(?:_?\d){4300,}(?![\w.])")
_MARK = "\x00warroom huge number "


def _with_huge_numbers(text: str) -> Any:
    """The TOML document, each huge integer in it read as a `HugeNumber`: it is written as a
    string that says how long it was, turned into one once read. (A run of digits inside a
    string breaks that string: then the file is refused as it was.)"""

    def marked(match: re.Match[str]) -> str:
        return json.dumps(f"{_MARK}{sum(char.isdigit() for char in match.group())}")

    return _unmarked(tomllib.loads(_HUGE_TOML_INTEGER.sub(marked, text)))


def _unmarked(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_MARK):
        return HugeNumber(int(value.removeprefix(_MARK)))
    if isinstance(value, dict):
        return {key: _unmarked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unmarked(item) for item in value]
    return value


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key {json.dumps(key)}")
        result[key] = value
    return result
