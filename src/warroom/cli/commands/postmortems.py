"""Post-mortems from the command line: check, export, import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.context import EXIT_OK, EXIT_PROBLEMS, Context
from warroom.cli.output import out, out_json, warn
from warroom.domain.model import parse_incident_ref
from warroom.domain.text import one_line
from warroom.pacing import collector_off

if TYPE_CHECKING:
    from warroom.services.reporting import ReportSettings


def _report_settings(ctx: Context) -> ReportSettings:
    from warroom.services.reporting import ReportSettings

    return ReportSettings(ctx.config.schedule, ctx.config.tz)


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    from warroom.domain.checks import blocking
    from warroom.services.reporting import check

    with ctx.open_store(create=False) as store:
        problems = check(store, incident_id, _report_settings(ctx))
    if args.json:
        out_json(
            [
                {
                    "where": problem.where,
                    "problem": problem.message,
                    "blocking": problem.blocking,
                    "phrase": problem.phrase or None,
                    "suggestion": problem.suggestion or None,
                }
                for problem in problems
            ]
        )
    else:
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
    from warroom.exporters.output import refuse_database_files
    from warroom.store import resolve_target

    database = resolve_target(location).path
    if database is not None:
        refuse_database_files(output, database)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.exporters.importer import read_postmortem

    with collector_off():
        record = read_postmortem(Path(args.file))  # validated whole before anything is opened
        with ctx.open_store() as store:
            incident = store.import_incident(record)
    out(incident.key)
    return EXIT_OK
