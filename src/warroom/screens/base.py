"""What every screen gets from the app, how a screen asks to go elsewhere, and the one way a
screen writes to the store and tells the user when that failed.

Screens never import the app: they reach the store thread, the clock and the config through
`Host`, which the app implements, and navigate by posting messages that the app answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual.message import Message
from textual.screen import Screen

from warroom.domain.errors import (
    AlreadyDone,
    BadInput,
    Conflict,
    DatabaseError,
    StorageError,
    first_line,
)
from warroom.domain.text import printable

if TYPE_CHECKING:
    from warroom.config import Config
    from warroom.domain.clock import Clock
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
    """Open an incident's war room (`preview`: a quick read to draw it from at once;
    `event_id`: with the timeline's cursor on that event; `action_item`: with the board's focus
    on that item)."""

    incident_id: int
    preview: RoomPreview | None = None
    event_id: int | None = None
    action_item: int | None = None


class OpenReport(Message):
    """Trends across incidents: the report screen."""


@dataclass
class OpenPostmortem(Message):
    incident_id: int


class ShowHome(Message):
    """Back to the list of incidents."""


@dataclass(frozen=True)
class NotDone:
    """A store call that failed; the user has been told why. `retry`: trying again can work,
    so a dialog keeps what was typed for it (not after a conflict: what is stored changed)."""

    retry: bool


def may_close(done: object) -> bool:
    """Whether a dialog whose save came back as `done` may close: saved, or refused by a
    conflict (what it was editing is no longer what is stored)."""
    return not isinstance(done, NotDone) or not done.retry


class WarroomScreen(Screen[ScreenResult]):
    """A screen of warroom's: the app's services as `host`, navigation as `go`, writes as
    `attempt`."""

    @property
    def host(self) -> Host:
        return cast("Host", self.app)

    def go(self, where: OpenIncident | OpenPostmortem | OpenReport | ShowHome) -> None:
        self.app.post_message(where)

    async def attempt(self, what: str, work: Callable[[Store], T]) -> T | NotDone:
        """Run a store call (`what` it does, for the notice: "log the event"); on failure the
        user is told what was not done and why, and it returns NotDone."""
        try:
            return await self.host.call(work)
        except AlreadyDone as error:  # someone did it a moment ago: nothing to do
            self.notify(f"{error}: nothing changed.", markup=False)
            await self.show_stored()
            return NotDone(retry=False)
        except Conflict as error:
            self.notify(
                f"{error}. Showing what is stored now; make your change again if still needed.",
                title=f"Could not {what}",
                severity="warning",
                markup=False,
            )
            await self.show_stored()
            return NotDone(retry=False)
        except (StorageError, DatabaseError) as error:  # a full disk, busy, read-only, damaged
            self.not_saved(what, str(error))
        except BadInput as error:  # refused as it is: the user can change it
            self.notify(str(error), title=f"Could not {what}", severity="warning", markup=False)
        except Exception as error:  # a bug: still, the screen and what was typed stay
            self.not_saved(what, f"unexpected error: {first_line(error)}")
        return NotDone(retry=True)

    def not_saved(self, what: str, why: str) -> None:
        self.notify(
            printable(why),
            title=f"Could not {what}: nothing was saved",
            severity="error",
            markup=False,
            timeout=15,
        )

    async def show_stored(self) -> None:
        """Show what is stored now, after someone else's save refused this screen's."""
