"""Alerts: what the hooks receive (deduplicated, routed to an incident's timeline or kept in the
inbox), and what a person does with the inbox (attach the alerts to an incident)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from warroom.domain.alerts import Alert, AlertSource, IncomingAlert, Receipt, Route, alert_key
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import EventKind, incident_key
from warroom.store.incidents import Incidents
from warroom.store.session import require_instant, require_text, row_id, storable
from warroom.store.tables import AlertRow, IncidentRow

# PostgreSQL: held while alerts are received, so that two deliveries of the same alert at once
# store it once (SQLite writers already take turns).
ALERT_LOCK_KEY = 0x7761_7272_6F6F_6F  # the migration lock's key ("warroom") + 2


class Alerts(Incidents):
    def receive_alerts(
        self,
        alerts: Sequence[IncomingAlert],
        *,
        incident_id: int | None = None,
        service_incidents: Mapping[str, Sequence[int]] | None = None,
    ) -> list[Receipt]:
        """Store each alert once (a retried delivery is a duplicate, stored nothing), in one
        transaction: all of them, or none.

        Each goes to `incident_id` (or the one its payload names), else to the active incident
        an earlier state of the same alert went to, else to the one active incident its
        `service` label names in `service_incidents`, else to the inbox. In an incident it is
        a timeline event; PagerDuty's acknowledgement also moves the incident out of Detection.
        """
        checked = [_checked(alert) for alert in alerts]
        matches = service_incidents or {}
        now = self._clock.now()

        def write(session: Session) -> list[Receipt]:
            if self._postgres:
                session.execute(
                    sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": ALERT_LOCK_KEY}
                )
            return [
                self._receive(session, alert, incident_id, matches.get(alert.service, ()), now)
                for alert in checked
            ]

        return self._write(write)

    def _receive(
        self,
        session: Session,
        alert: IncomingAlert,
        requested: int | None,
        by_service: Sequence[int],
        now: datetime,
    ) -> Receipt:
        key = alert.dedupe_key
        if key is not None:
            earlier = session.exec(select(AlertRow).where(AlertRow.dedupe_key == key)).first()
            if earlier is not None:
                return Receipt(_alert(earlier), duplicate=True, route=_route_of(earlier))
        target, route, note = self._route(session, alert, requested, by_service)
        row = AlertRow(
            source=alert.source.value,
            fingerprint=alert.fingerprint,
            status=alert.status,
            dedupe_key=key,
            text=alert.text,
            actor=alert.actor,
            kind=alert.kind.value,
            service=alert.service,
            occurred_at=alert.occurred_at,
            received_at=now,
            incident_id=target,
        )
        acknowledged = False
        if target is not None:
            event = self._add_event(
                session, target, alert.kind, alert.actor, alert.text, alert.occurred_at
            )
            row.event_id = event.id
            if alert.acknowledges:
                acknowledged = self._acknowledge(session, target, alert.actor)
        session.add(row)
        session.flush()
        if target is None:
            self._changed(session, None, "alert", row.id)
        return Receipt(_alert(row), False, route, acknowledged, note)

    def _route(
        self,
        session: Session,
        alert: IncomingAlert,
        requested: int | None,
        by_service: Sequence[int],
    ) -> tuple[int | None, Route, str]:
        wanted = requested if requested is not None else alert.incident_id
        if wanted is not None:
            if session.get(IncidentRow, wanted) is not None:
                return wanted, Route.REQUESTED, ""
            return None, Route.INBOX, f"no incident {incident_key(wanted)}: kept in the inbox"
        followed = session.exec(
            select(AlertRow.incident_id)
            .where(AlertRow.source == alert.source.value)
            .where(AlertRow.fingerprint == alert.fingerprint)
            .where(col(AlertRow.incident_id).is_not(None))
            .order_by(col(AlertRow.id).desc())
        ).first()
        if followed is not None and self._is_active(session, followed):
            return followed, Route.FOLLOWS, ""
        active = [incident for incident in by_service if self._is_active(session, incident)]
        if len(active) == 1:
            return active[0], Route.SERVICE, ""
        if len(active) > 1:
            names = ", ".join(incident_key(incident) for incident in sorted(active))
            return None, Route.INBOX, f"service {alert.service!r} matches {names}: which one?"
        return None, Route.INBOX, ""

    def _is_active(self, session: Session, incident_id: int) -> bool:
        """Not resolved, not withdrawn: an incident that still takes new alerts."""
        if session.get(IncidentRow, incident_id) is None:
            return False
        reached = self._milestones(session, incident_id)
        return Milestone.RESOLVED not in reached and Milestone.WITHDRAWN not in reached

    def _acknowledge(self, session: Session, incident_id: int, actor: str) -> bool:
        """Leave Detection for Triage (the acknowledged milestone), as `acknowledge` does; an
        incident past Detection, resolved or withdrawn stays as it is."""
        row = self._incident_row(session, incident_id, lock=True)
        if Phase(row.phase) is not Phase.DETECTION or not self._is_active(session, incident_id):
            return False
        self._enter_phase(session, row, Phase.TRIAGE, actor)
        return True

    # ---- the inbox ---------------------------------------------------------------------------

    def inbox(self, *, limit: int = 1000) -> list[Alert]:
        """Alerts that went to no incident, oldest first."""
        with self._read() as session:
            rows = session.exec(
                select(AlertRow)
                .where(col(AlertRow.incident_id).is_(None))
                .order_by(col(AlertRow.occurred_at), col(AlertRow.id))
                .limit(limit)
            ).all()
            return [_alert(row) for row in rows]

    def get_alerts(self, alert_ids: Iterable[int]) -> list[Alert]:
        wanted = sorted(set(alert_ids))
        with self._read() as session:
            rows = session.exec(select(AlertRow).where(col(AlertRow.id).in_(wanted))).all()
            found = {row_id(row.id): _alert(row) for row in rows}
        missing = [alert_key(alert_id) for alert_id in wanted if alert_id not in found]
        if missing:
            raise BadInput(f"no alert {', '.join(missing)} (warroom inbox lists them)")
        return [found[alert_id] for alert_id in wanted]

    def attach_alerts(self, incident_id: int, alert_ids: Iterable[int]) -> list[Receipt]:
        """Put inbox alerts into an incident's timeline, in the order they happened. An alert
        already in this incident is left as it is (a retried command); one in another incident
        is refused, and then nothing is attached."""
        wanted = sorted(set(alert_ids))
        if not wanted:
            raise BadInput("no alerts to attach")

        def write(session: Session) -> list[Receipt]:
            self._incident_row(session, incident_id, lock=True)
            rows = session.exec(
                select(AlertRow).where(col(AlertRow.id).in_(wanted)).with_for_update()
            ).all()
            found = {row_id(row.id): row for row in rows}
            missing = [alert_key(alert_id) for alert_id in wanted if alert_id not in found]
            if missing:
                raise BadInput(f"no alert {', '.join(missing)} (warroom inbox lists them)")
            elsewhere = [
                f"{alert_key(alert_id)} is in {incident_key(row.incident_id)}"
                for alert_id, row in found.items()
                if row.incident_id is not None and row.incident_id != incident_id
            ]
            if elsewhere:
                raise BadInput(f"{'; '.join(elsewhere)}: nothing attached")
            receipts = []
            for row in sorted(found.values(), key=lambda row: (row.occurred_at, row.id)):
                if row.incident_id == incident_id:
                    receipts.append(Receipt(_alert(row), duplicate=True, route=Route.ATTACHED))
                    continue
                event = self._add_event(
                    session,
                    incident_id,
                    EventKind(row.kind),
                    row.actor,
                    row.text,
                    row.occurred_at,
                )
                row.incident_id, row.event_id = incident_id, event.id
                session.add(row)
                self._changed(session, None, "alert", row.id)
                receipts.append(Receipt(_alert(row), duplicate=False, route=Route.ATTACHED))
            return receipts

        return self._write(write)


def _checked(alert: IncomingAlert) -> IncomingAlert:
    """What every database can keep, in UTC (refused whole otherwise: nothing is stored)."""
    return replace(
        alert,
        text=require_text(alert.text, "the alert's text"),
        actor=require_text(alert.actor, "the alert's actor"),
        fingerprint=storable(alert.fingerprint, "the alert's fingerprint"),
        status=require_text(alert.status, "the alert's status"),
        service=storable(alert.service, "the alert's service"),
        occurred_at=require_instant(alert.occurred_at),
    )


def _route_of(row: AlertRow) -> Route:
    return Route.INBOX if row.incident_id is None else Route.REQUESTED


def _alert(row: AlertRow) -> Alert:
    return Alert(
        id=row_id(row.id),
        source=AlertSource(row.source),
        fingerprint=row.fingerprint,
        status=row.status,
        text=row.text,
        actor=row.actor,
        kind=EventKind(row.kind),
        service=row.service,
        occurred_at=row.occurred_at,
        received_at=row.received_at,
        incident_id=row.incident_id,
        event_id=row.event_id,
    )
