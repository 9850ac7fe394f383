"""Fixtures for driving the app: a store on a temporary file, a frozen clock, no blinking."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from textual import events
from textual.app import App
from textual.geometry import Region
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widget import Widget

from warroom.app import WarroomApp
from warroom.config import Config, load_config
from warroom.domain.clock import FrozenClock
from warroom.screens.postmortem import PostMortemScreen
from warroom.screens.war_room import WarRoomScreen
from warroom.store import Store

AppFactory = Callable[..., WarroomApp]

# The lesson's full example post-mortem, in the JSON export format.
LESSON = Path(__file__).parents[1] / "data" / "checkout-outage.json"


@pytest.fixture(autouse=True)
def collecting_given_back() -> Iterator[None]:
    """An app collects garbage in pauses while it runs (warroom.pacing); once it has ended,
    collecting is Python's again, for the rest of the test run."""
    yield
    assert gc.isenabled(), "an app left Python's garbage collector off"
    assert gc.get_freeze_count() == 0, "an app left objects frozen"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(tmp_path / "no-config.toml")


@pytest.fixture
def make_app(store: Store, config: Config, clock: FrozenClock) -> AppFactory:
    def factory(incident_id: int | None = None, **overrides: object) -> WarroomApp:
        return WarroomApp(
            overrides.get("config", config),  # type: ignore[arg-type]
            clock,
            open_store=lambda: store,
            incident_id=incident_id,
            room=overrides.get("room"),  # type: ignore[arg-type]
            blink=False,
            postmortem=bool(overrides.get("postmortem", False)),
        )

    return factory


class Notes(list[Notification]):
    """Every notification the app shows, in order: kept after its toast has left the screen
    (the app's own list drops a notification once its timeout is over, and a slow machine may
    look later than that). Record them with `app.run_test(message_hook=notes.hook)`."""

    def hook(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification)

    def texts(self) -> list[str]:
        return [f"{note.title}: {note.message}" for note in self]

    def not_saved(self, what: str) -> Notification:
        """The one notification saying `what` was not done, and that nothing was saved."""
        title = f"Could not {what}: nothing was saved"
        found = [note for note in self if note.title == title]
        assert len(found) == 1, [(note.title, note.message) for note in self]
        assert found[0].severity == "error"
        return found[0]


def burst(app: App[object], keys: str) -> None:
    """Keys that arrive together (typed ahead over a slow link, sent by a script): all posted
    before the app handles the first. `⏎` is Enter, `⌫` Backspace, `←` the left arrow, `⇥` Tab."""
    named = {
        "⏎": ("enter", "\r"),
        "⌫": ("backspace", "\x7f"),
        "←": ("left", None),
        "⇥": ("tab", "\t"),
    }
    for char in keys:
        key, character = named.get(char, (char, char))
        app.post_message(events.Key(key, character))


class Redraws(list[tuple[Widget, bool]]):
    """What the widgets `watch`ed ask Textual to draw again, in order: (widget, whether a
    layout of the screen was asked for too)."""

    def watch(self, *widgets: Widget) -> None:
        for widget in widgets:
            asked = widget.refresh

            def refresh(
                *regions: Region, _widget: Widget = widget, _asked: Any = asked, **how: bool
            ) -> Widget:
                self.append((_widget, how.get("layout", False)))
                return cast(Widget, _asked(*regions, **how))

            widget.refresh = refresh  # type: ignore[method-assign]

    def of(self, widget: Widget) -> list[bool]:
        """Each request `widget` made: whether it asked for a layout."""
        return [layout for asked, layout in self if asked is widget]


async def until(pilot: Pilot[object], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds (store calls finish on their own thread)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    raise AssertionError(f"timed out waiting for {what}")


async def loaded(pilot: Pilot[object]) -> WarRoomScreen:
    """The war room, once its state and timeline are on screen and it has joined (its user is
    listed as here): nothing it does on opening is left to happen during the test."""

    def ready() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, WarRoomScreen)
            and screen.state is not None
            and screen.query_one("#timeline").row_count > 0  # type: ignore[attr-defined]
            and "Log" in str(screen.query_one("KeyBar").render())  # the keys are shown too
            and screen.joined  # the heartbeat has stamped: nothing of opening is left to run
        )

    await until(pilot, ready, "the war room to load")
    screen = pilot.app.screen
    assert isinstance(screen, WarRoomScreen)
    return screen


async def pm_loaded(pilot: Pilot[object]) -> PostMortemScreen:
    """The post-mortem screen, once its report is on screen."""

    def ready() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, PostMortemScreen)
            and screen.report is not None
            and screen.loaded
            and not screen.checking
            and "Checks" in str(screen.query_one("KeyBar").render())  # the keys are shown too
        )

    await until(pilot, ready, "the post-mortem to load")
    screen = pilot.app.screen
    assert isinstance(screen, PostMortemScreen)
    return screen
