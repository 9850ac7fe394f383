"""What every screen gets from the app, and how a screen asks to go elsewhere.

Screens never import the app: they reach the store thread, the clock and the config through
`Host`, which the app implements, and navigate by posting messages that the app answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual.message import Message
from textual.screen import Screen

if TYPE_CHECKING:
    from warroom.config import Config
    from warroom.domain.clock import Clock
    from warroom.domain.errors import BadInput, StorageError
    from warroom.domain.room import RoomPreview
    from warroom.pacing import IdleCollector
    from warroom.store import Store

T = TypeVar("T")
ScreenResult = TypeVar("ScreenResult")


class Host(Protocol):
    """The app, as its screens see it."""

    config: Config
    clock: Clock
    blink: bool  # off in tests: no cursor blink, no animations
    collector: IdleCollector
    failed: BadInput | StorageError | None  # why the store could not open (the app then ends)

    def call(self, work: Callable[[Store], T]) -> Awaitable[T]:
        """Run `work(store)` on the store thread and wait for it (the UI stays live)."""
        ...

    def call_soon(self, work: Callable[[Store], object]) -> None:
        """Queue `work(store)` on the store thread; it runs before the store closes."""
        ...


@dataclass
class OpenIncident(Message):
    """Open an incident's war room (`preview`: a quick read to draw it from at once)."""

    incident_id: int
    preview: RoomPreview | None = None


@dataclass
class OpenPostmortem(Message):
    incident_id: int


class ShowHome(Message):
    """Back to the list of incidents."""


class WarroomScreen(Screen[ScreenResult]):
    """A screen of warroom's: the app's services as `host`, navigation as `go`."""

    @property
    def host(self) -> Host:
        return cast("Host", self.app)

    def go(self, where: OpenIncident | OpenPostmortem | ShowHome) -> None:
        self.app.post_message(where)
