"""Opening a database: where it is, whether it is ours, and bringing its schema up to date.

SQLite files are checked before anything touches them: a directory, a file that is not SQLite,
a truncated or damaged file, a SQLite file that is not warroom's, a schema newer than this
warroom, or a read-only file or directory each raise DatabaseError and leave the file
byte-for-byte as it was. An older schema is backed up next to the file, then migrated, under
the write lock so that only one warroom migrates.

PostgreSQL databases get the same checks: a database holding someone else's tables or a newer
schema is refused untouched. warroom never creates the PostgreSQL database itself (whoever runs
the server does); it creates its tables in an empty one. Messages name the server by
`Target.display`, which never shows a password.

Failures of the database itself while opening it become errors a person can act on (see
`failures`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, ProgrammingError

from warroom.domain.errors import DatabaseError, StorageError
from warroom.store.failures import database_failures, failure, reason
from warroom.store.schema import CORE_TABLES, HEAD, REVISIONS, TABLES, tables_of
from warroom.store.sqlite_file import MissingDatabase as MissingDatabase
from warroom.store.sqlite_file import check_sqlite_file
from warroom.store.target import Target

BUSY_TIMEOUT_MS = 10_000
WAL_SWITCH_PAUSE = 0.02  # seconds between tries of a journal-mode switch another one holds up
CONNECT_TIMEOUT_S = 10  # PostgreSQL: an unreachable server fails in seconds, not minutes
# Held while alembic migrates a PostgreSQL database, so that several warrooms opening a new or
# old database at once migrate it once (SQLite gets the same from BEGIN IMMEDIATE).
MIGRATION_LOCK_KEY = 0x7761_7272_6F6F_6D  # "warroom"


def open_engine(target: Target, *, create: bool) -> Engine:
    """An engine on an up-to-date warroom database; creates it when `create` and it is missing.

    A new file whose set-up fails stays: another warroom may have opened it a moment after it
    was created, and be writing to it. Left empty, the next warroom sets it up."""
    if target.path is not None:
        check_sqlite_file(target.path, create=create)
    engine = _make_engine(target)
    try:
        _prepare(engine, target, create=create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _make_engine(target: Target) -> Engine:
    if not target.is_sqlite:
        try:
            import psycopg  # noqa: F401  (the driver SQLAlchemy will load)
        except ImportError:
            raise DatabaseError(
                "PostgreSQL needs the psycopg driver: pip install 'warroom[postgres]'"
            ) from None
        try:
            return create_engine(
                target.url, pool_pre_ping=True, connect_args=postgres_connect_defaults(target)
            )
        except ArgumentError as error:  # SQLAlchemy reading the URL's options: `?port=x`
            raise DatabaseError(f"bad PostgreSQL URL option in {target.display}: {error}") from None
    engine = create_engine(target.url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take over transaction control from the driver so writers can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades to a
        # writer can fail with "database is locked" no matter how long the busy timeout is.
        write = connection.get_execution_options().get("warroom_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def postgres_connect_defaults(target: Target) -> dict[str, Any]:
    """Connection settings warroom adds unless the URL sets them itself."""
    given = make_url(target.url).query
    defaults: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "warroom"}
    return {key: value for key, value in defaults.items() if key not in given}


def postgres_connect_params(target: Target) -> dict[str, Any]:
    """What the engine's connections are made with (`psycopg.connect(**params)`), for a
    connection of one's own: the URL decoded by SQLAlchemy's own dialect, plus the defaults."""
    url = make_url(target.url)
    _args, params = url.get_dialect()().create_connect_args(url)
    return {**params, **postgres_connect_defaults(target)}


def _prepare(engine: Engine, target: Target, *, create: bool) -> None:
    try:
        with engine.connect() as connection:
            tables, version = _schema(connection)
            connection.rollback()
    except DBAPIError as error:
        raise _not_opened(error, target) from None
    if not _ours(tables, version, sqlite=target.is_sqlite):
        raise DatabaseError(f"{target.display} is not a warroom database")
    if not tables and not create:
        # An empty file, or an empty PostgreSQL database: nothing to read or append to, and a
        # command that only reads or appends must not leave tables behind.
        raise MissingDatabase(f"no warroom database at {target.display}: new or import makes one")
    _check_version(version, target)
    if target.is_sqlite:
        _use_wal(engine, target)
    if version != HEAD:
        _upgrade(engine, target)
    if target.path is not None:
        remove_killed_backups(target.path)


def _not_opened(error: DBAPIError, target: Target) -> DatabaseError | StorageError:
    """Why the first connection failed. A PostgreSQL server that answered and refused (no such
    database or role, a password refused: libpq quotes its "FATAL:" message) is bad input, exit 2;
    one that could not be reached (refused, timed out, no such host) may be back in a moment,
    exit 1, as for a full disk."""
    why = reason(error, target)
    if target.is_sqlite:
        return failure(error, target, doing="read") or DatabaseError(
            f"cannot read {target.display}: {why}"
        )
    # The whole message: with several addresses tried, the server's answer is on a later line.
    said = str(error.orig if error.orig is not None else error)
    refused = "FATAL:" in said and not any(passing in said for passing in _SERVER_BUSY)
    if isinstance(error, ProgrammingError) or _BAD_OPTION.search(said):  # libpq never tried
        return DatabaseError(f"bad PostgreSQL URL option in {target.display}: {why}")
    if refused:
        return DatabaseError(f"cannot connect to {target.display}: {why}")
    return StorageError(f"cannot connect to {target.display}: {why}")


# libpq refusing a connection option's value before it connects: `?sslmode=bogus`, `?port=x`.
_BAD_OPTION = re.compile(r'invalid (?:\w+ value|integer value "[^"]*" for connection option)')
# A server that answers with one of these will likely take us in a moment: try again (exit 1).
_SERVER_BUSY = (
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "too many clients",
    "remaining connection slots are reserved",
    "terminating connection due to administrator command",
)


def _schema(connection: Connection) -> tuple[set[str], str | None]:
    """The tables, and the alembic revision (None: not recorded)."""
    tables = set(inspect(connection).get_table_names())
    version = None
    if "alembic_version" in tables:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return tables, version


def _ours(tables: set[str], version: str | None, *, sqlite: bool) -> bool:
    """Whether these tables and revision are warroom's (or nothing yet: a new database)."""
    if version is None:
        return not tables
    if version in TABLES:
        return tables == tables_of(version, sqlite=sqlite)
    return tables >= CORE_TABLES  # a newer warroom's: refused as such by _check_version


