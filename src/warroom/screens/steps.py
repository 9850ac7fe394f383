"""The war room's lifecycle keys: `p` moves on a step, `P` steps back (moved on by mistake),
each recorded. One step a press: a press while a step is being saved is refused, and said so."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from warroom.domain.lifecycle import Phase
from warroom.domain.room import RoomState
from warroom.screens.base import NotDone, WarroomScreen

if TYPE_CHECKING:
    from warroom.store import Store


class Steps:
    def __init__(
        self, screen: WarroomScreen[Any], incident_id: int, after: Callable[[], Awaitable[None]]
    ) -> None:
        self.screen = screen
        self.incident_id = incident_id
        self._after = after
        self.moving_to: Phase | None = None  # the step being saved
        self._told = False  # that a press was refused meanwhile (once a step)

    @property
    def _me(self) -> str:
        return self.screen.host.config.user

    def advance(self, state: RoomState, resolve: Callable[[], None]) -> None:
        """The next step; from Resolution, `resolve` (which asks first)."""
        following = state.incident.phase.next
        if following is None:
            self.screen.notify("This incident is resolved: its post-mortem is the last step.")
            return
        if self._refused():
            return
        if following is Phase.POSTMORTEM:
            resolve()
            return
        incident_id, me = self.incident_id, self._me
        self._step(following, lambda store: store.advance_phase(incident_id, actor=me))

    def back(self, state: RoomState) -> None:
        incident = state.incident
        if not incident.is_active:
            self.screen.notify(
                "This incident is resolved: reopen it from the command line to go back."
            )
            return
        earlier = [phase for phase in Phase if phase.next is incident.phase]
        if not earlier:
            self.screen.notify(
                f"{incident.phase.title} is the first step: there is none before it."
            )
            return
        if self._refused():
            return
        incident_id, me = self.incident_id, self._me
        self._step(earlier[0], lambda store: store.step_back(incident_id, actor=me))

    def _refused(self) -> bool:
        if self.moving_to is None:
            return False
        if not self._told:  # six presses are one notice
            self._told = True
            self.screen.notify(
                f"Still moving to {self.moving_to.title}: press again once it shows.",
                markup=False,
            )
        return True

    def _step(self, to: Phase, work: Callable[[Store], object]) -> None:
        self.moving_to, self._told = to, False
        self.screen.run_worker(self._move(work), group="lifecycle")

    async def _move(self, work: Callable[[Store], object]) -> None:
        try:
            moved = await self.screen.attempt("change the step", work)
            if not isinstance(moved, NotDone):
                await self._after()
        finally:
            self.moving_to = None
