"""When a write fails (a full disk, an I/O error): one clear `error:` line, no id printed, the
database as it was, and once the cause is gone warroom writes again. The war room, open when the
disk fills up, says so and keeps what was typed (more in tests/tui/test_write_failures.py).

For real on a small tmpfs in a private mount namespace when the machine allows one; always by
making SQLite's writes fail at the store boundary (tests/faults.py), which is also how the
full-screen app's tests make them fail.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.faults import failing_writes
from tests.reliability import dbcheck
from tests.reliability.commands import Result, run_elsewhere
from tests.reliability.sandbox import MountNamespace
from tests.reliability.tui import shown_in_timeline
from tests.terminal import Terminal
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import DatabaseError, StorageError
from warroom.store import Store

FULL = "the disk is full; free some space and try again"


def cli(db: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    code = main(["--db", str(db), *args], clock=clock)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def check_failed(result: Result, message: str, code: int = 1) -> None:
    assert (result.code, result.stdout) == (code, "")  # no id printed
    assert result.stderr == f"error: {message}\n"


# ---- at the store boundary ----------------------------------------------------------------


@pytest.fixture
def declared(db_path: Path, clock: FrozenClock) -> Path:
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
        store.log_event(incident.id, "before the disk filled", actor="Bob")
    return db_path


def test_log_on_a_full_disk(
    declared: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dbcheck.read(declared)
    with failing_writes() as fault:
        check_failed(cli(declared, clock, capsys, "log", "INC-1", "lost?"), f"{declared}: {FULL}")
    assert fault.failures  # the failure happened where it was meant to
    after = dbcheck.read(declared)
    assert after.sound
    assert after.events == before.events
    logged = cli(declared, clock, capsys, "log", "INC-1", "space is back")
    assert (logged.code, logged.stderr) == (0, "")
    assert dbcheck.read(declared).events[int(logged.stdout.strip()[3:])][1] == "space is back"


def test_a_write_failing_half_way_leaves_nothing_half_written(
    declared: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """The event row goes in; the change-feed row after it fails: neither is kept."""
    before = dbcheck.read(declared)
    with failing_writes(table="change") as fault:
        check_failed(cli(declared, clock, capsys, "log", "INC-1", "half"), f"{declared}: {FULL}")
        check_failed(cli(declared, clock, capsys, "new", "x", "--detach"), f"{declared}: {FULL}")
        check_failed(cli(declared, clock, capsys, "severity", "INC-1", "2"), f"{declared}: {FULL}")
    assert len(fault.failures) == 3
    after = dbcheck.read(declared)
    assert after.sound
    assert (after.events, after.incidents) == (before.events, before.incidents)


@pytest.mark.parametrize(
    ("code", "exit_code", "message"),
    [
        (sqlite3.SQLITE_FULL, 1, "{db}: " + FULL),
        (sqlite3.SQLITE_IOERR, 1, "cannot write to {db}: disk I/O error"),
        (
            sqlite3.SQLITE_BUSY,
            1,
            "{db} is busy: other writers kept it locked; nothing was written, try again",
        ),
        (
            sqlite3.SQLITE_READONLY,
            2,
            "cannot write to {db} (attempt to write a readonly database): check the permissions "
            "of the file and its directory, and that its file system is writable",
        ),
        (
            sqlite3.SQLITE_CORRUPT,
            2,
            "{db} is damaged (database disk image is malformed): restore it from a backup",
        ),
    ],
)
def test_each_kind_of_write_failure_is_one_clear_line(
    declared: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    code: int,
    exit_code: int,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A busy database is retried (other writers usually finish in milliseconds); this one
    # never frees up, so give up quickly.
    monkeypatch.setattr("warroom.store.session.WRITE_RETRY_SECONDS", 0.3)
    with failing_writes(code):
        result = cli(declared, clock, capsys, "log", "INC-1", "x")
    check_failed(result, message.format(db=declared), exit_code)


def test_a_store_that_failed_a_write_keeps_working(declared: Path, clock: FrozenClock) -> None:
    """What a long-running process (the war room) needs: the failure is reported as one error,
    and the same Store writes again once the disk has room."""
    with Store.open(str(declared), clock) as store:
        with failing_writes(times=1), pytest.raises(StorageError, match="disk is full"):
            store.log_event(1, "lost", actor="Bob")
        with failing_writes(sqlite3.SQLITE_CORRUPT, times=1), pytest.raises(DatabaseError):
            store.log_event(1, "lost too", actor="Bob")
        kept = store.log_event(1, "kept", actor="Bob")
        texts = [event.text for event in store.iter_events(1)]
    assert texts[-2:] == ["before the disk filled", "kept"]
    assert kept.id == max(dbcheck.read(declared).events)


# ---- for real: a small disk that fills up -------------------------------------------------


def fill(directory: Path, leave: int) -> Path:
    """Fill the file system under `directory`, then give back `leave` bytes."""
    filler = directory / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        block = b"\0" * 4096
        try:
            while True:
                os.write(descriptor, block)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        os.ftruncate(descriptor, max(0, os.fstat(descriptor).st_size - leave))
    finally:
        os.close(descriptor)
    return filler


def test_log_on_a_full_tmpfs(tmp_path: Path, mount_namespace: MountNamespace) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_namespace.tmpfs(disk, 1 << 20)
    db = disk / "w.db"

    def warroom(*commands: list[str]) -> list[Result]:
        return run_elsewhere(
            mount_namespace.run, [["--db", str(db), *command] for command in commands]
        )

    (created,) = warroom(["new", "Checkout down", "--detach"])
    assert (created.code, created.stdout) == (0, "INC-1\n")
    # Full to the last byte (SQLite cannot even map its shared-memory index), then with a
    # little room (it opens the database, then cannot write its log).
    attempts: list[Result] = []
    for leave in (0, 40 * 1024):
        filler = fill(mount_namespace.inside(disk), leave)
        attempts += warroom(["log", "INC-1", f"with {leave} bytes free"])
        filler.unlink()
    check_failed(attempts[0], f"{db}: {FULL}")
    for attempt in attempts[1:]:  # refused cleanly, or saved for real
        assert attempt.code == 0 or (attempt.stdout, attempt.stderr) == (
            "",
            f"error: {db}: {FULL}\n",
        )

    after, listed = warroom(["log", "INC-1", "space is back"], ["list", "--json"])
    assert (after.code, after.stderr, listed.code) == (0, "", 0)
    check = mount_namespace.run([sys.executable, dbcheck.__file__, str(db)])
    contents = dbcheck.from_json(check.stdout)
    assert contents.sound, contents.integrity
    texts = {text for (_incident, text, _actor) in contents.events.values()}
    for attempt, leave in zip(attempts, (0, 40 * 1024), strict=True):
        assert (f"with {leave} bytes free" in texts) == (attempt.code == 0)
    assert int(after.stdout.strip()[3:]) in contents.events


def here(mount_namespace: MountNamespace, db: Path) -> bool:
    """Whether the war room's store has stamped its presence (it is open)."""
    read = (
        "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
        "'SELECT count(*) FROM presence').fetchone()[0])"
    )
    counted = mount_namespace.run([sys.executable, "-c", read, str(db)])
    return counted.stdout.strip() not in ("", "0")


