"""People: who holds which role in an incident, and who has its war room open now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind, Presence, Role, RoleAssignment
from warroom.store import converters
from warroom.store.session import Transactions, require_text, storable
from warroom.store.tables import PresenceRow, RoleRow

# A war room stamps its heartbeat this often, and counts as gone this long after the last one
# (a crashed or disconnected process stops stamping).
HEARTBEAT_INTERVAL = timedelta(seconds=5)
PRESENCE_TIMEOUT = timedelta(seconds=30)


class People(Transactions):
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
