"""warroom as installed, or without one of its speed mechanisms, to measure what each one moves.

    python warroom_variant.py [--without MECHANISM] WARROOM-ARGS...

MECHANISM is one of VARIANTS: each is undone here, in this process, before warroom runs; the
product has no such switch.
"""

import contextlib
import sys


def no_preview() -> None:
    """The first screen waits for the store: no quick read of the file to draw it from."""
    from warroom.store import preview

    preview.room = lambda *_, **__: None
    preview.incidents = lambda *_, **__: None
    preview.postmortem = lambda *_, **__: None


def no_gc_pacing() -> None:
    """Python's cycle collector collects when its counts say, start-up and exports included."""
    from warroom import pacing
    from warroom.cli import launch
    from warroom.cli.commands import postmortems

    pacing.IdleCollector.start = lambda self: None
    launch.collector_off = postmortems.collector_off = contextlib.nullcontext


def no_clock_hold() -> None:
    """The clock's tick is drawn when it comes, a line being saved or not."""
    from warroom.screens.war_room import WarRoomScreen

    WarRoomScreen._hold_the_clock = lambda self: lambda: None


def no_quick_log() -> None:
    """Lines typed before the store is open wait for it (the quick writer always declines)."""
    from warroom.store.quick_log import QuickLog

    QuickLog.log_event = lambda *_, **__: None


def no_rest_later() -> None:
    """The post-mortem editor mounts every section before its first screen."""
    from collections.abc import Iterator

    from textual.widget import Widget

    from warroom.screens.postmortem.form import ReportForm

    compose = ReportForm.compose

    def everything(self: ReportForm) -> Iterator[Widget]:
        yield from compose(self)
        yield from self._rest()
        self.complete = True

    ReportForm.compose = everything  # type: ignore[assignment, method-assign]


def no_screenful_first() -> None:
    """The home screen's quick read takes every incident listed, and its first frame lists
    them all, not a screenful."""
    from warroom.cli import launch
    from warroom.screens.home import HomeScreen

    launch.screenful = lambda: sys.maxsize
    HomeScreen._first_rows = lambda self: sys.maxsize  # type: ignore[method-assign]


def no_styled_once() -> None:
    """A screen just pushed is styled again as it is first shown (Textual's way)."""
    from textual import events

    from warroom.screens.base import WarroomScreen

    def as_textual_does(self: WarroomScreen[object], event: events.ScreenResume) -> None:
        return None

    WarroomScreen._styled_once = as_textual_does  # type: ignore[method-assign]


VARIANTS = {
    "quick-log": no_quick_log,
    "preview": no_preview,
    "gc-pacing": no_gc_pacing,
    "clock-hold": no_clock_hold,
    "rest-later": no_rest_later,
    "screenful-first": no_screenful_first,
    "styled-once": no_styled_once,
}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--without"]:
        VARIANTS[args[1]]()
        args = args[2:]
    from warroom.cli.main import main

    sys.argv = ["warroom", *args]
    sys.exit(main())
