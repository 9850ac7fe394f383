"""The store's transactions, shared by every aggregate: reads, writes retried while the
database is busy, the change feed's rows, and the checks all user text passes.

Each public store method is one transaction and returns only after it committed. Writers take
the write lock at BEGIN (SQLite: BEGIN IMMEDIATE; PostgreSQL: row locks on what they change)
and append their change-feed rows last, in commit order. A write that meets a momentarily busy
database (SQLITE_BUSY past the busy timeout, a PostgreSQL deadlock or serialization failure)
is rolled back and run again whole; any other failure of the database becomes DatabaseError
or StorageError (failures.py), never a driver's exception.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, insert
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from warroom.domain.clock import Clock
from warroom.domain.errors import BadInput, DatabaseBusy, UnknownIncident
from warroom.domain.model import EventKind, Incident, ReportNote, Role, incident_key
from warroom.domain.severity import SEVERITIES
from warroom.store import converters
from warroom.store.failures import database_failures
from warroom.store.search_index import index_changes
from warroom.store.tables import (
    ChangeRow,
    EventRow,
    IncidentLabelRow,
    IncidentRow,
    MilestoneRow,
    PostMortemNoteRow,
    RoleRow,
    core,
)
from warroom.store.target import Target
from warroom.store.text_rules import require_text as require_text  # (for every aggregate)
from warroom.store.text_rules import storable as storable

Result = TypeVar("Result")

# How long a write keeps retrying a busy database before giving up (nothing written).
WRITE_RETRY_SECONDS = 30.0
# PostgreSQL: the channel every committed write notifies (LISTEN/NOTIFY is per database), and
# the advisory lock a writer holds from writing its feed rows until its commit.
CHANGE_CHANNEL = "warroom_change"
CHANGE_LOCK_KEY = 0x7761_7272_6F6F_6E  # the migration lock's key ("warroom") + 1

_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_PG_RETRYABLE = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected


def require_instant(moment: datetime) -> datetime:
    """A moment in UTC, so that what a method returns is what a later read gives back."""
    if moment.utcoffset() is None:
        raise BadInput(f"{moment.isoformat()} has no timezone")
    return moment.astimezone(UTC)


def check_level(level: int) -> None:
    if level not in SEVERITIES:
        raise BadInput(f"bad severity {level!r}: use 1-4")


def row_id(value: int | None) -> int:
    if value is None:
        raise ValueError("row has no id yet (not flushed)")
    return value


_NEW_CHANGES = insert(core(ChangeRow))


class Transactions:
    """One database, its clock, and the transactions every aggregate runs its methods in."""

    def __init__(self, engine: Engine, clock: Clock, target: Target | None = None) -> None:
        self._engine = engine
        self._writer = engine.execution_options(warroom_write=True)
        self._clock = clock
        self.target = target or _target_of(engine)
        self._postgres = engine.dialect.name == "postgresql"

    @property
    def clock(self) -> Clock:
        return self._clock

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with (
            database_failures(self.target, doing="read"),
            Session(self._engine) as session,
            session.begin(),
        ):
            yield session

    def _write(self, work: Callable[[Session], Result]) -> Result:
        """Run `work` in one write transaction and commit it, running it again whole while
        the database is busy, for up to WRITE_RETRY_SECONDS; then DatabaseBusy, nothing
        written. `work` must only touch the database through its session."""
        give_up_at = time.monotonic() + WRITE_RETRY_SECONDS
        attempt = 0
        with database_failures(self.target, doing="write to"):
            while True:
                try:
                    with Session(self._writer, expire_on_commit=False) as session, session.begin():
                        result = work(session)
                        self._record_changes(session)
                    return result
                except DBAPIError as error:
                    if not _transient(error):
                        raise
                    attempt += 1
                    if time.monotonic() >= give_up_at:
                        raise DatabaseBusy(
                            f"{self.target.display} is busy: other writers kept it locked; "
                            "nothing was written, try again"
                        ) from error
                    _pause_before_retry(attempt)

    def _changed(
        self, session: Session, incident_id: int | None, entity: str, entity_id: int | None
    ) -> None:
        """Note a change for the feed; it is written when the transaction ends."""
        session.info.setdefault("warroom_changes", []).append((incident_id, entity, entity_id))

    def _record_changes(self, session: Session) -> None:
        """Write the transaction's feed rows, last, just before its commit.

        A PostgreSQL sequence hands out `seq` at insert, not at commit: two writers could
        commit out of order, and a reader that saw N+1 would never look back for N. So feed
        rows are written under an advisory lock (a table lock would be held up by autovacuum)
        that only writers take, until commit: `seq` order is commit order, readers never wait.
        SQLite writers already hold the one write lock for the whole transaction.
        """
        noted: list[tuple[int | None, str, int | None]] = session.info.pop("warroom_changes", [])
        if not noted:
            return
        index_changes(session, noted)
        if self._postgres:
            session.execute(
                sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOCK_KEY}
            )
        now = self._clock.now()
        # On the connection: Core's executemany, not the ORM's bulk insert (a third of a
        # line's CPU time in `log -`, which commits each line).
        session.connection().execute(
            _NEW_CHANGES,
            [
                {"incident_id": incident_id, "entity": entity, "entity_id": entity_id, "at": now}
                for incident_id, entity, entity_id in noted
            ],
        )
        if self._postgres:
            session.execute(sql_text(f"NOTIFY {CHANGE_CHANNEL}"))

    # ---- what several aggregates read and write ------------------------------------------

    def _incident_row(
        self, session: Session, incident_id: int, *, lock: bool = False
    ) -> IncidentRow:
        """The incident's row; with `lock`, held until commit so that writers which read, then
        change, an incident's state go one at a time. (FOR NO KEY UPDATE on PostgreSQL: events
        can still be logged meanwhile.)"""
        statement = select(IncidentRow).where(IncidentRow.id == incident_id)
        if lock:
            statement = statement.with_for_update(key_share=True)
        row = session.exec(statement).first()
        if row is None:
            raise UnknownIncident(incident_key(incident_id))
        return row

    def _incident(self, session: Session, incident_id: int) -> Incident:
        row = self._incident_row(session, incident_id)
        milestones = list(
            session.exec(select(MilestoneRow).where(MilestoneRow.incident_id == incident_id)).all()
        )
        commander = session.exec(
            select(RoleRow.person)
            .where(RoleRow.incident_id == incident_id)
            .where(RoleRow.role == Role.COMMANDER.value)
            .where(col(RoleRow.released_at).is_(None))
            .order_by(col(RoleRow.id).desc())
        ).first()
        labels = session.exec(
            select(IncidentLabelRow).where(IncidentLabelRow.incident_id == incident_id)
        ).all()
        return converters.incident(row, milestones, commander, labels)

    def _add_event(
        self,
        session: Session,
        incident_id: int,
        kind: EventKind,
        actor: str,
        text: str,
        occurred_at: datetime,
    ) -> EventRow:
        """A timeline event that records another change (a step, a handover, an item)."""
        row = EventRow(
            incident_id=incident_id,
            kind=kind.value,
            actor=actor,
            text=text,
            occurred_at=occurred_at,
            recorded_at=self._clock.now(),
        )
        session.add(row)
        session.flush()
        self._changed(session, incident_id, "event", row.id)
        return row

    def _add_note(self, session: Session, incident_id: int, note: ReportNote) -> None:
        """A note of the post-mortem's own history (never an event of the incident's)."""
        session.add(
            PostMortemNoteRow(
                incident_id=incident_id,
                at=note.at,
                actor=require_text(note.actor, "the actor"),
                text=require_text(note.text, "the note"),
            )
        )


def _transient(error: DBAPIError) -> bool:
    """A failure that says "busy, try again" rather than "wrong": the transaction was rolled
    back and running it again is safe."""
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        return original.sqlite_errorcode & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return getattr(original, "sqlstate", None) in _PG_RETRYABLE


def _pause_before_retry(attempt: int) -> None:
    """5 ms doubling up to 200 ms, with jitter so that writers that collided do not collide
    again."""
    time.sleep(min(0.2, 0.005 * 2 ** min(attempt, 8)) * random.uniform(0.5, 1.5))


def _target_of(engine: Engine) -> Target:
    if engine.dialect.name == "sqlite":
        return Target(engine.url.render_as_string(), Path(engine.url.database or ""))
    return Target(engine.url.render_as_string(hide_password=False))
