"""The war room's first lines, committed while the store is still opening.

A war room's first screen is drawn from preview.py's quick read, and the store (SQLAlchemy and
SQLModel: most of start-up's time) opens behind it. A line sent before the store is up is
committed here with the standard library's sqlite3, as the store's `log_event` writes it: the
event and its change-feed row in one immediate transaction, synchronous=FULL. A person who opens
the war room and types at once no longer waits for the store to load (about 0.45 s).

`warroom log` commits a present-moment line the same way (`for_command`): a whole process of
about 0.1 s, where importing SQLAlchemy and SQLModel alone takes half a second.

Only for a SQLite file that is plainly fine: it passes the store's own checks of the file
(sqlite_file.py), is at this warroom's schema and in WAL mode; and only a line logged at the
present moment (a backdated one is checked against the incident's span by the store). On
anything else, and on any sqlite3 error, it writes nothing and says so (None): the caller then
asks the store, which migrates an old file, retries a busy one and says what is wrong. A test
checks its rows against the store's.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.clock import Clock
from warroom.domain.errors import BadInput, UnknownIncident
from warroom.domain.model import Event, EventKind, incident_key
from warroom.store.descriptors import RAW_FILE_ACCESS
from warroom.store.sqlite_file import at_current_schema, check_sqlite_file
from warroom.store.text_rules import require_text


class QuickLog:
    def __init__(self, location: str, clock: Clock, *, busy_timeout: float = 2.0) -> None:
        """`busy_timeout`: seconds to wait for another writer, then the store's turn."""
        self._path = Path(location).expanduser().absolute()
        self._clock = clock
        self._busy_timeout = busy_timeout

    @classmethod
    def for_command(cls, location: str, clock: Clock) -> QuickLog | None:
        """For a command line's one line: the quick writer on a SQLite file that passes the
        store's checks of a file (None: the store opens it, and says what is wrong)."""
        if "://" in location:  # PostgreSQL
            return None
        try:
            check_sqlite_file(Path(location).expanduser(), create=False)
        except BadInput:  # (a missing, damaged or read-only file: DatabaseError too)
            return None
        return cls(location, clock)

    def log_event(
        self, incident_id: int, text: str, *, actor: str, kind: EventKind
    ) -> Event | None:
        """The event, committed; None if nothing was written (ask the store)."""
        text = require_text(text, "the event text")
        actor = require_text(actor, "the actor")
        at = self._clock.now().astimezone(UTC)
        stamp = _stored(at)
        try:
            # Held until the connection is closed: see descriptors.py.
            with (
                RAW_FILE_ACCESS,
                closing(self._connect(by_hand=True)) as connection,
            ):
                connection.execute("PRAGMA foreign_keys = ON")
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("BEGIN IMMEDIATE")
                try:
                    if not _plainly_fine(connection):  # the store's to migrate or convert
                        connection.execute("ROLLBACK")
                        return None
                    known = connection.execute(
                        "SELECT id FROM incident WHERE id = ?", (incident_id,)
                    ).fetchone()
                    if known is None:
                        raise UnknownIncident(incident_key(incident_id))
                    inserted = connection.execute(
                        "INSERT INTO event (incident_id, kind, actor, text, occurred_at, "
                        "recorded_at, starred, hidden) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
                        (incident_id, kind.value, actor, text, stamp, stamp),
                    )
                    event_id = inserted.lastrowid
                    connection.execute(
                        "INSERT INTO change (incident_id, entity, entity_id, at) "
                        "VALUES (?, 'event', ?, ?)",
                        (incident_id, event_id, stamp),
                    )
                    # Found by search at once, as the store's writes are (search_index.py).
                    connection.execute(
                        "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "
                        "VALUES (?, 'event', ?, 'event', ?)",
                        (incident_id, event_id, text),
                    )
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
        except sqlite3.Error:
            return None
        if event_id is None:
            return None
        return Event(event_id, incident_id, kind, actor, text, at, at)

    def _connect(self, *, by_hand: bool = False) -> sqlite3.Connection:
        """`by_hand`: transactions begun and ended by the caller's own statements."""
        if by_hand:
            return sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
        return sqlite3.connect(self._path, timeout=self._busy_timeout)

    def newest_moment(self, incident_id: int) -> datetime | None:
        """When the incident's newest live event happened (None: none, or not read)."""
        try:
            with (
                RAW_FILE_ACCESS,
                closing(self._connect()) as connection,
            ):
                (newest,) = connection.execute(
                    "SELECT max(occurred_at) FROM event "
                    "WHERE incident_id = ? AND deleted_at IS NULL",
                    (incident_id,),
                ).fetchone()
        except sqlite3.Error:
            return None
        return datetime.fromisoformat(newest).replace(tzinfo=UTC) if newest else None


def _plainly_fine(connection: sqlite3.Connection) -> bool:
    """At this warroom's schema and in WAL mode, as the store leaves a file it opened."""
    (journal,) = connection.execute("PRAGMA journal_mode").fetchone()
    return bool(journal == "wal" and at_current_schema(connection))


def _stored(moment: datetime) -> str:
    """A UTC moment as SQLAlchemy keeps it in SQLite (preview.py reads it back)."""
    return moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
