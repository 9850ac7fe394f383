"""The Textual app: screens, global keys, the command palette, and the one thread the store
is used from.

The store is opened on that thread by the first store call: a screen drawn from the quick
read (store/preview.py) makes its first call once it is on the terminal, so SQLAlchemy loads
behind it. Store calls asked for in the meantime wait their turn behind the opening, except
the war room's lines: those go through store/quick_log.py until the store is up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from warroom.config import Config
from warroom.domain.clock import Clock
from warroom.domain.errors import BadInput, StorageError
from warroom.pacing import IdleCollector
from warroom.screens.base import OpenIncident, OpenPostmortem, OpenReport, ShowHome

if TYPE_CHECKING:
    from warroom.domain.model import Event, EventKind, Incident
    from warroom.domain.postmortem import PostmortemPreview
    from warroom.domain.room import RoomPreview
    from warroom.store import Store
    from warroom.store.quick_log import QuickLog

T = TypeVar("T")


class WarroomApp(App[int]):
    """warroom in the terminal. Opens on the home screen, or straight into one war room."""

    # The editor's rules are parsed with the rest at start (~5 ms): a pushed screen's own
    # CSS_PATH has Textual parse every source again, ~40 ms before the editor's first frame.
    CSS_PATH = ["warroom.tcss", "screens/postmortem/postmortem.tcss"]
    TITLE = "warroom"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Keys", id="help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit: everything is already saved"),
        # Textual's own ctrl+q quits at once; in a war room, what is unsent is said first.
        Binding("ctrl+q", "quit_anywhere", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        config: Config,
        clock: Clock,
        *,
        open_store: Callable[[], Store],
        incident_id: int | None = None,
        room: RoomPreview | None = None,
        incidents: list[Incident] | None = None,
        blink: bool = True,
        postmortem: bool = False,
        report: PostmortemPreview | None = None,
        quick_log: QuickLog | None = None,
    ) -> None:
        """`open_store` runs on the store thread; `room` and `incidents` (quick reads) let the
        first screen show before it has. `postmortem`: open the incident's post-mortem (over
        its war room), drawn first from `report` (a quick read) when given."""
        super().__init__()
        self.config = config
        self.clock = clock
        self.blink = blink  # off in tests: no cursor blink, no animations
        self._open_store = open_store
        self._store: Store | None = None
        self._start_incident = incident_id
        self._room = room
        self._incidents = incidents
        self._postmortem = postmortem
        self._report = report
        self._quick_log = quick_log  # the first lines, while the store is still opening
        self.failed: BadInput | StorageError | None = None  # why the store could not open
        # Every store call runs on this one thread, in the order it was asked for: writes
        # never race each other and the event loop never waits on the disk.
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-store")
        self.collector = IdleCollector()  # garbage collected in pauses, not mid-keystroke
        self._closing = False
        if config.theme in self.available_themes:
            self.theme = config.theme
        if not blink:
            self.animation_level = "none"

    def get_css_variables(self) -> dict[str, str]:
        from warroom.widgets.palette import css_variables

        return {**super().get_css_variables(), **css_variables()}

    async def call(self, work: Callable[[Store], T]) -> T:
        """Run `work(store)` on the store thread and wait for it (the UI stays live)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._io, self._with_store, work)

    async def log_event(
        self,
        incident_id: int,
        text: str,
        *,
        actor: str,
        kind: EventKind,
        occurred_at: datetime | None,
    ) -> Event:
        """A line logged (committed when this returns). While the store is still opening, a
        line of the present moment is committed by the quick writer, on a thread of its own."""
        quick = self._quick_log
        if quick is not None and occurred_at is None:
            if self._store is None:
                event = await asyncio.to_thread(
                    quick.log_event, incident_id, text, actor=actor, kind=kind
                )
                if event is not None:
                    return event
            self._quick_log = None  # the store is up (or the file was busy): the store's turn
        return await self.call(
            lambda store: store.log_event(
                incident_id, text, actor=actor, kind=kind, occurred_at=occurred_at
            )
        )

    def call_soon(self, work: Callable[[Store], object]) -> None:
        """Queue `work(store)` on the store thread without waiting for it. It runs before the
        store closes, even when the app is quitting: for last words (a final save)."""
        self._io.submit(self._with_store, work)

    def _with_store(self, work: Callable[[Store], T]) -> T:
        return work(self._store_on_this_thread())

    def _store_on_this_thread(self) -> Store:
        if self._store is None:
            try:
                self._store = self._open_store()
            except (BadInput, StorageError) as error:  # say why, and leave
                self.failed = error
                code = 2 if isinstance(error, BadInput) else 1  # 1: it may work in a moment
                # Not call_from_thread: it would wait for the event loop, which may be waiting
                # for this thread (quitting waits for the store thread to finish).
                self._event_loop.call_soon_threadsafe(partial(self.exit, return_code=code))
                raise
            # Up and open (Textual, SQLAlchemy, the first screen): freeze that heap, and
            # collect garbage in pauses from now on.
            self._event_loop.call_soon_threadsafe(self._collect_in_pauses)
        return self._store

    def on_mount(self) -> None:
        self._event_loop = asyncio.get_running_loop()
        self.set_interval(0.25, self.collector.tick)
        self.set_keymap(dict(self.config.keys))
        if self._start_incident is None:
            from warroom.screens.home import HomeScreen

            self.push_screen(HomeScreen(self._incidents))
        elif self._postmortem:
            pass  # pushed once the app is ready: on_ready
        else:  # straight into a war room; the list of incidents is made when it is asked for
            self.open_incident(self._start_incident, self._room)

    def on_ready(self) -> None:
        """Straight into the post-mortem editor, pushed only now: a screen pushed while the
        app mounts is drawn only once it and the event loop's turns after it are done, and
        the editor then mounts its lower sections, which its first screen was to go without
        (979 ms to the first checked screen, 741 ms pushed here)."""
        if self._start_incident is not None and self._postmortem:
            # The war room is made when it is gone back to.
            self.open_postmortem(self._start_incident, room_below=False, preview=self._report)

    async def action_quit_anywhere(self) -> None:
        """ctrl+q, even while typing: a war room with a line or an update not sent keeps it as
        a draft and says so; the next ctrl+q (or q) quits."""
        from warroom.screens.war_room import WarRoomScreen

        if isinstance(self.screen, WarRoomScreen):
            await self.screen.action_quit()
        else:
            await self.action_quit()

    def show_home(self) -> None:
        """Back to the list of incidents (made now if the app opened straight into a room)."""
        from warroom.screens.home import HomeScreen

        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def open_incident(
        self,
        incident_id: int,
        preview: RoomPreview | None = None,
        action_item: int | None = None,
        event_id: int | None = None,
    ) -> None:
        from warroom.screens.war_room import WarRoomScreen

        self.push_screen(
            WarRoomScreen(incident_id, preview, action_item=action_item, event_id=event_id)
        )

    def open_postmortem(
        self,
        incident_id: int,
        *,
        room_below: bool = True,
        preview: PostmortemPreview | None = None,
    ) -> None:
        from warroom.screens.postmortem import PostMortemScreen

        self.push_screen(PostMortemScreen(incident_id, room_below=room_below, preview=preview))

    # Where the screens ask to go (screens/base.py): they never call the app.

    def on_open_incident(self, message: OpenIncident) -> None:
        self.open_incident(
            message.incident_id, message.preview, message.action_item, message.event_id
        )

    def on_open_report(self, _message: OpenReport) -> None:
        from warroom.screens.report import ReportScreen

        self.push_screen(ReportScreen())

    def on_open_postmortem(self, message: OpenPostmortem) -> None:
        self.open_postmortem(message.incident_id)

    def on_show_home(self, _message: ShowHome) -> None:
        self.show_home()

    def action_help(self) -> None:
        """Every key that does something here, as currently mapped: the screen's and the
        app's first, then those of the focused widget (generic navigation left out)."""
        from warroom.screens.dialogs.help import LOG_SYNTAX, HelpScreen

        rows: list[tuple[int, str, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.tooltip or key in seen:
                continue
            seen.add(key)
            general = active.node is self.screen or active.node is self
            rows.append((0 if general else 1, self.get_key_display(binding), binding.tooltip))
        rows.sort(key=lambda row: row[0])
        notes = getattr(self.screen, "HELP_NOTES", LOG_SYNTAX)
        self.push_screen(HelpScreen([(key, text) for _, key, text in rows], notes))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        commands = getattr(screen, "system_commands", None)
        if callable(commands):
            yield from commands()
        yield from super().get_system_commands(screen)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseEvent)):
            self.collector.typed()
        await super().on_event(event)

    def _collect_in_pauses(self) -> None:
        if not self._closing:  # not once the app has ended: collecting is Python's again
            self.collector.start()

    def on_unmount(self) -> None:
        self._closing = True
        self.collector.stop()
        self._io.submit(self._close_store)
        self._io.shutdown(wait=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
