"""Incident data is sensitive: what warroom creates is its owner's alone, whatever the umask, and
a PostgreSQL password never shows in an error, a log line or a listing."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.reliability.commands import run_elsewhere
from tests.reliability.old_schema import make_old_database
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.store import Store
from warroom.store.engine import REVISIONS

UMASKS = [0o022, 0o000]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=UMASKS, ids=lambda umask: f"umask {umask:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def test_database_and_its_log_files_are_owner_only(
    umask: int, tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "new" / "w.db"
    with Store.open(str(path), clock) as store:
        store.create_incident("x", 1, commander="a", actor="a")
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists()  # while the database is open
        assert shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    assert mode(path.parent) == 0o700


def test_migration_backup_is_owner_only_and_whole(
    umask: int, tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "w.db"
    make_old_database(path)
    path.chmod(0o600)
    with Store.open(str(path), clock) as store:
        assert store.get_incident(1).title == "Checkout down"
    backup = tmp_path / f"w.db.schema-{REVISIONS[0]}.bak"
    assert mode(backup) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.db", backup.name]


def test_a_partial_backup_left_by_a_killed_migration_goes(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """One warroom killed while copying, another migrating meanwhile: once the schema is at
    HEAD the killed one's partial copy is removed. A partial of HEAD may be a newer warroom's
    copy in progress, and stays."""
    path = tmp_path / "w.db"
    make_old_database(path)
    with Store.open(str(path), clock):
        pass
    killed = [
        f"w.db.schema-{REVISIONS[0]}.bak.partial",
        f"w.db.schema-{REVISIONS[0]}.bak.partial-journal",
    ]
    newer = f"w.db.schema-{REVISIONS[-1]}.bak.partial"
    for name in [*killed, newer]:
        (tmp_path / name).write_bytes(b"half a copy")
    with Store.open(str(path), clock) as store:
        assert store.get_incident(1).title == "Checkout down"
    backup = f"w.db.schema-{REVISIONS[0]}.bak"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["w.db", backup, newer])


def test_data_and_config_directories_and_config_file(
    umask: int, isolated_environment: Path, tmp_path: Path
) -> None:
    """In a warroom process of its own, with the umask it inherits."""

    def with_umask(argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, capture_output=True, text=True, umask=umask)

    created, configured = run_elsewhere(
        with_umask, [["new", "x", "--detach"], ["config", "set", "user.name", "Alice"]]
    )
    assert (created.code, configured.code) == (0, 0)
    data = isolated_environment / "data" / "warroom"
    config = isolated_environment / "config" / "warroom"
    assert (mode(data), mode(data / "warroom.db")) == (0o700, 0o600)
    assert (mode(config), mode(config / "config.toml")) == (0o700, 0o600)
    assert sorted(p.name for p in config.iterdir()) == ["config.toml"]


def test_config_file_written_again_stays_owner_only(
    isolated_environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated_environment / "config" / "warroom"
    config.mkdir(parents=True)
    # A stray temporary file from an interrupted write, readable by everyone.
    (config / "config.toml.tmp").write_text("[user]\nname = 'x'\n")
    (config / "config.toml.tmp").chmod(0o644)
    assert main(["config", "set", "user.name", "Alice"]) == 0
    assert mode(config / "config.toml") == 0o600
    assert sorted(p.name for p in config.iterdir()) == ["config.toml"]


# ---- PostgreSQL passwords ------------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PASSWORD = "s3cr3t-Pa55"
QUOTED_PASSWORD = "p%40ss%3Aw0rd"  # p@ss:w0rd, as a URL carries it


# Where a URL can carry a secret: the user's part, or a libpq parameter in the query.
URL_FORMS = {
    "userinfo": "postgresql://ic:{password}@127.0.0.1:{port}/warroom",
    "query": "postgresql://ic@127.0.0.1:{port}/warroom?sslmode=prefer&password={password}",
    "sslpassword": "postgresql://ic@127.0.0.1:{port}/warroom?sslpassword={password}",
}


@pytest.mark.parametrize("form", sorted(URL_FORMS))
@pytest.mark.parametrize("password", [PASSWORD, QUOTED_PASSWORD])
def test_postgres_password_never_shown(
    form: str,
    password: str,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = URL_FORMS[form].format(password=password, port=closed_port)
    secrets = {password, unquote(password)}
    monkeypatch.setenv("WARROOM_DB", url)
    shown = []
    for args in (
        ["--db", url, "list"],
        ["--db", url, "list", "--json"],
        ["--db", url, "log", "INC-1", "x"],
        ["--db", url, "new", "x", "--detach"],
        ["--db", url, "severity", "INC-1", "1"],
        ["list"],  # from the environment
    ):
        code = main(args)
        out, err = capsys.readouterr()
        assert (code, out) == (1, ""), err  # a server not reached: try again later
        assert err.startswith("error: cannot connect to postgresql://ic")
        assert "***" in err
        assert err.count("\n") == 1
        shown.append(err)
    # And once through a real process, which also imports the driver on its own.
    real = subprocess.run([sys.executable, "-m", "warroom", "list"], capture_output=True, text=True)
    assert (real.returncode, real.stdout) == (1, "")
    shown.append(real.stderr)
    leaked = [line for line in shown for secret in secrets if secret in line]
    assert leaked == []
