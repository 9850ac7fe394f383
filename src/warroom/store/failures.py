"""When the database fails: errors a person can act on, instead of a driver's exception.

A damaged, read-only or unusable file is DatabaseError (exit 2: nothing was written, the file
needs attention). A full disk, an I/O error, a database that stays busy or a server that went
away is StorageError (exit 1: nothing was saved; trying again later can work). Messages name
the file, or the URL without its password, never the statement or the values it carried.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, OperationalError

from warroom.domain.errors import DatabaseError, StorageError

if TYPE_CHECKING:
    from warroom.store.target import Target

# SQLite's primary result codes, grouped by what a person can do about them.
_DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_NOT_WRITABLE = frozenset(
    {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH}
)
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_TRANSIENT = frozenset({sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL})
_LOW_SPACE = 1 << 20  # bytes: an I/O error with less than this free is a full disk


@contextmanager
def database_failures(target: Target | None, *, doing: str = "use") -> Iterator[None]:
    """Turn a failure of the database or its files into an error a person can act on."""
    try:
        yield
    except (DBAPIError, sqlite3.Error, OSError) as error:
        translated = failure(error, target, doing=doing)
        if translated is None:
            raise
        raise translated from error


_FILE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def failure(
    error: BaseException, target: Target | None, *, doing: str = "use"
) -> DatabaseError | StorageError | None:
    """What to raise for `error` when it is a failure of the database or its files:
    DatabaseError for a damaged, read-only or unusable file (exit 2), StorageError for a full
    disk, an I/O error, a database that stays busy or a server that went away (exit 1). None
    when it is something else (a bug: let it be reported as one).

    """
    shown = target.display if target is not None else "the database"
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, OSError):
        if original.errno in (errno.ENOSPC, errno.EDQUOT):
            return StorageError(f"{shown}: the disk is full; free some space and try again")
        if original.errno in _FILE_ERRNOS:
            return DatabaseError(f"cannot {doing} {shown}: {original.strerror}")
        return None
    why = reason(error, target)
    code = getattr(original, "sqlite_errorcode", None)
    if not isinstance(code, int):
        if isinstance(error, OperationalError):  # a server went away, refused, timed out
            return StorageError(f"cannot {doing} {shown}: {why}")
        return None
    primary = code & 0xFF
    path = target.path if target is not None else None
    if primary in _DAMAGED:
        return DatabaseError(f"{shown} is damaged ({why}): restore it from a backup")
    if primary in _NOT_WRITABLE:
        return DatabaseError(
            f"cannot {doing} {shown} ({why}): check the permissions of the file and its "
            "directory, and that its file system is writable"
        )
    if primary == sqlite3.SQLITE_FULL or (
        primary == sqlite3.SQLITE_IOERR and path is not None and _free_space(path) < _LOW_SPACE
    ):
        return StorageError(f"{shown}: the disk is full; free some space and try again")
    if primary in _BUSY:
        return StorageError(f"{shown} is busy: another program kept it locked; try again")
    if primary in _TRANSIENT:
        return StorageError(f"cannot {doing} {shown}: {why}")
    return None


def _free_space(path: Path) -> int:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return _LOW_SPACE


def reason(error: BaseException, target: Target | None) -> str:
    """The driver's own first line, without any password it might quote."""
    original = error.orig if isinstance(error, DBAPIError) else error
    message = str(original) if original is not None else str(error)
    first = message.splitlines()[0] if message else type(original).__name__
    return target.scrub(first) if target is not None else first
