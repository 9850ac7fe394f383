"""Full-text search across incidents, on each database's own index: SQLite's FTS5 table
`search_index` (ranked by bm25), PostgreSQL's tsvector column `search_entry.document` with its
GIN index (ranked by ts_rank). The index is kept in step by `search_index.index_changes`.

A query's words reach the database only as quoted words (letters and digits): nothing a person
types is an operator of FTS5's or tsquery's syntax.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sql
from sqlalchemy import ColumnElement, FromClause, and_, case, func, literal_column, or_
from sqlmodel import col

from warroom.domain.lifecycle import Milestone
from warroom.domain.model import EventKind
from warroom.domain.search import (
    Query,
    SearchCursor,
    SearchHit,
    SearchKind,
    check_limit,
    is_prefix,
    parse_query,
)
from warroom.store.session import Transactions
from warroom.store.tables import EventRow, IncidentRow, MilestoneRow, SearchEntryRow, core

# A title that matches says more than a line of a long timeline: its rank counts double.
TITLE_WEIGHT = 2.0

# The tables as Core sees them (the query mixes them with each database's own index).
_ENTRY = core(SearchEntryRow)
_INCIDENT = core(IncidentRow)
_EVENT = core(EventRow)


def fts5_match(query: Query) -> str:
    """`"db cpu" "checkout"*`: each phrase quoted, its last word a prefix from three letters
    on; all must match."""
    return " ".join(
        '"' + " ".join(phrase) + '"' + ("*" if is_prefix(phrase) else "")
        for phrase in query.phrases
    )


def tsquery(query: Query) -> str:
    """`(db <-> cpu) & (checkout:*)`, the same query for PostgreSQL's to_tsquery."""
    return " & ".join(
        "(" + " <-> ".join((*phrase[:-1], phrase[-1] + (":*" if is_prefix(phrase) else ""))) + ")"
        for phrase in query.phrases
    )


class Search(Transactions):
    def search(
        self,
        query: str,
        *,
        kinds: Collection[SearchKind] | None = None,
        limit: int = 50,
        incident_id: int | None = None,
        event_kinds: Collection[EventKind] | None = None,
        after: SearchCursor | None = None,
    ) -> list[SearchHit]:
        """The best `limit` matches of `query`, best first: across incidents, or in one
        (`incident_id`); only of `kinds`, and events only of `event_kinds`, when given. The
        next page starts `after` the last hit's `(rank, entry_id)`."""
        parsed = parse_query(query)
        check_limit(limit)
        if parsed.empty:
            return []
        entry = _ENTRY.c
        weight = case((entry.kind == SearchKind.INCIDENT.value, TITLE_WEIGHT), else_=1.0)
        matched: ColumnElement[bool]
        if self._postgres:
            document: ColumnElement[Any] = literal_column("search_entry.document")
            asked = func.to_tsquery(literal_column("'simple'"), tsquery(parsed))
            score = -func.ts_rank(document, asked) * weight
            matched = document.op("@@")(asked)
            source: FromClause = _ENTRY
        else:
            index = sql.table("search_index", sql.column("rowid"))
            score = func.bm25(literal_column("search_index")) * weight
            matched = literal_column("search_index").op("MATCH")(fts5_match(parsed))
            source = index.join(_ENTRY, entry.id == index.c.rowid)
        incident = _INCIDENT.c
        event = _EVENT
        withdrawn = (
            sql.select(col(MilestoneRow.incident_id))
            .where(col(MilestoneRow.incident_id) == entry.incident_id)
            .where(col(MilestoneRow.name) == Milestone.WITHDRAWN.value)
            .exists()
        )
        ranked = (
            sql.select(
                entry.id,
                entry.incident_id,
                entry.kind,
                entry.ref_id,
                entry.field,
                entry.body,
                score.label("rank"),
                incident.title,
                incident.severity,
                withdrawn.label("withdrawn"),
                event.c.kind.label("event_kind"),
                event.c.occurred_at,
            )
            .select_from(
                source.join(_INCIDENT, incident.id == entry.incident_id).outerjoin(
                    event,
                    and_(entry.kind == SearchKind.EVENT.value, event.c.id == entry.ref_id),
                )
            )
            .where(matched)
        )
        if kinds is not None:
            ranked = ranked.where(entry.kind.in_([kind.value for kind in kinds]))
        if incident_id is not None:
            ranked = ranked.where(entry.incident_id == incident_id)
        if event_kinds is not None:
            ranked = ranked.where(entry.kind == SearchKind.EVENT.value).where(
                event.c.kind.in_([kind.value for kind in event_kinds])
            )
        page = ranked.subquery()
        statement = sql.select(page)
        if after is not None:
            rank, entry_id = after
            statement = statement.where(
                or_(page.c.rank > rank, and_(page.c.rank == rank, page.c.id > entry_id))
            )
        statement = statement.order_by(page.c.rank, page.c.id).limit(limit)
        with self._read() as session:
            rows = session.connection().execute(statement).all()
        return [
            SearchHit(
                incident_id=row.incident_id,
                incident_title=row.title,
                severity=row.severity,
                withdrawn=bool(row.withdrawn),
                kind=SearchKind(row.kind),
                field=row.field,
                ref_id=row.ref_id,
                text=row.body,
                rank=float(row.rank),
                entry_id=row.id,
                event_kind=EventKind(row.event_kind) if row.event_kind else None,
                occurred_at=row.occurred_at,
            )
            for row in rows
        ]
