"""Keeping the full-text index in step: every write transaction, just before it commits,
re-indexes what it changed (the change-feed notes say what), so that an event logged is found
at once, an edited one by its new text, a deleted one no more.

`search_entry` holds the text; each database indexes it itself (SQLite: FTS5 triggers;
PostgreSQL: a generated tsvector column), so this module is the same SQL on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from sqlalchemy import TextClause
from sqlalchemy import text as sql_text
from sqlmodel import Session, select

from warroom.store.tables import PostMortemRow

Noted = tuple[int | None, str, int | None]  # (incident id, entity, entity id)

_INSERT = "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "


def index_changes(session: Session, noted: Sequence[Noted]) -> None:
    session.flush()  # the statements below read the tables, not the session's pending rows
    for incident_id, entity, entity_id in dict.fromkeys(noted):
        if entity == "event":
            if entity_id is not None:
                _index_event(session, entity_id)
            elif incident_id is not None:
                _index_new_events(session, incident_id)
        elif entity == "incident" and incident_id is not None:
            _index_incident(session, incident_id)
        elif entity == "action_item" and entity_id is not None:
            _index_action_item(session, entity_id)
        elif entity == "postmortem" and incident_id is not None:
            _index_postmortem(session, incident_id)


@cache
def _statement(sql: str) -> TextClause:
    """Each statement parsed once (text() finds its parameters with a regular expression)."""
    return sql_text(sql)


def _run(session: Session, statement: str, **values: object) -> int:
    result = session.connection().execute(_statement(statement), values)
    return int(getattr(result, "rowcount", 0) or 0)


def _index_event(session: Session, event_id: int) -> None:
    _run(session, "DELETE FROM search_entry WHERE kind = 'event' AND ref_id = :id", id=event_id)
    _run(
        session,
        _INSERT + "SELECT incident_id, 'event', id, 'event', text FROM event "
        "WHERE id = :id AND deleted_at IS NULL",
        id=event_id,
    )


def _index_new_events(session: Session, incident_id: int) -> None:
    """Events appended in bulk: those after the incident's newest indexed one. (Each event is
    indexed when it is logged or changed, so none before it is missing.)"""
    _run(
        session,
        _INSERT + "SELECT incident_id, 'event', id, 'event', text FROM event "
        "WHERE incident_id = :incident AND deleted_at IS NULL AND id > COALESCE(("
        "SELECT max(ref_id) FROM search_entry WHERE incident_id = :incident AND kind = 'event'"
        "), 0)",
        incident=incident_id,
    )


def _index_incident(session: Session, incident_id: int) -> None:
    """Its title; for an incident indexed for the first time (declared or imported), all of
    it."""
    changed = _run(
        session,
        "UPDATE search_entry SET body = (SELECT title FROM incident WHERE id = :id) "
        "WHERE kind = 'incident' AND ref_id = :id "
        "AND body <> (SELECT title FROM incident WHERE id = :id)",
        id=incident_id,
    )
    if changed:
        return
    known = session.connection().execute(
        _statement("SELECT 1 FROM search_entry WHERE kind = 'incident' AND ref_id = :id"),
        {"id": incident_id},
    )
    if known.first() is not None:
        return
    _run(
        session,
        _INSERT + "SELECT id, 'incident', id, 'title', title FROM incident WHERE id = :id",
        id=incident_id,
    )
    _index_new_events(session, incident_id)
    _run(
        session,
        _INSERT + "SELECT incident_id, 'action', id, 'actionItems', description "
        "FROM action_item WHERE incident_id = :id",
        id=incident_id,
    )
    _index_postmortem(session, incident_id)


def _index_action_item(session: Session, item_id: int) -> None:
    _run(session, "DELETE FROM search_entry WHERE kind = 'action' AND ref_id = :id", id=item_id)
    _run(
        session,
        _INSERT + "SELECT incident_id, 'action', id, 'actionItems', description "
        "FROM action_item WHERE id = :id",
        id=item_id,
    )


def _index_postmortem(session: Session, incident_id: int) -> None:
    row = session.exec(select(PostMortemRow).where(PostMortemRow.incident_id == incident_id))
    report = row.first()
    _run(
        session,
        "DELETE FROM search_entry WHERE kind = 'postmortem' AND ref_id = :id",
        id=incident_id,
    )
    if report is None:
        return
    entries = [
        {"incident": incident_id, "field": field, "body": body}
        for field, body in postmortem_texts(report)
    ]
    if entries:
        session.connection().execute(
            _statement(_INSERT + "VALUES (:incident, 'postmortem', :incident, :field, :body)"),
            entries,
        )


def postmortem_texts(report: PostMortemRow) -> list[tuple[str, str]]:
    """A post-mortem's searchable fields by their export names (lists one item a line)."""

    def lines(items: Iterable[str]) -> str:
        return "\n".join(items)

    texts = [
        ("summary", report.summary),
        ("rootCause", report.root_cause),
        ("impact", report.revenue_impact),
        ("whatWentWell", lines(report.what_went_well)),
        ("whatWentPoorly", lines(report.what_went_poorly)),
        ("luckyBreaks", lines(report.lucky_breaks)),
        ("contributingFactors", lines(str(f.get("text", "")) for f in report.contributing_factors)),
        (
            "fiveWhys",
            lines(
                f"{why.get('question', '')} {why.get('answer', '')}".strip()
                for why in report.five_whys
            ),
        ),
    ]
    return [(field, body) for field, body in texts if body.strip()]
