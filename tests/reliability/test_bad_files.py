"""Files warroom must refuse, through the command line: one clear `error:` line, exit 2, and the
file left byte-for-byte as it was, with nothing (-wal, -shm, -journal) left beside it.

Read-only cases are real: as root, a read-only bind mount (EROFS) and an unprivileged user
(EACCES); as anyone else, the permission bits themselves.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.commands import Result, run_elsewhere
from tests.reliability.sandbox import MountNamespace, OtherUser
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.store import Store

COMMANDS = [
    ("log", "INC-1", "db cpu 95%"),
    ("list",),
    ("list", "--json"),
    ("new", "Search slow", "--detach"),
    ("severity", "INC-1", "1"),
    ("resolve", "INC-1"),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "directory"


def state(directory: Path) -> dict[str, str]:
    """Every file in a directory, by name, with a hash of its bytes."""
    return {path.name: digest(path) for path in sorted(directory.iterdir())}


def real_database(path: Path, clock: FrozenClock) -> None:
    with Store.open(str(path), clock) as store:
        incident = store.create_incident("Checkout down", 2, commander="Bob", actor="Bob")
        for number in range(40):
            store.log_event(incident.id, f"event {number} " + "x" * 200, actor="Bob")


def root_page(path: Path, table: str) -> tuple[int, int]:
    """Where the first page of `table` is in the file, and how long it is."""
    connection = sqlite3.connect(path)  # read-write: on closing it removes the -wal and -shm
    try:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    finally:
        connection.close()
    return (page - 1) * size, size


def scribble(path: Path, table: str) -> None:
    """Overwrite the first page of `table` with garbage: the header stays intact."""
    offset, size = root_page(path, table)
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(bytes((7 * i + 13) % 256 for i in range(size)))


def make_directory(path: Path, clock: FrozenClock) -> None:
    path.mkdir()


def make_text_file(path: Path, clock: FrozenClock) -> None:
    path.write_text("these are my notes, not a database\n" * 50)


def make_truncated(path: Path, clock: FrozenClock) -> None:
    real_database(path, clock)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def make_header_only(path: Path, clock: FrozenClock) -> None:
    real_database(path, clock)
    with path.open("r+b") as handle:
        handle.truncate(60)


def make_damaged_schema_table(path: Path, clock: FrozenClock) -> None:
    """Damage found on opening (the schema version cannot be read)."""
    real_database(path, clock)
    scribble(path, "alembic_version")


def make_damaged_incidents(path: Path, clock: FrozenClock) -> None:
    """Damage found only by the first query that reads incidents."""
    real_database(path, clock)
    scribble(path, "incident")


def make_newer(path: Path, clock: FrozenClock) -> None:
    real_database(path, clock)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()


@dataclass(frozen=True)
class Case:
    make: Callable[[Path, FrozenClock], None]
    message: str  # the error line, after "error: {path} " ({path} is filled in)
    commands: tuple[tuple[str, ...], ...] = tuple(COMMANDS)


CASES = {
    "directory": Case(make_directory, "{path} is a directory, not a database file"),
    "text file": Case(make_text_file, "{path} is not a SQLite database"),
    "truncated": Case(
        make_truncated,
        "{path} is truncated (shorter than its header says): restore it from a backup",
    ),
    "header only": Case(
        make_header_only,
        "{path} is truncated (shorter than its header says): restore it from a backup",
    ),
    "damaged, seen on opening": Case(
        make_damaged_schema_table,
        "{path} is damaged (database disk image is malformed): restore it from a backup",
    ),
    "damaged, seen by a query": Case(
        make_damaged_incidents,
        "{path} is damaged (database disk image is malformed): restore it from a backup",
        # `new` writes an incident without reading one: SQLite finds the damage on inserting.
        commands=(("log", "INC-1", "x"), ("list",), ("list", "--json"), ("resolve", "INC-1")),
    ),
    "newer schema": Case(
        make_newer, "{path} was written by a newer warroom (schema 9999); upgrade warroom"
    ),
}


def check_refused(code: int, out: str, err: str, expected: str) -> None:
    assert (code, out) == (2, "")
    assert err == f"error: {expected}\n"


def check_all_refused(results: list[Result], expected: str) -> None:
    for result in results:
        check_refused(result.code, result.stdout, result.stderr, expected)


@pytest.mark.parametrize("name", CASES)
def test_bad_file_in_process_every_command(
    name: str, tmp_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    path = tmp_path / "w.db"
    case.make(path, clock)
    before = state(tmp_path)
    for command in case.commands:
        code = main(["--db", str(path), *command], clock=clock)
        out, err = capsys.readouterr()
        check_refused(code, out, err, case.message.format(path=path))
        assert state(tmp_path) == before, command


@pytest.mark.parametrize("name", CASES)
def test_bad_file_through_the_installed_command(
    name: str, tmp_path: Path, clock: FrozenClock
) -> None:
    case = CASES[name]
    path = tmp_path / "w.db"
    case.make(path, clock)
    before = state(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(path), *case.commands[0]],
        capture_output=True,
        text=True,
    )
    check_refused(result.returncode, result.stdout, result.stderr, case.message.format(path=path))
    assert state(tmp_path) == before


def test_damage_in_the_timeline_is_found_when_it_is_read(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "w.db"
    real_database(path, clock)
    scribble(path, "event")
    with Store.open(str(path), clock) as store:
        from warroom.domain.errors import DatabaseError

        with pytest.raises(DatabaseError, match="is damaged"):
            list(store.iter_events(1))


# ---- read-only, for real ----------------------------------------------------------------


def test_read_only_mount(
    tmp_path: Path, clock: FrozenClock, mount_namespace: MountNamespace
) -> None:
    """A file system mounted read-only: EROFS, even for root."""
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "w.db"
    real_database(path, clock)
    before = state(directory)
    mount_namespace.read_only(directory)
    results = run_elsewhere(
        mount_namespace.run, [["--db", str(path), *command] for command in COMMANDS]
    )
    check_all_refused(results, f"{path} is read-only: warroom needs to write to it")
    fresh = directory / "new.db"
    (created,) = run_elsewhere(mount_namespace.run, [["--db", str(fresh), "new", "x", "--detach"]])
    check_all_refused([created], f"cannot create {fresh}: the directory is read-only")
    assert state(directory) == before


@pytest.fixture
def shared(other_user: OtherUser, clock: FrozenClock) -> tuple[OtherUser, Path]:
    """A database of the unprivileged user's, in a directory of theirs."""
    directory = other_user.home / "db"
    directory.mkdir()
    path = directory / "w.db"
    real_database(path, clock)
    for item in (directory, path):
        other_user.own(item)
    return other_user, path


