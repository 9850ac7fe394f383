"""`warroom import` of what is not a post-mortem file: a FIFO, a device, a file too large,
numbers and times out of range, and valid exports mutated at random. Each is refused at once as
bad input (exit 2, every problem by its path, nothing written), or imported, and what is
imported exports again; never a hang, a memory error or an "unexpected failure".

The default run imports a few dozen mutated files per database; `pytest --soak` thousands.
"""

from __future__ import annotations

import copy
import json
import os
import re
import resource
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Database
from tests.reliability.harness import warroom
from warroom.cli.main import main

GOLDEN = Path(__file__).parent.parent / "data" / "golden" / "checkout-outage.json"


def limited(seconds: float) -> dict[str, Any]:
    """subprocess.run arguments: at most `seconds`, and 2 GiB of memory (reading /dev/zero
    whole would take all the machine has)."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return {"capture_output": True, "text": True, "timeout": seconds, "preexec_fn": limit_memory}


@pytest.mark.parametrize(
    ("make", "kind"),
    [(lambda path: os.mkfifo(path), "a FIFO"), (None, "a character device")],
    ids=["fifo", "dev-zero"],
)
def test_import_refuses_what_is_not_a_regular_file_at_once(
    tmp_path: Path, env: dict[str, str], make: Any, kind: str
) -> None:
    source = tmp_path / "pm.json"
    if make is not None:
        make(source)  # and nobody writes into it
    else:
        source = Path("/dev/zero")
    db = tmp_path / "w.db"
    try:
        done = subprocess.run(warroom(db, "import", str(source)), env=env, **limited(60))
    except subprocess.TimeoutExpired:
        pytest.fail(f"import of {kind} still running after a minute")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {source} is not a regular file ({kind}): import reads a post-mortem file "
        "(JSON or TOML)\n"
    )
    assert not db.exists()


def test_import_refuses_a_file_over_64_mib_without_reading_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    source = tmp_path / "pm.json"
    with source.open("wb") as handle:
        handle.truncate((64 << 20) + 1)  # sparse: takes no room
    db = tmp_path / "w.db"
    done = subprocess.run(warroom(db, "import", str(source)), env=env, **limited(60))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: {source} is larger than 64 MiB, the most import reads\n"
    assert not db.exists()


def golden() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(GOLDEN.read_text())
    return document


@pytest.mark.parametrize(
    ("where", "value", "problem"),
    [
        (("impact", "usersAffected"), "9" * 5001, "is too large (a number of 5,001 digits)"),
        (("timeline", 0, "time"), '"0001-01-01T00:00:00+01:00"', "is out of range"),
        (("timeline", 0, "time"), '"9999-12-31T23:59:59-01:00"', "is out of range"),
        (("warroom", "milestones", "resolved"), '"9999-12-31T23:00:00Z"', "is out of range"),
        (("date",), '"9999-12-31"', "is out of range"),
    ],
)
def test_numbers_and_times_out_of_range_are_bad_input_with_their_path(
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: tuple[str | int, ...],
    value: str,
    problem: str,
) -> None:
    document = golden()
    parent = document
    for key in where[:-1]:
        parent = parent[key]  # type: ignore[index]
    parent[where[-1]] = "\0placeholder"  # type: ignore[index]
    source = tmp_path / "pm.json"
    source.write_text(json.dumps(document).replace('"\\u0000placeholder"', value))
    assert main(["--db", database.location, "import", str(source)]) == 2
    path = re.sub(r"\.(\d+)", r"[\1]", ".".join(map(str, where)))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0] == f"error: {source} is not a valid post-mortem (1 problem)"
    assert captured.err.splitlines()[1].startswith(f"  {path}: {problem}")
    assert not database.exists()


# ---- valid exports, mutated ------------------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\ud800",
    "\x1b[31m",
    "x" * 5000,
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9998-12-31T23:59:59Z",
    "1899-12-31T23:59:59Z",
    "2024-03-15T14:15:00.123456Z",
    "2024-03-15T14:15:00.5+14:00",
    "2024-03-15T14:15",
    "2024-02-30",
    "9999-12-31",
    "24:00",
    "23:59",
    "00:00",
    "99:99",
    "SEV-0",
    "SEV-4",
    "P3",
    "prevent",
    "commander",
    "in-progress",
]


class Huge:
    """A number written with `digits` digits (Python will not even print one past 4,300)."""

    def __init__(self, digits: int, negative: bool) -> None:
        self.text = ("-" if negative else "") + "9" * digits


names = st.from_regex(r"[a-z][A-Za-z]{0,8}", fullmatch=True)
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, 10**19]),
    st.builds(Huge, st.integers(20, 6000), st.booleans()),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(ODD_TEXT),
    st.lists(st.integers() | st.text(max_size=5), max_size=3),
    st.dictionaries(names, st.integers() | st.none(), max_size=2),
    st.sampled_from([[], {}, [{}], [[[[[[[[]]]]]]]]]),
)


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index in the document, as paths."""
    found: list[tuple[Any, ...]] = []
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        found.append((*path, key))
        found += nodes(child, (*path, key))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    document = golden()
    for _ in range(draw(st.integers(1, 4))):
        paths = nodes(document)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["drop", "replace", "replace", "add", "wrap"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(odd_values))  # (sampled ones are shared)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(names)] = copy.deepcopy(draw(odd_values))
        else:
            parent[path[-1]] = [parent[path[-1]]]
    return document, draw(st.sampled_from(["json", "toml"]))


