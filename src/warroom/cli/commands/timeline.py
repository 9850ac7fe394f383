"""The timeline from the command line: log events (one, or a line at a time from a pipe), read
them back (and follow them), post stakeholder updates."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json, warn
from warroom.domain.errors import BadInput, StorageError
from warroom.domain.model import (
    Event,
    EventKind,
    Incident,
    event_key,
    incident_key,
    parse_incident_ref,
)
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time
from warroom.domain.timeparse import FUTURE_TOLERANCE

if TYPE_CHECKING:
    from warroom.store import Store

# Events warroom records itself, each with the change it stands for: logged as text they
# would say that a change was made which was not.
_RECORDED_BY_WARROOM = (EventKind.SEVERITY, EventKind.PHASE, EventKind.ROLE)
_LOGGABLE = "note, alert, action, decision or update"
# `log ID -`: how long to wait before trying a line again when the database cannot be written
# (a server restarting, a full disk); the pipe holds what comes meanwhile, nothing is dropped.
RETRY_SECONDS = 5.0
# `timeline --follow`: the longest wait for news before looking again.
FOLLOW_SECONDS = 1.0


def _loggable_kind(text: str) -> EventKind:
    try:
        kind = EventKind.parse(text)
    except BadInput:
        raise BadInput(f"bad kind {text!r}: use one of {_LOGGABLE}") from None
    if kind in _RECORDED_BY_WARROOM:
        raise BadInput(
            f"warroom records {kind.value} events itself, with the change"
            f"{' (warroom severity ID LEVEL)' if kind is EventKind.SEVERITY else ''}: "
            f"log a {_LOGGABLE}"
        )
    return kind


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    kind = _loggable_kind(args.kind)
    from_stdin = args.text == "-"
    if from_stdin and args.at is not None:
        raise BadInput("--at with '-': each line read is logged at the moment it arrives")
    if not from_stdin and not args.text.strip():
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
    at_present = not from_stdin and occurred_at is None
    if at_present and _logged_quickly(ctx, incident_id, args.text, kind, actor):
        return EXIT_OK
    with ctx.open_store(create=False) as store:
        if from_stdin:
            store.get_incident(incident_id)  # an unknown id: said before reading anything
            for line in _lines(sys.stdin.buffer):
                event = _log_until_saved(store, incident_id, line, actor, kind)
                out(event_key(event.id))  # before the next line is read
            return EXIT_OK
        event = store.log_event(
            incident_id, args.text, actor=actor, kind=kind, occurred_at=occurred_at
        )
        # Printed only now: log_event returns after the commit is durable.
        out(event_key(event.id))
        _warn_if_clock_behind(store.newest_moment(incident_id), event, ctx)
    return EXIT_OK


def _logged_quickly(ctx: Context, incident_id: int, text: str, kind: EventKind, actor: str) -> bool:
    """A line at the present moment, committed without loading the store (quick_log.py)
    when the file is plainly fine; False: nothing was written, the store's to do."""
    from warroom.store.quick_log import QuickLog

    quick = QuickLog.for_command(ctx.location, ctx.clock)
    if quick is None:
        return False
    event = quick.log_event(incident_id, text, actor=actor, kind=kind)
    if event is None:
        return False
    out(event_key(event.id))  # committed, synchronous=FULL: durable
    _warn_if_clock_behind(quick.newest_moment(incident_id), event, ctx)
    return True


def _warn_if_clock_behind(newest: datetime | None, event: Event, ctx: Context) -> None:
    """An event logged "now" by a clock that is behind lands before what others logged."""
    incident_id = event.incident_id
    if newest is not None and newest > event.recorded_at + FUTURE_TOLERANCE:
        tz = ZoneInfo(ctx.setting("display.timezone"))
        warn(
            f"this machine's clock ({date_time(event.recorded_at, tz)}) is behind the newest "
            f"event of {incident_key(incident_id)} ({date_time(newest, tz)}): "
            "check the clock; events logged now land before it"
        )


def _lines(stream: Iterable[bytes]) -> Iterator[str]:
    """Each non-blank line as it arrives (a log's bytes need not be UTF-8: shown, not lost)."""
    for raw in stream:
        line = raw.decode("utf-8", errors="backslashreplace").rstrip("\r\n")
        if line.strip():
            yield line


def _log_until_saved(
    store: Store, incident_id: int, text: str, actor: str, kind: EventKind
) -> Event:
    told = False
    while True:
        try:
            return store.log_event(incident_id, text, actor=actor, kind=kind)
        except StorageError as error:
            if not told:
                warn(f"{error}: trying again every {RETRY_SECONDS:g} s; no line is dropped")
                told = True
            time.sleep(RETRY_SECONDS)


def cmd_timeline(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    kinds = {EventKind.parse(kind) for kind in args.kind} if args.kind else None
    since: datetime | None = None
    tz = ctx.config.tz
    if args.since is not None:
        from warroom.domain.timeparse import parse_time

        since = parse_time(args.since, ctx.clock.now(), tz)
    with ctx.open_store(create=False) as store:
        incident = store.get_incident(incident_id)
        cursor = store.last_change()  # before reading: what is saved after it is followed
        newest = 0
        for event in store.iter_events(incident_id, since=since):
            newest = max(newest, event.id)
            if kinds is None or event.kind in kinds:
                _print_event(event, incident, tz, as_json=args.json)
        if args.follow:
            _follow(store, incident, cursor, newest, kinds, args.json, tz)
    return EXIT_OK


def _follow(
    store: Store,
    incident: Incident,
    cursor: int,
    newest: int,
    kinds: set[EventKind] | None,
    as_json: bool,
    tz: tzinfo,
) -> None:
    """New events of the incident as they are saved, by anyone, until interrupted."""
    from warroom.store.feed import ChangeFeed

    with ChangeFeed(store, since=cursor) as feed:
        while True:
            feed.wait(FOLLOW_SECONDS)
            ids = {
                change.entity_id
                for change in feed.changes()
                if change.incident_id == incident.id
                and change.entity == "event"
                and change.entity_id is not None
                and change.entity_id > newest
            }
            for event in sorted(store.events_by_id(ids), key=lambda event: event.id):
                newest = max(newest, event.id)
                if event.deleted_at is None and (kinds is None or event.kind in kinds):
                    _print_event(event, incident, tz, as_json=as_json)


def _print_event(event: Event, incident: Incident, tz: tzinfo, *, as_json: bool) -> None:
    if as_json:
        from warroom.exporters.views import event_record

        out_json(event_record(event, incident), compact=True)
        return
    out(
        f"{date_time(event.occurred_at, tz)}  {event.key:<8} {event.kind.value:<8}  "
        f"{one_line(event.actor)}: {one_line(event.text)}"
    )


def cmd_update(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.services.room import read_state
    from warroom.services.updates import draft_update, post_update

    incident_id = parse_incident_ref(args.id)
    if args.draft and args.text is not None:
        raise BadInput("--draft prints the draft and posts nothing: leave out TEXT")
    text = args.text
    if text == "-":
        text = sys.stdin.read()
    if text is not None and not text.strip():
        raise BadInput("the update is empty: give its text, or leave TEXT out to post the draft")
    config = ctx.config
    with ctx.open_store(create=False) as store:
        if text is None:
            text = draft_update(store, read_state(store, incident_id), config.schedule, config.tz)
            if args.draft:
                out(text)
                return EXIT_OK
        event = post_update(store, incident_id, text, actor=config.user)
    out(event_key(event.id))
    return EXIT_OK