def run_as(user: OtherUser, path: Path, *commands: tuple[str, ...]) -> list[Result]:
    return run_elsewhere(user.run, [["--db", str(path), *command] for command in commands])


def test_read_only_file(shared: tuple[OtherUser, Path]) -> None:
    user, path = shared
    path.chmod(0o400)
    before = state(path.parent)
    results = run_as(user, path, *COMMANDS)
    check_all_refused(results, f"{path} is read-only: warroom needs to write to it")
    assert state(path.parent) == before


def test_read_only_directory(shared: tuple[OtherUser, Path]) -> None:
    user, path = shared
    path.parent.chmod(0o500)
    try:
        before = state(path.parent)
        results = run_as(user, path, *COMMANDS)
        check_all_refused(
            results,
            f"the directory of {path} is read-only: SQLite needs it for its write-ahead log",
        )
        assert state(path.parent) == before
    finally:
        path.parent.chmod(0o700)


def test_unreadable_file_and_uncreatable_directory(shared: tuple[OtherUser, Path]) -> None:
    user, path = shared
    path.chmod(0o000)
    locked = user.home / "locked"
    locked.mkdir(mode=0o500)
    user.own(locked)
    inside = locked / "sub" / "w.db"
    before = state(path.parent)
    unreadable, uncreatable = run_elsewhere(
        user.run,
        [["--db", str(path), "list"], ["--db", str(inside), "new", "x", "--detach"]],
    )
    check_all_refused([unreadable], f"cannot read {path}: Permission denied")
    check_all_refused([uncreatable], f"cannot create {inside}: Permission denied")
    assert state(path.parent) == before
    assert list(locked.iterdir()) == []
