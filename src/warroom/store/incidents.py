"""Incidents: declaring, renaming and listing them, their severity and lifecycle step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from warroom.domain.errors import AlreadyDone, BadInput, Conflict
from warroom.domain.incident_filter import IncidentFilter, IncidentPage
from warroom.domain.labels import LabelKind, labels
from warroom.domain.lifecycle import MILESTONE_ON_ENTER, PHASES, Milestone, Phase
from warroom.domain.model import EventKind, Incident, Role, SeverityChange, incident_key
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.store import converters
from warroom.store.labels import add_labels
from warroom.store.session import Transactions, check_level, require_text, row_id, storable
from warroom.store.tables import (
    IncidentLabelRow,
    IncidentRow,
    MilestoneRow,
    RoleRow,
    SeverityChangeRow,
)


class Incidents(Transactions):
    def create_incident(
        self,
        title: str,
        severity: int,
        *,
        commander: str,
        actor: str,
        detected_at: datetime | None = None,
        services: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> Incident:
        title = require_text(title, "the title")
        named = {LabelKind.SERVICE: labels(services, LabelKind.SERVICE)}
        named[LabelKind.TAG] = labels(tags, LabelKind.TAG)
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
            add_labels(session, incident_id, named)
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
            return _incidents_of(session, rows, every=True)

    def home_incidents(self, wanted: IncidentFilter, *, past: int) -> IncidentPage:
        """What the home screen lists: every active incident `wanted` lets through, newest
        first, then the newest `past` resolved ones; with how many it lets through and how
        many incidents there are, withdrawn ones left out of all three. Services and tags
        match whatever their case (ASCII letters: SQL's lower())."""
        resolved = _has(Milestone.RESOLVED)
        kept = ~_has(Milestone.WITHDRAWN)
        chosen = [kept]
        if wanted.severities:
            chosen.append(col(IncidentRow.severity).in_(sorted(wanted.severities)))
        if wanted.statuses == {"active"}:
            chosen.append(~resolved)
        elif wanted.statuses == {"resolved"}:
            chosen.append(resolved)
        for kind, names in ((LabelKind.SERVICE, wanted.services), (LabelKind.TAG, wanted.tags)):
            if names:
                chosen.append(
                    select(IncidentLabelRow.incident_id)
                    .where(IncidentLabelRow.incident_id == IncidentRow.id)
                    .where(IncidentLabelRow.kind == kind.value)
                    .where(func.lower(IncidentLabelRow.name).in_(sorted(names)))
                    .exists()
                )
        newest = col(IncidentRow.id).desc()
        with self._read() as session:
            total = session.exec(select(func.count()).select_from(IncidentRow).where(kept)).one()
            matching = session.exec(
                select(func.count()).select_from(IncidentRow).where(*chosen)
            ).one()
            active = session.exec(select(IncidentRow).where(*chosen, ~resolved).order_by(newest))
            ended = session.exec(
                select(IncidentRow).where(*chosen, resolved).order_by(newest).limit(past)
            )
            listed = _incidents_of(session, [*active.all(), *ended.all()], every=False)
            return IncidentPage(tuple(listed), matching, total)

    def change_severity(self, incident_id: int, level: int, *, actor: str) -> SeverityChange:
        """Raises AlreadyDone for the level in force (a retry), BadInput once the incident is
        over: its report's severity history is closed."""
        check_level(level)
        actor = storable(actor, "the actor")
        now = self._clock.now()

        def write(session: Session) -> SeverityChange:
            row = self._incident_row(session, incident_id, lock=True)
            self._refuse_if_over(session, row, "change its severity")
            old = row.severity
            if old == level:
                raise AlreadyDone(f"{incident_key(incident_id)} is already {severity_label(level)}")
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

    # ---- the lifecycle ---------------------------------------------------------------------
    # A step records the milestone of the step it enters, and only that one: a step skipped
    # stays "not recorded" (PRODUCT.md §8). A milestone is never stamped before an earlier one
    # (a clock running behind): it is held at the earlier one's time.

    def acknowledge(self, incident_id: int, *, actor: str) -> Incident:
        """Leave Detection: someone has picked the incident up. AlreadyDone once it has."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            self._refuse_if_over(session, row, "acknowledge it")
            phase = Phase(row.phase)
            if phase is not Phase.DETECTION:
                raise AlreadyDone(
                    f"{incident_key(incident_id)} is already acknowledged ({phase.title})"
                )
            self._enter_phase(session, row, Phase.TRIAGE, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def advance_phase(self, incident_id: int, *, actor: str) -> Incident:
        """Move to the next lifecycle step, recording it and the milestone it marks."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            self._refuse_if_over(session, row, "move it on")
            following = Phase(row.phase).next
            if following is None:
                raise BadInput(f"{incident_key(incident_id)} is already at the last step")
            self._enter_phase(session, row, following, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def step_to(self, incident_id: int, phase: Phase, *, actor: str) -> Incident:
        """Go to `phase`: ahead (skipping steps records none of their milestones) or back
        (milestones kept: they happened). AlreadyDone when it is there; a resolved incident
        is reopened, not stepped back."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            self._refuse_if_over(session, row, "change its step")
            current = Phase(row.phase)
            if current is phase:
                raise AlreadyDone(f"{incident_key(incident_id)} is already at {phase.title}")
            if phase.index > current.index:
                self._enter_phase(session, row, phase, actor)
            else:
                self._step_back(session, row, phase, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def step_back(self, incident_id: int, *, actor: str) -> Incident:
        """Back one step (it was moved on by mistake), recorded; milestones kept."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            self._refuse_if_over(session, row, "step it back")
            current = Phase(row.phase)
            if current is Phase.DETECTION:
                raise BadInput(f"{incident_key(incident_id)} is at its first step")
            self._step_back(session, row, PHASES[current.index - 1], actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def resolve(self, incident_id: int, *, actor: str) -> Incident:
        """Mark resolved: the incident moves on to its post-mortem. AlreadyDone once it is."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            if Phase(row.phase) is Phase.POSTMORTEM:
                raise AlreadyDone(f"{incident_key(incident_id)} is already resolved")
            self._refuse_if_over(session, row, "resolve it")
            self._enter_phase(session, row, Phase.POSTMORTEM, actor)
            return self._incident(session, incident_id)

        return self._write(write)

    def reopen(self, incident_id: int, *, actor: str) -> Incident:
        """Undo a resolution made too early (back to Investigation), or a withdrawal. Recorded;
        the other milestones are kept. AlreadyDone for an incident that is open."""
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            reached = self._milestones(session, row_id(row.id))
            for undone in (Milestone.WITHDRAWN, Milestone.RESOLVED):
                if undone in reached:
                    session.delete(reached[undone])
                    break
            else:
                raise AlreadyDone(f"{incident_key(incident_id)} is open")
            phase = Phase(row.phase)
            if undone is Milestone.RESOLVED:
                phase = Phase.INVESTIGATION
                row.phase = phase.value
            row.version += 1
            session.add(row)
            was = "withdrawn" if undone is Milestone.WITHDRAWN else "resolved"
            self._add_event(
                session,
                row_id(row.id),
                EventKind.PHASE,
                actor,
                f"Reopened (was {was}): at {phase.title}",
                self._clock.now(),
            )
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    def withdraw(self, incident_id: int, reason: str, *, actor: str) -> Incident:
        """Declared by mistake: kept, marked withdrawn, out of lists and reports."""
        reason = require_text(reason, "the reason")
        actor = storable(actor, "the actor")

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            reached = self._milestones(session, row_id(row.id))
            if Milestone.WITHDRAWN in reached:
                raise AlreadyDone(f"{incident_key(incident_id)} is already withdrawn")
            at = self._milestone_time(reached, Milestone.WITHDRAWN)
            session.add(
                MilestoneRow(incident_id=incident_id, name=Milestone.WITHDRAWN.value, at=at)
            )
            row.version += 1
            session.add(row)
            self._add_event(
                session, incident_id, EventKind.PHASE, actor, f"Withdrawn: {reason}", at
            )
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    def _refuse_if_over(self, session: Session, row: IncidentRow, doing: str) -> None:
        """A withdrawn incident is closed to changes; so is a resolved one's severity."""
        reached = self._milestones(session, row_id(row.id))
        key = incident_key(row_id(row.id))
        if Milestone.WITHDRAWN in reached:
            raise BadInput(
                f"{key} was withdrawn: reopen it first to {doing} (warroom reopen {key})"
            )
        if Milestone.RESOLVED in reached:
            raise BadInput(f"{key} is resolved: reopen it first to {doing} (warroom reopen {key})")

    def _milestones(self, session: Session, incident_id: int) -> dict[Milestone, MilestoneRow]:
        rows = session.exec(select(MilestoneRow).where(MilestoneRow.incident_id == incident_id))
        return {Milestone(row.name): row for row in rows.all()}

    def _milestone_time(
        self, reached: dict[Milestone, MilestoneRow], milestone: Milestone
    ) -> datetime:
        """Now, or the latest earlier milestone's time when the clock reads before it."""
        now = self._clock.now()
        earlier = [row.at for name, row in reached.items() if name.order < milestone.order]
        return max([now, *earlier])

    def _enter_phase(self, session: Session, row: IncidentRow, phase: Phase, actor: str) -> None:
        incident_id = row_id(row.id)
        row.phase = phase.value
        row.version += 1
        session.add(row)
        reached = self._milestones(session, incident_id)
        milestone = MILESTONE_ON_ENTER.get(phase)
        at = self._clock.now()
        if milestone is not None and milestone not in reached:
            at = self._milestone_time(reached, milestone)
            session.add(MilestoneRow(incident_id=incident_id, name=milestone.value, at=at))
        if phase is Phase.POSTMORTEM:
            text = "Incident resolved"
        elif milestone is not None and milestone not in reached:
            text = f"Moved to {phase.title} ({milestone.value})"
        else:
            text = f"Moved to {phase.title}"
        self._add_event(session, incident_id, EventKind.PHASE, actor, text, at)
        self._changed(session, incident_id, "incident", incident_id)

    def _step_back(self, session: Session, row: IncidentRow, phase: Phase, actor: str) -> None:
        incident_id = row_id(row.id)
        row.phase = phase.value
        row.version += 1
        session.add(row)
        text = f"Moved back to {phase.title}"
        self._add_event(session, incident_id, EventKind.PHASE, actor, text, self._clock.now())
        self._changed(session, incident_id, "incident", incident_id)


def _has(milestone: Milestone) -> ColumnElement[bool]:
    """That the incident of the row being selected has reached `milestone`."""
    return (
        select(MilestoneRow.incident_id)
        .where(MilestoneRow.incident_id == IncidentRow.id)
        .where(MilestoneRow.name == milestone.value)
        .exists()
    )


def _incidents_of(session: Session, rows: Sequence[IncidentRow], *, every: bool) -> list[Incident]:
    """`rows` as incidents, in their order: four reads for them all. `every`: they are every
    incident (their milestones, roles and labels are read whole, not by id)."""
    ids = [row_id(row.id) for row in rows]
    if not ids:
        return []

    def only(column: Any) -> list[Any]:
        return [] if every else [col(column).in_(ids)]

    milestones: dict[int, list[MilestoneRow]] = {}
    for milestone in session.exec(select(MilestoneRow).where(*only(MilestoneRow.incident_id))):
        milestones.setdefault(milestone.incident_id, []).append(milestone)
    labelled: dict[int, list[IncidentLabelRow]] = {}
    for label in session.exec(select(IncidentLabelRow).where(*only(IncidentLabelRow.incident_id))):
        labelled.setdefault(label.incident_id, []).append(label)
    commanders = {
        role.incident_id: role.person
        for role in session.exec(
            select(RoleRow)
            .where(*only(RoleRow.incident_id))
            .where(RoleRow.role == Role.COMMANDER.value)
            .where(col(RoleRow.released_at).is_(None))
            .order_by(col(RoleRow.id))
        )
    }  # (the newest assignment last: it wins)
    return [
        converters.incident(
            row,
            milestones.get(row_id(row.id), []),
            commanders.get(row_id(row.id)),
            labelled.get(row_id(row.id), []),
        )
        for row in rows
    ]
