"""Incidents: declaring, renaming and listing them, their severity and lifecycle step."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from warroom.domain.errors import BadInput, Conflict
from warroom.domain.lifecycle import MILESTONE_ON_ENTER, Milestone, Phase, milestones_reached
from warroom.domain.model import EventKind, Incident, Role, SeverityChange, incident_key
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.store import converters
from warroom.store.session import Transactions, check_level, require_text, row_id, storable
from warroom.store.tables import IncidentRow, MilestoneRow, RoleRow, SeverityChangeRow


class Incidents(Transactions):
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
