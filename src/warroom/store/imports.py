"""Importing: a whole incident record stored at once, all of it or nothing."""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import Session

from warroom.domain.incident_record import IncidentRecord
from warroom.domain.labels import LabelKind, labels
from warroom.domain.model import Incident
from warroom.store import converters
from warroom.store.labels import add_labels
from warroom.store.session import Transactions, check_level, require_text, row_id
from warroom.store.tables import (
    ActionItemRow,
    EventRow,
    IncidentRow,
    MilestoneRow,
    PostMortemRow,
    RoleRow,
    SeverityChangeRow,
)


class Imports(Transactions):
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
                        follow_up=item.follow_up,
                    )
                )
            add_labels(
                session,
                incident_id,
                {
                    LabelKind.SERVICE: labels(record.services, LabelKind.SERVICE),
                    LabelKind.TAG: labels(record.tags, LabelKind.TAG),
                },
            )
            values = converters.postmortem_values(record.postmortem)
            session.add(PostMortemRow(incident_id=incident_id, updated_at=now, **values))
            for note in record.postmortem_notes:
                self._add_note(session, incident_id, note)
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
