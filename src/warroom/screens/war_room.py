"""The war room: the screen an incident commander lives in for hours.

The screen owns the incident's state and is the only place that talks to the store (through
the app's store thread). Its widgets are bound to that state and send messages back. While it
is open it follows the change feed (screens/live.py): what others change appears within a
second, and it keeps a presence heartbeat, so that the others see who is here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input

from warroom.domain.cadence import ResponseStatus, next_update_due, response_status
from warroom.domain.errors import BadInput, Conflict, DatabaseError, StorageError
from warroom.domain.lifecycle import Phase, postmortem_due
from warroom.domain.logline import LogLine, parse_log_line
from warroom.domain.merge import settle
from warroom.domain.model import ActionItem, Event, EventKind, Incident, Presence
from warroom.domain.room import FIRST_PAGE, RoomPreview, RoomState
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.text import printable
from warroom.domain.timefmt import clock_time, date_time
from warroom.domain.updates import UpdateContext, compose_update
from warroom.screens.base import OpenPostmortem, ShowHome, WarroomScreen
from warroom.screens.live import Live
from warroom.screens.timeline_pages import read_end, read_page
from warroom.services.room import read_news, read_state
from warroom.widgets.board import Board, stepped
from warroom.widgets.countdown import Countdown
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.log_input import LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import PAGE, Timeline

if TYPE_CHECKING:
    from warroom.screens.dialogs.action_form import ActionDraft
    from warroom.screens.dialogs.item_conflict import ConflictChoice
    from warroom.store import Change, Heartbeat, Store

T = TypeVar("T")

# Who is here is read again this often (and whenever someone opens or closes the war room):
# someone whose warroom stopped stamping drops off by itself.
PRESENCE_REFRESH = timedelta(seconds=5)
# The clock's tick waits while a line is saved, until its row is drawn, this long at most.
CLOCK_HELD_AT_MOST = 0.25  # seconds


@dataclass(frozen=True)
class NotDone:
    """A store call that failed; the user has been told why. `retry`: trying again can work,
    so a dialog keeps what was typed for it (not after a conflict: what is stored changed)."""

    retry: bool


class WarRoomScreen(WarroomScreen[None]):
    # Priority bindings, so a key is acted on in the order it was typed: `l` followed at once
    # by text puts the text in the log input. While a text field has focus they stand aside
    # (check_action), and the letters are typed.
    BINDINGS = [
        Binding(
            "l",
            "focus_log",
            "Log",
            id="log",
            priority=True,
            tooltip="Type events: Enter saves each, Escape leaves",
        ),
        Binding(
            "s", "severity", "Severity", id="severity", priority=True, tooltip="Change severity"
        ),
        Binding(
            "u",
            "update",
            "Update",
            id="update",
            priority=True,
            tooltip="Compose a stakeholder update",
        ),
        Binding(
            "a",
            "add_action",
            "Action",
            id="action",
            priority=True,
            tooltip="Add an action item",
        ),
        Binding("p", "advance", "Step", id="phase", priority=True, tooltip="Advance the lifecycle"),
        Binding(
            "w",
            "postmortem",
            "PM",
            id="postmortem",
            priority=True,
            tooltip="Open the post-mortem of this incident",
        ),
        Binding(
            "r",
            "roles",
            "Roles",
            id="roles",
            priority=True,
            tooltip="Assign IC, scribe, comms, experts",
        ),
        Binding("escape", "home", "Home", show=False),
    ]

    # The screen draws none of these itself: the widgets bound to them redraw what changes.
    # (A reactive would repaint the whole screen: every second, for the clock.)
    state: var[RoomState | None] = var(None, init=False)
    now: var[datetime | None] = var(None, init=False)
    due: var[datetime | None] = var(None, init=False)
    response: var[ResponseStatus | None] = var(None, init=False)
    here: var[tuple[Presence, ...]] = var((), init=False)  # who has the room open

    def __init__(self, incident_id: int, preview: RoomPreview | None = None) -> None:
        """`preview`: a quick read to draw the first screen from, before the store is open."""
        super().__init__()
        self.incident_id = incident_id
        self._preview = preview
        self.live = Live(self, self._apply_changes)
        self._heartbeat: Heartbeat | None = None  # set and cleared on the store thread
        self._joined = False  # a heartbeat was asked for
        self._left = False
        # Events this war room logged and showed itself: the feed's news of their creation is
        # not read again (the store thread stays free for the next line).
        self._logged_here: set[int] = set()
        self._clock_held = 0  # lines being saved and not yet drawn
        self._tick_held = False
        self._presence_due: datetime | None = None

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
        self.set_focus(self.query_one(Timeline))
        self.now = self.host.clock.now()
        self.here = (self._me(),)
        self.set_interval(1.0, self._tick)
        preview = self._preview
        if preview is None:
            await self.live.open()  # first: whatever is committed after the load is news
            await self._reload_state()
            await self._load_newest()
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
        self.query_one(Board).items = state.action_items
        self._date_the_timeline(incident, now)

    def _key_for(self, binding_id: str) -> str:
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                keys = self.host.config.keys.get(binding_id, binding.key)
                return keys.split(",")[0]
        return binding_id

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

    async def _after_change(self) -> None:
        await self._reload_state()
        await self._pull_new_events()

    # ---- logging --------------------------------------------------------------------------

    def _parse(self, text: str, kind: EventKind) -> LogLine:
        app = self.host
        return parse_log_line(text, kind, app.clock.now(), app.config.tz)

    def _hold_the_clock(self) -> Callable[[], None]:
        """The clock's tick (the banner and the countdown) waits while a line is saved, until
        its row is drawn. Textual draws a frame at once after a pause, but the next one no
        sooner than a sixtieth of a second later, often two: a tick drawn just before the row
        held the row back by up to 33 ms. Returns the release, which draws a tick that waited;
        it comes by itself after CLOCK_HELD_AT_MOST (the row may never be drawn: the line not
        saved, or the timeline under a dialog)."""
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

    async def on_log_input_submitted(self, message: LogInput.Submitted) -> None:
        try:
            line = self._parse(message.text, message.kind)
        except BadInput as error:
            self.notify(str(error), severity="warning", markup=False)
            message.log_input.not_saved()
            return
        release_the_clock = self._hold_the_clock()
        event = await self._attempt(
            "log the event",
            lambda store: store.log_event(
                self.incident_id,
                line.text,
                actor=self.host.config.user,
                kind=line.kind,
                occurred_at=line.occurred_at,
            ),
        )
        if event is None:  # not saved: the text stays in the input, the user has been told
            release_the_clock()
            message.log_input.not_saved()
            return
        message.log_input.saved(message.text)
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

    async def _attempt(self, what: str, work: Callable[[Store], T]) -> T | None:
        """Run a store call; on failure tell the user what was not done and why, and return
        None."""
        done = await self._try(what, work)
        return None if isinstance(done, NotDone) else done

    async def _try(self, what: str, work: Callable[[Store], T]) -> T | NotDone:
        """Run a store call; on failure tell the user what was not done and why."""
        try:
            return await self.host.call(work)
        except Conflict as error:
            self.notify(
                f"{error}. Showing what is stored now; make your change again if still needed.",
                title=f"Could not {what}",
                severity="warning",
                markup=False,
            )
            await self._after_change()
            return NotDone(retry=False)
        except (StorageError, DatabaseError) as error:  # a full disk, busy, read-only, damaged
            self._not_saved(what, str(error))
        except BadInput as error:  # refused as it is: the user can change it
            self.notify(str(error), title=f"Could not {what}", severity="warning", markup=False)
        except Exception as error:  # a bug: still, the app and what was typed stay
            first = str(error).splitlines()[0] if str(error) else ""
            self._not_saved(what, f"unexpected error: {type(error).__name__}: {first}")
        return NotDone(retry=True)

    def _not_saved(self, what: str, why: str) -> None:
        self.notify(
            printable(why),
            title=f"Could not {what}: nothing was saved",
            severity="error",
            markup=False,
            timeout=15,
        )

    async def _saved(self, what: str, work: Callable[[Store], object]) -> bool:
        """For a dialog's save: whether it may close (saved, or refused by a conflict)."""
        done = await self._try(what, work)
        if isinstance(done, NotDone):
            return not done.retry
        await self._after_change()
        return True

    # ---- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing, a key is a letter, not a command. (Dialogs with text areas are screens
        # of their own: these bindings do not reach them.)
        return action == "home" or not isinstance(self.focused, Input)

    def on_log_input_left(self) -> None:
        self.set_focus(self.query_one(Timeline))

    def action_focus_log(self) -> None:
        self.query_one(LogInput).focus_input()

    def action_home(self) -> None:
        self.go(ShowHome())

    def action_severity(self) -> None:
        from warroom.screens.dialogs.severity import SeverityDialog

        state = self.state
        if state is None:
            return

        async def chosen(level: int | None) -> None:
            if level is None or level == state.incident.severity:
                return
            change = await self._attempt(
                "change severity",
                lambda store: store.change_severity(
                    self.incident_id, level, actor=self.host.config.user
                ),
            )
            if change is not None:
                await self._after_change()
                self.notify(f"Severity now {severity_label(level)}; update clock restarted")

        self.app.push_screen(SeverityDialog(state.incident.severity), chosen)

    def action_advance(self) -> None:
        state = self.state
        if state is None:
            return
        following = state.incident.phase.next
        if following is None:
            self.notify("This incident is resolved: its post-mortem is the last step.")
            return
        if following is Phase.POSTMORTEM:
            self.action_resolve()
            return
        self.run_worker(self._advance(), exclusive=True, group="lifecycle")

    async def _advance(self) -> None:
        incident = await self._attempt(
            "advance",
            lambda store: store.advance_phase(self.incident_id, actor=self.host.config.user),
        )
        if incident is not None:
            await self._after_change()

    def action_resolve(self) -> None:
        from warroom.screens.dialogs.confirm import ConfirmDialog

        state = self.state
        if state is None or not state.incident.is_active:
            return

        async def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            incident = await self._attempt(
                "resolve",
                lambda store: store.resolve(self.incident_id, actor=self.host.config.user),
            )
            if incident is not None:
                await self._after_change()
                self.notify("Resolved. The post-mortem is due within 48 hours.")

        self.app.push_screen(
            ConfirmDialog(
                f"Resolve {state.incident.key}?",
                "The fix is confirmed and monitoring is stable. The post-mortem clock starts.",
            ),
            confirmed,
        )

    def action_update(self) -> None:
        self.run_worker(self._compose_update(), exclusive=True, group="update")

    async def _compose_update(self) -> None:
        from warroom.screens.dialogs.composer import UpdateComposer

        state = self.state
        if state is None:
            return
        app = self.host
        since = state.last_update
        cursor = (since.occurred_at, since.id) if since else None
        events = await app.call(
            lambda store: store.events_after(self.incident_id, cursor, limit=2000)
        )
        now = app.clock.now()
        incident = state.incident
        # the deadline the update will set: one cadence from now
        due = app.config.schedule.due_after(incident.severity, now, app.config.tz)
        draft = compose_update(
            UpdateContext(
                incident, since.occurred_at if since else None, events, state.action_items, due, now
            ),
            app.config.tz,
        )

        async def post(text: str) -> bool:
            event = await self._attempt(
                "post the update",
                lambda store: store.log_event(
                    self.incident_id, text, actor=app.config.user, kind=EventKind.UPDATE
                ),
            )
            if event is None:
                return False  # the composer keeps the draft
            self.app.copy_to_clipboard(text)
            await self._after_change()
            self.notify("Update posted to the timeline and copied to the clipboard.")
            return True

        audience = SEVERITIES[incident.severity].audience
        self.app.push_screen(UpdateComposer(draft, audience, blink=app.blink, save=post))

    def action_add_action(self) -> None:
        async def save(draft: ActionDraft) -> bool:
            return await self._saved(
                "add the action item",
                lambda store: store.add_action_item(
                    self.incident_id,
                    draft.description,
                    actor=self.host.config.user,
                    type=draft.type,
                    owner=draft.owner,
                    priority=draft.priority,
                    due_date=draft.due_date,
                    status=draft.status,
                    ticket=draft.ticket,
                ),
            )

        self.app.push_screen(self._action_form(None, save))

    def _action_form(
        self, item: ActionItem | None, save: Callable[[ActionDraft], Awaitable[bool]]
    ) -> Screen[ActionDraft | None]:
        from warroom.screens.dialogs.action_form import ActionItemForm

        app = self.host
        today = app.clock.now().astimezone(app.config.tz).date()
        return ActionItemForm(today, item, blink=app.blink, save=save)

    async def on_board_move_wanted(self, message: Board.MoveWanted) -> None:
        """A move is a step from where the item is as it is saved: keys pressed together
        (`[ ] [`, over a slow link) each move on from the move before, which is not someone
        else's change (it was taken for one, and asked about)."""
        item_id, step, actor = message.item.id, message.step, self.host.config.user

        def move(store: Store) -> ActionItem | ItemConflict | None:
            items = store.action_items(self.incident_id)
            current = next((item for item in items if item.id == item_id), None)
            status = stepped(current.status, step) if current is not None else None
            if current is None or status is None:
                return current  # gone, or at the end already: nothing to move
            return _save_or_conflict(store, replace(current, status=status), current, actor)

        moved = await self._try("move the action item", move)
        if isinstance(moved, NotDone) or moved is None:
            return
        if isinstance(moved, ItemConflict):  # saved by someone else in the same moment
            self.notify(
                "Someone else changed the action item just then: it is shown as they left it.",
                title="Could not move the action item",
                severity="warning",
                markup=False,
            )
        await self._after_change()
        item = moved.theirs if isinstance(moved, ItemConflict) else moved
        self.set_focus(self.query_one(Board).column_of(item.status))

    def on_board_edit_wanted(self, message: Board.EditWanted) -> None:
        self._edit_item(message.item, base=message.item)

    def _edit_item(self, item: ActionItem, *, base: ActionItem) -> None:
        """The form, filled from `item`; saved as an edit of `base` (what is stored). A
        conflict found on saving is asked about once the form has closed."""
        conflicts: list[ItemConflict] = []

        async def save(draft: ActionDraft) -> bool:
            edited = replace(
                item,
                description=draft.description,
                type=draft.type,
                owner=draft.owner,
                priority=draft.priority,
                due_date=draft.due_date,
                ticket=draft.ticket,
                status=draft.status,
            )
            return await self._save_item(edited, base, conflicts=conflicts)

        def closed(_draft: ActionDraft | None) -> None:
            if conflicts:
                self._settle_conflict(conflicts[0], base)

        self.app.push_screen(self._action_form(item, save), closed)

    async def _save_item(
        self, item: ActionItem, base: ActionItem, *, conflicts: list[ItemConflict] | None = None
    ) -> bool:
        """Save `item`, edited from `base`; whether a form may close. When someone else saved
        the item meanwhile, the fields each changed are merged; when both changed a field, the
        user decides: at once, or (`conflicts` given, from a form) once the form has closed."""
        actor = self.host.config.user
        saved = await self._try(
            "save the action item",
            lambda store: _save_or_conflict(store, item, base, actor),
        )
        if isinstance(saved, NotDone):
            return not saved.retry
        if isinstance(saved, ItemConflict):
            if conflicts is None:
                self._settle_conflict(saved, base)
            else:
                conflicts.append(saved)
            return True
        await self._after_change()
        self.set_focus(self.query_one(Board).column_of(saved.status))
        return True

    def _settle_conflict(self, conflict: ItemConflict, base: ActionItem) -> None:
        from warroom.screens.dialogs.item_conflict import ActionItemConflict, ConflictChoice

        theirs, mine, fields = conflict.theirs, conflict.mine, conflict.fields

        async def chosen(choice: ConflictChoice | None) -> None:
            if choice is None:
                self.notify("Your edit of the action item was not saved.", markup=False)
                await self._after_change()
                return
            # What to save is built on theirs, and saved as an edit of theirs: should yet
            # another save have come in meanwhile, that one is merged (or asked about) too.
            settled = settle(
                base, mine, theirs, fields, keep_mine=choice is not ConflictChoice.THEIRS
            )
            if choice is ConflictChoice.EDIT:
                self._edit_item(settled, base=theirs)
            elif settled == theirs:
                await self._after_change()
            else:
                await self._save_item(settled, theirs)

        self.app.push_screen(ActionItemConflict(theirs, mine, fields, self.host.config.tz), chosen)

    def action_postmortem(self) -> None:
        self.go(OpenPostmortem(self.incident_id))

    def action_roles(self) -> None:
        from warroom.screens.dialogs.roles import RoleChange, RolesDialog

        state = self.state
        if state is None:
            return

        actor = self.host.config.user

        async def change(change: RoleChange) -> bool:
            released = change.released
            if released is not None:
                return await self._saved(
                    "release the role", lambda store: store.release_role(released.id, actor=actor)
                )
            return await self._saved(
                "assign the role",
                lambda store: store.assign_role(
                    self.incident_id, change.role, change.person, actor=actor
                ),
            )

        self.app.push_screen(RolesDialog(state.roles, blink=self.host.blink, save=change))

    async def on_timeline_event_action(self, message: Timeline.EventAction) -> None:
        event = message.event
        handlers: dict[str, Callable[[Event], Awaitable[None]]] = {
            "edit": self._edit_event,
            "delete": self._delete_event,
            "star": self._star_event,
            "hide": self._hide_event,
        }
        await handlers[message.action](event)

    async def _edit_event(self, event: Event) -> None:
        from warroom.screens.dialogs.edit_event import EditEventDialog

        app = self.host
        when = event.occurred_at.astimezone(app.config.tz).strftime("%Y-%m-%d %H:%M:%S")
        line = f"{when} {event.kind.value}: {event.text}"

        def parse(text: str) -> LogLine:
            return self._parse(text, event.kind)

        async def save(result: LogLine) -> bool:
            saved = await self._try(
                "edit the event",
                lambda store: store.edit_event(
                    event.id,
                    actor=app.config.user,
                    text=result.text,
                    kind=result.kind,
                    occurred_at=result.occurred_at,
                ),
            )
            if isinstance(saved, NotDone):
                return not saved.retry
            await self._show_event(saved)
            return True

        self.app.push_screen(EditEventDialog(event, line, parse, blink=app.blink, save=save))

    async def _delete_event(self, event: Event) -> None:
        from warroom.screens.dialogs.confirm import ConfirmDialog

        async def confirmed(yes: bool | None) -> None:
            if yes:
                deleted = await self._attempt(
                    "delete the event", lambda store: store.delete_event(event.id)
                )
                if deleted is not None:
                    await self._show_event(deleted)

        self.app.push_screen(
            ConfirmDialog(f"Delete {event.key}?", "It stays in the database, marked deleted."),
            confirmed,
        )

    async def _star_event(self, event: Event) -> None:
        flagged = await self._attempt(
            "star the event", lambda store: store.flag_event(event.id, starred=not event.starred)
        )
        if flagged is not None:
            await self._show_event(flagged)

    async def _hide_event(self, event: Event) -> None:
        flagged = await self._attempt(
            "hide the event", lambda store: store.flag_event(event.id, hidden=not event.hidden)
        )
        if flagged is not None:
            await self._show_event(flagged)

    # ---- live: what others change, and who is here ----------------------------------------

    async def _go_live(self) -> None:
        """Once the screen has loaded through the store: follow the feed, and join."""
        await self.live.start()
        await self._join()
        self.set_interval(1.0, self._presence_tick)

    def on_live_changed(self, _message: Live.Changed) -> None:
        self.live.wake()

    async def _apply_changes(self, changes: Sequence[Change] | None) -> None:
        """Show what the feed says changed (others' writes, and this app's own coming back):
        re-read only that. None: the place in the feed was lost, read everything again."""
        if changes is None:
            await self._reload_all()
            await self._read_presence()
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
            await self._read_presence()

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

    async def _join(self) -> None:
        """Keep a heartbeat that lists this user as here (started once; its stamps failing
        is told), and read who else is."""
        incident_id, user = self.incident_id, self.host.config.user

        def join(store: Store) -> Exception | None:
            from warroom.store import Heartbeat  # on the store thread, as every store import

            # On the store thread, as leaving is: a join still queued when the screen closes
            # runs before the leave, so no heartbeat outlives the screen.
            if self._heartbeat is None and not self._left:
                heartbeat = Heartbeat(store, incident_id, user)
                heartbeat.start()
                self._heartbeat = heartbeat
            return self._heartbeat.error if self._heartbeat else None

        self._joined = True
        try:
            failing = await self.host.call(join)
        except Exception as error:  # the store's failures: told once, tried again
            failing = error
        if failing is not None:
            self.live.report("heartbeat", failing)
        else:
            self.live.settled("heartbeat")
        await self._read_presence()

    @property
    def joined(self) -> bool:
        """This user's heartbeat has stamped once: the others see them here."""
        return self._heartbeat is not None

    async def _read_presence(self) -> None:
        app = self.host
        self._presence_due = app.clock.now() + PRESENCE_REFRESH
        try:
            people = await app.call(lambda store: store.present(self.incident_id))
        except Exception as error:  # the store's failures: told once, tried again
            self.live.report("presence", error)
            return
        self.live.settled("presence")
        if all(person.person != app.config.user for person in people):
            people.append(self._me())  # this war room is open: its user is here
        self.here = tuple(people)

    def _me(self) -> Presence:
        now = self.host.clock.now()
        return Presence(self.host.config.user, since=now, last_seen=now)

    async def _presence_tick(self) -> None:
        due = self._presence_due
        if due is not None and self.host.clock.now() >= due:
            await self._join()

    async def on_unmount(self) -> None:
        """Leave: stop the heartbeat (the others see this user go) and the feed."""
        self._left = True
        await self.live.close()

        def leave(_store: Store) -> None:
            heartbeat, self._heartbeat = self._heartbeat, None
            if heartbeat is not None:
                heartbeat.stop()

        if self._joined and self.host.failed is None:
            await self.host.call(leave)

    # ---- the command palette --------------------------------------------------------------

    def system_commands(self) -> Iterable[SystemCommand]:
        commands: Sequence[tuple[str, str, Callable[[], object]]] = (
            ("Log an event", "Focus the log input", self.action_focus_log),
            ("Change severity", "Pick SEV-1 to SEV-4", self.action_severity),
            ("Post a stakeholder update", "Compose, post and copy an update", self.action_update),
            ("Add an action item", "Open the action-item form", self.action_add_action),
            ("Advance the lifecycle", "Move to the next step", self.action_advance),
            (
                "Resolve the incident",
                "Mark it resolved; the post-mortem follows",
                self.action_resolve,
            ),
            ("Assign roles", "IC, scribe, comms liaison, experts", self.action_roles),
            ("Open the post-mortem", "Write the blameless post-mortem", self.action_postmortem),
            ("Back to the incident list", "The home screen", self.action_home),
        )
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


@dataclass(frozen=True, slots=True)
class ItemConflict:
    """Both saved the same action item, changing the same fields differently."""

    theirs: ActionItem  # what is stored
    mine: ActionItem  # what this save tried to store
    fields: tuple[str, ...]


def _save_or_conflict(
    store: Store, item: ActionItem, base: ActionItem, actor: str
) -> ActionItem | ItemConflict:
    """Save an edited action item; a conflict for the user to settle is returned."""
    try:
        return store.update_action_item(item, actor=actor, base=base)
    except Conflict as conflict:
        theirs, mine = conflict.current, conflict.mine
        if isinstance(theirs, ActionItem) and isinstance(mine, ActionItem):
            return ItemConflict(theirs, mine, conflict.fields)
        raise
