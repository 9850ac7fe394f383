"""The command line: a stable contract (PRODUCT.md §5). Scripts and alert hooks call it.

Exit status: 0 success; 2 bad input or usage, with one `error:` line on stderr and nothing
written; 1 the database could not be written or reached (StorageError: one `error:` line,
nothing saved) or an unexpected failure. This module imports neither Textual nor Rich: `log`, `list`
and friends start as fast as the database layer allows.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

from warroom import __version__
from warroom.clock import Clock, SystemClock
from warroom.config import (
    Config,
    config_path,
    default_database,
    get_value,
    load_config,
    read_raw,
)
from warroom.errors import BadInput, StorageError, UnknownIncident
from warroom.lifecycle import Milestone, postmortem_due
from warroom.model import EventKind, Incident, event_key, incident_key, parse_incident_ref
from warroom.pacing import collector_off
from warroom.severity import parse_severity, severity_label
from warroom.text import one_line, printable
from warroom.timefmt import date_time, duration, iso_utc

if TYPE_CHECKING:  # imported when a command needs it, not at start-up
    from warroom.reporting import ReportSettings
    from warroom.store import Store

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_PROBLEMS = 1  # `check` only: the post-mortem is not ready to publish
EXIT_BAD_INPUT = 2
SWITCH_INTERVAL = 0.001  # seconds: see _run_app


class UsageError(BadInput):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


@dataclass
class Context:
    """What every command needs, made on first use (a command that fails on its arguments
    never reads the config or touches the database)."""

    db: str | None
    clock: Clock

    @cached_property
    def config(self) -> Config:
        return load_config(config_path())

    @cached_property
    def _config_file(self) -> dict[str, Any]:
        return read_raw(config_path())

    def setting(self, key: str) -> Any:
        """One setting, checked on its own: a mistake elsewhere in the config file does not stop
        a command that does not use it (an alert hook's `log`, at 3 a.m.)."""
        return get_value(self._config_file, key)

    @property
    def location(self) -> str:
        return self.db or default_database()

    def open_store(self, *, create: bool = True) -> Store:
        from warroom.store import Store

        return Store.open(self.location, self.clock, create=create)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="warroom",
        description="Run a live incident in the terminal; write its blameless post-mortem.",
    )
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or postgresql:// URL (default: $WARROOM_DB, else warroom.db "
        "in the user data directory)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = commands.add_parser("new", help="declare an incident (detected now) and open it")
    new.add_argument("title")
    new.add_argument("--severity", default="2", help="1-4 or SEV-1..SEV-4 (default: SEV-2)")
    new.add_argument("--commander", help="the Incident Commander (default: you)")
    new.add_argument("--detach", action="store_true", help="print only the new id")
    new.set_defaults(handler=cmd_new)

    listing = commands.add_parser("list", help="incidents, active first")
    listing.add_argument("--json", action="store_true", help="a JSON array of objects")
    listing.set_defaults(handler=cmd_list)

    log = commands.add_parser("log", help="append a timeline event; prints its id once saved")
    log.add_argument("id")
    log.add_argument("text")
    log.add_argument("--actor", help="who (default: you)")
    log.add_argument("--at", metavar="TIME", help="when: HH:MM, -5m or ISO 8601 (default: now)")
    log.add_argument(
        "--kind",
        default=EventKind.NOTE.value,
        help="note, alert, action, decision or update (default: note)",
    )
    log.set_defaults(handler=cmd_log)

    severity = commands.add_parser("severity", help="change severity (recorded in the timeline)")
    severity.add_argument("id")
    severity.add_argument("level", help="1-4 or SEV-1..SEV-4")
    severity.set_defaults(handler=cmd_severity)

    open_ = commands.add_parser("open", help="open the war room of an incident")
    open_.add_argument("id")
    open_.set_defaults(handler=cmd_open)

    postmortem = commands.add_parser("postmortem", help="open the post-mortem editor")
    postmortem.add_argument("id")
    postmortem.set_defaults(handler=cmd_postmortem)

    resolve = commands.add_parser("resolve", help="mark resolved (recorded in the timeline)")
    resolve.add_argument("id")
    resolve.set_defaults(handler=cmd_resolve)

    check = commands.add_parser(
        "check", help="what stands between the post-mortem and publishing (exit 1: problems)"
    )
    check.add_argument("id")
    check.set_defaults(handler=cmd_check)

    export = commands.add_parser("export", help="the finished post-mortem (stdout by default)")
    export.add_argument("id")
    export.add_argument(
        "--format", help="md, json, toml or html (default: from FILE's extension, else md)"
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (owner-only; -: standard output)"
    )
    export.add_argument("--force", action="store_true", help="replace an existing FILE")
    export.set_defaults(handler=cmd_export)

    importing = commands.add_parser(
        "import", help="a post-mortem file (JSON or TOML export format); prints the new id"
    )
    importing.add_argument("file")
    importing.set_defaults(handler=cmd_import)

    config = commands.add_parser("config", help="read or change config.toml")
    config_commands = config.add_subparsers(dest="config_command", metavar="get|set")
    config_commands.required = True
    get = config_commands.add_parser("get", help="print a setting")
    get.add_argument("key")
    get.set_defaults(handler=cmd_config_get)
    set_ = config_commands.add_parser("set", help="change a setting")
    set_.add_argument("key")
    set_.add_argument("value")
    set_.set_defaults(handler=cmd_config_set)
    return parser


