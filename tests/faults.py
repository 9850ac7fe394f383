"""Making the database fail on purpose, at the store boundary, for tests of what the user sees.

`failing_writes()` makes every warroom engine in this process (the command line's, a Store's, a
running app's) fail its write statements the way SQLite fails them: the driver raises
sqlite3.OperationalError carrying SQLite's result code, and SQLAlchemy wraps it as it would a
real one. The store, the command line and the app then take their real error paths. The quick
writer's own sqlite3 connections (store/quick_log.py) are refused the same writes by SQLite
itself (an authorizer): it writes nothing and leaves the line to the store, as on a full disk.

    with failing_writes() as fault:            # the disk is full
        ...                                    # every INSERT/UPDATE/DELETE fails
    with failing_writes(table="change"):       # the last statement of every write fails,
        ...                                    # after the rows before it went in
    with failing_writes(times=1):              # one failure, then writes work again
        ...
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

from warroom.store.quick_log import QuickLog

# SQLite's own messages for the result codes a test may ask for.
MESSAGES = {
    sqlite3.SQLITE_FULL: ("SQLITE_FULL", "database or disk is full"),
    sqlite3.SQLITE_IOERR: ("SQLITE_IOERR", "disk I/O error"),
    sqlite3.SQLITE_READONLY: ("SQLITE_READONLY", "attempt to write a readonly database"),
    sqlite3.SQLITE_CORRUPT: ("SQLITE_CORRUPT", "database disk image is malformed"),
    sqlite3.SQLITE_BUSY: ("SQLITE_BUSY", "database is locked"),
}

_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def sqlite_error(code: int) -> sqlite3.OperationalError:
    """The exception the sqlite3 driver raises for result `code`."""
    name, message = MESSAGES[code]
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


@dataclass
class WriteFault:
    code: int = sqlite3.SQLITE_FULL
    table: str | None = None  # only writes to this table; None: every write
    times: int | None = None  # fail this many writes, then let them through; None: all
    failures: list[str] = field(default_factory=list)  # the statements that were failed

    def _before_cursor_execute(
        self,
        _connection: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> tuple[str, Any]:
        match = _WRITE.match(statement)
        if match is None or (self.table is not None and match.group(2) != self.table):
            return statement, parameters
        if self.times is not None and len(self.failures) >= self.times:
            return statement, parameters
        self.failures.append(statement)
        raise sqlite_error(self.code)

    def _authorize(self, action: int, table: str | None, *_: object) -> int:
        writes = (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)
        if action in writes and (self.table is None or table == self.table):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


@contextmanager
def failing_writes(
    code: int = sqlite3.SQLITE_FULL, *, table: str | None = None, times: int | None = None
) -> Iterator[WriteFault]:
    """While open, writes on every engine fail with SQLite result `code` (default: disk full)."""
    fault = WriteFault(code=code, table=table, times=times)
    quick_connect = QuickLog._connect

    def refusing_writes(quick: QuickLog, *, by_hand: bool = False) -> sqlite3.Connection:
        connection = quick_connect(quick, by_hand=by_hand)
        connection.set_authorizer(fault._authorize)
        return connection

    event.listen(Engine, "before_cursor_execute", fault._before_cursor_execute, retval=True)
    QuickLog._connect = refusing_writes  # type: ignore[method-assign]
    try:
        yield fault
    finally:
        QuickLog._connect = quick_connect  # type: ignore[method-assign]
        event.remove(Engine, "before_cursor_execute", fault._before_cursor_execute)
