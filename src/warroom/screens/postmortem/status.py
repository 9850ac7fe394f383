"""Moving the report on (draft → in review → published) or back a step. What is typed is saved
first. Publishing is refused while a problem blocks it, with the problems listed; the user may
publish anyway, and the override is on the record in the report's own history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from warroom.domain.checks import Problem
from warroom.domain.model import PostMortem, ReportStatus
from warroom.screens.base import NotDone, WarroomScreen
from warroom.screens.dialogs.report import ForcePublishDialog
from warroom.services.reporting import NotReady, ReportSettings, change_status
from warroom.widgets.report_header import STATUS_NAMES

if TYPE_CHECKING:
    from warroom.store import Store


class StatusMoves:
    """The report's status moves for `screen`: `saved()` saves what is typed (whether it all
    is), `moved(stored)` shows the report as the move left it."""

    def __init__(
        self,
        screen: WarroomScreen[Any],
        incident_id: int,
        *,
        saved: Callable[[], Awaitable[bool]],
        moved: Callable[[PostMortem], Awaitable[None]],
    ) -> None:
        self._screen = screen
        self._incident_id = incident_id
        self._saved = saved
        self._moved = moved

    def step(self, current: ReportStatus, step: int) -> None:
        """One status on (`step` 1) or back (-1) from `current`."""
        order = list(ReportStatus)
        index = order.index(current) + step
        if not 0 <= index < len(order):
            self._screen.notify(
                "The post-mortem is published: share it widely."
                if step > 0
                else "The post-mortem is a draft already."
            )
            return
        self._screen.run_worker(self._move(order[index]), group="pm-status", exclusive=True)

    async def _move(self, status: ReportStatus, *, force: bool = False) -> None:
        screen = self._screen
        if not await self._saved():
            screen.notify(
                "Save what is typed first (see above); the status was not changed.",
                severity="warning",
            )
            return
        config = screen.host.config
        incident_id, settings = self._incident_id, ReportSettings(config.schedule, config.tz)

        def move(store: Store) -> PostMortem | NotReady:
            try:
                return change_status(
                    store, incident_id, status, settings, actor=config.user, force=force
                )
            except NotReady as refused:  # the problems, for the user to weigh
                return refused

        stored = await screen.attempt("change the status", move)
        if isinstance(stored, NotDone):
            return
        if isinstance(stored, NotReady):
            self._offer_force(status, stored.problems)
            return
        await self._moved(stored)
        if force:
            screen.notify(
                "Published despite the checks; the override is on the report's record.",
                severity="warning",
            )
        else:
            screen.notify(f"The post-mortem is {STATUS_NAMES[stored.status]} now.")

    def _offer_force(self, status: ReportStatus, problems: Sequence[Problem]) -> None:
        def answered(force: bool | None) -> None:
            if force:
                self._screen.run_worker(self._move(status, force=True), group="pm-status")

        self._screen.app.push_screen(ForcePublishDialog(problems), answered)
