"""The post-mortem editor: every field of the lesson's report, saved as it is typed, checked as
it is typed, published once nothing stands in the way (or when forced, on the record).

The screen owns the report's state and is the only place that talks to the store (through the
app's store thread); its widgets show what it gives them and tell it what was typed.

Saving: what is typed (`ReportDraft`) is saved SAVE_DELAY after the last keystroke, and at
once on leaving a field, with `save_postmortem(draft, base=<as last read>)`: the fields changed
here go on top of what is stored now, so two people editing different fields both keep their
edits. When someone else changed the same field first, nothing is written: both versions are
shown and the person picks one, or merges them. Others' changes to other fields appear as they
are saved (the change feed). A save that fails keeps the text on screen, says so, and is tried
again (RETRY_DELAYS); leaving with unsaved text asks first.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea

from warroom.domain.checks import Problem, blocking, check_report
from warroom.domain.errors import BadInput, Conflict, DatabaseError
from warroom.domain.model import (
    ActionItem,
    ContributingFactor,
    Event,
    FishboneCategory,
    PostMortem,
    ReportStatus,
)
from warroom.domain.postmortem import (
    Report,
    outage_duration,
    parse_report_date,
    parse_users_affected,
    with_fields,
)
from warroom.domain.report_draft import FIELDS, ReportDraft, choose
from warroom.domain.room import FIRST_PAGE
from warroom.domain.text import printable
from warroom.screens.base import WarroomScreen
from warroom.screens.dialogs.report import (
    LABELS,
    Choice,
    ConflictDialog,
    ForcePublishDialog,
    Merge,
    describe,
)
from warroom.screens.timeline_pages import read_end, read_page
from warroom.services.reporting import NotReady, ReportSettings, change_status, load_report
from warroom.widgets.action_list import ActionItemList
from warroom.widgets.checks_panel import ChecksPanel
from warroom.widgets.fields import TextField
from warroom.widgets.five_whys import FiveWhysEditor
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.list_editor import Entry, ListEditor
from warroom.widgets.metrics_panel import MetricsPanel
from warroom.widgets.report_header import STATUS_NAMES, ReportHeader
from warroom.widgets.report_timeline import ReportTimeline
from warroom.widgets.text_box import TextBox
from warroom.widgets.timeline import PAGE, Timeline

if TYPE_CHECKING:
    from warroom.screens.dialogs.action_form import ActionDraft
    from warroom.store import ChangeFeed, Store

T = TypeVar("T")

# The lists edited line by line: field -> widget id
LISTS = {
    "authors": "authors",
    "contributing_factors": "factors",
    "what_went_well": "went-well",
    "what_went_poorly": "went-poorly",
    "lucky_breaks": "lucky-breaks",
}

# A problem's place (the JSON export's path) -> the widget it is about
_PLACES = {
    "summary": "summary",
    "rootCause": "root-cause",
    "impact.duration": "duration",
    "impact.usersAffected": "users",
    "impact.revenueImpact": "revenue",
    "impact.slaBreached": "sla",
    "contributingFactors": "factors",
    "whatWentWell": "went-well",
    "whatWentPoorly": "went-poorly",
    "luckyBreaks": "lucky-breaks",
    "authors": "authors",
    "fiveWhys": "whys",
    "actionItems": "actions",
}
_PATH = re.compile(r"^(?P<name>[\w.]+?)(?:\[(?P<index>\d+)\])?(?:\.(?P<part>\w+))?$")

SLA_OPTIONS: list[tuple[str, str]] = [
    ("from the response target", "auto"),
    ("yes", "yes"),
    ("no", "no"),
]
_SLA_VALUE = {"auto": None, "yes": True, "no": False}

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


class PostMortemScreen(WarroomScreen[None]):
    """The post-mortem of one incident. Escape goes back to the war room."""

    CSS_PATH = "postmortem.tcss"
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

    class StoreChanged(Message):
        """Something was committed to the database (by anyone): read what changed."""

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.report: Report | None = None  # as last read (checks and metrics come from it)
        self.doc: ReportDraft | None = None  # the report as stored and as typed
        self._problems: tuple[Problem, ...] = ()
        self._save_timer: Timer | None = None
        self._checks_timer: Timer | None = None
        self._saving = False
        self._idle = asyncio.Event()  # set while no save is in flight
        self._idle.set()
        self._save_again = False
        self._failures = 0
        self._failure: str | None = None  # why the last save failed (None: it did not)
        self._refused: str | None = None  # a save the store refused as bad input
        self._invalid: dict[str, str] = {}  # field label -> why what it holds cannot be saved
        self._error_hints: set[str] = set()  # hints saying why a field cannot be saved
        self._deciding = False  # a conflict is being decided: saving waits
        self._undecided = False  # a conflict was left for later: saving waits for ctrl+s
        self._feed: ChangeFeed | None = None
        self._reloading = False
        self._reload_again = False
        self._leaving = False
        self.wide = False  # the checks beside the form (else the one or the other)
        self.showing_checks = False  # (narrow) the checks instead of the form

    @property
    def alive(self) -> bool:
        """Still on screen: not being taken down (popped, or the app quitting). What a store
        call brings back after that has nowhere to go."""
        return self.is_attached and self.display

    @property
    def settings(self) -> ReportSettings:
        config = self.host.config
        return ReportSettings(config.schedule, config.tz)

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        blink = self.host.blink
        tz = self.host.config.tz
        yield ReportHeader(id="pm-header")
        with Horizontal(id="pm-body"):
            with VerticalScroll(id="pm-form"):
                yield self._section("Report")
                yield self._field("Title", TextField(id="title", placeholder="required"))
                yield self._field(
                    "Report id", TextField(id="report-id", placeholder="PM-YYYY-NNN"), "report-id"
                )
                yield self._field(
                    "Date", TextField(id="report-date", placeholder="YYYY-MM-DD"), "report-date"
                )
                yield self._field("Severity", Label("", id="severity"))
                yield self._field("Commander", Label("", id="commander"))
                yield self._list_field(
                    "Authors", ListEditor(placeholder="+ an author", id="authors", blink=blink)
                )
                yield self._section("Summary")
                yield TextBox(id="summary", soft_wrap=True, classes="long-text")
                yield self._section("Impact")
                yield self._field(
                    "Duration", TextField(id="duration", placeholder="e.g. 47 minutes"), "duration"
                )
                yield self._field(
                    "Users affected", TextField(id="users", placeholder="e.g. 12500"), "users"
                )
                yield self._field(
                    "Revenue impact", TextField(id="revenue", placeholder='an estimate, or "none"')
                )
                yield self._field(
                    "SLA breached",
                    Select(SLA_OPTIONS, id="sla", allow_blank=False, value="auto", compact=True),
                    "sla",
                )
                yield self._section("Root cause")
                yield TextBox(id="root-cause", soft_wrap=True, classes="long-text")
                yield self._section("Contributing factors")
                yield ListEditor(
                    placeholder="+ a factor (ctrl+t: its category)",
                    tags=[category.value for category in FishboneCategory],
                    id="factors",
                    blink=blink,
                )
                yield self._section("Five whys")
                yield FiveWhysEditor(id="whys", blink=blink)
                yield self._section("What went well")
                yield ListEditor(placeholder="+ what went well", id="went-well", blink=blink)
                yield self._section("What went poorly")
                yield ListEditor(placeholder="+ what went poorly", id="went-poorly", blink=blink)
                yield self._section("Lucky breaks")
                yield ListEditor(placeholder="+ a lucky break", id="lucky-breaks", blink=blink)
                yield self._section("Action items")
                yield ActionItemList(id="actions")
                yield ReportTimeline(tz, id="timeline")
            with VerticalScroll(id="pm-side"):
                yield ChecksPanel(id="checks")
                yield MetricsPanel(id="metrics")
        yield KeyBar()

    @staticmethod
    def _section(title: str) -> Label:
        return Label(Text(title), classes="pm-section")

    @staticmethod
    def _field(label: str, field: Widget, hint: str | None = None) -> Horizontal:
        children: list[Widget] = [Label(label, classes="pm-label"), field]
        if hint is not None:
            children.append(Label("", id=f"{hint}-hint", classes="pm-hint"))
        return Horizontal(*children, classes="pm-field")

    @staticmethod
    def _list_field(label: str, editor: ListEditor) -> Horizontal:
        return Horizontal(Label(label, classes="pm-label"), editor, classes="pm-field pm-list")

    async def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.host.blink
            field.compact = True
        for area in self.query(TextArea):
            area.cursor_blink = self.host.blink
        self.query_one("#pm-form").loading = True
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
        form, side = self.query_one("#pm-form"), self.query_one("#pm-side")
        form.display = self.wide or not self.showing_checks
        side.display = self.wide or self.showing_checks
        side.set_class(not self.wide, "-full")

    # ---- loading and reloading -----------------------------------------------------------

    async def _load(self) -> None:
        app = self.host
        incident_id = self.incident_id
        settings = self.settings

        def read(store: Store) -> tuple[int, Report, list[Event]]:
            cursor = store.last_change()
            report = load_report(store, incident_id, settings)
            events = store.events_before(incident_id, None, limit=FIRST_PAGE)
            return cursor, report, events

        try:
            cursor, report, events = await app.call(read)
            if not self.alive:
                return
        except BadInput as error:
            if app.failed is None:
                self.notify(str(error), title="Could not open the post-mortem", markup=False)
            return
        except Exception as error:  # the store's failures: say so; the war room is below
            self.notify(
                _reason(error),
                title="Could not read the post-mortem: try again",
                severity="error",
                markup=False,
                timeout=15,
            )
            return
        self.doc = ReportDraft.of(report.stored, report.title)
        await self._apply_report(report)
        for name in ("title", *FIELDS):
            await self._show_field(name)
        self.query_one(ReportTimeline).show(
            events, has_older=len(events) == FIRST_PAGE, has_newer=False
        )
        form = self.query_one("#pm-form")
        form.loading = False
        self.set_focus(form)
        self._show_save_state()
        self._refresh_checks()
        await self._watch_changes(cursor)

    async def _watch_changes(self, cursor: int) -> None:
        def start(store: Store) -> ChangeFeed:
            from warroom.store import ChangeFeed  # on the store thread, as every store import

            feed = ChangeFeed(store, since=cursor, on_change=self._news)
            feed.start()
            return feed

        try:
            self._feed = await self.host.call(start)
        except Exception as error:  # live updates are a comfort: editing works without them
            self.notify(
                _reason(error),
                title="Not following others' changes live",
                severity="warning",
                markup=False,
            )

    def _news(self) -> None:
        """On the feed's thread: only post a message."""
        self.post_message(self.StoreChanged())

    def on_post_mortem_screen_store_changed(self, _message: StoreChanged) -> None:
        # In a worker: reading a long report must not hold up what is being typed.
        self.run_worker(self._catch_up(), group="pm-news")

    async def _catch_up(self) -> None:
        feed = self._feed
        if feed is None:
            return
        try:
            changes = await self.host.call(lambda _store: feed.changes())
        except Exception:  # the feed tries again on its own; so does the next change
            return
        mine = [change for change in changes if change.incident_id == self.incident_id]
        if not mine or not self.alive:
            return
        if any(change.entity != "event" for change in mine):
            # (Events alone change nothing the form shows: a long timeline is not re-read
            # for each one logged.)
            await self._reload()
        timeline = next(iter(self.query(ReportTimeline)), None)
        if timeline is None or not self.alive:  # taken down while it read (the app quitting)
            return
        events = [c.entity_id for c in mine if c.entity == "event" and c.entity_id is not None]
        if events:
            await self._refresh_events(timeline, events)

    async def _refresh_events(self, timeline: Timeline, event_ids: Sequence[int]) -> None:
        if not self.alive:
            return
        if len(event_ids) > PAGE:
            fresh = await self.host.call(
                lambda store: store.events_before(self.incident_id, None, limit=FIRST_PAGE)
            )
            if not self.alive:
                return
            timeline.show(fresh, has_older=len(fresh) == FIRST_PAGE, has_newer=False)
            return
        ids = sorted(set(event_ids))
        found = await self.host.call(lambda store: [store.get_event(i) for i in ids])
        if not self.alive:
            return
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
                try:
                    report = await self.host.call(
                        lambda store: load_report(store, self.incident_id, settings)
                    )
                except Exception:  # shown as it was; the next change or save reads it again
                    return
                await self._apply_report(report)
                if not self._reload_again:
                    return
        finally:
            self._reloading = False

    async def _apply_report(self, report: Report) -> None:
        """Show what was read; others' changes to fields not being edited here come in."""
        if not self.alive:
            return
        self.report = report
        self.query_one(ActionItemList).show(report.action_items)
        self.query_one(MetricsPanel).show(report.metrics, self.host.config.tz)
        whys = self.query_one(FiveWhysEditor)
        whys.names = report.people
        doc = self.doc
        if doc is not None:
            for name in doc.arrived(report.stored) or ():
                await self._show_field(name)
            if doc.title_arrived(report.title):
                await self._show_field("title")
            whys.set_title(doc.title)
        self.query_one("#severity", Label).update(Text(_severity_text(report)))
        self.query_one("#commander", Label).update(Text(printable(report.commander or "—")))
        self._show_hints()
        self._refresh_checks()

    # ---- showing fields ------------------------------------------------------------------

    def _derived_id(self) -> str:
        report, doc = self.report, self.doc
        if report is None or doc is None:
            return ""
        return with_fields(report, replace(doc.draft, report_id="")).report_id

    def _detection_date(self) -> date | None:
        report = self.report
        if report is None:
            return None
        from datetime import UTC

        return report.incident.detected_at.astimezone(UTC).date()

    def _computed_duration(self) -> str:
        report = self.report
        if report is None or report.incident.resolved_at is None:
            return ""
        return outage_duration(report.incident.detected_at, report.incident.resolved_at)

    async def _show_field(self, name: str) -> None:
        if self.doc is None or not self.alive:
            return
        draft = self.doc.draft
        if name == "title":
            _set_input(self.query_one("#title", Input), self.doc.title)
        elif name == "report_id":
            _set_input(self.query_one("#report-id", Input), draft.report_id or self._derived_id())
        elif name == "report_date":
            shown = draft.report_date or self._detection_date()
            _set_input(self.query_one("#report-date", Input), shown.isoformat() if shown else "")
            if not draft.report_id:
                _set_input(self.query_one("#report-id", Input), self._derived_id())
        elif name == "summary":
            _set_area(self.query_one("#summary", TextArea), draft.summary)
        elif name == "root_cause":
            _set_area(self.query_one("#root-cause", TextArea), draft.root_cause)
        elif name == "impact_duration":
            _set_input(
                self.query_one("#duration", Input),
                draft.impact_duration or self._computed_duration(),
            )
        elif name == "users_affected":
            users = draft.users_affected
            _set_input(self.query_one("#users", Input), "" if users is None else str(users))
        elif name == "revenue_impact":
            _set_input(self.query_one("#revenue", Input), draft.revenue_impact)
        elif name == "sla_breached":
            value = {None: "auto", True: "yes", False: "no"}[draft.sla_breached]
            select: Select[str] = self.query_one("#sla", Select)
            if select.value != value:
                select.value = value
        elif name == "five_whys":
            await self.query_one(FiveWhysEditor).show(draft.five_whys)
        elif name == "contributing_factors":
            await self.query_one("#factors", ListEditor).show(
                [
                    Entry(f.text, f.category.value if f.category else None)
                    for f in draft.contributing_factors
                ]
            )
        elif name in LISTS:
            items: tuple[str, ...] = getattr(draft, name)
            await self.query_one(f"#{LISTS[name]}", ListEditor).show(
                [Entry(text) for text in items]
            )
        if name in ("report_date", "report_id", "impact_duration", "sla_breached"):
            self._show_hints()

    def _show_hints(self) -> None:
        doc, report = self.doc, self.report
        if doc is None or report is None:
            return
        draft = doc.draft
        self._hint("report-id", "derived from the date" if not draft.report_id else "")
        self._hint("report-date", "the detection date" if draft.report_date is None else "")
        if draft.impact_duration:
            duration_hint = "typed; clear to compute it"
        elif report.incident.resolved_at is None:
            duration_hint = "not resolved yet"
        else:
            duration_hint = "from the milestones"
        self._hint("duration", duration_hint)
        met = report.metrics.response.met
        if met is None:
            sla_hint = "nothing to suggest it yet"
        else:
            verdict = "no (response target met)" if met else "yes (response target missed)"
            sla_hint = f"suggested: {verdict}"
        self._hint("sla", sla_hint)

    def _hint(self, name: str, text: str, *, error: bool = False) -> None:
        if not error and name in self._error_hints:
            return  # what is typed there cannot be saved: that stays said until it can
        label = self.query_one(f"#{name}-hint", Label)
        label.update(Text(text))
        label.set_class(error, "-error")

    # ---- what was typed ------------------------------------------------------------------

    def _edit(self, **changes: Any) -> None:
        if self.doc is not None and self.doc.edit(**changes):
            self._typed()

    def _typed(self) -> None:
        self._refused = None
        self._schedule_save(self.SAVE_DELAY)
        self._schedule_checks()
        self._show_save_state()

    @on(Input.Changed)
    def _input_changed(self, message: Input.Changed) -> None:
        field = message.input
        value = field.value.strip()
        if self.doc is None:
            return
        draft = self.doc.draft
        if field.id == "title":
            if not value:
                self._hint_title_error()
            elif self.doc.retitle(value):
                self.query_one(FiveWhysEditor).set_title(value)
                self._typed()
        elif field.id == "report-id":
            # A field with a default shows it: the default stays the default (empty in
            # the store) and a value typed stays typed, even when the two agree.
            if value != (draft.report_id or self._derived_id()):
                self._edit(report_id="" if value == self._derived_id() else value)
        elif field.id == "report-date":
            try:
                typed = parse_report_date(value)
            except BadInput as error:
                self._invalid_field("Date", "report-date", error)
                return
            self._valid_field("Date", "report-date")
            if typed != (draft.report_date or self._detection_date()):
                self._edit(report_date=None if typed == self._detection_date() else typed)
                self._date_typed()
        elif field.id == "duration":
            computed = self._computed_duration()
            if value != (draft.impact_duration or computed):
                self._edit(impact_duration="" if value == computed else value)
                self._show_hints()
        elif field.id == "users":
            try:
                users = parse_users_affected(value)
            except BadInput as error:
                self._invalid_field("Users affected", "users", error)
                return
            self._valid_field("Users affected", "users")
            self._hint("users", "")
            self._edit(users_affected=users)
        elif field.id == "revenue":
            self._edit(revenue_impact=value)

    def _invalid_field(self, label: str, hint: str, error: BadInput) -> None:
        """What the field holds cannot be saved: it stays on screen, marked, unsaved."""
        self._invalid[label] = str(error)
        self._error_hints.add(hint)
        self._hint(hint, str(error), error=True)
        self._show_save_state()

    def _valid_field(self, label: str, hint: str) -> None:
        self._error_hints.discard(hint)
        if self._invalid.pop(label, None) is not None:
            self._hint(hint, "")
            self._show_save_state()
            self._show_hints()

    def _hint_title_error(self) -> None:
        self.notify("The title must not be empty: the last one is kept.", severity="warning")

    def _date_typed(self) -> None:
        """The derived report id follows the date, while none is typed."""
        if self.doc is not None and not self.doc.draft.report_id:
            _set_input(self.query_one("#report-id", Input), self._derived_id())
        self._show_hints()

    @on(TextArea.Changed)
    def _area_changed(self, message: TextArea.Changed) -> None:
        area = message.text_area
        if area.id == "summary":
            self._edit(summary=area.text.strip())
        elif area.id == "root-cause":
            self._edit(root_cause=area.text.strip())

    @on(Select.Changed, "#sla")
    def _sla_changed(self, message: Select.Changed) -> None:
        value = message.select.value
        if isinstance(value, str):
            self._edit(sla_breached=_SLA_VALUE[value])

    def on_list_editor_changed(self, message: ListEditor.Changed) -> None:
        editor_id = message.editor.id
        if editor_id == "factors":
            self._edit(
                contributing_factors=tuple(
                    ContributingFactor(
                        entry.text, FishboneCategory(entry.tag) if entry.tag else None
                    )
                    for entry in message.entries
                )
            )
            return
        for name, widget_id in LISTS.items():
            if widget_id == editor_id:
                self._edit(**{name: tuple(entry.text for entry in message.entries)})

    def on_five_whys_editor_changed(self, message: FiveWhysEditor.Changed) -> None:
        self._edit(five_whys=message.whys)

    def on_descendant_blur(self) -> None:
        """Leaving a field saves what it holds at once."""
        if self.dirty and self._save_timer is not None:
            self._schedule_save(0)

    # ---- saving ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether anything on screen is not saved yet."""
        return self.doc is not None and self.doc.dirty

    def _schedule_save(self, delay: float) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if delay <= 0:
            self.call_later(self._start_save)
        else:
            self._save_timer = self.set_timer(delay, self._start_save)

    def _start_save(self) -> None:
        self._save_timer = None
        if self._saving:
            self._save_again = True
            return
        if self._deciding or self._undecided or self._refused or not self.dirty:
            self._show_save_state()
            return
        self.run_worker(self._save(), group="pm-save")

    async def _save(self) -> bool:
        """Save until nothing on screen is unsaved; False when a save did not go through."""
        self._saving = True
        self._idle.clear()
        try:
            while self.dirty and not (self._deciding or self._undecided):
                self._save_again = False
                self._show_save_state()
                if not await self._save_once():
                    return False
            return not self.dirty
        finally:
            self._saving = False
            self._idle.set()
            self._show_save_state()
            if self._save_again and self.dirty and not self._failure:
                self._schedule_save(0)

    async def _save_once(self) -> bool:
        app, doc = self.host, self.doc
        assert doc is not None
        title, base_title = doc.title, doc.base_title
        sending, base = doc.sending(), doc.base
        try:
            if title != base_title:
                incident = await app.call(
                    lambda store: store.rename_incident(self.incident_id, title, base=base_title)
                )
                doc.title_saved(incident.title)
            if sending is not None:
                stored = await app.call(lambda store: store.save_postmortem(sending, base=base))
                theirs = doc.saved(sending, stored)
                for name in theirs:
                    await self._show_field(name)
                if theirs:
                    self._refresh_checks()
        except Conflict as error:
            self._decide(error)
            return False
        except DatabaseError as error:  # a read-only or damaged file: kept on screen, retried
            self._failed(error)
            return False
        except BadInput as error:  # text the database cannot keep: the person must change it
            self._refused = str(error)
            self.notify(
                f"{error}. The text stays on screen; change it and it is saved.",
                title="Could not save the post-mortem",
                severity="warning",
                markup=False,
                timeout=15,
            )
            return False
        except Exception as error:  # a full disk, a lost server ...: kept on screen, retried
            self._failed(error)
            return False
        if self._failure is not None:
            self.notify("Everything typed is saved now.", title="Saved again")
        self._failure = None
        self._failures = 0
        return True

    def _failed(self, error: Exception) -> None:
        first = self._failure is None
        self._failure = _reason(error)
        delay = self.RETRY_DELAYS[min(self._failures, len(self.RETRY_DELAYS) - 1)]
        self._failures += 1
        if first:
            self.notify(
                f"{self._failure}\nWhat you typed stays on screen and is saved as soon as "
                "the database takes it (retrying).",
                title="Could not save the post-mortem",
                severity="error",
                markup=False,
                timeout=15,
            )
        self._schedule_save(delay)

    def _show_save_state(self) -> None:
        if not self.alive:
            return
        header = self.query_one(ReportHeader)
        if self.doc is None:
            header.show_save("")
        elif self._deciding or self._undecided:
            header.show_save("NOT SAVED: a version to choose (ctrl+s)", failed=True)
        elif self._refused:
            header.show_save("NOT SAVED: see the message", failed=True)
        elif self._invalid:
            header.show_save(f"NOT SAVED: {', '.join(self._invalid)}", failed=True)
        elif self._failure is not None and self.dirty:
            header.show_save("NOT SAVED: retrying", failed=True)
        elif self._saving:
            header.show_save("saving…", busy=True)
        elif self.dirty:
            header.show_save("editing…", busy=True)
        else:
            header.show_save("saved ✓")

    async def _flush(self) -> bool:
        """Save now, waiting for it; whether everything on screen is saved."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        while self._saving:
            await self._idle.wait()  # the save in flight
        if self._deciding or self._undecided:
            return False
        self._refused = None
        if not self.dirty:
            return True
        return await self._save()

    # ---- conflicts ------------------------------------------------------------------------

    def _decide(self, error: Conflict) -> None:
        """Someone else saved the same field(s): show both versions, one field at a time."""
        doc = self.doc
        assert doc is not None
        self._deciding = True
        self._show_save_state()
        if isinstance(error.current, PostMortem):
            theirs = error.current
            merged, conflicts = doc.conflicts(theirs)
            self._ask(list(conflicts), theirs, merged, {})
        else:  # the title
            self._ask_title(str(error.current))

    def _ask(
        self,
        remaining: list[str],
        theirs: PostMortem,
        merged: PostMortem,
        chosen: dict[str, Any],
    ) -> None:
        doc = self.doc
        assert doc is not None
        if not remaining:
            self._deciding = False
            changed = doc.decided(theirs, merged, chosen)
            self.run_worker(self._after_decision(changed), group="pm-decide")
            return
        name = remaining[0]
        mine, their_value = getattr(doc.draft, name), getattr(theirs, name)

        def decided(choice: Choice | None) -> None:
            if choice is None:
                self._later()
                return
            chosen[name] = choose(choice.keep, mine, their_value, choice.text)
            self._ask(remaining[1:], theirs, merged, chosen)

        self.app.push_screen(
            ConflictDialog(
                LABELS.get(name, name),
                describe(name, their_value),
                describe(name, mine),
                Merge.of(mine),
                blink=self.host.blink,
            ),
            decided,
        )

    def _ask_title(self, theirs: str) -> None:
        doc = self.doc
        assert doc is not None
        mine = doc.title

        def decided(choice: Choice | None) -> None:
            if choice is None:
                self._later()
                return
            doc.title_decided(theirs, str(choose(choice.keep, mine, theirs, choice.text)))
            self._deciding = False
            self.run_worker(self._after_decision(["title"]), group="pm-decide")

        self.app.push_screen(
            ConflictDialog("Title", theirs, mine, Merge.TEXT, blink=self.host.blink), decided
        )

    async def _after_decision(self, changed: Iterable[str]) -> None:
        for name in changed:
            await self._show_field(name)
        if self.doc is not None:
            self.query_one(FiveWhysEditor).set_title(self.doc.title)
        self._refresh_checks()
        self._show_save_state()
        if self.dirty:
            self._start_save()

    def _later(self) -> None:
        self._deciding = False
        self._undecided = True
        self._show_save_state()
        self.notify(
            "Nothing is saved until you choose: ctrl+s shows both versions again.",
            title="Left for later",
            severity="warning",
        )

    def action_save_now(self) -> None:
        self._undecided = False
        self._refused = None
        if self._saving:
            self._save_again = True
            return
        if not self.dirty:
            self._show_save_state()
            self.notify("Everything is saved.")
            return
        self._schedule_save(0)

    # ---- checks ---------------------------------------------------------------------------

    def _schedule_checks(self) -> None:
        if self._checks_timer is not None:
            self._checks_timer.stop()
        self._checks_timer = self.set_timer(0.15, self._refresh_checks)

    def _current_report(self) -> Report | None:
        report, doc = self.report, self.doc
        if report is None or doc is None:
            return None
        return with_fields(report, doc.draft, title=doc.title)

    def _refresh_checks(self) -> None:
        self._checks_timer = None
        report = self._current_report()
        if report is None or not self.alive:
            return
        self._problems = tuple(check_report(report, self.host.clock.now()))
        self.query_one(ChecksPanel).show(self._problems)
        header = self.query_one(ReportHeader)
        header.show(report)
        header.show_readiness(len(blocking(self._problems)))

    def on_checks_panel_jump_wanted(self, message: ChecksPanel.JumpWanted) -> None:
        self.go_to(message.where)

    def go_to(self, where: str) -> None:
        """Focus the field a problem is about (`rootCause`, `fiveWhys[2].answer`, ...)."""
        match = _PATH.match(where)
        if match is None:
            return
        name, index, part = match.group("name"), match.group("index"), match.group("part")
        key = name if name in _PLACES else f"{name}.{part}" if part else name
        widget_id = _PLACES.get(key)
        if widget_id is None:
            if name == "incident":
                self.notify("Resolve the incident in the war room (Escape, then p).")
            elif name == "status":
                self.notify("Publishing is what makes an overdue post-mortem on time.")
            return
        self._show_checks(False)
        position = int(index) if index is not None else 0
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, FiveWhysEditor):
            widget.focus_level(position, answer=part != "question")
        elif isinstance(widget, ListEditor):
            widget.focus_item(position)
        elif isinstance(widget, ActionItemList):
            widget.select_item(position)
            self.set_focus(widget)
        else:
            self.set_focus(widget)

    def action_checks(self) -> None:
        if self.wide:
            self.set_focus(self.query_one(ChecksPanel))
            return
        showing = not self.showing_checks
        self._show_checks(showing)
        self.set_focus(self.query_one(ChecksPanel) if showing else self.query_one("#pm-form"))

    # ---- status ---------------------------------------------------------------------------

    def action_advance_status(self) -> None:
        if self.doc is None:
            return
        order = list(ReportStatus)
        index = order.index(self.doc.draft.status)
        if index + 1 >= len(order):
            self.notify("The post-mortem is published: share it widely.")
            return
        self.run_worker(self._move_status(order[index + 1]), group="pm-status", exclusive=True)

    def action_back_status(self) -> None:
        if self.doc is None:
            return
        order = list(ReportStatus)
        index = order.index(self.doc.draft.status)
        if index == 0:
            self.notify("The post-mortem is a draft already.")
            return
        self.run_worker(self._move_status(order[index - 1]), group="pm-status", exclusive=True)

    async def _move_status(self, status: ReportStatus, *, force: bool = False) -> None:
        if not await self._flush():
            self.notify(
                "Save what is typed first (see above); the status was not changed.",
                severity="warning",
            )
            return
        settings = self.settings
        actor = self.host.config.user
        try:
            stored = await self.host.call(
                lambda store: change_status(
                    store, self.incident_id, status, settings, actor=actor, force=force
                )
            )
        except NotReady as refused:
            self._offer_force(status, refused.problems)
            return
        except Conflict:
            await self._reload()
            self.notify(
                "Someone else saved the report meanwhile: it is shown as stored now; "
                "try again if still needed.",
                title="Status not changed",
                severity="warning",
            )
            return
        except BadInput as error:
            self.notify(str(error), title="Status not changed", severity="warning", markup=False)
            return
        except Exception as error:
            self.notify(
                _reason(error),
                title="Status not changed: nothing was lost, try again",
                severity="error",
                markup=False,
                timeout=15,
            )
            return
        if self.doc is not None:
            for name in self.doc.arrived(stored) or ():
                await self._show_field(name)
        await self._reload()
        if force:
            self.notify(
                "Published despite the checks; the override is recorded in the timeline.",
                severity="warning",
            )
        else:
            self.notify(f"The post-mortem is {STATUS_NAMES[stored.status]} now.")
        await self._pull_new_events()

    def _offer_force(self, status: ReportStatus, problems: Sequence[Problem]) -> None:
        def answered(force: bool | None) -> None:
            if force:
                self.run_worker(self._move_status(status, force=True), group="pm-status")

        self.app.push_screen(ForcePublishDialog(problems), answered)

    # ---- action items ---------------------------------------------------------------------

    def action_add_action(self) -> None:
        if self.report is None:
            return

        async def saved(draft: ActionDraft | None) -> None:
            if draft is None:
                return
            item = await self._attempt(
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
            if item is not None:
                await self._reload()
                await self._pull_new_events()

        self.app.push_screen(self._action_form(None), saved)

    def on_action_item_list_edit_wanted(self, message: ActionItemList.EditWanted) -> None:
        item = message.item

        async def saved(draft: ActionDraft | None) -> None:
            if draft is None:
                return
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
            done = await self._attempt(
                "save the action item",
                lambda store: store.update_action_item(
                    edited, actor=self.host.config.user, base=item
                ),
            )
            if done is not None:
                await self._reload()
                await self._pull_new_events()

        self.app.push_screen(self._action_form(item), saved)

    def _action_form(self, item: ActionItem | None) -> Screen[ActionDraft | None]:
        from warroom.screens.dialogs.action_form import ActionItemForm

        app = self.host
        today = app.clock.now().astimezone(app.config.tz).date()
        return ActionItemForm(today, item, blink=app.blink)

    async def _attempt(self, what: str, work: Callable[[Store], T]) -> T | None:
        """Run a store call; on failure tell the user what was not done, and return None."""
        try:
            return await self.host.call(work)
        except BadInput as error:
            self.notify(str(error), title=f"Could not {what}", severity="warning", markup=False)
        except Conflict as error:
            self.notify(
                f"{error}. Showing what is stored now; make your change again if still needed.",
                title=f"Could not {what}",
                severity="warning",
                markup=False,
            )
            await self._reload()
        except Exception as error:
            self.notify(
                _reason(error),
                title=f"Could not {what}: nothing was lost, try again",
                severity="error",
                markup=False,
                timeout=15,
            )
        return None

    # ---- the timeline ---------------------------------------------------------------------

    async def on_timeline_page_wanted(self, message: Timeline.PageWanted) -> None:
        await read_page(self.host.call, self.incident_id, message)

    async def on_timeline_end_wanted(self, message: Timeline.EndWanted) -> None:
        await read_end(self.host.call, self.incident_id, message)

    async def on_timeline_event_action(self, message: Timeline.EventAction) -> None:
        event = message.event
        if message.action == "star":
            flagged = await self._attempt(
                "star the event",
                lambda store: store.flag_event(event.id, starred=not event.starred),
            )
        elif message.action == "hide":
            flagged = await self._attempt(
                "hide the event",
                lambda store: store.flag_event(event.id, hidden=not event.hidden),
            )
        else:
            return
        if flagged is not None:
            message.timeline.upsert(flagged)

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
        except Exception:  # the timeline catches up with the next change
            return
        if not self.alive:
            return
        for event in events:
            timeline.upsert(event)

    # ---- keys -----------------------------------------------------------------------------

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
        form = self.query_one("#pm-form")
        if self.showing_checks:
            self._show_checks(False)
            self.set_focus(form)
        elif focused is not None and focused is not form:
            self.set_focus(form)  # out of the field: the keys are back
        else:
            self.run_worker(self._leave(self.app.pop_screen), group="pm-leave", exclusive=True)

    def action_quit(self) -> None:
        self.run_worker(self._leave(self.app.exit), group="pm-leave", exclusive=True)

    async def _leave(self, then: Callable[[], object]) -> None:
        if self._leaving:
            return
        if (await self._flush() and not self._invalid) or self.doc is None:
            self._go(then)
            return
        from warroom.screens.dialogs.confirm import ConfirmDialog

        unsaved = self._unsaved_names()

        def answered(leave: bool | None) -> None:
            if leave:
                self._go(then)

        self.app.push_screen(
            ConfirmDialog(
                "Leave without saving?",
                f"Not saved: {', '.join(unsaved)}. "
                + (f"({self._failure}) " if self._failure else "")
                + "".join(f"({why}) " for why in self._invalid.values())
                + "Leaving loses it; stay and it is saved once the database takes it.",
            ),
            answered,
        )

    def _go(self, then: Callable[[], object]) -> None:
        self._leaving = True
        if self._save_timer is not None:
            self._save_timer.stop()
        then()

    def _unsaved_names(self) -> list[str]:
        names = [LABELS[name] for name in self.doc.unsaved] if self.doc is not None else []
        return names + list(self._invalid)

    def on_unmount(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            self.host.call_soon(lambda _store: feed.stop())
        doc = self.doc
        sending = doc.sending() if doc is not None and not self._leaving else None
        if doc is not None and sending is not None:
            # Quitting without a word (ctrl+q): a last save, before the store closes.
            base = doc.base
            self.host.call_soon(lambda store: store.save_postmortem(sending, base=base))

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
        for label, where in (
            ("Summary", "summary"),
            ("Impact", "impact.duration"),
            ("Root cause", "rootCause"),
            ("Contributing factors", "contributingFactors"),
            ("Five whys", "fiveWhys"),
            ("What went well", "whatWentWell"),
            ("What went poorly", "whatWentPoorly"),
            ("Lucky breaks", "luckyBreaks"),
            ("Action items", "actionItems"),
            ("Authors", "authors"),
        ):
            yield SystemCommand(f"Go to {label}", "A section of the report", self._goer(where))
        yield SystemCommand(
            "Go to Timeline", "Star or hide events for the report", self._to_timeline
        )

    def _goer(self, where: str) -> Callable[[], None]:
        return lambda: self.go_to(where)

    def _to_timeline(self) -> None:
        self._show_checks(False)
        self.set_focus(self.query_one(ReportTimeline))

    def _back_to_room(self) -> None:
        self.run_worker(self._leave(self.app.pop_screen), group="pm-leave", exclusive=True)


def _category(tag: str | None) -> FishboneCategory | None:
    return FishboneCategory(tag) if tag else None


def _set_input(field: Input, value: str) -> None:
    if field.value.strip() != value:
        field.value = value


def _set_area(area: TextArea, value: str) -> None:
    if area.text.strip() != value:
        area.text = value


def _severity_text(report: Report) -> str:
    from warroom.domain.severity import SEVERITIES

    level = SEVERITIES[report.severity]
    return f"{level.label} ({level.name}): {level.definition}"


def _reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
