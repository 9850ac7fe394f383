"""The command line's grammar (PRODUCT.md §5): every command, its arguments and their help, in
one place. `warroom completion` generates shell completion from this same parser."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from warroom import __version__
from warroom.cli.context import Context, Parser

# Completion of incident ids: the shell asks `warroom list` (shtab's custom completion).
INCIDENT_ID = {
    "bash": "_warroom_incidents",
    "zsh": "_warroom_incidents",
    "fish": "(warroom list 2>/dev/null | string split -f1 ' ')",
}
COMPLETION_PREAMBLE = {
    "bash": (
        "_warroom_incidents() {\n"
        '  compgen -W "$(warroom list 2>/dev/null | cut -d\' \' -f1)" -- "$1"\n'
        "}\n"
    ),
    "zsh": (
        "_warroom_incidents() {\n"
        "  local -a ids\n"
        "  ids=(${(f)\"$(warroom list 2>/dev/null | cut -d' ' -f1)\"})\n"
        "  compadd -a ids\n"
        "}\n"
    ),
}

SEVERITY = "1-4 or SEV-1..SEV-4"
STEPS = "triage, communication, investigation, mitigation, resolution or post-mortem"
TIME = "HH:MM (the most recent), -5m (that long ago) or ISO 8601"


@dataclass(frozen=True)
class Handler:
    """A command's handler, imported when that command runs: `warroom log` need not load what
    the other commands import (asyncio for serve, the trend rules for report, ...)."""

    module: str
    function: str

    def __call__(self, args: argparse.Namespace, ctx: Context) -> int:
        module = importlib.import_module(f"warroom.cli.{self.module}")
        handler: Callable[[argparse.Namespace, Context], int] = getattr(module, self.function)
        return handler(args, ctx)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="warroom",
        description="Run a live incident in the terminal; write its blameless post-mortem.",
        epilog="Without a command: the home screen (active incidents first, then past ones).",
    )
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or postgresql:// URL (default: $WARROOM_DB, else warroom.db "
        "in the user data directory)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, summary: str, handler: object, epilog: str | None = None) -> Parser:
        sub: Parser = commands.add_parser(name, help=summary, description=summary, epilog=epilog)
        if handler is not None:
            sub.set_defaults(handler=handler)
        return sub

    def incident_id(sub: argparse.ArgumentParser, what: str = "the incident") -> None:
        argument = sub.add_argument("id", metavar="ID", help=f"{what}: INC-7, inc-7 or 7")
        argument.complete = INCIDENT_ID  # type: ignore[attr-defined]

    new = command(
        "new",
        "declare an incident (detected now) and open its war room",
        Handler("launch", "cmd_new"),
    )
    new.add_argument("title", metavar="TITLE", help="what is wrong, in a few words")
    new.add_argument("--severity", metavar="N", default="2", help=f"{SEVERITY} (default: SEV-2)")
    new.add_argument("--commander", metavar="NAME", help="the Incident Commander (default: you)")
    new.add_argument("--detach", action="store_true", help="only declare it; print its id")
    new.add_argument(
        "--detected", metavar="TIME", help=f"when it began, for a late declaration: {TIME}"
    )
    new.add_argument(
        "--service",
        metavar="NAME",
        action="append",
        default=[],
        help="a service it affects (repeatable); alerts with this service label go to it",
    )
    new.add_argument("--tag", metavar="TAG", action="append", default=[], help="a tag (repeatable)")

    incident_id(command("open", "open the war room of an incident", Handler("launch", "cmd_open")))

    listing = command(
        "list", "incidents, one per line, active first", Handler("commands.incidents", "cmd_list")
    )
    listing.add_argument("--json", action="store_true", help="a JSON array of incidents")
    listing.add_argument("--all", action="store_true", help="withdrawn incidents too")

    log = command(
        "log",
        "append a timeline event; prints its id once it is durably saved",
        Handler("commands.timeline", "cmd_log"),
        epilog="With TEXT '-', one event per line of standard input, each saved and its id "
        "printed before the next line is read: tail -F app.log | warroom log INC-7 -",
    )
    incident_id(log)
    log.add_argument("text", metavar="TEXT", help="what happened, or - to read lines from stdin")
    log.add_argument("--actor", metavar="NAME", help="who says so (default: you)")
    log.add_argument("--at", metavar="TIME", help=f"when: {TIME} (default: now)")
    log.add_argument(
        "--kind",
        metavar="KIND",
        default="note",
        help="note, alert, action, decision or update (default: note)",
    )

    severity = command(
        "severity",
        "change severity (recorded in the timeline)",
        Handler("commands.incidents", "cmd_severity"),
    )
    incident_id(severity)
    severity.add_argument("level", metavar="LEVEL", help=SEVERITY)

    incident_id(
        command(
            "resolve",
            "mark resolved (recorded in the timeline)",
            Handler("commands.incidents", "cmd_resolve"),
        )
    )
    incident_id(
        command("postmortem", "open the post-mortem editor", Handler("launch", "cmd_postmortem"))
    )

    check = command(
        "check",
        "what stands between the post-mortem and publishing (exit 1: problems)",
        Handler("commands.postmortems", "cmd_check"),
    )
    incident_id(check)
    check.add_argument("--json", action="store_true", help="a JSON array of problems")

    export = command(
        "export",
        "the finished post-mortem (stdout by default)",
        Handler("commands.postmortems", "cmd_export"),
    )
    incident_id(export)
    export.add_argument(
        "--format",
        metavar="FORMAT",
        help="md, json, toml or html (default: from FILE's extension, else md)",
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (owner-only; -: standard output)"
    )
    export.add_argument("--force", action="store_true", help="replace an existing FILE")

    importing = command(
        "import",
        "a post-mortem file (JSON or TOML export format); prints the new incident id",
        Handler("commands.postmortems", "cmd_import"),
    )
    importing.add_argument("file", metavar="FILE", help="a .json or .toml post-mortem")

    config = command("config", "read or change config.toml (its comments kept)", None)
    config_commands = config.add_subparsers(
        dest="config_command", metavar="get|set", parser_class=Parser
    )
    config_commands.required = True
    get = config_commands.add_parser("get", help="print a setting's value")
    get.add_argument("key", metavar="KEY", help="e.g. display.timezone (see the README)")
    get.set_defaults(handler=Handler("commands.settings", "cmd_get"))
    set_ = config_commands.add_parser("set", help="change a setting")
    set_.add_argument("key", metavar="KEY", help="e.g. display.timezone (see the README)")
    set_.add_argument("value", metavar="VALUE", help="the new value, e.g. Europe/Berlin")
    set_.set_defaults(handler=Handler("commands.settings", "cmd_set"))

    show = command(
        "show",
        "the war room as text: banner, countdown, roles, last events, board",
        Handler("commands.incidents", "cmd_show"),
    )
    incident_id(show)
    show.add_argument("--json", action="store_true", help="one JSON object")
    show.add_argument(
        "--events", metavar="N", type=int, default=10, help="how many of the newest (default: 10)"
    )

    incident_id(
        command(
            "ack",
            "acknowledge: leave Detection (the acknowledged milestone; the response target)",
            Handler("commands.incidents", "cmd_ack"),
        )
    )

    step = command(
        "step",
        "move to the next lifecycle step, or to STEP (back too: recorded, milestones kept)",
        Handler("commands.incidents", "cmd_step"),
    )
    incident_id(step)
    step.add_argument("step", metavar="STEP", nargs="?", help=f"detection, {STEPS}")

    incident_id(
        command(
            "reopen",
            "reopen an incident resolved too early (back to Investigation), or one withdrawn",
            Handler("commands.incidents", "cmd_reopen"),
        )
    )

    withdraw = command(
        "withdraw",
        "an incident declared by mistake: kept, marked withdrawn, out of lists and reports",
        Handler("commands.incidents", "cmd_withdraw"),
    )
    incident_id(withdraw)
    withdraw.add_argument("reason", metavar="REASON", help="why, for the record")

    role = command(
        "role",
        "assign a role (a new IC is a handover), or take it back with --remove",
        Handler("commands.incidents", "cmd_role"),
    )
    incident_id(role)
    role.add_argument("role", metavar="ROLE", help="ic, scribe, comms or expert")
    role.add_argument("name", metavar="NAME", help="who")
    role.add_argument("--remove", action="store_true", help="NAME no longer holds ROLE")

    update = command(
        "update",
        "post a stakeholder update (it resets the update countdown)",
        Handler("commands.timeline", "cmd_update"),
        epilog="Without TEXT, the pre-filled draft is posted as it is, as the war room's "
        "composer would post it unedited.",
    )
    incident_id(update)
    update.add_argument(
        "text", metavar="TEXT", nargs="?", help="the update, or - to read it from stdin"
    )
    update.add_argument(
        "--draft", action="store_true", help="print the pre-filled draft; post nothing"
    )

    action = command("action", "action items: add, list, move", None)
    action_commands = action.add_subparsers(
        dest="action_command", metavar="add|list|move", parser_class=Parser
    )
    action_commands.required = True
    add = action_commands.add_parser("add", help="add an action item; prints its id")
    incident_id(add)
    add.add_argument("description", metavar="DESCRIPTION", help="what is to be done")
    add.add_argument("--type", metavar="T", help="prevent, detect or mitigate")
    add.add_argument("--owner", metavar="O", help="who will do it")
    add.add_argument("--priority", metavar="P", help="P0, P1 or P2")
    add.add_argument("--due", metavar="DATE", help="YYYY-MM-DD, MM-DD or +3d")
    add.add_argument("--ticket", metavar="T", help="the tracker's ticket, e.g. INC-123")
    kind = add.add_mutually_exclusive_group()
    kind.add_argument(
        "--follow-up",
        dest="follow_up",
        action="store_const",
        const=True,
        help="a follow-up for the post-mortem (the default once the incident is resolved, "
        "or with --type)",
    )
    kind.add_argument(
        "--task",
        dest="follow_up",
        action="store_const",
        const=False,
        help="a task of the live response (the default while the incident goes on)",
    )
    add.set_defaults(handler=Handler("commands.actions", "cmd_add"))
    listed = action_commands.add_parser(
        "list", help="an incident's action items, or across incidents (sorted by due date)"
    )
    listed.add_argument(
        "id", metavar="ID", nargs="?", help="the incident (default: every incident)"
    ).complete = INCIDENT_ID  # type: ignore[attr-defined]
    listed.add_argument(
        "--overdue", action="store_true", help="only those past due and not done (exit 1: any)"
    )
    listed.add_argument("--owner", metavar="NAME", help="only NAME's")
    listed.add_argument("--json", action="store_true", help="a JSON array of action items")
    listed.set_defaults(handler=Handler("commands.actions", "cmd_list"))
    move = action_commands.add_parser("move", help="move an action item to another column")
    incident_id(move)
    move.add_argument("item", metavar="ITEM", help="the action item: AI-3 or 3")
    move.add_argument("status", metavar="STATUS", help="open, in-progress or done")
    move.set_defaults(handler=Handler("commands.actions", "cmd_move"))

    events = command(
        "timeline",
        "the incident's timeline, oldest first",
        Handler("commands.timeline", "cmd_timeline"),
    )
    incident_id(events)
    events.add_argument("--since", metavar="TIME", help=f"only events from TIME on: {TIME}")
    events.add_argument(
        "--kind",
        metavar="KIND",
        action="append",
        help="only this kind (note, alert, action, decision, update, severity, phase, role); "
        "repeat for several",
    )
    events.add_argument("--json", action="store_true", help="one JSON object a line")
    events.add_argument(
        "--follow", action="store_true", help="then print new events as they are saved"
    )

    reported = command(
        "report",
        "trends across incidents: counts, times to acknowledge / mitigate / resolve, late "
        "updates, action items, post-mortems",
        Handler("commands.report", "cmd_report"),
        epilog="Times come only from recorded milestones; withdrawn incidents are left out.",
    )
    reported.add_argument(
        "--since",
        metavar="PERIOD",
        default="90d",
        help="incidents detected since: 90d, 12w or a date, 2026-09-01 (default: 90d)",
    )
    reported.add_argument(
        "--by", metavar="severity|service", help="the figures per severity or per service too"
    )
    reported.add_argument("--json", action="store_true", help="one JSON object")
    reported.add_argument("--format", metavar="FORMAT", help="text (default), md or json")

    labelled = command(
        "labels",
        "an incident's services and tags: shown, or set with --services / --tags",
        Handler("commands.labels", "cmd_labels"),
        epilog='Each LIST is comma-separated ("payments, ledger"); an empty one clears them. '
        "An alert whose service label names a service goes to the one active incident listing it.",
    )
    incident_id(labelled)
    labelled.add_argument("--services", metavar="LIST", help="replace the services")
    labelled.add_argument("--tags", metavar="LIST", help="replace the tags")
    labelled.add_argument("--json", action="store_true", help="one JSON object")

    found = command(
        "search",
        "find incidents by their titles, timelines, action items and post-mortems, best first",
        Handler("commands.search", "cmd_search"),
        epilog="Every word must appear (as a word or, from three letters on, the start of one); "
        "words in double quotes "
        "or joined by punctuation in that order. Withdrawn incidents are found, and marked.",
    )
    found.add_argument("query", metavar="QUERY", help='words to find, e.g. "pool exhausted"')
    found.add_argument("--json", action="store_true", help="a JSON array of hits")
    found.add_argument(
        "--kind",
        metavar="K",
        action="append",
        help="only in incident (titles), event, postmortem or action (items); repeat for several",
    )
    found.add_argument(
        "--limit", metavar="N", type=int, default=20, help="at most N hits (default: 20)"
    )

    inboxed = command(
        "inbox",
        "alerts that went to no incident: list them, declare an incident or attach them",
        Handler("commands.inbox", "cmd_inbox"),
    )
    inboxed.add_argument("--json", action="store_true", help="a JSON array of alerts")
    inbox_commands = inboxed.add_subparsers(
        dest="inbox_command", metavar="attach|declare", parser_class=Parser
    )
    attach = inbox_commands.add_parser("attach", help="put alerts into an incident's timeline")
    incident_id(attach)
    attach.add_argument("alerts", metavar="ALERT", nargs="*", help="AL-3 or 3 (several: AL-3 AL-4)")
    attach.add_argument("--all", action="store_true", help="every alert in the inbox")
    attach.set_defaults(handler=Handler("commands.inbox", "cmd_attach"))
    declare = inbox_commands.add_parser(
        "declare",
        help="declare an incident for alerts (detected when the first fired); prints its id",
    )
    declare.add_argument(
        "alerts", metavar="ALERT", nargs="*", help="AL-3 or 3 (several: AL-3 AL-4)"
    )
    declare.add_argument("--all", action="store_true", help="every alert in the inbox")
    declare.add_argument("--title", metavar="TITLE", help="default: the first alert's text")
    declare.add_argument(
        "--severity", metavar="N", default="2", help=f"{SEVERITY} (default: SEV-2)"
    )
    declare.add_argument(
        "--commander", metavar="NAME", help="the Incident Commander (default: you)"
    )
    declare.set_defaults(handler=Handler("commands.inbox", "cmd_declare"))

    serving = command(
        "serve",
        "alert hooks, the stakeholder page and metrics over HTTP (runs until SIGTERM)",
        Handler("commands.serve", "cmd_serve"),
        epilog="Hooks need WARROOM_TOKEN (or serve.token_file); a --host other than loopback "
        "needs WARROOM_VIEW_TOKEN (or serve.view_token_file) for the pages.",
    )
    serving.add_argument(
        "--host", metavar="H", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serving.add_argument(
        "--port", metavar="P", type=int, default=8077, help="port to listen on (default: 8077)"
    )

    shells = command(
        "completion",
        "a shell completion script for warroom (commands, options and incident ids)",
        cmd_completion,
        epilog="bash: warroom completion bash > ~/.local/share/bash-completion/completions/"
        "warroom   zsh: warroom completion zsh > ~/.zfunc/_warroom   fish: warroom "
        "completion fish > ~/.config/fish/completions/warroom.fish",
    )
    shells.add_argument(
        "shell", metavar="SHELL", choices=("bash", "zsh", "fish"), help="bash, zsh or fish"
    )
    return parser


def join_time_values(argv: Sequence[str]) -> list[str]:
    """`--at -5m` means five minutes ago, not an option called -5m: argparse only lets values
    that look like negative numbers start with a dash, so join the pair as `--at=-5m`."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        current = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if current in _TIME_OPTIONS and following is not None and following.startswith("-"):
            joined.append(f"{current}={following}")
            index += 2
            continue
        joined.append(current)
        index += 1
    return joined


_TIME_OPTIONS = ("--at", "--since", "--detected")


def cmd_completion(args: argparse.Namespace, _ctx: object) -> int:
    """Generated by shtab from this very parser, so it never drifts from the commands."""
    import shtab

    # shtab's signature says str; its documentation and code take a mapping by shell.
    preamble: Any = COMPLETION_PREAMBLE
    script = shtab.complete(build_parser(), shell=args.shell, preamble=preamble)
    sys.stdout.write(script if script.endswith("\n") else script + "\n")
    sys.stdout.flush()
    return 0
