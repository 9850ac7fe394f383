"""`warroom export -o FILE` under attack: killed while writing, pointed at a FIFO, a device,
standard output or the database's own files, or at a disk that is full. A killed export leaves
no FILE and no half of one (the one before stays whole), the next export removes what the
killed one left, a FIFO or a device receives the document and stays what it was, and the
database's files are refused however the path is spelled.

The default run kills a dozen exports; `pytest --soak` kills them for --soak-seconds.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from tests.reliability.commands import run_elsewhere
from tests.reliability.harness import ForkedCliJob, warroom
from tests.reliability.sandbox import MountNamespace
from tests.reliability.test_write_failures import fill
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.exporters.output import TEMPORARY_SUFFIX
from warroom.store import NewEvent, Store

pytestmark = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="the harness waits on processes through pidfds (Linux)"
)

EVENTS = 20_000  # a JSON export of some 3.5 MB: long enough to be killed while it is written


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "w.db"
    start = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)
    with Store.open(str(db), FrozenClock(start)) as store:
        incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
        store.log_many(
            incident.id,
            (
                NewEvent(f"alert {n}: p99 {n % 900} ms", "Monitoring", start + timedelta(seconds=n))
                for n in range(EVENTS)
            ),
        )
        store.resolve(incident.id, actor="Bob")  # its metrics no longer change with the clock
    return db


def export_args(db: Path, output: Path, *extra: str) -> list[str]:
    return ["--db", str(db), "export", "INC-1", "--format", "json", "-o", str(output), *extra]


def temporaries(directory: Path) -> list[Path]:
    return [path for path in directory.iterdir() if path.name.endswith(TEMPORARY_SUFFIX)]


def exported_whole(db: Path, directory: Path) -> bytes:
    """The document, as an export that runs to its end writes it."""
    reference = directory / "reference.json"
    assert main(export_args(db, reference)) == 0
    return reference.read_bytes()


def killed_while_writing(args: list[str], at_byte: int) -> int:
    """Run `warroom args` in a forked child that the kernel kills (SIGXFSZ) when a file it
    writes reaches `at_byte` bytes: in the middle of writing the export. Its wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it: killed instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (at_byte, resource.RLIM_INFINITY))
            code = main(args)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


@pytest.mark.parametrize("force", [False, True])
def test_an_export_killed_while_writing_leaves_no_half_file(
    big_db: Path, tmp_path: Path, force: bool
) -> None:
    expected = exported_whole(big_db, tmp_path)
    output = tmp_path / "pm.json"
    if force:
        output.write_bytes(b'{"the export": "before"}\n')
    extra = ["--force"] if force else []
    status = killed_while_writing(export_args(big_db, output, *extra), at_byte=1 << 20)
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGXFSZ
    if force:
        assert output.read_bytes() == b'{"the export": "before"}\n'  # whole, as it was
    else:
        assert not output.exists()  # no half of one
    (left,) = temporaries(tmp_path)  # the half it was writing, beside it
    assert left.stat().st_size == 1 << 20
    assert main(export_args(big_db, output, "--force")) == 0
    assert output.read_bytes() == expected
    assert temporaries(tmp_path) == []  # removed by the next export
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


@pytest.fixture(params=[pytest.param("quick"), pytest.param("soak", marks=pytest.mark.soak)])
def kills(request: pytest.FixtureRequest) -> tuple[int, float]:
    """How many exports to kill, and for how long at most."""
    if request.param == "quick":
        return 12, 60.0
    return 10_000_000, request.config.getoption("--soak-seconds")


