"""What every screen gets from the app, how a screen asks to go elsewhere, and the one way a
screen writes to the store and tells the user when that failed.

Screens never import the app: they reach the store thread, the clock and the config through
`Host`, which the app implements, and navigate by posting messages that the app answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual import events, on
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
    from datetime import datetime

    from warroom.config import Config
    from warroom.domain.clock import Clock
    from warroom.domain.model import Event, EventKind
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

    def log_event(
        self,
        incident_id: int,
        text: str,
        *,
        actor: str,
        kind: EventKind,
        occurred_at: datetime | None,
    ) -> Awaitable[Event]:
        """A line logged, committed when done (before the store is up, too)."""
        ...


@dataclass
class OpenIncident(Message):
    """Open an incident's war room (`preview`: a quick read to draw it from at once;
    `action_item`: with the board's focus on that item; `event_id`: with the timeline's cursor
    on that event)."""

    incident_id: int
    preview: RoomPreview | None = None
    action_item: int | None = None
    event_id: int | None = None


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

    _shown_before = False

    @property
    def host(self) -> Host:
        return cast("Host", self.app)

    @on(events.ScreenResume)
    def _styled_once(self, event: events.ScreenResume) -> None:
        # Handled before Screen's own handler. Just pushed, every widget was styled as it
        # mounted; Textual would style them all again (for a screen coming back after a theme
        # change): some 150 widgets of the editor, ~25 ms before its first frame.
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False

    def go(self, where: OpenIncident | OpenPostmortem | OpenReport | ShowHome) -> None:
        self.app.post_message(where)

    async def attempt(self, what: str, work: Callable[[Store], T]) -> T | NotDone:
        """Run a store call (`what` it does, for the notice: "log the event"); on failure the
        user is told what was not done and why, and it returns NotDone."""
        return await self.attempting(what, self.host.call(work))

    async def attempting(self, what: str, call: Awaitable[T]) -> T | NotDone:
        """`attempt`, for a call already made (`host.log_event`)."""
        try:
            return await call
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
