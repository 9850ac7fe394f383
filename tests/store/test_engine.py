"""Opening databases: creation, permissions, pragmas, refusing files and servers that are not
ours. Tests taking `database` run on SQLite and on PostgreSQL."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Database
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput, DatabaseError, StorageError
from warroom.store import MissingDatabase, Store, engine
from warroom.store.target import resolve_target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_owner_only_and_in_wal_mode(db_path: Path, clock: FrozenClock) -> None:
    with Store.open(str(db_path), clock) as store:
        store.create_incident("x", 1, commander="a", actor="a")
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        for suffix in ("-wal", "-shm"):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                assert stat.S_IMODE(side.stat().st_mode) == 0o600
        with store._engine.connect() as connection:  # the pragmas every connection gets
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 10_000


def test_missing_parent_directories_are_created_owner_only(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "a" / "b" / "w.db"
    Store.open(str(path), clock).close()
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


def test_open_without_create_refuses_a_missing_file(db_path: Path, clock: FrozenClock) -> None:
    with pytest.raises(MissingDatabase):
        Store.open(str(db_path), clock, create=False)
    assert not db_path.exists()


def test_directory_is_refused(tmp_path: Path, clock: FrozenClock) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        Store.open(str(tmp_path), clock)


def test_non_sqlite_file_is_refused_untouched(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 20)
    before = digest(path)
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        Store.open(str(path), clock)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.execute("INSERT INTO invoices (total) VALUES (9.5)")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(DatabaseError, match="not a warroom database"):
        Store.open(str(path), clock)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_newer_schema_is_refused_untouched(db_path: Path, clock: FrozenClock) -> None:
    Store.open(str(db_path), clock).close()
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = digest(db_path)
    with pytest.raises(DatabaseError, match="newer warroom"):
        Store.open(str(db_path), clock)
    assert digest(db_path) == before


def test_empty_file_becomes_a_database(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o600)
    with Store.open(str(path), clock) as store:
        assert store.list_incidents() == []


def test_reopening_keeps_everything(db_path: Path, clock: FrozenClock) -> None:
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("x", 1, commander="a", actor="a")
        store.log_event(incident.id, "kept", actor="a")
    with Store.open(str(db_path), clock, create=False) as store:
        assert [e.text for e in store.iter_events(incident.id)][-1] == "kept"


def test_two_stores_on_one_database_see_each_others_writes(
    database: Database, clock: FrozenClock
) -> None:
    location = database.location
    with Store.open(location, clock) as first, Store.open(location, clock) as second:
        incident = first.create_incident("x", 1, commander="a", actor="a")
        second.log_event(incident.id, "from second", actor="b")
        first.log_event(incident.id, "from first", actor="a")
        assert [e.text for e in second.iter_events(incident.id)][-2:] == [
            "from second",
            "from first",
        ]


def test_processes_creating_one_database_at_once(database: Database) -> None:
    env = {**os.environ, "WARROOM_DB": database.location}
    code = "from warroom.cli.main import main; raise SystemExit(main(['new', 'race', '--detach']))"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=60) for process in processes]
    assert [p.returncode for p in processes] == [0] * 4, results
    keys = sorted(out.decode().strip() for out, _ in results)
    assert keys == ["INC-1", "INC-2", "INC-3", "INC-4"]


def test_resolve_target() -> None:
    sqlite = resolve_target("~/w.db")
    assert sqlite.is_sqlite
    assert sqlite.path == Path("~/w.db").expanduser()
    postgres = resolve_target("postgresql://ic:s3cret@db.example:5432/warroom")
    assert not postgres.is_sqlite
    assert postgres.url.startswith("postgresql+psycopg://")
    assert "s3cret" not in postgres.display


def test_postgres_url_never_shows_its_password() -> None:
    target = resolve_target("postgres://ic:s3cret@db.example:5432/warroom?sslmode=require")
    assert target.display == "postgresql://ic:***@db.example:5432/warroom?sslmode=require"
    assert target.scrub("auth failed for s3cret") == "auth failed for ***"


def test_unreachable_server_is_one_clear_error_without_the_password(clock: FrozenClock) -> None:
    """A server that cannot be reached may be back in a moment: a StorageError (exit 1, try
    again), not bad input."""
    # Port 1 on this machine: nothing listens there, the connection is refused at once.
    with pytest.raises(StorageError) as refused:
        Store.open("postgresql://ic:s3cret@127.0.0.1:1/warroom", clock)
    message = str(refused.value)
    assert message.startswith("cannot connect to postgresql://ic:***@127.0.0.1:1/warroom: ")
    assert "s3cret" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("said", "refused"),
    [
        ('port 5432 failed: FATAL:  database "x" does not exist', True),
        ("port 5432 failed: FATAL:  password authentication failed for user", True),
        ("port 5432 failed: FATAL:  the database system is starting up", False),
        ("port 5432 failed: FATAL:  sorry, too many clients already", False),
        ("port 5432 failed: Connection refused", False),
        # several addresses tried: the server's answer on a later line
        (
            "::1 port 5432 failed: Connection refused\n"
            '127.0.0.1 port 5432 failed: FATAL:  role "x" does not exist',
            True,
        ),
    ],
)
def test_a_server_that_refuses_is_bad_input_one_not_reached_or_busy_may_work_later(
    said: str, refused: bool
) -> None:
    from sqlalchemy.exc import OperationalError

    target = resolve_target("postgresql://ic@db.example:5432/warroom")
    error = engine._not_opened(OperationalError("connect", {}, Exception(said)), target)
    assert isinstance(error, DatabaseError if refused else StorageError), said


def test_a_postgres_url_with_a_port_that_is_not_a_number_is_bad_input() -> None:
    with pytest.raises(BadInput, match="bad PostgreSQL URL"):
        resolve_target("postgresql://ic@db.example:fivefourthreetwo/warroom")


@pytest.mark.postgres
def test_a_database_that_does_not_exist_is_named(
    postgres_database: Database, clock: FrozenClock
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_database.location).set(database="no_such_warroom_db")
    missing = url.render_as_string(hide_password=False)
    with pytest.raises(DatabaseError, match='database "no_such_warroom_db" does not exist'):
        Store.open(missing, clock)


def test_an_empty_database_is_not_created_by_readers(
    database: Database, clock: FrozenClock
) -> None:
    if database.path is not None:
        database.path.touch(mode=0o600)  # an empty file is an empty database
    with pytest.raises(MissingDatabase, match="no warroom database at"):
        Store.open(database.location, clock, create=False)
    assert database.tables() == []
    with Store.open(database.location, clock) as store:
        assert store.list_incidents() == []
    assert "incident" in database.tables()


def test_a_creator_that_fails_leaves_the_database_others_set_up_meanwhile(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several warrooms creating the same new file at once: the first creates the empty file;
    if its own set-up then fails, the file stays. Another warroom may already be using it (and
    may have acknowledged what it wrote there); removing it lost that."""
    prepare = engine._prepare
    theirs: list[int] = []

    def fails_after_another_set_it_up(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(engine, "_prepare", prepare)  # the other warroom's is the real one
        with Store.open(str(db_path), clock) as other:
            theirs.append(other.create_incident("Checkout down", 1, commander="Bob", actor="b").id)
        raise DatabaseError("the set-up failed")

    monkeypatch.setattr(engine, "_prepare", fails_after_another_set_it_up)
    with pytest.raises(DatabaseError, match="the set-up failed"):
        Store.open(str(db_path), clock)
    with Store.open(str(db_path), clock, create=False) as store:
        assert [incident.id for incident in store.list_incidents()] == theirs


def test_a_journal_mode_switch_held_up_by_another_warroom_waits_its_turn(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two warrooms making a new file switch it to WAL at once: SQLite answers the second
    SQLITE_BUSY at once, without the busy timeout (its deadlock guard). It tries again."""
    from tests.faults import sqlite_error

    make_engine = engine._make_engine
    refused: list[str] = []

    class Cursor:
        def __init__(self, cursor: sqlite3.Cursor) -> None:
            self._cursor = cursor

        def execute(self, statement: str, *parameters: object) -> object:
            if statement == "PRAGMA journal_mode = WAL" and len(refused) < 2:
                refused.append(statement)
                raise sqlite_error(sqlite3.SQLITE_BUSY)
            return self._cursor.execute(statement, *parameters)

        def __getattr__(self, name: str) -> object:
            return getattr(self._cursor, name)

    def made(target: object) -> object:
        real = make_engine(target)  # type: ignore[arg-type]
        raw_connection = real.raw_connection

        def connection() -> object:
            opened = raw_connection()
            cursor = opened.cursor
            opened.cursor = lambda: Cursor(cursor())  # type: ignore[method-assign]
            return opened

        real.raw_connection = connection  # type: ignore[method-assign]
        return real

    monkeypatch.setattr(engine, "_make_engine", made)
    monkeypatch.setattr(engine, "WAL_SWITCH_PAUSE", 0)
    Store.open(str(db_path), clock).close()
    assert len(refused) == 2
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
