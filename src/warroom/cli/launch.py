"""The one way into the full-screen app: the home screen, a war room, or its post-mortem."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out
from warroom.domain.errors import BadInput, UnknownIncident
from warroom.domain.labels import LabelKind, labels
from warroom.domain.model import incident_key, parse_incident_ref
from warroom.domain.severity import parse_severity
from warroom.pacing import collector_off

if TYPE_CHECKING:
    from warroom.store import Store


def require_terminal(hint: str) -> None:
    """The full-screen app needs a terminal; a script or a pipe gets an error, not a hang."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInput(f"the war room needs a terminal ({hint})")


def ask_name_once(ctx: Context, ask: Callable[[str], str] = input) -> None:
    """The first time the full-screen app starts without `user.name` in the config, ask for
    the name once and keep it there: the login name (`root` in a container, over SSH) is what
    every event would otherwise say. Enter keeps the login name, and is not asked again."""
    from warroom.config import read_raw, set_value
    from warroom.paths import config_path

    path = config_path()
    section = read_raw(path).get("user")
    if isinstance(section, dict) and "name" in section:
        return
    login = ctx.config.user
    try:
        answer = ask(f"warroom: your name, for what you log and the IC you are [{login}]: ")
    except EOFError:  # the terminal closed: the login name, asked again next time
        return
    name = " ".join(answer.split()) or login
    set_value(path, "user.name", name)
    ctx.config = replace(ctx.config, user=name)
    out(f"Saved as user.name in {path} (warroom config set user.name NAME changes it).")


def cmd_new(args: argparse.Namespace, ctx: Context) -> int:
    level = parse_severity(args.severity)
    if not args.detach:
        require_terminal("add --detach to only declare the incident and print its id")
        ask_name_once(ctx)  # before anything is recorded in the name
    if not args.title.strip():
        raise BadInput("the title must not be empty")
    services = labels(args.service, LabelKind.SERVICE)
    tags = labels(args.tag, LabelKind.TAG)
    commander = args.commander if args.commander is not None else ctx.config.user
    detected = None
    if args.detected is not None:
        from warroom.domain.timeparse import parse_time

        detected = parse_time(args.detected, ctx.clock.now(), ctx.config.tz)
    store = ctx.open_store()
    try:
        incident = store.create_incident(
            args.title,
            level,
            commander=commander,
            actor=ctx.config.user,
            detected_at=detected,
            services=services,
            tags=tags,
        )
    except BaseException:
        store.close()
        raise
    if args.detach:
        store.close()
        out(incident.key)
        return EXIT_OK
    return run_app(ctx, incident.id, store)  # the app closes the store


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
    require_terminal("for scripts: warroom list, log, export")
    # Start-up allocates a great deal and frees little; once up, the app collects garbage
    # itself, in pauses (warroom.pacing).
    with collector_off():
        return _run_app(ctx, incident_id, store, postmortem=postmortem)


def screenful() -> int:
    """How many incidents the home screen's first frame lists: a row for each of the
    terminal's lines, at most."""
    return shutil.get_terminal_size().lines


def _run_app(
    ctx: Context, incident_id: int | None, store: Store | None, *, postmortem: bool
) -> int:
    from warroom.store import preview

    room = incidents = report = None
    if store is None:
        try:
            if incident_id is None:
                incidents = preview.incidents(ctx.location, first=screenful())
            elif postmortem:
                config = ctx.config
                report = preview.postmortem(
                    ctx.location,
                    incident_id,
                    schedule=config.schedule,
                    tz=config.tz,
                    now=ctx.clock.now(),
                )
            else:
                room = preview.room(ctx.location, incident_id)
        except preview.NotFound:
            raise UnknownIncident(incident_key(incident_id or 0)) from None
        if room is None and incidents is None and report is None:
            # The home screen makes the default database on first use; a database named by
            # --db or $WARROOM_DB must be there already (`new` makes one).
            store = ctx.open_store(create=incident_id is None and not ctx.chosen_database)
            if incident_id is not None:
                store.get_incident(incident_id)  # an unknown id: an error, not a screen
    opened = store
    ask_name_once(ctx)  # once the database is known to be there: no question before an error

    def open_store() -> Store:
        return opened if opened is not None else ctx.open_store(create=False)

    from warroom.app import WarroomApp

    quick_log = None
    if room is not None:  # a file the quick read vouched for: the first lines need no store
        from warroom.store.quick_log import QuickLog

        quick_log = QuickLog(ctx.location, ctx.clock)
    app = WarroomApp(
        ctx.config,
        ctx.clock,
        open_store=open_store,
        incident_id=incident_id,
        room=room,
        incidents=incidents,
        postmortem=postmortem,
        report=report,
        quick_log=quick_log,
    )
    result = app.run()
    if app.failed is not None:
        raise app.failed
    return result or EXIT_OK
