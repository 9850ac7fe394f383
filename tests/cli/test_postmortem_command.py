"""`warroom postmortem ID`: the editor needs a terminal, and an incident that exists. Bad input
is one `error:` line, exit 2, and nothing written."""

import sys
from pathlib import Path

import pytest

from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.store import Store


def run(
    db: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    terminal: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    """`warroom --db DB ARGS...`; with `terminal`, as if run in one (the app itself is never
    started by these tests: each fails before it would be)."""
    if terminal is not None:  # patched here: pytest swaps the streams between set-up and call
        terminal.setattr(sys.stdin, "isatty", lambda: True)
        terminal.setattr(sys.stdout, "isatty", lambda: True)
    code = main(["--db", str(db), *args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_needs_a_terminal(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(str(db_path), clock) as store:
        store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    before = db_path.read_bytes()
    code, out, err = run(db_path, clock, capsys, "postmortem", "INC-1")
    assert (code, out) == (2, "")
    assert err.startswith("error: the war room needs a terminal")
    assert db_path.read_bytes() == before


def test_unknown_incident(
    db_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store.open(str(db_path), clock) as store:
        store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    before = db_path.read_bytes()
    assert run(db_path, clock, capsys, "postmortem", "INC-42", terminal=monkeypatch) == (
        2,
        "",
        "error: no incident INC-42\n",
    )
    assert db_path.read_bytes() == before


def test_no_database_yet(
    db_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run(db_path, clock, capsys, "postmortem", "INC-1", terminal=monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert "terminal" not in err
    assert err.count("\n") == 1
    assert not db_path.exists()


@pytest.mark.parametrize("ref", ["nope", "INC-0", ""])
def test_bad_incident_id(
    db_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    ref: str,
) -> None:
    code, out, err = run(db_path, clock, capsys, "postmortem", ref, terminal=monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("error: bad incident id")
    assert not db_path.exists()


def test_usage_without_an_id(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(db_path, clock, capsys, "postmortem")
    assert (code, out) == (2, "")
    assert err.startswith("error: the following arguments are required: ID")