def test_killed_exports_leave_the_file_whole_or_as_it_was(
    big_db: Path,
    tmp_path: Path,
    rng: Random,
    kills: tuple[int, float],
    tell: Callable[[str], None],
) -> None:
    """SIGKILL at random moments of exports replacing one file: after each, the file is the
    one before or the new one, whole, and at most the killed export's temporary file is left
    (the next export removes it)."""
    expected = exported_whole(big_db, tmp_path)
    output = tmp_path / "pm.json"
    before = b'{"the export": "before"}\n'
    output.write_bytes(before)
    job = ForkedCliJob(export_args(big_db, output, "--force"), "")
    lifetimes = [asyncio.run(job.run(None)).elapsed]
    output.write_bytes(before)
    count, seconds = kills
    deadline = time.monotonic() + seconds
    killed = replaced = 0
    while killed < count and time.monotonic() < deadline:
        # Most kills near the end of a typical export's life: rendering, writing, renaming.
        fraction = rng.uniform(0.7, 1.05) if rng.random() < 0.8 else rng.uniform(0.0, 1.0)
        outcome = asyncio.run(job.run(fraction * min(lifetimes[-5:])))
        if outcome.killed:
            killed += 1
        else:
            assert outcome.returncode == 0, outcome.stderr
            lifetimes.append(outcome.elapsed)
        content = output.read_bytes()
        assert content in (before, expected), f"{len(content)} bytes after a kill"
        replaced += content == expected
        assert len(temporaries(tmp_path)) <= 1
        output.write_bytes(before)
    tell(f"{killed} exports killed, the file whole after each ({replaced} replaced)")
    assert killed, "nothing was killed"
    assert main(export_args(big_db, output, "--force")) == 0
    assert output.read_bytes() == expected
    assert temporaries(tmp_path) == []


# ---- where the document goes -----------------------------------------------------------------


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    db = tmp_path / "w.db"
    assert main(["--db", str(db), "new", "Checkout down", "--severity", "1", "--detach"]) == 0
    assert main(["--db", str(db), "resolve", "INC-1"]) == 0  # metrics no longer change
    return db


def test_standard_output_a_fifo_and_dev_null_receive_the_document(
    small_db: Path, tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    expected = subprocess.run(
        warroom(small_db, "export", "INC-1"), env=env, capture_output=True, check=True
    ).stdout
    through = subprocess.run(
        warroom(small_db, "export", "INC-1", "-o", "/dev/stdout"), env=env, capture_output=True
    )
    assert (through.returncode, through.stdout) == (0, expected)
    fifo = tmp_path / "pm.fifo"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main(["--db", str(small_db), "export", "INC-1", "-o", str(fifo)]) == 0
    reader.join(30)
    assert received == [expected]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    null = os.stat("/dev/null")
    assert main(["--db", str(small_db), "export", "INC-1", "-o", "/dev/null"]) == 0
    after = os.stat("/dev/null")
    assert (stat.S_ISCHR(after.st_mode), after.st_ino, after.st_rdev) == (
        True,
        null.st_ino,
        null.st_rdev,
    )
    assert "error:" not in capsys.readouterr().err


def test_a_device_node_is_written_into_even_with_force(small_db: Path, tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert main(["--db", str(small_db), "export", "INC-1", "-o", str(device), "--force"]) == 0
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert device.lstat().st_rdev == os.makedev(1, 3)
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "w.db") == ["null"]


@pytest.mark.parametrize(
    "spelled",
    [
        "w.db",
        "sub/../w.db",
        "sub/../w.db-wal",
        "sub/../w.db-shm",
        "./w.db-journal",
        "db-link",
        "dir-link/w.db-wal",
    ],
)
def test_the_database_files_are_refused_however_the_path_is_spelled(
    small_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spelled: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "db-link").symlink_to(small_db)
    (tmp_path / "dir-link").symlink_to(tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    capsys.readouterr()
    assert main(["--db", "w.db", "export", "INC-1", "-o", spelled, "--force"]) == 2
    assert capsys.readouterr().err == (
        f"error: {Path(spelled)} is the database (or one of its files): export to another file\n"
    )
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    assert after == before


def test_an_export_to_a_full_disk_is_a_failure_to_write(
    small_db: Path, tmp_path: Path, mount_namespace: MountNamespace
) -> None:
    """Exit 1, as for the database: nothing is wrong with the command, and it can work once
    there is room. Nothing is left on the disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_namespace.tmpfs(disk, 1 << 20)
    filler = fill(mount_namespace.inside(disk), 0)
    output = disk / "pm.md"
    (result,) = run_elsewhere(
        mount_namespace.run, [["--db", str(small_db), "export", "INC-1", "-o", str(output)]]
    )
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: cannot write {output}: the disk is full; free some space and try again\n"
    )
    assert sorted(path.name for path in mount_namespace.inside(disk).iterdir()) == ["filler"]
    filler.unlink()
    (again,) = run_elsewhere(
        mount_namespace.run, [["--db", str(small_db), "export", "INC-1", "-o", str(output)]]
    )
    assert again.code == 0
    assert "error:" not in again.stderr  # (warnings: the post-mortem is not written yet)
    assert mount_namespace.inside(output).read_text().startswith("# ")
