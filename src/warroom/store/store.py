"""The Store: incidents, the timeline, people, action items and post-mortems, over the
shared transactions of session.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sql
from sqlalchemy import delete, func, insert, tuple_
from sqlmodel import Session, col, select

from warroom.domain.clock import Clock
from warroom.domain.errors import BadInput, Conflict, UnknownIncident
from warroom.domain.incident_record import IncidentRecord
from warroom.domain.lifecycle import MILESTONE_ON_ENTER, Milestone, Phase, milestones_reached
from warroom.domain.merge import merge
from warroom.domain.model import (
    ActionItem,
    ActionStatus,
    ActionType,
    Event,
    EventKind,
    EventRevision,
    Incident,
    PostMortem,
    Presence,
    Priority,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
    event_key,
    incident_key,
)
from warroom.domain.postmortem import TimelineEntry
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.store import converters
from warroom.store.engine import open_engine
from warroom.store.session import (
    Transactions,
    check_level,
    require_instant,
    require_text,
    row_id,
    storable,
)
from warroom.store.tables import (
    ActionItemRow,
    ChangeRow,
    EventRevisionRow,
    EventRow,
    IncidentRow,
    MilestoneRow,
    PostMortemRow,
    PresenceRow,
    RoleRow,
    SeverityChangeRow,
)
from warroom.store.target import resolve_target

EventCursor = tuple[datetime, int]  # (occurred_at, id): the timeline's order
# Presence: a war room stamps its heartbeat this often, and counts as gone this long after the
# last one (a crashed or disconnected process stops stamping).
HEARTBEAT_INTERVAL = timedelta(seconds=5)
PRESENCE_TIMEOUT = timedelta(seconds=30)
_ACTION_ITEM_KEYS = frozenset({"id", "incident_id", "created_at", "updated_at", "version"})
_POSTMORTEM_KEYS = frozenset({"incident_id", "version"})


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append with `Store.log_many`."""

    text: str
    actor: str
    occurred_at: datetime
    kind: EventKind = EventKind.NOTE


@dataclass(frozen=True, slots=True)
class Change:
    """One committed write: which incident, and what in it.

    `entity` is "incident" (title, severity, step, milestones), "event" (the timeline; edits,
    deletions and flags too), "role", "action_item", "postmortem" or "presence" (someone opened
    or closed the war room); `entity_id` is that thing's id (the incident id for "incident" and
    "postmortem", none for "presence").
    """

    seq: int
    incident_id: int | None
    entity: str
    entity_id: int | None