def test_the_war_room_on_a_full_tmpfs(
    tmp_path: Path, mount_namespace: MountNamespace, env: dict[str, str]
) -> None:
    """The real app on a pseudo-terminal, its database on a small disk that fills up while it
    is open: the event typed then is refused, said so, kept in the input, and saved by Enter
    once there is room again."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_namespace.tmpfs(disk, 1 << 20)
    db = disk / "w.db"
    (created,) = run_elsewhere(mount_namespace.run, [["--db", str(db), "new", "x", "--detach"]])
    assert (created.code, created.stdout) == (0, "INC-1\n")
    argv = mount_namespace.command([sys.executable, "-m", "warroom", "--db", str(db), "open", "1"])

    async def scenario() -> int:
        async with Terminal(argv, env, (160, 30)) as terminal:
            screen = terminal.screen

            async def shown(text: str) -> None:
                await terminal.wait_for(
                    lambda: shown_in_timeline(screen, "tester", text), repr(text), 30
                )

            await terminal.wait_for_text("Log", 30)
            terminal.type("lbefore the disk filled\r")
            await shown("before the disk filled")
            # That first line may have been saved by the quick writer while the store opened;
            # the disk fills once the store is up (its heartbeat has stamped).
            await terminal.wait_for(lambda: here(mount_namespace, db), "the store open", 30)
            filler = fill(mount_namespace.inside(disk), 0)
            terminal.type("with the disk full\r")  # the log line keeps the keys
            await terminal.wait_for_text("Could not log the event: nothing was saved")
            await terminal.wait_for(lambda: "disk is full" in " ".join(screen.lines), "why", 30)
            assert any("› note" in line and "with the disk full" in line for line in screen.lines)
            assert not shown_in_timeline(screen, "tester", "with the disk full")
            filler.unlink()
            terminal.type("\r")
            await shown("with the disk full")
            terminal.type("\x1b")  # out of the log line, then q
            await terminal.wait_for_text("Quit", 30)
            terminal.type("q")
            return await terminal.wait(30)

    assert asyncio.run(scenario()) == 0
    check = mount_namespace.run([sys.executable, dbcheck.__file__, str(db)])
    contents = dbcheck.from_json(check.stdout)
    assert contents.sound, contents.integrity
    logged = [text for (_incident, text, _actor) in contents.events.values()]
    assert logged[1:] == ["before the disk filled", "with the disk full"]
