"""The post-mortem: saving the report (merging concurrent edits field by field), its review
status and its own history (never the incident's timeline), and the timeline a report is
written from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sql
from sqlmodel import Session, col, select

from warroom.domain.errors import Conflict
from warroom.domain.merge import merge
from warroom.domain.model import EventKind, PostMortem, ReportNote, ReportStatus
from warroom.store import converters
from warroom.store.session import Transactions, storable
from warroom.store.tables import EventRow, PostMortemNoteRow, PostMortemRow

if TYPE_CHECKING:  # imported where used: `warroom log` does not pay for the report's rules
    from warroom.domain.postmortem import TimelineEntry

# What a field-by-field merge of two edits leaves alone: the store keeps these.
_POSTMORTEM_KEYS = frozenset({"incident_id", "version"})


class PostMortems(Transactions):
    def postmortem(self, incident_id: int) -> PostMortem:
        with self._read() as session:
            self._incident_row(session, incident_id)
            row = session.get(PostMortemRow, incident_id)
            return converters.postmortem(row) if row else PostMortem(incident_id=incident_id)

    def postmortem_notes(self, incident_id: int) -> list[ReportNote]:
        """The post-mortem's own history, oldest first."""
        with self._read() as session:
            self._incident_row(session, incident_id)
            rows = session.exec(
                select(PostMortemNoteRow)
                .where(PostMortemNoteRow.incident_id == incident_id)
                .order_by(col(PostMortemNoteRow.at), col(PostMortemNoteRow.id))
            ).all()
            return [converters.report_note(row) for row in rows]

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
            if row is not None and row.status == ReportStatus.PUBLISHED.value:
                saving = self._back_in_review(session, row, saving, now)
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

    def _back_in_review(
        self, session: Session, row: PostMortemRow, saving: PostMortem, now: datetime
    ) -> PostMortem:
        """A published report that is edited is no longer the one that was published: it goes
        back to review, noted in the report's own history."""
        published = converters.postmortem(row)
        edited = replace(saving, status=published.status, version=published.version)
        if edited == published:
            return saving
        self._add_note(
            session,
            row.incident_id,
            ReportNote(now, "warroom", "Edited after publishing: back in review"),
        )
        return replace(saving, status=ReportStatus.IN_REVIEW)

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
        they saved. `note`, when given, goes into the report's own history, in the same
        transaction."""
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
                self._add_note(session, incident_id, ReportNote(now, actor, note))
            self._changed(session, incident_id, "postmortem", incident_id)
            return converters.postmortem(row)

        return self._write(write)

    def iter_timeline(self, incident_id: int, *, page: int = 5000) -> Iterator[TimelineEntry]:
        """The report's timeline: live events not hidden from the report, in timeline order.

        Streamed from one read transaction (a consistent snapshot) and lean: only the columns
        a report shows, without the ORM, so 100,000 events take well under a second. SQLite
        keeps a time as UTC text, read here as it is (the column type would parse it, then
        make it aware, in Python, row by row)."""
        from warroom.domain.postmortem import TimelineEntry

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
