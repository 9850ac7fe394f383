"""`warroom labels`: an incident's services and tags, shown or set."""

from __future__ import annotations

import argparse

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json
from warroom.domain.labels import LabelKind, parse_labels
from warroom.domain.model import Incident, parse_incident_ref
from warroom.domain.text import one_line


def cmd_labels(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    # Checked before the database is opened: bad input writes nothing.
    services = parse_labels(args.services, LabelKind.SERVICE) if args.services is not None else None
    tags = parse_labels(args.tags, LabelKind.TAG) if args.tags is not None else None
    with ctx.open_store(create=False) as store:
        if services is None and tags is None:
            incident = store.get_incident(incident_id)
        else:
            incident = store.set_labels(incident_id, services=services, tags=tags)
    if args.json:
        out_json(
            {"id": incident.key, "services": list(incident.services), "tags": list(incident.tags)}
        )
    else:
        out(labels_line(incident))
    return EXIT_OK


def labels_line(incident: Incident) -> str:
    def listed(names: tuple[str, ...]) -> str:
        return ", ".join(one_line(name) for name in names) or "—"

    return f"{incident.key}: services {listed(incident.services)} · tags {listed(incident.tags)}"
