"""Drafts: what a person typed in a war room and did not send, kept per incident and person
(the log line's unsent lines, the update composer's text) until they send it or clear it."""

from __future__ import annotations

from sqlmodel import Session, select

from warroom.domain.model import DraftKind
from warroom.store.session import Transactions, require_text
from warroom.store.tables import DraftRow


class Drafts(Transactions):
    def draft(self, incident_id: int, person: str, kind: DraftKind) -> str | None:
        """The draft kept, or None."""
        with self._read() as session:
            row = self._draft_row(session, incident_id, person, kind)
            return row.text if row is not None else None

    def keep_draft(self, incident_id: int, person: str, kind: DraftKind, text: str) -> None:
        """Keep `text` as the person's draft (replacing the one kept); blank: none is kept.
        Not a change in the feed: a draft is nobody else's business."""
        person = require_text(person, "the person")
        now = self._clock.now()

        def write(session: Session) -> None:
            self._incident_row(session, incident_id)
            row = self._draft_row(session, incident_id, person, kind)
            if not text.strip():
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                row = DraftRow(
                    incident_id=incident_id, person=person, kind=kind.value, text=text, saved_at=now
                )
            row.text, row.saved_at = text, now
            session.add(row)

        self._write(write)

    def _draft_row(
        self, session: Session, incident_id: int, person: str, kind: DraftKind
    ) -> DraftRow | None:
        return session.exec(
            select(DraftRow)
            .where(DraftRow.incident_id == incident_id)
            .where(DraftRow.person == person)
            .where(DraftRow.kind == kind.value)
        ).first()
