"""The post-mortem editor: every field of the lesson's report, saved as it is typed, checked as
it is typed, published once nothing stands in the way (or when forced, on the record).

The screen owns the report's state and is the only place that talks to the store (through the
app's store thread). Its parts: the form (form.py) shows the fields and types into the draft,
the autosave (autosave.py) saves it, a conflict with someone else's save is decided with the
user (conflicts.py), and others' changes come in through the change feed (screens/live.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Select, TextArea

from warroom.domain.errors import BadInput, Conflict, StorageError, first_line
from warroom.domain.model import Event, PostMortem
from warroom.domain.postmortem import PostmortemPreview, Report, with_fields
from warroom.domain.report_draft import ReportDraft
from warroom.domain.room import FIRST_PAGE
from warroom.screens.action_items import ActionItems
from warroom.screens.base import OpenIncident, WarroomScreen
from warroom.screens.event_actions import EventActions
from warroom.screens.live import Live
from warroom.screens.postmortem.autosave import Autosave
from warroom.screens.postmortem.checking import LiveChecks
from warroom.screens.postmortem.conflicts import SaveConflicts
from warroom.screens.postmortem.form import SECTIONS, ReportForm, place_of
from warroom.screens.postmortem.status import StatusMoves
from warroom.screens.timeline_pages import read_end, read_page
from warroom.services.reporting import ReportSettings, load_report
from warroom.widgets.action_list import ActionItemList
from warroom.widgets.checks_panel import ChecksPanel
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.metrics_panel import MetricsPanel
from warroom.widgets.report_header import ReportHeader
from warroom.widgets.report_timeline import ReportTimeline
from warroom.widgets.timeline import PAGE, Timeline

if TYPE_CHECKING:
    from warroom.store import Change, Store

HELP_NOTES = """\
Fields:    Tab / shift+Tab move · Escape leaves a field (the keys come back)
           Everything is saved as you type; ctrl+s saves at once
Lists:     Enter next line (a new item) · ↑/↓ move · ctrl+↑/↓ reorder
           ctrl+r remove · ctrl+t a factor's category (People, Process,
           Technology, Environment)
