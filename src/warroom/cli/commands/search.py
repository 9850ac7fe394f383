"""`warroom search`: hits across incidents, best first, one a line or as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json
from warroom.domain.model import action_key, event_key
from warroom.domain.search import Query, SearchHit, SearchKind, check_limit, parse_query, snippet
from warroom.domain.severity import severity_label
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time, iso_utc


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.store import MissingDatabase

    kinds = [SearchKind.parse(kind) for kind in args.kind] if args.kind else None
    query = parse_query(args.query)  # bad input is refused before the database is opened
    limit = check_limit(args.limit)
    try:
        with ctx.open_store(create=False) as store:
            hits = store.search(args.query, kinds=kinds, limit=limit)
    except MissingDatabase:
        if ctx.chosen_database:
            raise
        hits = []  # the default database, before its first use
    if args.json:
        out_json([_record(hit, query) for hit in hits])
        return EXIT_OK
    tz = ctx.config.tz
    for hit in hits:
        shown = snippet(hit.text, query, width=60).text
        when = f"{date_time(hit.occurred_at, tz)}  " if hit.occurred_at else ""
        marked = " (withdrawn)" if hit.withdrawn else ""
        out(
            f"{hit.incident_key:<7} {_ref(hit):<7} {hit.field_title:<20} {when}{one_line(shown)}"
            f"  — {one_line(hit.incident_title)}{marked}"
        )
    return EXIT_OK


def _ref(hit: SearchHit) -> str:
    if hit.kind is SearchKind.EVENT:
        return event_key(hit.ref_id)
    if hit.kind is SearchKind.ACTION:
        return action_key(hit.ref_id)
    return ""


def _record(hit: SearchHit, query: Query) -> dict[str, Any]:
    return {
        "incident": hit.incident_key,
        "incidentTitle": hit.incident_title,
        "severity": severity_label(hit.severity),
        "withdrawn": hit.withdrawn,
        "kind": hit.kind.value,
        "field": hit.field,
        "id": _ref(hit) or None,
        "eventKind": hit.event_kind.value if hit.event_kind else None,
        "time": iso_utc(hit.occurred_at) if hit.occurred_at else None,
        "text": hit.text,
        "snippet": snippet(hit.text, query).text,
    }