def _check_version(version: str | None, target: Target) -> None:
    if version is not None and version not in REVISIONS:
        raise DatabaseError(
            f"{target.display} was written by a newer warroom (schema {version}); upgrade warroom"
        )


def _use_wal(engine: Engine, target: Target) -> None:
    # Outside any transaction (the driver is in autocommit mode): SQLite refuses the switch
    # inside one. The mode is stored in the file, so this runs once per database.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    with database_failures(target, doing="open"):
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            while True:
                cursor.execute("PRAGMA journal_mode")
                (mode,) = cursor.fetchone() or ("",)
                if str(mode).lower() == "wal":
                    break
                try:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError as error:
                    # Two warrooms making a new file switch it at once: SQLite answers the
                    # second at once, without its busy timeout (its deadlock guard). Wait our
                    # turn; the other may have switched it meanwhile.
                    busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                    if not busy or time.monotonic() > deadline:
                        raise
                    time.sleep(WAL_SWITCH_PAUSE)
            cursor.close()
        finally:
            connection.close()


def backup_sqlite(path: Path, version: str) -> Path:
    """Copy the database, consistently, to `<name>.schema-<version>.bak` (owner-only).

    The copy is made beside it under a temporary name and renamed into place once complete, so
    the backup is always whole: a crash mid-copy leaves the previous backup (if any) as it was.
    """
    backup = path.with_name(f"{path.name}.schema-{version}.bak")
    partial = backup.with_name(f"{backup.name}.partial")
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)  # from a warroom killed while copying
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        descriptor = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(partial, backup)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return backup


def remove_killed_backups(path: Path) -> None:
    """Remove partial backups that a warroom killed while migrating left beside the database.

    Called once the schema is read at HEAD: the migration is committed, so no warroom is still
    copying an older revision (it renames its copy before migrating). A partial of HEAD itself
    may be a newer warroom's copy in progress, and is left alone.
    """
    for version in REVISIONS[:-1]:
        partial = path.with_name(f"{path.name}.schema-{version}.bak.partial")
        for leftover in (partial, Path(f"{partial}-journal")):
            if os.path.lexists(leftover):
                # In a read-only directory it stays: harmless, and a writable open removes it.
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _upgrade(engine: Engine, target: Target) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "warroom.store:migrations")
    # Under the write lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), the
    # version is read again: when several warrooms open a new or old database at once, one backs
    # it up and migrates, and the others find the work done. The backup reads the last committed
    # state (the old schema) on its own connection while this one holds the lock.
    with (
        database_failures(target, doing="upgrade"),
        engine.execution_options(warroom_write=True).begin() as connection,
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        tables, version = _schema(connection)
        if not _ours(tables, version, sqlite=target.is_sqlite):
            raise DatabaseError(f"{target.display} is not a warroom database")
        _check_version(version, target)
        if version == HEAD:
            return
        if version is not None and target.path is not None:
            backup_sqlite(target.path, version)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
