"""The checks a SQLite file passes before anything opens it, in plain Python: the store's
engine makes them before SQLAlchemy touches the file, and the quick writer (quick_log.py) before
it writes a line without the store (anything they refuse is the store's to open and explain).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from warroom.domain.errors import BadInput, DatabaseError
from warroom.paths import make_private_dir
from warroom.store.descriptors import RAW_FILE_ACCESS
from warroom.store.schema import HEAD, tables_of

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_HEADER_SIZE = 100


class MissingDatabase(BadInput):
    """A command that only reads or appends found no database at all."""


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a path that cannot be a usable warroom file; create a new one owner-only."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if path.exists() and not path.is_file():  # reading a FIFO would wait for a writer forever
        raise DatabaseError(f"{path} is not a regular file (a FIFO, socket or device)")
    if not path.exists():
        if not create:
            raise MissingDatabase(f"no warroom database at {path}: new or import makes one")
        try:
            make_private_dir(path.parent)
            if not os.access(path.parent, os.W_OK | os.X_OK):
                raise DatabaseError(f"cannot create {path}: the directory is read-only")
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return  # another warroom created it a moment ago: use theirs
        except NotADirectoryError as error:  # `--db notes.txt/w.db`
            raise DatabaseError(f"cannot create {path}: {error}") from None
        except OSError as error:
            raise DatabaseError(f"cannot create {path}: {error.strerror}") from None
        return
    try:
        with RAW_FILE_ACCESS, path.open("rb") as handle:
            header = handle.read(SQLITE_HEADER_SIZE)
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from None
    if header and not header.startswith(SQLITE_MAGIC[: len(header)]):
        raise DatabaseError(f"{path} is not a SQLite database")
    if header and _is_truncated(path, header):
        raise DatabaseError(
            f"{path} is truncated (shorter than its header says): restore it from a backup"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"{path} is read-only: warroom needs to write to it")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseError(
            f"the directory of {path} is read-only: SQLite needs it for its write-ahead log"
        )


def _is_truncated(path: Path, header: bytes) -> bool:
    """Whether the file is shorter than its SQLite header says, costing one stat.

    The size in the header is trusted only when SQLite marked it valid (the change counter at
    offset 24 equals the one at 92), and only when no write-ahead log or rollback journal is
    beside it: a write interrupted by a crash is finished or undone from those on opening.
    """
    if len(header) < SQLITE_HEADER_SIZE:
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages == 0 or header[24:28] != header[92:96]:
        return False
    for suffix in ("-wal", "-journal"):
        log = Path(f"{path}{suffix}")
        if log.exists() and log.stat().st_size > 0:
            return False
    return path.stat().st_size < pages * page_size


def at_current_schema(connection: sqlite3.Connection) -> bool:
    """Whether the file is plainly at this warroom's schema: its revision and its tables
    (anything else is the store's to check in full, and migrate)."""
    version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    tables = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
        )
    }
    return version == (HEAD,) and tables == tables_of(HEAD, sqlite=True)
