"""The timeline: logging events, reading them a page at a time, editing, deleting and
flagging them (an edit keeps what the event said before as a revision)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sql
from sqlalchemy import func, insert, tuple_
from sqlmodel import Session, col, select

from warroom.domain.errors import BadInput, UnknownIncident
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import Event, EventKind, EventRevision, event_key, incident_key
from warroom.store import converters
from warroom.store.session import Transactions, require_instant, require_text, storable
from warroom.store.tables import (
    EventRevisionRow,
    EventRow,
    IncidentRow,
    MilestoneRow,
    SeverityChangeRow,
    core,
)

EventCursor = tuple[datetime, int]  # (occurred_at, id): the timeline's order

# Events warroom records itself, each standing for a change: their text and kind are the record.
WARROOMS_RECORDS = frozenset(
    {EventKind.SEVERITY, EventKind.PHASE, EventKind.ROLE, EventKind.UPDATE}
)
# An event further before detection than this is taken for a slip and refused.
BEFORE_DETECTION = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append with `log_many`."""

    text: str
    actor: str
    occurred_at: datetime
    kind: EventKind = EventKind.NOTE


# The keystroke path's statements, made once: building one per line (its values coerced, its
# cache key computed) was a fifth of a line's CPU time in `log -`.
_INCIDENT_ID = sql.select(core(IncidentRow).c.id).where(
    core(IncidentRow).c.id == sql.bindparam("incident_id")
)
_NEW_EVENT = insert(core(EventRow))
_NEWEST_MOMENT = sql.select(func.max(core(EventRow).c.occurred_at)).where(
    core(EventRow).c.incident_id == sql.bindparam("incident_id"),
    core(EventRow).c.deleted_at.is_(None),
)