Five whys: Enter on an answer asks the next why (proposed, editable)
Checks:    Enter on a problem goes to its field
Timeline:  * star · h hide from the report
"""

# Problems about what is not in the form: where to go instead.
_ELSEWHERE = {
    "incident": "Resolve the incident in the war room (Escape, then p).",
    "status": "Publishing is what makes an overdue post-mortem on time.",
}


class PostMortemScreen(WarroomScreen[None]):
    """The post-mortem of one incident. Escape goes back to the war room."""

    SAVE_DELAY = 0.4  # seconds after the last keystroke
    RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)  # after failed saves, then every 30 s
    HELP_NOTES = HELP_NOTES

    # Priority bindings, acted on in the order typed; while a text field has the focus they
    # stand aside (check_action) and the letters are typed.
    BINDINGS = [
        Binding(
            "p",
            "advance_status",
            "Advance",
            id="pm-advance",
            priority=True,
            tooltip="Move the report on: draft → in review → published (after the checks)",
        ),
        Binding(
            "P",
            "back_status",
            "Back",
            id="pm-back",
            priority=True,
            show=False,
            tooltip="Move the report back a step (published → in review → draft)",
        ),
        Binding(
            "a",
            "add_action",
            "Action",
            id="action",
            priority=True,
            tooltip="Add an action item",
        ),
        Binding(
            "c",
            "checks",
            "Checks",
            id="pm-checks",
            priority=True,
            tooltip="The checks: what stands between the report and publishing",
        ),
        Binding(
            "q", "quit", "Quit", id="quit", priority=True, tooltip="Quit (saving what is typed)"
        ),
        Binding(
            "ctrl+s",
            "save_now",
            "Save",
            show=False,
            priority=True,
            tooltip="Save now (everything is saved as you type anyway)",
        ),
        Binding(
            "escape", "back", "Back", tooltip="Leave the field; from outside one: the war room"
        ),
    ]

    def __init__(
        self,
        incident_id: int,
        *,
        room_below: bool = True,
        preview: PostmortemPreview | None = None,
    ) -> None:
        """`room_below`: the war room is the screen under this one (else, opened straight from
        the command line, it is made when Escape goes back to it: opening is quicker).
        `preview`: the report from a quick read, shown while the store opens."""
        super().__init__()
        self.incident_id = incident_id
        self._room_below = room_below
        self._preview = preview
        self.report: Report | None = None  # as last read (checks and metrics come from it)
        self.doc: ReportDraft | None = None  # the report as stored and as typed
        self.checks = LiveChecks(self, self._report_as_typed)
        self._reloading = False
        self._reload_again = False
        self.loaded = False  # the whole report is on screen, every section
        self.wide = False  # the checks beside the form (else the one or the other)
        self.showing_checks = False  # (narrow) the checks instead of the form
        self.live = Live(self, self._apply_changes)
        self.autosave = Autosave(
            self,
            incident_id,
            delay=self.SAVE_DELAY,
            retry_delays=self.RETRY_DELAYS,
            arrived=self._arrived,
            conflict=self._decide,
            changed=self._show_save_state,
        )
        self.conflicts = SaveConflicts(self, decided=self._decided, later=self.autosave.later)
        self.status = StatusMoves(
            self, incident_id, saved=self.autosave.flush, moved=self._status_moved
        )
        self.action_items = ActionItems(
            self, incident_id, refresh=self._after_item_saved, follow_ups=True
        )
        self.event_actions = EventActions(self, self._show_event)

    @property
    def alive(self) -> bool:
        """Still on screen: not being taken down (popped, or the app quitting). What a store
        call brings back after that has nowhere to go."""
        return self.is_attached and self.display

    @property
    def settings(self) -> ReportSettings:
        config = self.host.config
        return ReportSettings(config.schedule, config.tz)

    @property
    def form(self) -> ReportForm:
        return self._form

    @property
    def checking(self) -> bool:
        """The checks are due or running: the panel shows what they last found."""
        return self.checks.pending

    @property
    def dirty(self) -> bool:
        """Whether anything on screen is not saved yet."""
        return self.autosave.dirty

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._form = ReportForm(self.host.config.tz, blink=self.host.blink, id="pm-form")
        yield ReportHeader(id="pm-header")
        with Horizontal(id="pm-body"):
            yield self._form
            with VerticalScroll(id="pm-side"):
                yield ChecksPanel(id="checks")
                yield MetricsPanel(id="metrics")
        yield KeyBar()

    async def on_mount(self) -> None:
        # Said in the header, not with a loading indicator over the form: its animation drew
        # the screen sixteen times a second while the store opened on its thread, and slowed
        # that opening by a third.
        self.query_one(ReportHeader).show_save("reading…", busy=True)
        self._fit(self.size.width)
        self.run_worker(self._load(), group="pm-load")

    def on_resize(self) -> None:
        self._fit(self.size.width)

    def _fit(self, width: int) -> None:
        """Wide enough: the checks and metrics beside the form; else behind `c`."""
        self.wide = width >= 120
        self._arrange()

    def _show_checks(self, showing: bool) -> None:
        self.showing_checks = showing
        self._arrange()

    def _arrange(self) -> None:
        # `display` and a class on the side panel only: a class on the screen would restyle
        # every field of the form.
        form, side = self.form, self.query_one("#pm-side")
        form.display = self.wide or not self.showing_checks
        side.display = self.wide or self.showing_checks
        side.set_class(not self.wide, "-full")

    # ---- loading, and others' changes -----------------------------------------------------

    async def _load(self) -> None:
        host, incident_id, settings = self.host, self.incident_id, self.settings

        def read(store: Store) -> tuple[Report, list[Event]]:
            report = load_report(store, incident_id, settings)
            return report, store.events_before(incident_id, None, limit=FIRST_PAGE)

        preview, self._preview = self._preview, None
        if preview is not None:  # drawn at once; the store's read below brings any news
            await self._show_first(preview.report, preview.newest_events)
        await self.live.open()  # first: whatever is committed after the read is news
        try:
            report, events = await host.call(read)
        except StorageError as error:  # say so; the war room is below
            self.notify(
                first_line(error),
                title="Could not read the post-mortem: try again",
                severity="error",
                markup=False,
                timeout=15,
            )
            return
        except BadInput as error:
            if host.failed is None:  # (when the store could not open, the app ends)
                self.notify(str(error), title="Could not open the post-mortem", markup=False)
            return
        if not self.alive:
            return
        if preview is None:
            await self._show_first(report, events)
        else:  # as others' changes are: fields being edited keep what is typed
            await self._show_report(report)
            self.query_one(ReportTimeline).show(
                events, has_older=len(events) == FIRST_PAGE, has_newer=False
            )
        await self.live.start()

    async def _drawn_and_checked(self) -> None:
        await self.checks.done()
        drawn = asyncio.get_running_loop().create_future()

        def now_drawn() -> None:
            if not drawn.done():  # cancelled: the app quit before the frame
                drawn.set_result(None)

        self.call_after_refresh(now_drawn)
        await drawn

    async def _show_first(self, report: Report, events: list[Event]) -> None:
        """The first screenful, drawn and checked; then the sections below it."""
        self.doc = self.form.doc = self.autosave.doc = ReportDraft.of(report.stored, report.title)
        # Laid out once, when all is shown: field by field, each list's new rows asked for a
        # layout of the whole form (some thirty of them while opening).
        with self.app.batch_update():
            await self._show_report(report, check_at_once=True)
            await self.form.show_all()
        self.set_focus(self.form)
        self._show_save_state()
        await self._drawn_and_checked()  # before the store loads beside it, on its thread
        with self.app.batch_update():
            await self.form.show_rest()
            self.query_one(ReportTimeline).show(
                events, has_older=len(events) == FIRST_PAGE, has_newer=False
            )
        self.loaded = True

    def on_live_changed(self, _message: Live.Changed) -> None:
        self.live.wake()

    async def _apply_changes(self, changes: Sequence[Change] | None) -> None:
        """Read again what the feed says changed. Events alone change nothing the form shows:
        a long timeline is not re-read for each one logged. None: read everything again."""
        if changes is None:
            await self._reload()
            await self._show_newest_events()
            return
        mine = [change for change in changes if change.incident_id == self.incident_id]
        if not mine or not self.alive:
            return
        if any(change.entity != "event" for change in mine):
            await self._reload()
        events = [c.entity_id for c in mine if c.entity == "event" and c.entity_id is not None]
        if not events or not self.alive:  # (taken down while it read: the app quitting)
            return
        if len(events) > PAGE:
            await self._show_newest_events()
            return
        ids = sorted(set(events))
        found = await self.host.call(lambda store: [store.get_event(i) for i in ids])
        if self.alive:
            timeline = self.query_one(ReportTimeline)
            for event in found:
                timeline.upsert(event)

    async def _reload(self) -> None:
        """Read the report again: others' edits, new action items, a resolution ... Asked
        for again while reading, it reads once more when done (not once per ask)."""
        if self._reloading:
            self._reload_again = True
            return
        settings = self.settings
        self._reloading = True
        try:
            while True:
                self._reload_again = False
                report = await self.host.call(
                    lambda store: load_report(store, self.incident_id, settings)
                )
                await self._show_report(report)
                if not self._reload_again:
                    return
        finally:
            self._reloading = False

    async def _reload_quietly(self) -> None:
        """`_reload`, after this screen's own change: if it fails, the report is shown as it
        was, and the change feed reads it again."""
        try:
            await self._reload()
        except (BadInput, StorageError):
            return

    async def show_stored(self) -> None:
        await self._reload_quietly()

    async def _show_report(self, report: Report, *, check_at_once: bool = False) -> None:
        """Show what was read; others' changes to fields not being edited here come in."""
        if not self.alive:
            return
        self.report = report
        await self.form.show_report(report)
        self.query_one(MetricsPanel).show(report.metrics, self.host.config.tz)
        self.checks.now(at_once=check_at_once)

    async def _show_newest_events(self) -> None:
        events = await self.host.call(
            lambda store: store.events_before(self.incident_id, None, limit=FIRST_PAGE)
        )
        if self.alive:
            self.query_one(ReportTimeline).show(
                events, has_older=len(events) == FIRST_PAGE, has_newer=False
            )

    # ---- typing and saving ----------------------------------------------------------------

    def on_report_form_changed(self, message: ReportForm.Changed) -> None:
        if message.typed:
            self.autosave.typed()
            self.checks.typed()
        self._show_save_state()

    def on_descendant_blur(self) -> None:
        self.autosave.left_field()

    async def _arrived(self, names: Sequence[str]) -> None:
        """A save came back with others' changes to other fields: shown."""
        for name in names:
            await self.form.show_field(name)
        if names:
            self.checks.now()

    def _show_save_state(self) -> None:
        if self.alive:
            text, failed, busy = self.autosave.state(self.form.invalid)
            self.query_one(ReportHeader).show_save(text, failed=failed, busy=busy)

    def action_save_now(self) -> None:
        self.autosave.save_now()

    def _decide(self, conflict: Conflict) -> None:
        if self.doc is not None:
            self.conflicts.decide(self.doc, conflict)

    def _decided(self, names: Sequence[str]) -> None:
        self.autosave.decided()
        self.run_worker(self._after_decision(names), group="pm-decide")

    async def _after_decision(self, names: Iterable[str]) -> None:
        for name in names:
            await self.form.show_field(name)
        self.checks.now()
        self._show_save_state()
        self.autosave.start()

    # ---- checks ---------------------------------------------------------------------------

    def _report_as_typed(self) -> Report | None:
        report, doc = self.report, self.doc
        if report is None or doc is None or not self.alive:
            return None
        return with_fields(report, doc.draft, title=doc.title)

    def on_checks_panel_jump_wanted(self, message: ChecksPanel.JumpWanted) -> None:
        self.go_to(message.where)

    def go_to(self, where: str) -> None:
        """Focus the field a problem is about (`rootCause`, `fiveWhys[2].answer`, ...)."""
        place = place_of(where)
        if place is None:
            return
        if place.widget_id is None:
            if place.name in _ELSEWHERE:
                self.notify(_ELSEWHERE[place.name])
            return
        self._show_checks(False)
        self.form.focus_place(place)

    def action_checks(self) -> None:
        if self.wide:
            self.set_focus(self.query_one(ChecksPanel))
            return
        showing = not self.showing_checks
        self._show_checks(showing)
        self.set_focus(self.query_one(ChecksPanel) if showing else self.form)

    # ---- status ---------------------------------------------------------------------------

    def action_advance_status(self) -> None:
        if self.doc is not None:
            self.status.step(self.doc.draft.status, 1)

    def action_back_status(self) -> None:
        if self.doc is not None:
            self.status.step(self.doc.draft.status, -1)

    async def _status_moved(self, stored: PostMortem) -> None:
        if self.doc is not None:
            for name in self.doc.arrived(stored) or ():
                await self.form.show_field(name)
        await self._reload_quietly()
        await self._pull_new_events()

    # ---- action items and the timeline ----------------------------------------------------

    def action_add_action(self) -> None:
        if self.report is not None:
            self.action_items.add()

    def on_action_item_list_edit_wanted(self, message: ActionItemList.EditWanted) -> None:
        self.action_items.edit(message.item)

    async def _after_item_saved(self) -> None:
        await self._reload_quietly()
        await self._pull_new_events()

    async def on_timeline_page_wanted(self, message: Timeline.PageWanted) -> None:
        await read_page(self.host.call, self.incident_id, message)

    async def on_timeline_end_wanted(self, message: Timeline.EndWanted) -> None:
        await read_end(self.host.call, self.incident_id, message)

    async def on_timeline_event_action(self, message: Timeline.EventAction) -> None:
        if message.action in ("star", "hide"):  # editing and deleting stay in the war room
            await self.event_actions.act(message.action, message.event)

    async def _show_event(self, event: Event) -> None:
        self.query_one(ReportTimeline).upsert(event)

    async def _pull_new_events(self) -> None:
        timeline = self.query_one(ReportTimeline)
        if timeline.has_newer:
            return
        newest = timeline.events[-1] if timeline.events else None
        cursor = (newest.occurred_at, newest.id) if newest else None
        try:
            events = await self.host.call(
                lambda store: store.events_after(self.incident_id, cursor, limit=PAGE)
            )
        except (BadInput, StorageError):  # the timeline catches up with the next change
            return
        if not self.alive:
            return
        for event in events:
            timeline.upsert(event)

    # ---- keys, and leaving ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back", "save_now"):
            return True
        # While typing, a key is a letter, not a command.
        focused = self.focused
        typing = isinstance(focused, Input | TextArea) or (
            focused is not None and isinstance(focused.parent, Select)
        )
        return not typing

    def action_back(self) -> None:
        focused = self.focused
        form = self.form
        if self.showing_checks:
            self._show_checks(False)
            self.set_focus(form)
        elif focused is not None and focused is not form:
            self.set_focus(form)  # out of the field: the keys are back
        else:
            self._back_to_room()

    def action_quit(self) -> None:
        self._leave(self.app.exit)

    def _back_to_room(self) -> None:
        self._leave(self.app.pop_screen if self._room_below else self._to_new_room)

    def _to_new_room(self) -> None:
        app = self.app
        app.pop_screen()
        app.post_message(OpenIncident(self.incident_id))

    def _leave(self, then: Callable[[], object]) -> None:
        leave = self.autosave.leave(then, self.form.invalid)
        self.run_worker(leave, group="pm-leave", exclusive=True)

    async def on_unmount(self) -> None:
        self.autosave.last_words()  # (quitting without a word: ctrl+q)
        await self.live.close()

    # ---- the command palette --------------------------------------------------------------

    def system_commands(self) -> Iterable[SystemCommand]:
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (
                "Advance the post-mortem",
                "draft → in review → published (after the checks)",
                self.action_advance_status,
            ),
            ("Move the post-mortem back", "published → in review → draft", self.action_back_status),
            (
                "Show the checks",
                "What stands between the report and publishing",
                self.action_checks,
            ),
            ("Add an action item", "Open the action-item form", self.action_add_action),
            ("Save now", "Everything is saved as you type anyway", self.action_save_now),
            ("Back to the war room", "Leave the post-mortem (it is saved)", self._back_to_room),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
        for label, where in SECTIONS:
            yield SystemCommand(f"Go to {label}", "A section of the report", self._goer(where))
        yield SystemCommand(
            "Go to Timeline", "Star or hide events for the report", self._to_timeline
        )

    def _goer(self, where: str) -> Callable[[], None]:
        return lambda: self.go_to(where)

    def _to_timeline(self) -> None:
        if self.loaded:  # (its section is mounted)
            self._show_checks(False)
            self.set_focus(self.query_one(ReportTimeline))
