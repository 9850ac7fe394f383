"""The headless commands: what scripts, hooks and people without the TUI run. Neither Textual nor
Rich is imported here: `log`, `list` and friends start as fast as the database layer allows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warroom.cli.context import EXIT_OK, EXIT_PROBLEMS, Context
from warroom.cli.output import out, warn
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone, postmortem_due
from warroom.domain.model import EventKind, Incident, event_key, parse_incident_ref
from warroom.domain.severity import parse_severity, severity_label
from warroom.domain.text import one_line, printable
from warroom.domain.timefmt import date_time, duration, iso_utc
from warroom.pacing import collector_off
from warroom.paths import config_path

if TYPE_CHECKING:  # imported when a command needs it, not at start-up
    from warroom.services.reporting import ReportSettings


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.store import MissingDatabase

    try:
        with ctx.open_store(create=False) as store:
            incidents = store.list_incidents()
    except MissingDatabase:
        if ctx.chosen_database:
            raise
        incidents = []  # the default database, before its first use
    incidents.sort(key=lambda incident: (not incident.is_active, -incident.id))
    if args.json:
        import json

        out(json.dumps([_incident_json(incident) for incident in incidents], indent=2))
        return EXIT_OK
    tz = ctx.config.tz
    for incident in incidents:
        out(
            f"{incident.key:<8} {severity_label(incident.severity):<6} {incident.status:<8} "
            f"{incident.phase.title:<13} {date_time(incident.detected_at, tz)}  "
            f"{one_line(incident.title)}  (IC {one_line(incident.commander or '-')})"
        )
    return EXIT_OK


def _incident_json(incident: Incident) -> dict[str, object]:
    def at(milestone: Milestone) -> str | None:
        moment = incident.milestones.get(milestone)
        return iso_utc(moment) if moment else None

    return {
        "id": incident.key,
        "title": incident.title,
        "severity": severity_label(incident.severity),
        "status": incident.status,
        "step": incident.phase.value,
        "commander": incident.commander,
        "detectedAt": at(Milestone.DETECTED),
        "acknowledgedAt": at(Milestone.ACKNOWLEDGED),
        "mitigatedAt": at(Milestone.MITIGATED),
        "resolvedAt": at(Milestone.RESOLVED),
    }


# Events warroom records itself, each with the change it stands for: logged as text they
# would say that a change was made which was not.
_RECORDED_BY_WARROOM = (EventKind.SEVERITY, EventKind.PHASE, EventKind.ROLE)


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    try:
        kind = EventKind.parse(args.kind)
    except BadInput:
        raise BadInput(
            f"bad kind {args.kind!r}: use one of note, alert, action, decision, update"
        ) from None
    if kind in _RECORDED_BY_WARROOM:
        raise BadInput(
            f"warroom records {kind.value} events itself, with the change"
            f"{' (warroom severity ID LEVEL)' if kind is EventKind.SEVERITY else ''}: "
            "log a note, alert, action, decision or update"
        )
    if not args.text.strip():
        raise BadInput("the event text must not be empty")
    occurred_at = None
    if args.at is not None:
        from warroom.domain.timeparse import parse_time, taken_as_yesterday

        zone = ZoneInfo(ctx.setting("display.timezone"))
        now = ctx.clock.now()
        occurred_at = parse_time(args.at, now, zone)
        if taken_as_yesterday(args.at, occurred_at, now, zone):
            warn(
                f"{args.at.strip()} is later than now: taken as yesterday's, "
                f"{date_time(occurred_at, zone)}"
            )
    actor = args.actor if args.actor is not None else ctx.setting("user.name")
    with ctx.open_store(create=False) as store:
        event = store.log_event(
            incident_id, args.text, actor=actor, kind=kind, occurred_at=occurred_at
        )
    # Printed only now: log_event returns after the commit is durable.
    out(event_key(event.id))
    return EXIT_OK


def cmd_severity(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    level = parse_severity(args.level)
    from warroom.domain.cadence import next_update_due

    with ctx.open_store(create=False) as store:
        change = store.change_severity(incident_id, level, actor=ctx.config.user)
        incident = store.get_incident(incident_id)
        last_update = store.last_event_of_kind(incident_id, EventKind.UPDATE)
        changes = store.severity_changes(incident_id)
    old = severity_label(change.old) if change.old else "?"
    if not incident.is_active:  # a resolved incident reclassified: no updates are due
        out(f"{incident.key}: {old} → {severity_label(change.new)} (resolved: no updates due)")
        return EXIT_OK
    due = next_update_due(
        incident,
        last_update.occurred_at if last_update else None,
        changes,
        ctx.config.schedule,
        ctx.config.tz,
    )
    out(
        f"{incident.key}: {old} → {severity_label(change.new)}; "
        f"next update due {date_time(due, ctx.config.tz)}"
    )
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.resolve(incident_id, actor=ctx.config.user)
    resolved = incident.resolved_at or ctx.clock.now()
    out(
        f"{incident.key} resolved after {duration(resolved - incident.detected_at)}; "
        f"post-mortem due by {date_time(postmortem_due(resolved), ctx.config.tz)}"
    )
    return EXIT_OK


def _report_settings(ctx: Context) -> ReportSettings:
    from warroom.services.reporting import ReportSettings

    return ReportSettings(ctx.config.schedule, ctx.config.tz)


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    from warroom.domain.checks import blocking
    from warroom.services.reporting import check

    with ctx.open_store(create=False) as store:
        problems = check(store, incident_id, _report_settings(ctx))
    for problem in problems:
        out(one_line(str(problem)))
    return EXIT_PROBLEMS if blocking(problems) else EXIT_OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    from warroom.domain.checks import check_report
    from warroom.exporters import format_for, render
    from warroom.exporters.output import refuse_existing, write_private
    from warroom.services.reporting import load_report

    to_stdout = args.output in (None, "-")
    name = format_for(args.format, None if to_stdout else args.output)
    output = None if to_stdout else Path(args.output)
    if output is not None:
        _not_the_database(output, ctx.location)
        refuse_existing(output, force=args.force)
    with collector_off(), ctx.open_store(create=False) as store:
        report = load_report(store, incident_id, _report_settings(ctx))
        content = render(report, name)
    if output is not None:
        write_private(output, content, force=args.force)
    else:
        sys.stdout.buffer.write(content.encode("utf-8"))
        sys.stdout.flush()
    for problem in check_report(report, ctx.clock.now()):
        warn(one_line(str(problem)))
    return EXIT_OK


def _not_the_database(output: Path, location: str) -> None:
    """One mistyped `-o` (with --force) wrote the export over the database it was read from."""
    from warroom.store import resolve_target

    database = resolve_target(location).path
    if database is None:
        return
    for path in (database, *(Path(f"{database}{end}") for end in ("-wal", "-shm", "-journal"))):
        same = output.exists() and path.exists() and output.samefile(path)  # a link to it too
        if same or output.absolute() == path:
            raise BadInput(
                f"{output} is the database (or one of its files): export to another file"
            )


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.exporters.importer import read_postmortem

    with collector_off():
        record = read_postmortem(Path(args.file))  # validated whole before anything is opened
        with ctx.open_store() as store:
            incident = store.import_incident(record)
    out(incident.key)
    return EXIT_OK


def cmd_config_get(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import format_value, get_value, read_raw

    out(printable(format_value(get_value(read_raw(config_path()), args.key))))
    return EXIT_OK


def cmd_config_set(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import set_value

    set_value(config_path(), args.key, args.value)
    return EXIT_OK