class Timeline(Transactions):
    def log_event(
        self,
        incident_id: int,
        text: str,
        *,
        actor: str,
        kind: EventKind = EventKind.NOTE,
        occurred_at: datetime | None = None,
    ) -> Event:
        """Append an event; returns only once it is committed."""
        text = require_text(text, "the event text")
        actor = require_text(actor, "the actor")
        recorded = self._clock.now()
        at = require_instant(occurred_at) if occurred_at else recorded

        # The keystroke path: Core statements, no ORM objects to build, flush and refresh.
        def write(session: Session) -> Event:
            connection = session.connection()
            known = connection.execute(_INCIDENT_ID, {"incident_id": incident_id}).first()
            if known is None:
                raise UnknownIncident(incident_key(incident_id))
            if occurred_at is not None:
                self._check_in_span(session, incident_id, at)
            inserted = connection.execute(
                _NEW_EVENT,
                {
                    "incident_id": incident_id,
                    "kind": kind.value,
                    "actor": actor,
                    "text": text,
                    "occurred_at": at,
                    "recorded_at": recorded,
                    "starred": False,
                    "hidden": False,
                },
            )
            (event_id,) = inserted.inserted_primary_key or (None,)
            if event_id is None:
                raise RuntimeError("the database returned no id for the new event")
            self._changed(session, incident_id, "event", event_id)
            return Event(int(event_id), incident_id, kind, actor, text, at, recorded)

        return self._write(write)

    def log_many(self, incident_id: int, entries: Iterable[NewEvent], *, batch: int = 5000) -> int:
        """Append many events in one transaction (alert floods, imports, generated data).
        All or nothing; returns how many were stored."""
        now = self._clock.now()
        rows = [
            {
                "incident_id": incident_id,
                "kind": entry.kind.value,
                "actor": require_text(entry.actor, "the actor"),
                "text": require_text(entry.text, "the event text"),
                "occurred_at": require_instant(entry.occurred_at),
                "recorded_at": now,
                "starred": False,
                "hidden": False,
            }
            for entry in entries
        ]

        def write(session: Session) -> int:
            self._incident_row(session, incident_id)
            connection = session.connection()  # Core executemany: no ORM bookkeeping per row
            for start in range(0, len(rows), batch):
                connection.execute(_NEW_EVENT, rows[start : start + batch])
            self._changed(session, incident_id, "event", None)
            return len(rows)

        return self._write(write)

    def get_event(self, event_id: int) -> Event:
        with self._read() as session:
            return converters.event(self._event_row(session, event_id))

    def events_by_id(self, event_ids: Iterable[int]) -> list[Event]:
        """The events with these ids, in timeline order; deleted ones too (a live view must
        learn of a deletion). Ids that name no event are left out."""
        wanted = sorted(set(event_ids))
        if not wanted:
            return []
        with self._read() as session:
            rows = session.exec(
                select(EventRow)
                .where(col(EventRow.id).in_(wanted))
                .order_by(col(EventRow.occurred_at), col(EventRow.id))
            ).all()
            return [converters.event(row) for row in rows]

    def _event_row(self, session: Session, event_id: int, *, lock: bool = False) -> EventRow:
        statement = select(EventRow).where(EventRow.id == event_id)
        if lock:
            statement = statement.with_for_update()
        row = session.exec(statement).first()
        if row is None:
            raise BadInput(f"no event {event_key(event_id)}")
        return row

    def events_after(
        self,
        incident_id: int,
        after: EventCursor | None = None,
        *,
        limit: int = 200,
        include_deleted: bool = False,
    ) -> list[Event]:
        """Up to `limit` events in timeline order, starting after `after` (keyset paging)."""
        statement = select(EventRow).where(EventRow.incident_id == incident_id)
        if after is not None:
            statement = statement.where(
                tuple_(col(EventRow.occurred_at), col(EventRow.id)) > tuple_(*after)
            )
        if not include_deleted:
            statement = statement.where(col(EventRow.deleted_at).is_(None))
        statement = statement.order_by(col(EventRow.occurred_at), col(EventRow.id)).limit(limit)
        with self._read() as session:
            return [converters.event(row) for row in session.exec(statement).all()]

    def events_before(
        self,
        incident_id: int,
        before: EventCursor | None = None,
        *,
        limit: int = 200,
        include_deleted: bool = False,
    ) -> list[Event]:
        """Up to `limit` events just before `before` (or the newest), in timeline order."""
        statement = select(EventRow).where(EventRow.incident_id == incident_id)
        if before is not None:
            statement = statement.where(
                tuple_(col(EventRow.occurred_at), col(EventRow.id)) < tuple_(*before)
            )
        if not include_deleted:
            statement = statement.where(col(EventRow.deleted_at).is_(None))
        statement = statement.order_by(
            col(EventRow.occurred_at).desc(), col(EventRow.id).desc()
        ).limit(limit)
        with self._read() as session:
            rows = session.exec(statement).all()
            return [converters.event(row) for row in reversed(rows)]

    def iter_events(
        self, incident_id: int, *, since: datetime | None = None, page: int = 2000
    ) -> Iterator[Event]:
        """Every live event in timeline order (from `since` on), fetched a page at a time."""
        cursor: EventCursor | None = (require_instant(since), 0) if since is not None else None
        while True:
            batch = self.events_after(incident_id, cursor, limit=page)
            yield from batch
            if len(batch) < page:
                return
            cursor = (batch[-1].occurred_at, batch[-1].id)

    def count_events(self, incident_id: int) -> int:
        with self._read() as session:
            return session.exec(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.incident_id == incident_id)
                .where(col(EventRow.deleted_at).is_(None))
            ).one()

    def newest_moment(self, incident_id: int) -> datetime | None:
        """When the newest live event happened (None: the timeline is empty)."""
        with self._read() as session:
            found = session.connection().execute(_NEWEST_MOMENT, {"incident_id": incident_id})
            moment: datetime | None = found.scalar()
            return moment

    def last_event_of_kind(self, incident_id: int, kind: EventKind) -> Event | None:
        with self._read() as session:
            row = session.exec(
                select(EventRow)
                .where(EventRow.incident_id == incident_id)
                .where(EventRow.kind == kind.value)
                .where(col(EventRow.deleted_at).is_(None))
                .order_by(col(EventRow.occurred_at).desc(), col(EventRow.id).desc())
            ).first()
            return converters.event(row) if row else None

    def events_of_kinds(
        self, incident_id: int, kinds: Iterable[EventKind], *, limit: int = 500
    ) -> list[Event]:
        """The newest `limit` live events of these kinds, in timeline order (the stakeholder
        page's public timeline: updates, severity and phase changes)."""
        names = sorted({kind.value for kind in kinds})
        with self._read() as session:
            rows = session.exec(
                select(EventRow)
                .where(EventRow.incident_id == incident_id)
                .where(col(EventRow.kind).in_(names))
                .where(col(EventRow.deleted_at).is_(None))
                .order_by(col(EventRow.occurred_at).desc(), col(EventRow.id).desc())
                .limit(limit)
            ).all()
            return [converters.event(row) for row in reversed(rows)]

    def _check_in_span(self, session: Session, incident_id: int, at: datetime) -> None:
        """A time long before the incident is a slip (a wrong date, a clock far off), refused
        rather than stored as typed. (Times ahead of now are refused as they are read.)"""
        detected = session.exec(
            select(MilestoneRow.at)
            .where(MilestoneRow.incident_id == incident_id)
            .where(MilestoneRow.name == Milestone.DETECTED.value)
        ).first()
        if detected is not None and at < detected - BEFORE_DETECTION:
            days = (detected - at).days
            raise BadInput(
                f"{at:%Y-%m-%d %H:%M} UTC is {days} days before {incident_key(incident_id)} "
                f"was detected ({detected:%Y-%m-%d %H:%M} UTC): give a time within "
                f"{BEFORE_DETECTION.days} days of it"
            )

    def edit_event(
        self,
        event_id: int,
        *,
        actor: str,
        text: str | None = None,
        kind: EventKind | None = None,
        occurred_at: datetime | None = None,
    ) -> Event:
        """Change an event; what it said before is kept as a revision."""
        actor = storable(actor, "the actor")
        new_text = require_text(text, "the event text") if text is not None else None
        now = self._clock.now()

        def write(session: Session) -> Event:
            row = self._event_row(session, event_id, lock=True)
            if row.deleted_at is not None:
                raise BadInput(f"{event_key(event_id)} is deleted")
            recorded_kind = EventKind(row.kind)
            rewords = (new_text is not None and new_text != row.text) or (
                kind is not None and kind is not recorded_kind
            )
            if rewords and (recorded_kind in WARROOMS_RECORDS or kind in WARROOMS_RECORDS):
                raise BadInput(
                    f"{event_key(event_id)} is warroom's record of a {recorded_kind.value} "
                    "change: it keeps its text and kind; only its time can be corrected"
                )
            if occurred_at is not None:
                moment = require_instant(occurred_at)
                self._check_in_span(session, row.incident_id, moment)
                if self._is_declaration(session, row):
                    self._move_detection(session, row.incident_id, moment)
            session.add(
                EventRevisionRow(
                    event_id=event_id,
                    kind=row.kind,
                    actor=row.actor,
                    text=row.text,
                    occurred_at=row.occurred_at,
                    replaced_at=now,
                    replaced_by=actor,
                )
            )
            if new_text is not None:
                row.text = new_text
            if kind is not None:
                row.kind = kind.value
            if occurred_at is not None:
                row.occurred_at = require_instant(occurred_at)
            row.edited_at = now
            session.add(row)
            self._changed(session, row.incident_id, "event", event_id)
            return converters.event(row)

        return self._write(write)

    def _is_declaration(self, session: Session, row: EventRow) -> bool:
        """The incident's first phase event: "Incident declared ...", at detection."""
        first = session.exec(
            select(func.min(EventRow.id))
            .where(EventRow.incident_id == row.incident_id)
            .where(EventRow.kind == EventKind.PHASE.value)
        ).one()
        return row.kind == EventKind.PHASE.value and first == row.id

    def _move_detection(self, session: Session, incident_id: int, moment: datetime) -> None:
        """The declaration's time is detection's: correcting one corrects the other (and the
        declared severity's start), never past a later milestone."""
        milestones = {
            row.name: row
            for row in session.exec(
                select(MilestoneRow).where(MilestoneRow.incident_id == incident_id)
            ).all()
        }
        later = [
            row.at
            for name, row in milestones.items()
            if name != Milestone.DETECTED.value and name != Milestone.WITHDRAWN.value
        ]
        if later and moment > min(later):
            raise BadInput(
                f"detection cannot come after {incident_key(incident_id)}'s other milestones "
                f"(the first at {min(later):%Y-%m-%d %H:%M} UTC)"
            )
        detected = milestones[Milestone.DETECTED.value]
        detected.at = moment
        session.add(detected)
        declared = session.exec(
            select(SeverityChangeRow)
            .where(SeverityChangeRow.incident_id == incident_id)
            .where(col(SeverityChangeRow.old).is_(None))
        ).first()
        if declared is not None:
            declared.at = moment
            session.add(declared)
        self._changed(session, incident_id, "incident", incident_id)

    def delete_event(self, event_id: int, *, deleted: bool = True) -> Event:
        """Soft delete (or restore): the row stays, the timeline stops showing it. A severity
        or phase record is corrected by a new change, never deleted."""
        now = self._clock.now()

        def write(session: Session) -> Event:
            row = self._event_row(session, event_id, lock=True)
            if deleted and EventKind(row.kind) in (EventKind.SEVERITY, EventKind.PHASE):
                raise BadInput(
                    f"{event_key(event_id)} records a {row.kind} change: make a new change "
                    "to correct it (it cannot be deleted)"
                )
            row.deleted_at = now if deleted else None
            session.add(row)
            self._changed(session, row.incident_id, "event", event_id)
            return converters.event(row)

        return self._write(write)

    def flag_event(
        self, event_id: int, *, starred: bool | None = None, hidden: bool | None = None
    ) -> Event:
        """Star an event for the report, or hide it from the report."""

        def write(session: Session) -> Event:
            row = self._event_row(session, event_id, lock=True)
            if starred is not None:
                row.starred = starred
            if hidden is not None:
                row.hidden = hidden
            session.add(row)
            self._changed(session, row.incident_id, "event", event_id)
            return converters.event(row)

        return self._write(write)

    def event_revisions(self, event_id: int) -> list[EventRevision]:
        with self._read() as session:
            rows = session.exec(
                select(EventRevisionRow)
                .where(EventRevisionRow.event_id == event_id)
                .order_by(col(EventRevisionRow.id))
            ).all()
            return [converters.revision(row) for row in rows]