def written(document: dict[str, Any], form: str) -> bytes:
    """The document as a file: huge numbers put in as digits, TOML without nulls."""
    huge: dict[str, str] = {}

    def prepared(value: Any) -> Any:
        if isinstance(value, Huge):
            mark = f"\0huge {len(huge)}"
            huge[mark] = value.text
            return mark
        if isinstance(value, dict):
            return {k: prepared(v) for k, v in value.items() if not (form == "toml" and v is None)}
        if isinstance(value, list):
            return [prepared(item) for item in value if not (form == "toml" and item is None)]
        return value

    ready = prepared(document)
    text = json.dumps(ready) if form == "json" else tomli_w.dumps(ready)
    for mark, digits in huge.items():
        text = text.replace(json.dumps(mark), digits)
    return text.encode("utf-8", "surrogatepass")


PATH = r"(\(file\)|[A-Za-z]\w*(\[\d+\])*(\.[A-Za-z]\w*(\[\d+\])*)*)"
PROBLEM = re.compile(rf"^  {PATH}: \S.*$")
INVALID = re.compile(r"^error: .* is not a valid post-mortem \((\d+) problems?\)$")


@pytest.fixture(params=[pytest.param("quick"), pytest.param("soak", marks=pytest.mark.soak)])
def imports(request: pytest.FixtureRequest) -> int:
    """How many mutated files to import."""
    return 40 if request.param == "quick" else 3000


def test_a_mutated_export_is_imported_or_refused_with_every_problem_by_its_path(
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    imports: int,
    tell: Callable[[str], None],
) -> None:
    counts = {"imported": 0, "refused": 0}

    @settings(
        max_examples=imports,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(mutated())
    def imported_or_refused(case: tuple[dict[str, Any], str]) -> None:
        document, form = case
        source = tmp_path / f"pm.{form}"
        source.write_bytes(written(document, form))
        capsys.readouterr()
        code = main(["--db", database.location, "import", str(source)])
        out, err = capsys.readouterr()
        if code == 2:
            counts["refused"] += 1
            first, *details = err.splitlines()
            assert out == ""
            invalid = INVALID.match(first)
            assert invalid, first
            assert len(details) == int(invalid.group(1))
            assert all(PROBLEM.match(line) for line in details), details
            return
        assert (code, err) == (0, ""), err
        counts["imported"] += 1
        key = out.strip()
        exported = tmp_path / "again.json"
        assert main(["--db", database.location, "export", key, "-o", str(exported), "--force"]) == 0
        assert main(["--db", database.location, "check", key]) in (0, 1)
        assert main(["--db", database.location, "import", str(exported)]) == 0
        assert "unexpected failure" not in capsys.readouterr().err

    imported_or_refused()
    tell(f"{counts['imported']} mutated files imported, {counts['refused']} refused")
    assert counts["refused"], counts  # the mutations do break files
