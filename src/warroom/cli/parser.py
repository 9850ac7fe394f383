"""The command line's grammar (PRODUCT.md §5): every command, its arguments and their help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from warroom import __version__
from warroom.cli import commands, launch
from warroom.cli.context import Parser
from warroom.domain.model import EventKind


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = subcommands.add_parser("new", help="declare an incident (detected now) and open it")
    new.add_argument("title")
    new.add_argument("--severity", default="2", help="1-4 or SEV-1..SEV-4 (default: SEV-2)")
    new.add_argument("--commander", help="the Incident Commander (default: you)")
    new.add_argument("--detach", action="store_true", help="print only the new id")
    new.set_defaults(handler=launch.cmd_new)

    listing = subcommands.add_parser("list", help="incidents, active first")
    listing.add_argument("--json", action="store_true", help="a JSON array of objects")
    listing.set_defaults(handler=commands.cmd_list)

    log = subcommands.add_parser("log", help="append a timeline event; prints its id once saved")
    log.add_argument("id")
    log.add_argument("text")
    log.add_argument("--actor", help="who (default: you)")
    log.add_argument("--at", metavar="TIME", help="when: HH:MM, -5m or ISO 8601 (default: now)")
    log.add_argument(
        "--kind",
        default=EventKind.NOTE.value,
        help="note, alert, action, decision or update (default: note)",
    )
    log.set_defaults(handler=commands.cmd_log)

    severity = subcommands.add_parser("severity", help="change severity (recorded in the timeline)")
    severity.add_argument("id")
    severity.add_argument("level", help="1-4 or SEV-1..SEV-4")
    severity.set_defaults(handler=commands.cmd_severity)

    open_ = subcommands.add_parser("open", help="open the war room of an incident")
    open_.add_argument("id")
    open_.set_defaults(handler=launch.cmd_open)

    postmortem = subcommands.add_parser("postmortem", help="open the post-mortem editor")
    postmortem.add_argument("id")
    postmortem.set_defaults(handler=launch.cmd_postmortem)

    resolve = subcommands.add_parser("resolve", help="mark resolved (recorded in the timeline)")
    resolve.add_argument("id")
    resolve.set_defaults(handler=commands.cmd_resolve)

    check = subcommands.add_parser(
        "check", help="what stands between the post-mortem and publishing (exit 1: problems)"
    )
    check.add_argument("id")
    check.set_defaults(handler=commands.cmd_check)

    export = subcommands.add_parser("export", help="the finished post-mortem (stdout by default)")
    export.add_argument("id")
    export.add_argument(
        "--format", help="md, json, toml or html (default: from FILE's extension, else md)"
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (owner-only; -: standard output)"
    )
    export.add_argument("--force", action="store_true", help="replace an existing FILE")
    export.set_defaults(handler=commands.cmd_export)

    importing = subcommands.add_parser(
        "import", help="a post-mortem file (JSON or TOML export format); prints the new id"
    )
    importing.add_argument("file")
    importing.set_defaults(handler=commands.cmd_import)

    config = subcommands.add_parser("config", help="read or change config.toml")
    config_commands = config.add_subparsers(dest="config_command", metavar="get|set")
    config_commands.required = True
    get = config_commands.add_parser("get", help="print a setting")
    get.add_argument("key")
    get.set_defaults(handler=commands.cmd_config_get)
    set_ = config_commands.add_parser("set", help="change a setting")
    set_.add_argument("key")
    set_.add_argument("value")
    set_.set_defaults(handler=commands.cmd_config_set)
    return parser


def join_time_values(argv: Sequence[str]) -> list[str]:
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
