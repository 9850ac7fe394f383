"""Services and tags on incidents: setting them, and which active incidents list a service
(how `warroom serve` routes an alert by its `service` label)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from warroom.domain.labels import LabelKind, labels
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import Incident
from warroom.store.session import Transactions, storable
from warroom.store.tables import IncidentLabelRow, MilestoneRow


def add_labels(
    session: Session, incident_id: int, named: Mapping[LabelKind, Sequence[str]]
) -> None:
    """An incident's labels, in order, in place of any it had (already checked)."""
    session.execute(
        delete(IncidentLabelRow).where(col(IncidentLabelRow.incident_id) == incident_id)
    )
    for kind, names in named.items():
        for position, name in enumerate(names):
            session.add(
                IncidentLabelRow(
                    incident_id=incident_id,
                    kind=kind.value,
                    name=storable(name, f"the {kind.value}"),
                    position=position,
                )
            )


class Labels(Transactions):
    def set_labels(
        self,
        incident_id: int,
        *,
        services: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
    ) -> Incident:
        """Replace the incident's services and/or tags (None: keep those). Past incidents too:
        a team labels old incidents to find them again."""
        given = {LabelKind.SERVICE: services, LabelKind.TAG: tags}
        checked = {kind: labels(names, kind) for kind, names in given.items() if names is not None}

        def write(session: Session) -> Incident:
            row = self._incident_row(session, incident_id, lock=True)
            current = self._incident(session, incident_id)
            named: dict[LabelKind, Sequence[str]] = {
                LabelKind.SERVICE: current.services,
                LabelKind.TAG: current.tags,
                **checked,
            }
            if (named[LabelKind.SERVICE], named[LabelKind.TAG]) == (current.services, current.tags):
                return current
            add_labels(session, incident_id, named)
            row.version += 1
            session.add(row)
            session.flush()
            self._changed(session, incident_id, "incident", incident_id)
            return self._incident(session, incident_id)

        return self._write(write)

    def active_incidents_by_service(self, services: Iterable[str]) -> dict[str, list[int]]:
        """For each service asked about, the active incidents (not resolved, not withdrawn)
        listing it, whatever its case (ASCII letters: SQL's lower())."""
        asked = {name: name.lower() for name in services}
        if not asked:
            return {}
        over = (Milestone.RESOLVED.value, Milestone.WITHDRAWN.value)
        with self._read() as session:
            found = session.exec(
                select(IncidentLabelRow.name, IncidentLabelRow.incident_id)
                .where(IncidentLabelRow.kind == LabelKind.SERVICE.value)
                .where(func.lower(IncidentLabelRow.name).in_(set(asked.values())))
                .where(
                    ~select(MilestoneRow.incident_id)
                    .where(MilestoneRow.incident_id == IncidentLabelRow.incident_id)
                    .where(col(MilestoneRow.name).in_(over))
                    .exists()
                )
                .order_by(col(IncidentLabelRow.incident_id))
            ).all()
        routed: dict[str, list[int]] = {}
        for name, lowered in asked.items():
            incidents = [incident for label, incident in found if label.lower() == lowered]
            if incidents:
                routed[name] = incidents
        return routed
