"""Writing an export to a file: 0600, never over an existing file unless forced, never half
written, never in place of what is not a regular file, never over the database's own files."""

from __future__ import annotations

import fcntl
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from warroom.domain.errors import BadInput, StorageError
from warroom.exporters.output import (
    TEMPORARY_SUFFIX,
    refuse_database_files,
    refuse_existing,
    write_private,
)

DOCUMENT = "# PM-2024-007\n\nThe checkout service was unavailable.\n"


@pytest.fixture
def no_umask() -> Iterator[None]:
    """The most permissive umask: the file's mode comes from warroom alone."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def temporaries(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(TEMPORARY_SUFFIX))


@pytest.mark.usefixtures("no_umask")
def test_a_new_file_is_the_owners_alone_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    refuse_existing(target, force=False)
    write_private(target, DOCUMENT, force=False)
    assert target.read_text() == DOCUMENT
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pm.md"]


@pytest.mark.usefixtures("no_umask")
def test_an_existing_file_is_replaced_only_when_forced(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    target.write_text("kept")
    target.chmod(0o644)
    for attempt in (refuse_existing, lambda path, force: write_private(path, "new", force=force)):
        with pytest.raises(BadInput, match=r"pm\.md exists: use --force to replace it"):
            attempt(target, force=False)
    assert target.read_text() == "kept"
    write_private(target, DOCUMENT, force=True)
    assert target.read_text() == DOCUMENT
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert temporaries(tmp_path) == []


def test_a_link_to_a_file_replaces_that_file_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "pm.md"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    write_private(link, DOCUMENT, force=True)
    assert link.is_symlink()
    assert target.read_text() == DOCUMENT
    assert temporaries(target.parent) == temporaries(tmp_path) == []


def test_a_fifo_receives_the_document_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pm.fifo"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    refuse_existing(fifo, force=False)  # nothing is replaced: no --force needed
    write_private(fifo, DOCUMENT, force=False)
    reader.join()
    assert received == [DOCUMENT.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pm.fifo"]


def test_a_character_device_is_written_into_never_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs root")
    write_private(device, DOCUMENT, force=True)
    assert stat.S_ISCHR(device.stat().st_mode)
    assert device.stat().st_rdev == os.makedev(1, 3)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["null"]


def test_a_full_device_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"cannot write /dev/full: the disk is full"):
        write_private(Path("/dev/full"), DOCUMENT, force=False)


def test_what_cannot_be_written_or_replaced_is_refused(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    sock = tmp_path / "s"
    server.bind(str(sock))
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    cases = [
        (sock, r"s is not a regular file \(a socket\): export to a file, a FIFO or standard"),
        (tmp_path, r"is a directory"),
        (dangling, r"dangling is a symbolic link to nothing"),
        (tmp_path / "missing" / "pm.md", r"cannot write .*pm\.md: No such file or directory"),
    ]
    try:
        for path, message in cases:
            for force in (False, True):
                with pytest.raises(BadInput, match=message):
                    write_private(path, DOCUMENT, force=force)
    finally:
        server.close()
    assert stat.S_ISSOCK(sock.lstat().st_mode)
    assert dangling.is_symlink()
    assert temporaries(tmp_path) == []


def test_a_temporary_file_left_by_a_killed_export_is_removed_by_the_next(tmp_path: Path) -> None:
    left = tmp_path / f".pm.md.0123456789ab{TEMPORARY_SUFFIX}"
    left.write_text("half an exp")  # nobody holds its lock: the export that wrote it is gone
    being_written = tmp_path / f".other.md.ba9876543210{TEMPORARY_SUFFIX}"
    being_written.write_text("half")
    someone_elses = tmp_path / f".third.md.abcdefabcdef{TEMPORARY_SUFFIX}"
    someone_elses.symlink_to(tmp_path / "not a file of ours")
    with being_written.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running export holds it
        write_private(tmp_path / "pm.md", DOCUMENT, force=False)
    assert not left.exists()
    assert being_written.exists()
    assert someone_elses.is_symlink()
    assert (tmp_path / "pm.md").read_text() == DOCUMENT


@pytest.mark.parametrize(
    "spelled",
    [
        "w.db",
        "w.db-wal",
        "w.db-shm",
        "w.db-journal",
        "sub/../w.db-wal",
        "./sub/../w.db",
        "link-to-db",
        "hard-link-to-db",
        "db-dir-link/w.db-wal",
    ],
)
def test_the_database_and_its_files_are_refused_however_they_are_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelled: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "w.db").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "link-to-db").symlink_to(tmp_path / "w.db")
    os.link(tmp_path / "w.db", tmp_path / "hard-link-to-db")
    (tmp_path / "db-dir-link").symlink_to(tmp_path)
    with pytest.raises(BadInput, match="is the database \\(or one of its files\\)"):
        refuse_database_files(Path(spelled), tmp_path / "w.db")
    refuse_database_files(Path("w.db.md"), tmp_path / "w.db")
    refuse_database_files(Path("sub/w.db-wal"), tmp_path / "w.db")


def test_a_database_reached_through_a_link_is_protected_where_it_really_is(
    tmp_path: Path,
) -> None:
    real = tmp_path / "data" / "w.db"
    real.parent.mkdir()
    real.write_bytes(b"")
    (tmp_path / "w.db").symlink_to(real)
    with pytest.raises(BadInput, match="is the database"):
        refuse_database_files(tmp_path / "data" / "w.db-wal", tmp_path / "w.db")
    with pytest.raises(BadInput, match="is the database"):
        refuse_database_files(tmp_path / "w.db-wal", tmp_path / "w.db")