class Store(Transactions):
    @classmethod
    def open(cls, location: str, clock: Clock, *, create: bool = True) -> Store:
        """Open (and, with `create`, make) the database at a path or PostgreSQL URL."""
        target = resolve_target(location)
        return cls(open_engine(target, create=create), clock, target)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- incidents -----------------------------------------------------------------------

    def create_incident(
        self,
        title: str,
        severity: int,
        *,
        commander: str,
        actor: str,
        detected_at: datetime | None = None,
    ) -> Incident:
        title = require_text(title, "the title")
        commander = require_text(commander, "the commander")
        actor = storable(actor, "the actor")
        check_level(severity)
        now = self._clock.now()
        detected = detected_at or now

        def write(session: Session) -> Incident:
            row = IncidentRow(
                title=title, severity=severity, phase=Phase.DETECTION.value, created_at=now
            )
            session.add(row)
            session.flush()
            incident_id = row_id(row.id)
            session.add(
                MilestoneRow(incident_id=incident_id, name=Milestone.DETECTED.value, at=detected)
            )
            session.add(
                SeverityChangeRow(
                    incident_id=incident_id, old=None, new=severity, at=detected, actor=actor
                )
            )
            session.add(
                RoleRow(
                    incident_id=incident_id,
                    role=Role.COMMANDER.value,
                    person=commander,
                    assigned_at=now,
                )
            )
            self._add_event(
                session,
                incident_id,
                EventKind.PHASE,
                actor,
                f"Incident declared: {severity_label(severity)} "
                f"({SEVERITIES[severity].name}), IC {commander}",
                detected,
            )
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    def get_incident(self, incident_id: int) -> Incident:
        with self._read() as session:
            return self._incident(session, incident_id)

    def rename_incident(self, incident_id: int, title: str, *, base: str | None = None) -> Incident:
        """Change the title (the post-mortem's title too). `base` is the title this edit
        started from: if someone else changed it meanwhile, to something else than this edit,
        nothing is written and Conflict carries theirs (`current`) and this one (`mine`)."""
        title = require_text(title, "the title")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            if row.title == title:
                return self._incident(session, incident_id)
            if base is not None and row.title != base:
                raise Conflict("the title", row.title, mine=title, fields=("title",))
            row.title = title
            row.version += 1
            session.add(row)
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    def list_incidents(self) -> list[Incident]:
        """Every incident, newest first."""
        with self._read() as session:
            rows = session.exec(select(IncidentRow).order_by(col(IncidentRow.id).desc())).all()
            milestones: dict[int, list[MilestoneRow]] = {}
            for milestone in session.exec(select(MilestoneRow)).all():
                milestones.setdefault(milestone.incident_id, []).append(milestone)
            commanders = {
                role.incident_id: role.person
                for role in session.exec(
                    select(RoleRow)
                    .where(RoleRow.role == Role.COMMANDER.value)
                    .where(col(RoleRow.released_at).is_(None))
                    .order_by(col(RoleRow.id))
                ).all()
            }
            return [
                converters.incident(
                    row, milestones.get(row_id(row.id), []), commanders.get(row_id(row.id))
                )
                for row in rows
            ]

    def change_severity(self, incident_id: int, level: int, *, actor: str) -> SeverityChange:
        check_level(level)
        actor = storable(actor, "the actor")
        now = self._clock.now()

        def write(session: Session) -> SeverityChange:
            row = self._incident_row(session, incident_id, lock=True)
            old = row.severity
            if old == level:
                raise BadInput(f"{incident_key(incident_id)} is already {severity_label(level)}")
            row.severity = level
            row.version += 1
            session.add(row)
            change = SeverityChangeRow(
                incident_id=incident_id, old=old, new=level, at=now, actor=actor
            )
            session.add(change)
            verb = "raised" if level < old else "lowered"
            self._add_event(
                session,
                incident_id,
                EventKind.SEVERITY,
                actor,
                f"Severity {verb}: {severity_label(old)} → {severity_label(level)} "
                f"({SEVERITIES[level].name})",
                now,
            )
            self._changed(session, incident_id, "incident", incident_id)
            return converters.severity_change(change)

        return self._write(write)

    def advance_phase(self, incident_id: int, *, actor: str) -> Incident:
        """Move to the next lifecycle step, recording it and any milestone it marks."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            following = Phase(row.phase).next
            if following is None:
                raise BadInput(f"{incident_key(incident_id)} is already at the last step")
            self._enter_phase(session, row, following, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def resolve(self, incident_id: int, *, actor: str) -> Incident:
        """Mark resolved: the incident moves on to its post-mortem."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            if Phase(row.phase) is Phase.POSTMORTEM:
                raise BadInput(f"{incident_key(incident_id)} is already resolved")
            self._enter_phase(session, row, Phase.POSTMORTEM, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def _enter_phase(self, session: Session, row: IncidentRow, phase: Phase, actor: str) -> None:
        now = self._clock.now()
        incident_id = row_id(row.id)
        row.phase = phase.value
        row.version += 1
        session.add(row)
        reached = {
            m.name
            for m in session.exec(
                select(MilestoneRow).where(MilestoneRow.incident_id == incident_id)
            ).all()
        }
        # Jumping ahead (resolving straight from Investigation, say) marks every milestone the
        # skipped steps imply, at this moment: it happened at the latest now.
        for milestone in milestones_reached(phase):
            if milestone.value not in reached:
                session.add(MilestoneRow(incident_id=incident_id, name=milestone.value, at=now))
        text = (
            "Incident resolved"
            if phase is Phase.POSTMORTEM
            else f"Moved to {phase.title}"
            + (f" ({MILESTONE_ON_ENTER[phase].value})" if phase in MILESTONE_ON_ENTER else "")
        )
        self._add_event(session, incident_id, EventKind.PHASE, actor, text, now)
        self._changed(session, incident_id, "incident", incident_id)

    def severity_changes(self, incident_id: int) -> list[SeverityChange]:
        """The severity history, the declared level first."""
        with self._read() as session:
            self._incident_row(session, incident_id)
            rows = session.exec(
                select(SeverityChangeRow)
                .where(SeverityChangeRow.incident_id == incident_id)
                .order_by(col(SeverityChangeRow.at), col(SeverityChangeRow.id))
            ).all()
            return [converters.severity_change(row) for row in rows]

    # ---- the timeline --------------------------------------------------------------------

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
            known = session.execute(
                sql.select(col(IncidentRow.id)).where(col(IncidentRow.id) == incident_id)
            ).first()
            if known is None:
                raise UnknownIncident(incident_key(incident_id))
            inserted = session.connection().execute(
                insert(EventRow).values(
                    incident_id=incident_id,
                    kind=kind.value,
                    actor=actor,
                    text=text,
                    occurred_at=at,
                    recorded_at=recorded,
                    starred=False,
                    hidden=False,
                )
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
                connection.execute(insert(EventRow), rows[start : start + batch])
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

    def iter_events(self, incident_id: int, *, page: int = 2000) -> Iterator[Event]:
        """Every live event in timeline order, fetched a page at a time."""
        cursor: EventCursor | None = None
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

    def delete_event(self, event_id: int, *, deleted: bool = True) -> Event:
        """Soft delete (or restore): the row stays, the timeline stops showing it."""
        now = self._clock.now()

        def write(session: Session) -> Event:
            row = self._event_row(session, event_id, lock=True)
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

    # ---- roles ---------------------------------------------------------------------------

    def roles(self, incident_id: int, *, include_released: bool = False) -> list[RoleAssignment]:
        statement = select(RoleRow).where(RoleRow.incident_id == incident_id)
        if not include_released:
            statement = statement.where(col(RoleRow.released_at).is_(None))
        with self._read() as session:
            self._incident_row(session, incident_id)
            rows = session.exec(statement.order_by(col(RoleRow.id))).all()
            return [converters.role(row) for row in rows]

    def assign_role(
        self, incident_id: int, role: Role, person: str, *, actor: str
    ) -> RoleAssignment:
        """Give someone a role. The IC, scribe and comms liaison are one person each: assigning
        one hands it over (a timeline event). There can be any number of experts."""
        person = require_text(person, "the person")
        actor = storable(actor, "the actor")
        now = self._clock.now()

        def write(session: Session) -> RoleAssignment:
            self._incident_row(session, incident_id, lock=True)
            current = session.exec(
                select(RoleRow)
                .where(RoleRow.incident_id == incident_id)
                .where(RoleRow.role == role.value)
                .where(col(RoleRow.released_at).is_(None))
            ).all()
            if any(row.person == person for row in current):
                raise BadInput(f"{person} is already {role.title}")
            previous = [] if role is Role.EXPERT else list(current)
            for row in previous:
                row.released_at = now
                session.add(row)
            assignment = RoleRow(
                incident_id=incident_id, role=role.value, person=person, assigned_at=now
            )
            session.add(assignment)
            session.flush()
            if previous:
                text = f"{role.title} handover: {previous[-1].person} → {person}"
            else:
                text = f"{person} is {role.title}"
            self._add_event(session, incident_id, EventKind.ROLE, actor, text, now)
            self._changed(session, incident_id, "role", assignment.id)
            return converters.role(assignment)

        return self._write(write)

    def release_role(self, assignment_id: int, *, actor: str) -> RoleAssignment:
        actor = storable(actor, "the actor")
        now = self._clock.now()

        def write(session: Session) -> RoleAssignment:
            row = session.exec(
                select(RoleRow).where(RoleRow.id == assignment_id).with_for_update()
            ).first()
            if row is None or row.released_at is not None:
                raise BadInput("no such role assignment")
            if row.role == Role.COMMANDER.value:
                raise BadInput("an incident always has an IC: hand the role over instead")
            row.released_at = now
            session.add(row)
            self._add_event(
                session,
                row.incident_id,
                EventKind.ROLE,
                actor,
                f"{row.person} is no longer {Role(row.role).title}",
                now,
            )
            self._changed(session, row.incident_id, "role", assignment_id)
            return converters.role(row)

        return self._write(write)

    # ---- presence ------------------------------------------------------------------------

    def heartbeat(self, incident_id: int, person: str, session_id: str) -> None:
        """Stamp that `person` has this incident's war room open, in the session `session_id`
        (a token the war room made when it opened). The first stamp of a session is a change
        in the feed (someone joined); the following ones are not."""
        person = require_text(person, "the person")
        now = self._clock.now()

        def write(session: Session) -> None:
            row = session.exec(
                select(PresenceRow).where(PresenceRow.session == session_id).with_for_update()
            ).first()
            if row is not None:
                row.last_seen = now
                session.add(row)
                return
            self._incident_row(session, incident_id)
            # Sessions that stopped stamping without leaving (a crash, a lost connection).
            session.execute(
                delete(PresenceRow)
                .where(col(PresenceRow.incident_id) == incident_id)
                .where(col(PresenceRow.last_seen) < now - PRESENCE_TIMEOUT)
            )
            session.add(
                PresenceRow(
                    session=session_id,
                    incident_id=incident_id,
                    person=person,
                    joined_at=now,
                    last_seen=now,
                )
            )
            self._changed(session, incident_id, "presence", None)

        self._write(write)

    def leave(self, session_id: str) -> None:
        """The war room of `session_id` was closed (a change in the feed)."""

        def write(session: Session) -> None:
            row = session.exec(
                select(PresenceRow).where(PresenceRow.session == session_id).with_for_update()
            ).first()
            if row is None:
                return
            session.delete(row)
            self._changed(session, row.incident_id, "presence", None)

        self._write(write)

    def present(self, incident_id: int, *, timeout: timedelta = PRESENCE_TIMEOUT) -> list[Presence]:
        """Who has the war room open now (a heartbeat within `timeout`), first arrival first;
        someone with it open twice is listed once."""
        since = self._clock.now() - timeout
        statement = (
            select(PresenceRow.person, PresenceRow.joined_at, PresenceRow.last_seen)
            .where(PresenceRow.incident_id == incident_id)
            .where(col(PresenceRow.last_seen) >= since)
        )
        with self._read() as session:
            rows = session.exec(statement).all()
        people: dict[str, Presence] = {}
        for person, joined_at, last_seen in rows:
            known = people.get(person)
            people[person] = Presence(
                person=person,
                since=min(joined_at, known.since) if known else joined_at,
                last_seen=max(last_seen, known.last_seen) if known else last_seen,
            )
        return sorted(people.values(), key=lambda p: (p.since, p.person))

    # ---- action items --------------------------------------------------------------------

    def action_items(self, incident_id: int) -> list[ActionItem]:
        with self._read() as session:
            rows = session.exec(
                select(ActionItemRow)
                .where(ActionItemRow.incident_id == incident_id)
                .order_by(col(ActionItemRow.position), col(ActionItemRow.id))
            ).all()
            return [converters.action_item(row) for row in rows]

    def add_action_item(
        self,
        incident_id: int,
        description: str,
        *,
        actor: str,
        type: ActionType | None = None,
        owner: str = "",
        priority: Priority | None = None,
        due_date: date | None = None,
        status: ActionStatus = ActionStatus.OPEN,
        ticket: str = "",
    ) -> ActionItem:
        description = require_text(description, "the description")
        actor = storable(actor, "the actor")
        owner = storable(owner, "the owner").strip()
        ticket = storable(ticket, "the ticket").strip()
        now = self._clock.now()

        def write(session: Session) -> ActionItem:
            # Locked: two items added at once must not take the same position.
            self._incident_row(session, incident_id, lock=True)
            position = session.exec(
                select(func.coalesce(func.max(ActionItemRow.position), 0)).where(
                    ActionItemRow.incident_id == incident_id
                )
            ).one()
            row = ActionItemRow(
                incident_id=incident_id,
                description=description,
                type=type.value if type else None,
                owner=owner,
                priority=priority.value if priority else None,
                due_date=due_date,
                status=status.value,
                ticket=ticket,
                position=position + 1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            text = f"Action item opened: {description}"
            self._add_event(session, incident_id, EventKind.ACTION, actor, text, now)
            self._changed(session, incident_id, "action_item", row.id)
            return converters.action_item(row)

        return self._write(write)

    def update_action_item(
        self, item: ActionItem, *, actor: str, base: ActionItem | None = None
    ) -> ActionItem:
        """Save an edited item. `item.version` is the version it was edited from.

        Without `base`, the whole item is the unit: if someone saved in between, nothing is
        written and Conflict carries what they saved. With `base` (the item as it was before
        this edit), fields are the unit: the fields this edit changed are saved on top of
        theirs, unless they changed one of the same fields differently; then nothing is
        written and Conflict carries theirs (`current`), this edit (`mine`) and the `fields`.
        """
        description = require_text(item.description, "the description")
        actor = storable(actor, "the actor")
        item = replace(
            item,
            description=description,
            owner=storable(item.owner, "the owner").strip(),
            ticket=storable(item.ticket, "the ticket").strip(),
        )
        now = self._clock.now()

        def write(session: Session) -> ActionItem:
            row = session.exec(
                select(ActionItemRow).where(ActionItemRow.id == item.id).with_for_update()
            ).first()
            if row is None:
                raise BadInput(f"no action item {item.id}")
            saving = item
            if row.version != item.version:
                theirs = converters.action_item(row)
                if base is None:
                    raise Conflict("the action item", theirs)
                saving, conflicts = merge(base, item, theirs, ignore=_ACTION_ITEM_KEYS)
                if conflicts:
                    raise Conflict("the action item", theirs, mine=item, fields=conflicts)
            old_status = ActionStatus(row.status)
            row.description = saving.description
            row.type = saving.type.value if saving.type else None
            row.owner = saving.owner
            row.priority = saving.priority.value if saving.priority else None
            row.due_date = saving.due_date
            row.status = saving.status.value
            row.ticket = saving.ticket
            row.updated_at = now
            row.version += 1
            session.add(row)
            if old_status is not saving.status:
                self._add_event(
                    session,
                    row.incident_id,
                    EventKind.ACTION,
                    actor,
                    _status_text(saving.status, saving.description),
                    now,
                )
            self._changed(session, row.incident_id, "action_item", item.id)
            return converters.action_item(row)

        return self._write(write)

    # ---- the post-mortem -----------------------------------------------------------------

    def postmortem(self, incident_id: int) -> PostMortem:
        with self._read() as session:
            self._incident_row(session, incident_id)
            row = session.get(PostMortemRow, incident_id)
            return converters.postmortem(row) if row else PostMortem(incident_id=incident_id)

    def save_postmortem(self, report: PostMortem, *, base: PostMortem | None = None) -> PostMortem:
        """Save a post-mortem. `report.version` is the version it was edited from (0: new).

        Without `base`, the whole report is the unit: if someone saved in between, nothing is
        written and Conflict carries what they saved. With `base` (the report as it was before
        this edit), fields are the unit: two people editing different fields both keep their
        edits; when they changed the same field differently, nothing is written and Conflict
        carries theirs (`current`), this edit (`mine`) and the conflicting `fields`.
        """
        _check_storable(converters.postmortem_values(report), "the post-mortem")
        now = self._clock.now()

        def write(session: Session) -> PostMortem:
            # Locked: the first save of a report inserts its row, and two first saves at once
            # must not both try.
            self._incident_row(session, report.incident_id, lock=True)
            row = session.exec(
                select(PostMortemRow)
                .where(PostMortemRow.incident_id == report.incident_id)
                .with_for_update()
            ).first()
            saving = report
            if (row.version if row else 0) != report.version:
                theirs = converters.postmortem(row) if row else PostMortem(report.incident_id)
                if base is None:
                    raise Conflict("the post-mortem", theirs)
                saving, conflicts = merge(base, report, theirs, ignore=_POSTMORTEM_KEYS)
                if conflicts:
                    raise Conflict("the post-mortem", theirs, mine=report, fields=conflicts)
            values = converters.postmortem_values(saving)
            if row is None:
                row = PostMortemRow(incident_id=report.incident_id, updated_at=now, **values)
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now
                row.version += 1
            session.add(row)
            session.flush()
            self._changed(session, report.incident_id, "postmortem", report.incident_id)
            return converters.postmortem(row)

        return self._write(write)

    # ---- post-mortem workflow: status changes and importing whole incidents ---------------

    def set_postmortem_status(
        self,
        incident_id: int,
        status: ReportStatus,
        *,
        version: int,
        actor: str,
        note: str | None = None,
    ) -> PostMortem:
        """Change the report's status. `version` is the version the decision was made on (0:
        never saved): if someone saved in between, nothing is written and Conflict carries what
        they saved. `note`, when given, is recorded in the timeline in the same transaction."""
        now = self._clock.now()

        def write(session: Session) -> PostMortem:
            self._incident_row(session, incident_id, lock=True)
            row = session.exec(
                select(PostMortemRow)
                .where(PostMortemRow.incident_id == incident_id)
                .with_for_update()
            ).first()
            current_version = row.version if row else 0
            if current_version != version:
                stored = converters.postmortem(row) if row else PostMortem(incident_id)
                raise Conflict("the post-mortem", stored)
            if row is None:
                values = converters.postmortem_values(PostMortem(incident_id, status=status))
                row = PostMortemRow(incident_id=incident_id, updated_at=now, **values)
            else:
                row.status = status.value
                row.updated_at = now
                row.version += 1
            session.add(row)
            session.flush()
            if note is not None:
                self._add_event(
                    session,
                    incident_id,
                    EventKind.DECISION,
                    actor,
                    require_text(note, "the note"),
                    now,
                )
            self._changed(session, incident_id, "postmortem", incident_id)
            return converters.postmortem(row)

        return self._write(write)

    def iter_timeline(self, incident_id: int, *, page: int = 5000) -> Iterator[TimelineEntry]:
        """The report's timeline: live events not hidden from the report, in timeline order.

        Streamed from one read transaction (a consistent snapshot) and lean: only the columns
        a report shows, without the ORM, so 100,000 events take well under a second. SQLite
        keeps a time as UTC text, read here as it is (the column type would parse it, then
        make it aware, in Python, row by row)."""
        text_times = self._engine.dialect.name == "sqlite"
        occurred: Any = col(EventRow.occurred_at)
        if text_times:
            occurred = sql.type_coerce(occurred, sql.String)
        statement = (
            sql.select(
                occurred,
                col(EventRow.text),
                col(EventRow.actor),
                col(EventRow.kind),
                col(EventRow.starred),
            )
            .where(col(EventRow.incident_id) == incident_id)
            .where(col(EventRow.deleted_at).is_(None))
            .where(col(EventRow.hidden).is_(False))
            .order_by(col(EventRow.occurred_at), col(EventRow.id))
        )
        kinds = {kind.value: kind for kind in EventKind}
        with self._engine.connect() as connection, connection.begin():
            rows = connection.execution_options(yield_per=page).execute(statement)
            for at, text, actor, kind, starred in rows:
                if text_times:
                    at = datetime.fromisoformat(at + "+00:00")  # `2024-03-15 14:15:00.123456`
                yield TimelineEntry(at, text, actor, kinds[kind], starred)

    def import_incident(self, record: IncidentRecord) -> Incident:
        """Store a whole incident (timeline, severity history, roles, action items, post-mortem)
        in one transaction: all of it, or nothing. Events are bulk-inserted."""
        title = require_text(record.title, "the title")
        check_level(record.severity)
        now = self._clock.now()

        def write(session: Session) -> Incident:
            row = IncidentRow(
                title=title, severity=record.severity, phase=record.phase.value, created_at=now
            )
            session.add(row)
            session.flush()
            incident_id = row_id(row.id)
            for milestone, at in record.milestones.items():
                session.add(MilestoneRow(incident_id=incident_id, name=milestone.value, at=at))
            for change in record.severity_history:
                check_level(change.new)
                session.add(
                    SeverityChangeRow(
                        incident_id=incident_id,
                        old=change.old,
                        new=change.new,
                        at=change.at,
                        actor=change.actor,
                    )
                )
            for role in record.roles:
                session.add(
                    RoleRow(
                        incident_id=incident_id,
                        role=role.role.value,
                        person=require_text(role.person, "the person"),
                        assigned_at=role.assigned_at,
                        released_at=role.released_at,
                    )
                )
            for position, item in enumerate(record.action_items, start=1):
                session.add(
                    ActionItemRow(
                        incident_id=incident_id,
                        description=require_text(item.description, "the description"),
                        type=item.type.value if item.type else None,
                        owner=item.owner.strip(),
                        priority=item.priority.value if item.priority else None,
                        due_date=item.due_date,
                        status=item.status.value,
                        ticket=item.ticket.strip(),
                        position=position,
                        created_at=now,
                        updated_at=now,
                    )
                )
            values = converters.postmortem_values(record.postmortem)
            session.add(PostMortemRow(incident_id=incident_id, updated_at=now, **values))
            if record.events:  # Core executemany: no ORM bookkeeping per row
                session.connection().execute(
                    insert(EventRow),
                    [
                        {
                            "incident_id": incident_id,
                            "kind": event.kind.value,
                            "actor": require_text(event.actor, "the actor"),
                            "text": require_text(event.text, "the event text"),
                            "occurred_at": event.occurred_at,
                            "recorded_at": now,
                            "starred": event.starred,
                            "hidden": event.hidden,
                        }
                        for event in record.events
                    ],
                )
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    # ---- the change feed -----------------------------------------------------------------

    def last_change(self) -> int:
        """The newest `seq` in the change feed (0: none yet)."""
        with self._read() as session:
            latest = session.exec(select(func.max(ChangeRow.seq))).one()
            return latest or 0

    def changes_since(self, seq: int, *, limit: int = 1000) -> list[Change]:
        """Up to `limit` changes committed after `seq`, oldest first. Nothing is ever skipped:
        `seq` order is commit order."""
        with self._read() as session:
            rows = session.exec(
                select(ChangeRow)
                .where(col(ChangeRow.seq) > seq)
                .order_by(col(ChangeRow.seq))
                .limit(limit)
            ).all()
            return [
                Change(row_id(row.seq), row.incident_id, row.entity, row.entity_id) for row in rows
            ]


def _check_storable(value: Any, what: str) -> None:
    """Every string in `value` (nested in lists and dicts too) can be stored."""
    if isinstance(value, str):
        storable(value, what)
    elif isinstance(value, dict):
        for item in value.values():
            _check_storable(item, what)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_storable(item, what)


def _status_text(status: ActionStatus, description: str) -> str:
    verb = {
        ActionStatus.OPEN: "reopened",
        ActionStatus.IN_PROGRESS: "in progress",
        ActionStatus.DONE: "done",
    }[status]
    return f"Action item {verb}: {description}"
