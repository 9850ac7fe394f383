"""The war room: the screen an incident commander lives in for hours.

The screen owns the incident's state and is the only place that talks to the store (through
the app's store thread). Its widgets are bound to that state and send messages back. While it
is open it follows the change feed (screens/live.py), so that what others change appears
within a second, and keeps a presence heartbeat (screens/presence.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.widgets import Input

from warroom.domain.cadence import ResponseStatus, next_update_due, response_status
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import postmortem_due
from warroom.domain.logline import LogLine, parse_log_line, unclear_start
from warroom.domain.model import ActionItem, Event, EventKind, Incident, Presence
from warroom.domain.room import FIRST_PAGE, RoomPreview, RoomState
from warroom.domain.severity import SEVERITIES
from warroom.domain.timefmt import clock_time, date_time
from warroom.screens import across, room_dialogs
from warroom.screens.action_items import ActionItems
from warroom.screens.base import NotDone, OpenPostmortem, ShowHome, WarroomScreen
from warroom.screens.drafts import RoomDrafts
from warroom.screens.event_actions import EventActions
from warroom.screens.live import Live
from warroom.screens.presence import Attendance
from warroom.screens.room_dialogs import UpdateDraftKept
from warroom.screens.steps import Steps
from warroom.screens.timeline_pages import read_end, read_page
from warroom.screens.war_room_keys import WAR_ROOM_KEYS
from warroom.services.room import read_news, read_state
from warroom.widgets.board import Board
from warroom.widgets.countdown import Countdown
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.log_input import Line, LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import PAGE, Timeline

if TYPE_CHECKING:
    from warroom.store import Change

# The clock's tick waits while a line is saved, until its row is drawn, this long at most.
CLOCK_HELD_AT_MOST = 0.25  # seconds


class WarRoomScreen(WarroomScreen[None]):
    BINDINGS = WAR_ROOM_KEYS

    # The screen draws none of these itself: the widgets bound to them redraw what changes.
    # (A reactive would repaint the whole screen: every second, for the clock.)
    state: var[RoomState | None] = var(None, init=False)
    now: var[datetime | None] = var(None, init=False)
    due: var[datetime | None] = var(None, init=False)
    response: var[ResponseStatus | None] = var(None, init=False)
    here: var[tuple[Presence, ...]] = var((), init=False)  # who has the room open

    def __init__(
        self,
        incident_id: int,
        preview: RoomPreview | None = None,
        *,
        action_item: int | None = None,
        event_id: int | None = None,
    ) -> None:
        """`preview`: a quick read to draw the first screen from, before the store is open;
        `action_item`: once the board is shown, focus it on that item; `event_id`: open with
        the timeline on that event (a search hit)."""
        super().__init__()
        self.incident_id = incident_id
        self._preview = preview
        self._focus_on_item = action_item
        self._open_on = event_id
        self.live = Live(self, self._apply_changes)
        self.attendance = Attendance(self, self.live, incident_id, self._show_here)
        self.action_items = ActionItems(
            self, incident_id, refresh=self._after_change, placed=self._focus_item
        )
        self.event_actions = EventActions(self, self._show_event)
        self.drafts = RoomDrafts(self, incident_id)
        self.steps = Steps(self, incident_id, self._after_change)
        # Events this war room logged and showed itself: the feed's news of their creation is
        # not read again (the store thread stays free for the next line).
        self._logged_here: set[int] = set()
        self._clock_held = 0  # lines being saved and not yet drawn

        self._tick_held = False

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        tz = self.host.config.tz
        yield SeverityBanner(id="banner").data_bind(
            WarRoomScreen.now, WarRoomScreen.response, WarRoomScreen.here
        )
        yield Countdown(tz, id="countdown").data_bind(WarRoomScreen.now, WarRoomScreen.due)
        with Horizontal(id="room-body"):
            yield Timeline(tz, id="timeline")
        yield Board(id="board")
        yield LogInput(id="log", blink=self.host.blink)
        yield KeyBar()

    async def on_mount(self) -> None:
        self.drafts.attach(self.query_one(LogInput))
        self.set_focus(self.query_one(Timeline))
        self.now = self.host.clock.now()
        self.here = (self.attendance.me(),)
        self.set_interval(1.0, self._tick)
        preview = self._preview
        if preview is None:
            await self.live.open()  # first: whatever is committed after the load is news
            await self._reload_state()
            await self._load_newest()
            if self._open_on is not None:
                await self.jump_to_event(self._open_on)
            self.run_worker(self._go_live(), group="live")
            return
        self._preview = None
        self.state = preview.state
        self._show_newest(preview.newest_events)
        self.call_after_refresh(self.run_worker, self._catch_up())

    async def _catch_up(self) -> None:
        """After a quick first screen: read it again through the store, once it is open."""
        await self.live.open()
        await self._reload_all()
        await self._go_live()

    async def _reload_all(self) -> None:
        await self._reload_state()
        await self._load_newest(keep=True)

    def _tick(self) -> None:
        if self._clock_held and not self._tick_held:
            self._tick_held = True  # one tick waits at most: lines saved one after the
            return  # other would hold the clock for as long
        self._tick_held = False
        self.now = self.host.clock.now()
        if self.state is not None:
            self._date_the_timeline(self.state.incident, self.now)

    def _date_the_timeline(self, incident: Incident, now: datetime) -> None:
        """Dates in the timeline once the incident spans days (at midnight, as it passes)."""
        tz = self.host.config.tz
        detected_day = incident.detected_at.astimezone(tz).date()
        self.query_one(Timeline).show_dates = detected_day != now.astimezone(tz).date()

    # ---- state ----------------------------------------------------------------------------

    async def _reload_state(self) -> None:
        self.state = await self.host.call(lambda store: read_state(store, self.incident_id))

    def watch_state(self, state: RoomState | None) -> None:
        if state is None:
            return
        app = self.host
        incident = state.incident
        self.sub_title = incident.key
        now = app.clock.now()
        self.response = response_status(
            incident, state.severity_changes, now, app.config.standup, app.config.tz
        )
        countdown = self.query_one(Countdown)
        countdown.resolved = not incident.is_active
        countdown.audience = SEVERITIES[incident.severity].audience
        countdown.cadence = app.config.cadence[incident.severity].describe()
        countdown.update_key = self._key_for("update")
        if incident.resolved_at is not None:
            self.due = postmortem_due(incident.resolved_at)
        else:
            last = state.last_update.occurred_at if state.last_update else None
            self.due = next_update_due(
                incident, last, state.severity_changes, app.config.schedule, app.config.tz
            )
        banner = self.query_one(SeverityBanner)
        banner.incident = incident
        banner.roles = state.roles
        board = self.query_one(Board)
        board.items = state.action_items
        if self._focus_on_item is not None and board.select(self._focus_on_item):
            self._focus_on_item = None
        self._date_the_timeline(incident, now)

    def _key_for(self, binding_id: str) -> str:
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                keys = self.host.config.keys.get(binding_id, binding.key)
                return keys.split(",")[0]
        return binding_id

    async def _after_change(self) -> None:
        await self._reload_state()
        await self._pull_new_events()

    async def show_stored(self) -> None:
        await self._after_change()

    # ---- the timeline ---------------------------------------------------------------------

    async def _load_newest(self, select: int | None = None, *, keep: bool = False) -> None:
        """The newest page, the cursor on `select` (default: the newest event). `keep`: on
        the event the cursor is on when the page arrives, unless that is the newest (then
        on the newest: following it). Decided on arrival, not before the read: an event
        typed and shown meanwhile is not scrolled away from. An event older than the page
        (the person paged back meanwhile): the window stays, and the page is shown in it; if
        it does not reach the window (more came than a page), the window no longer reaches
        the newest, and what lies between is read when the cursor gets there."""
        events = await self.host.call(
            lambda store: store.events_before(self.incident_id, None, limit=FIRST_PAGE)
        )
        if keep:
            timeline = self.query_one(Timeline)
            current = timeline.selected
            if current is not None and current != timeline.events[-1]:
                page = {event.id for event in events}
                if current.id not in page:
                    shown = {event.id for event in timeline.events}
                    reaches = timeline.events[-1].id in page
                    for event in events:
                        if reaches or event.id in shown:
                            timeline.upsert(event)
                    if not reaches:
                        timeline.has_newer = True
                    return
                select = current.id
        self._show_newest(events, select)

    def _show_newest(self, events: Sequence[Event], select: int | None = None) -> None:
        self.query_one(Timeline).show(
            events, has_older=len(events) == FIRST_PAGE, has_newer=False, select=select
        )

    async def on_timeline_page_wanted(self, message: Timeline.PageWanted) -> None:
        await read_page(self.host.call, self.incident_id, message)

    async def on_timeline_end_wanted(self, message: Timeline.EndWanted) -> None:
        await read_end(self.host.call, self.incident_id, message)

    async def on_timeline_event_action(self, message: Timeline.EventAction) -> None:
        await self.event_actions.act(message.action, message.event)

    async def _show_event(self, event: Event) -> None:
        timeline = self.query_one(Timeline)
        if not timeline.upsert(event):
            await self._load_newest(select=event.id)

    async def _pull_new_events(self) -> None:
        """Show what was added after the newest event on screen (by warroom or by others)."""
        timeline = self.query_one(Timeline)
        if timeline.has_newer:
            return
        newest = timeline.events[-1] if timeline.events else None
        cursor = (newest.occurred_at, newest.id) if newest else None
        events = await self.host.call(
            lambda store: store.events_after(self.incident_id, cursor, limit=2 * PAGE)
        )
        if len(events) == 2 * PAGE:
            await self._load_newest()
            return
        for event in events:
            timeline.upsert(event)

    # ---- logging: keystroke → committed → row drawn (README, "Performance") --------------

    def _parse(self, text: str, kind: EventKind) -> LogLine:
        """The line as `warroom log` would read it: a start that looks mistyped (a time that
        `--at` refuses, a kind misspelt) is refused, not logged as text."""
        app = self.host
        now, tz = app.clock.now(), app.config.tz
        unclear = unclear_start(text, now, tz)
        if unclear is not None:
            raise BadInput(unclear)
        return parse_log_line(text, kind, now, tz)

    def _hold_the_clock(self) -> Callable[[], None]:
        """The clock's tick (the banner and the countdown) waits while a line is saved, until
        its row is drawn: Textual draws a frame at once after a pause, but the next one no
        sooner than a sixtieth of a second later, often two, so a tick drawn just before the
        row would hold the row back by up to 33 ms. Returns the release, which draws a tick
        that waited; it comes by itself after CLOCK_HELD_AT_MOST (the row may never be drawn:
        the line not saved, or the timeline under a dialog)."""
        self._clock_held += 1

        def release() -> None:
            self._clock_held -= 1
            if not self._clock_held and self._tick_held:
                self._tick()

        return self._once(release, at_the_latest=CLOCK_HELD_AT_MOST)

    def _once(self, work: Callable[[], None], *, at_the_latest: float) -> Callable[[], None]:
        """`work` as a call that does it once, whoever calls first: the caller, or a timer
        after `at_the_latest` seconds."""
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                work()

        self.set_timer(at_the_latest, once)
        return once

    def on_log_input_submitted(self, message: LogInput.Submitted) -> None:
        # Saved by a worker, so the screen goes on handling what comes meanwhile (Escape, a
        # command): the lines themselves wait their turn in the log input, one at a time.
        self.run_worker(self._save_line(message.log_input, message.line), group="log")

    async def _save_line(self, log_input: LogInput, typed: Line) -> None:
        if typed.as_typed:  # Enter again on a line refused as mistyped: logged as it reads
            line = LogLine(typed.text.strip(), typed.kind, None)
        else:
            try:
                line = self._parse(typed.text, typed.kind)
            except BadInput as error:
                self.notify(
                    f"{error}. Correct it, or press Enter again to log the line as typed.",
                    title="Not logged: not understood",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
                log_input.not_saved(typed, refused=True)
                return
        release_the_clock = self._hold_the_clock()
        event = await self.attempting(
            "log the event",
            self.host.log_event(
                self.incident_id,
                line.text,
                actor=self.host.config.user,
                kind=line.kind,
                occurred_at=line.occurred_at,
            ),
        )
        if isinstance(event, NotDone):  # the text comes back to the input; the user was told
            release_the_clock()
            log_input.not_saved(typed)
            return
        log_input.saved(typed)
        self._logged_here.add(event.id)
        await self._show_event(event)
        # What was just typed is shown, wherever the cursor was: a person checks it went in.
        timeline = self.query_one(Timeline)
        timeline.reveal(event.id)
        timeline.when_drawn(event.id, release_the_clock)
        # The row on the screen: a moment nobody waits for, to collect the line's garbage in.
        timeline.when_drawn(event.id, self.host.collector.breather)
        if line.yesterday and line.occurred_at is not None:
            tz = self.host.config.tz
            self.notify(
                f"{clock_time(line.occurred_at, tz)} is later than now: logged as yesterday's "
                f"({date_time(line.occurred_at, tz)}). "
                "If that is not what you meant: Escape, then e on its row.",
                markup=False,
            )

    # ---- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing, a key is a letter, not a command. (Dialogs with text areas are screens
        # of their own: these bindings do not reach them.)
        # Escape is not bound here: it leaves the log line (its text stays) and closes dialogs,
        # and never leaves the war room (one Escape too many dropped the IC on the home screen).
        return not isinstance(self.focused, Input)

    def on_log_input_left(self) -> None:
        if self.focused is None:
            self.set_focus(self.query_one(Timeline))

    def action_focus_log(self) -> None:
        self.query_one(LogInput).focus_input()

    def action_home(self) -> None:
        self.go(ShowHome())

    async def action_quit(self) -> None:
        """Quit; with something typed and not sent, keep it as a draft and say so first."""
        if not await self.drafts.stop_the_quit():
            await self.app.action_quit()

    def on_update_draft_kept(self, message: UpdateDraftKept) -> None:
        self.drafts.update_kept = message.kept

    def action_severity(self) -> None:
        if self.state is not None:
            room_dialogs.change_severity(self, self.state, self._after_change)

    def action_advance(self) -> None:
        if self.state is not None:
            self.steps.advance(self.state, self.action_resolve)

    def action_step_back(self) -> None:
        if self.state is not None:
            self.steps.back(self.state)

    def action_resolve(self) -> None:
        if self.state is not None and self.state.incident.is_active:
            room_dialogs.resolve(self, self.state, self._after_change)

    def action_update(self) -> None:
        self.run_worker(self._compose_update(), exclusive=True, group="update")

    async def _compose_update(self) -> None:
        if self.state is not None:
            await room_dialogs.compose_update(self, self.state, self._after_change)

    def action_add_action(self) -> None:
        self.action_items.add()

    async def on_board_move_wanted(self, message: Board.MoveWanted) -> None:
        await self.action_items.move(message.item, message.step)

    def on_board_edit_wanted(self, message: Board.EditWanted) -> None:
        self.action_items.edit(message.item)

    def _focus_item(self, item: ActionItem) -> None:
        self.set_focus(self.query_one(Board).column_of(item.status))

    def action_postmortem(self) -> None:
        self.go(OpenPostmortem(self.incident_id))

    def action_roles(self) -> None:
        if self.state is not None:
            room_dialogs.assign_roles(self, self.state, self._after_change)

    def action_search(self) -> None:
        if self.state is not None:
            across.search_timeline(self, self.state.incident, self.jump_to_event)

    def action_labels(self) -> None:
        if self.state is not None:
            across.edit_labels(self, self.state.incident, self._reload_state)

    async def jump_to_event(self, event_id: int) -> None:
        timeline = self.query_one(Timeline)
        if not await across.show_around(self, timeline, event_id):
            self.notify(f"EV-{event_id} was deleted meanwhile.", markup=False)
        self.set_focus(timeline)

    # ---- live: what others change, and who is here ----------------------------------------

    async def _go_live(self) -> None:
        """Once the screen has loaded through the store: follow the feed, and join."""
        await self.drafts.bring_back()
        await self.live.start()
        await self.attendance.join()
        self.set_interval(1.0, self.attendance.tick)

    def on_live_changed(self, _message: Live.Changed) -> None:
        self.live.wake()

    async def _apply_changes(self, changes: Sequence[Change] | None) -> None:
        """Show what the feed says changed (others' writes, and this app's own coming back):
        re-read only that. None: the place in the feed was lost, read everything again."""
        if changes is None:
            await self._reload_all()
            await self.attendance.read()
            return
        changes = [change for change in changes if not self._shown_already(change)]
        if not any(change.incident_id == self.incident_id for change in changes):
            return
        state = self.state
        last_update = state.last_update if state else None
        news = await self.host.call(
            lambda store: read_news(store, self.incident_id, changes, last_update)
        )
        if self.state is not None:
            self.state = news.applied_to(self.state)
        if news.many_events:
            await self._reload_window()
        else:
            self._show_changed_events(news.events)
        if news.presence:
            await self.attendance.read()

    def _shown_already(self, change: Change) -> bool:
        """The creation of an event logged here (shown when it was saved). Only that first
        change: an edit of it, by anyone, is news."""
        if change.entity != "event" or change.entity_id not in self._logged_here:
            return False
        self._logged_here.discard(change.entity_id)
        return True

    def _show_changed_events(self, events: Sequence[Event]) -> None:
        """Upsert the events that differ from what is shown, in the timeline's window (an event
        beyond it is shown when the window gets there)."""
        timeline = self.query_one(Timeline)
        shown = {event.id: event for event in timeline.events}
        for event in events:
            if shown.get(event.id) != event:
                timeline.upsert(event)

    async def _reload_window(self) -> None:
        timeline = self.query_one(Timeline)
        if timeline.has_newer:
            return  # reading old events: the newest are read when the window gets there
        await self._load_newest(keep=True)  # following the newest goes on following it

    def _show_here(self, people: tuple[Presence, ...]) -> None:
        self.here = people

    @property
    def joined(self) -> bool:
        """This user's heartbeat has stamped once: the others see them here."""
        return self.attendance.joined

    async def on_unmount(self) -> None:
        """Leave: keep what was typed and not sent (the store thread writes it before the app
        ends), stop the feed and the heartbeat (the others see this user go)."""
        self.drafts.keep_on_leaving()
        self.attendance.leaving()
        await self.live.close()
        await self.attendance.leave()

    # ---- the command palette --------------------------------------------------------------

    def system_commands(self) -> Iterable[SystemCommand]:
        commands: Sequence[tuple[str, str, Callable[[], object]]] = (
            ("Log an event", "Focus the log input", self.action_focus_log),
            ("Change severity", "Pick SEV-1 to SEV-4", self.action_severity),
            ("Post a stakeholder update", "Compose, post and copy an update", self.action_update),
            ("Add an action item", "Open the action-item form", self.action_add_action),
            ("Advance the lifecycle one step", "The next step (p)", self.action_advance),
            ("Step the lifecycle back", "Back one step, recorded", self.action_step_back),
            (
                "Resolve the incident",
                "Mark it resolved; the post-mortem follows",
                self.action_resolve,
            ),
            ("Assign roles", "IC, scribe, comms liaison, experts", self.action_roles),
            ("Search the timeline", "Find events by text and kind", self.action_search),
            ("Services and tags", "Edit the incident's services and tags", self.action_labels),
            ("Open the post-mortem", "Write the blameless post-mortem", self.action_postmortem),
            ("Back to the incident list", "The home screen", self.action_home),
        )
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