# ---- commands ---------------------------------------------------------------------------


def _require_terminal(hint: str) -> None:
    """The full-screen app needs a terminal; a script or a pipe gets an error, not a hang."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInput(f"the war room needs a terminal ({hint})")


def cmd_new(args: argparse.Namespace, ctx: Context) -> int:
    level = parse_severity(args.severity)
    if not args.detach:
        _require_terminal("add --detach to only declare the incident and print its id")
    if not args.title.strip():
        raise BadInput("the title must not be empty")
    commander = args.commander if args.commander is not None else ctx.config.user
    store = ctx.open_store()
    try:
        incident = store.create_incident(
            args.title, level, commander=commander, actor=ctx.config.user
        )
    except BaseException:
        store.close()
        raise
    if args.detach:
        store.close()
        _out(incident.key)
        return EXIT_OK
    return run_app(ctx, incident.id, store)  # the app closes the store


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.store import MissingDatabase

    try:
        with ctx.open_store(create=False) as store:
            incidents = store.list_incidents()
    except MissingDatabase:
        incidents = []
    incidents.sort(key=lambda incident: (not incident.is_active, -incident.id))
    if args.json:
        import json

        _out(json.dumps([_incident_json(incident) for incident in incidents], indent=2))
        return EXIT_OK
    tz = ctx.config.tz
    for incident in incidents:
        _out(
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
        from warroom.timeparse import parse_time, taken_as_yesterday

        zone = ZoneInfo(ctx.setting("display.timezone"))
        now = ctx.clock.now()
        occurred_at = parse_time(args.at, now, zone)
        if taken_as_yesterday(args.at, occurred_at, now, zone):
            _warn(
                f"{args.at.strip()} is later than now: taken as yesterday's, "
                f"{date_time(occurred_at, zone)}"
            )
    actor = args.actor if args.actor is not None else ctx.setting("user.name")
    with ctx.open_store(create=False) as store:
        event = store.log_event(
            incident_id, args.text, actor=actor, kind=kind, occurred_at=occurred_at
        )
    # Printed only now: log_event returns after the commit is durable.
    _out(event_key(event.id))
    return EXIT_OK


def cmd_severity(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    level = parse_severity(args.level)
    from warroom.cadence import next_update_due

    with ctx.open_store(create=False) as store:
        change = store.change_severity(incident_id, level, actor=ctx.config.user)
        incident = store.get_incident(incident_id)
        last_update = store.last_event_of_kind(incident_id, EventKind.UPDATE)
        changes = store.severity_changes(incident_id)
    old = severity_label(change.old) if change.old else "?"
    if not incident.is_active:  # a resolved incident reclassified: no updates are due
        _out(f"{incident.key}: {old} → {severity_label(change.new)} (resolved: no updates due)")
        return EXIT_OK
    due = next_update_due(
        incident,
        last_update.occurred_at if last_update else None,
        changes,
        ctx.config.schedule,
        ctx.config.tz,
    )
    _out(
        f"{incident.key}: {old} → {severity_label(change.new)}; "
        f"next update due {date_time(due, ctx.config.tz)}"
    )
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.resolve(incident_id, actor=ctx.config.user)
    resolved = incident.resolved_at or ctx.clock.now()
    _out(
        f"{incident.key} resolved after {duration(resolved - incident.detected_at)}; "
        f"post-mortem due by {date_time(postmortem_due(resolved), ctx.config.tz)}"
    )
    return EXIT_OK


def cmd_open(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    return run_app(ctx, incident_id)


def cmd_postmortem(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    return run_app(ctx, incident_id, postmortem=True)


def run_app(
    ctx: Context, incident_id: int | None, store: Store | None = None, *, postmortem: bool = False
) -> int:
    """The full-screen app: the home screen, or straight into a war room (and, with
    `postmortem`, its post-mortem over it).

    The first screen is drawn from a quick read of the file (no SQLAlchemy yet); the store
    opens behind it. A database the quick read cannot vouch for is opened here first, with
    every check, so that its problems are one `error:` line before any screen.
    """
    _require_terminal("for scripts: warroom list, log, export")
    # Start-up allocates a great deal and frees little; once up, the app collects garbage
    # itself, in pauses (warroom.pacing).
    with collector_off():
        return _run_app(ctx, incident_id, store, postmortem=postmortem)


def _run_app(
    ctx: Context, incident_id: int | None, store: Store | None, *, postmortem: bool
) -> int:
    from warroom.store import preview

    room = incidents = None
    if store is None:
        try:
            if incident_id is None:
                incidents = preview.incidents(ctx.location)
            else:
                room = preview.room(ctx.location, incident_id)
        except preview.NotFound:
            raise UnknownIncident(incident_key(incident_id or 0)) from None
        if room is None and incidents is None:
            store = ctx.open_store(create=incident_id is None)
            if incident_id is not None:
                store.get_incident(incident_id)  # an unknown id: an error, not a screen
    opened = store

    def open_store() -> Store:
        return opened if opened is not None else ctx.open_store(create=False)

    from warroom.app import WarroomApp

    app = WarroomApp(
        ctx.config,
        ctx.clock,
        open_store=open_store,
        incident_id=incident_id,
        room=room,
        incidents=incidents,
        postmortem=postmortem,
    )
    # Textual draws on this thread and writes what it drew from another; the store commits on a
    # third. With Python's default switch interval (5 ms) a thread that is ready waits that
    # long for this one to let go: a frame drawn was written to the terminal up to 5 ms late.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        result = app.run()
    finally:
        sys.setswitchinterval(switch_interval)
    if app.failed is not None:
        raise app.failed
    return result or EXIT_OK


def _report_settings(ctx: Context) -> ReportSettings:
    from warroom.reporting import ReportSettings

    return ReportSettings(ctx.config.schedule, ctx.config.tz)


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    from warroom.checks import blocking
    from warroom.reporting import check

    with ctx.open_store(create=False) as store:
        problems = check(store, incident_id, _report_settings(ctx))
    for problem in problems:
        _out(one_line(str(problem)))
    return EXIT_PROBLEMS if blocking(problems) else EXIT_OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    from warroom.checks import check_report
    from warroom.exporters import format_for, render
    from warroom.exporters.output import refuse_existing, write_private
    from warroom.reporting import load_report

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
        _warn(one_line(str(problem)))
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
    _out(incident.key)
    return EXIT_OK


def cmd_config_get(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import format_value, get_value, read_raw

    _out(printable(format_value(get_value(read_raw(config_path()), args.key))))
    return EXIT_OK


def cmd_config_set(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import set_value

    set_value(config_path(), args.key, args.value)
    return EXIT_OK


# ---- plumbing ---------------------------------------------------------------------------


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _error(message: str, details: Sequence[str] = ()) -> None:
    """One `error:` line; a list of problems (an invalid file) follows, indented, one a line."""
    lines = [f"error: {printable(message)}\n"]
    lines += [f"  {printable(detail)}\n" for detail in details]
    sys.stderr.write("".join(lines))
    sys.stderr.flush()


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {printable(message)}\n")
    sys.stderr.flush()


def _join_time_values(argv: Sequence[str]) -> list[str]:
    """`--at -5m` means five minutes ago, not an option called -5m: argparse only lets values
    that look like negative numbers start with a dash, so join the pair as `--at=-5m`."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        current = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if current == "--at" and following is not None and following.startswith("-"):
            joined.append(f"--at={following}")
            index += 2
            continue
        joined.append(current)
        index += 1
    return joined


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(
            _join_time_values(sys.argv[1:] if argv is None else [str(arg) for arg in argv])
        )
        if args.db is not None and not args.db.strip():
            # An unset variable in a script (`--db "$DB"`): not the user's own database.
            raise BadInput("--db is empty: give a database file or a postgresql:// URL")
        ctx = Context(db=args.db, clock=clock or SystemClock())
        handler: Callable[[argparse.Namespace, Context], int] | None = getattr(
            args, "handler", None
        )
        if handler is None:
            return run_app(ctx, None)
        return handler(args, ctx)
    except BadInput as error:
        _error(str(error), getattr(error, "details", ()))
        return EXIT_BAD_INPUT
    except StorageError as error:  # a full disk, an I/O error, a database kept busy: nothing
        # was saved, and trying again later can work
        _error(str(error))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`warroom list | head`): not our failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # the one place unexpected failures are reported
        if os.environ.get("WARROOM_DEBUG"):
            raise
        first_line = str(error).splitlines()[0] if str(error) else ""
        _error(f"unexpected failure: {type(error).__name__}: {first_line}")
        return EXIT_FAILURE
