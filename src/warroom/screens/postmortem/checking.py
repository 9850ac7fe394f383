"""The post-mortem's checks, live as it is typed. They run on a thread of their own (a pasted
megabyte of root cause takes them a second: typing goes on meanwhile); asked for again while
they run, they run once more when done, on the report as it is then."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.timer import Timer
from textual.worker import Worker

from warroom.domain.checks import Problem, blocking, check_report
from warroom.domain.postmortem import Report
from warroom.screens.base import WarroomScreen
from warroom.widgets.checks_panel import ChecksPanel
from warroom.widgets.report_header import ReportHeader

TYPING_PAUSE = 0.15  # seconds of no typing before the checks run again


class LiveChecks:
    """Checks for `screen`, on the report `as_typed()` returns (None: nothing to check)."""

    def __init__(self, screen: WarroomScreen[Any], as_typed: Callable[[], Report | None]) -> None:
        self._screen = screen
        self._as_typed = as_typed
        self.problems: tuple[Problem, ...] = ()
        self._timer: Timer | None = None
        self._running = False
        self._again = False
        self._worker: Worker[None] | None = None

    @property
    def pending(self) -> bool:
        """The checks are due or running: the panel shows what they last found."""
        return self._running or self._timer is not None

    def typed(self) -> None:
        """Checked again once typing pauses."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._screen.set_timer(TYPING_PAUSE, self.now)

    def now(self, *, at_once: bool = False) -> None:
        """`at_once`: here, not on the thread, for the first screen to show what they find
        (the hop to the thread and back took a frame or more; the checks of a report as
        opened take about a millisecond)."""
        self._timer = None
        if self._running:
            self._again = True
            return
        report = self._as_typed()
        if report is None:
            return
        self._screen.query_one(ReportHeader).show(report)
        if at_once:
            self._show(report, tuple(check_report(report, self._screen.host.clock.now())))
            return
        self._running = True
        self._worker = self._screen.run_worker(self._check(report), group="pm-checks")

    async def done(self) -> None:
        """Once the checks asked for so far have run and are shown."""
        if self._worker is not None:
            await self._worker.wait()

    async def _check(self, report: Report) -> None:
        screen = self._screen
        try:
            while True:
                self._again = False
                now = screen.host.clock.now()
                problems = tuple(await asyncio.to_thread(check_report, report, now))
                if not (screen.is_attached and screen.display):  # taken down meanwhile
                    return
                if not self._again:
                    break
                report = self._as_typed() or report
        finally:
            self._running = False
        self._show(report, problems)

    def _show(self, report: Report, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        self._screen.query_one(ChecksPanel).show(problems)
        header = self._screen.query_one(ReportHeader)
        header.show(report)
        header.show_readiness(len(blocking(problems)))
