"""The home screen: active incidents first, then past ones, kept live: an incident another
process declares, escalates, hands over or resolves shows here within a second. Below them,
the action items overdue across incidents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import Input, Label

from warroom.domain.errors import BadInput, StorageError
from warroom.domain.incident_filter import ACCEPTED, IncidentFilter, IncidentPage, parse_filter
from warroom.domain.model import ActionItem, Incident
from warroom.domain.room import HOME_PAST_PAGE
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time, duration
from warroom.screens import across
from warroom.screens.base import NotDone, OpenIncident, OpenReport, WarroomScreen
from warroom.screens.live import Live
from warroom.widgets.cell_rows import PADDING
from warroom.widgets.fields import TextField
from warroom.widgets.follow_ups import OverduePane
from warroom.widgets.incident_list import IncidentList
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.palette import severity_style
from warroom.widgets.workarounds import resend_if_moved

if TYPE_CHECKING:
    from warroom.store import Change

# What the list shows comes from these parts of the feed (the IC is a role).
_LISTED = frozenset({"incident", "role"})
# The overdue pane: action items, and incidents (a withdrawn one's items leave it).
_FOLLOWED_UP = frozenset({"action_item", "incident"})
OVERDUE_SHOWN = 100  # the soonest due; the pane says when there are more


# The least needed last: on a narrow terminal, what does not fit is past the right edge.
COLUMNS = (
    ("sev", "sev"),
    ("id", "id"),
    ("title", "title"),
    ("status", "status"),
    ("age", "age"),
    ("ic", "IC"),
    ("detected", "detected"),
)
LABELS = ("labels", "services · tags")
MAX_COLUMN = {"title": 60, "ic": 20, "labels": 30}  # cut with … past these (others are short)
MIN_TITLE = 16  # cut with … to fit the columns after it, but never narrower


HELP_NOTES = """\
Incidents:  ↑/↓ choose · Enter opens its war room · n a new one
Filter:     f lists only those matching words such as sev:1,2
            status:active service:payments tag:kafka (all must
            match); an empty filter lists them all
Search:     / searches titles, timelines, action items and
            post-mortems; t edits the selected incident's
            services and tags
Overdue:    action items past due and not done, across
            incidents, soonest first; Tab or o goes there, Enter
            opens the incident's board on the item
Report:     r shows trends across incidents (warroom report)
"""


def labels_text(incident: Incident) -> Text:
    """`payments, ledger #kafka`: services, then tags."""
    text = Text(", ".join(one_line(name) for name in incident.services))
    for tag in incident.tags:
        text.append(" " if text else "")
        text.append(f"#{one_line(tag)}", style="dim")
    return text


def listed_order(incidents: Iterable[Incident]) -> list[Incident]:
    """Active ones first, each part newest first; none withdrawn."""
    return sorted(
        (incident for incident in incidents if not incident.withdrawn),
        key=lambda incident: (not incident.is_active, -incident.id),
    )


class FilterField(TextField):
    """The filter being typed: Enter applies it, Escape leaves it as it was."""

    BINDINGS = [Binding("escape", "leave", "Leave", show=False)]

    def action_leave(self) -> None:
        self.put_away()

    def put_away(self) -> None:
        self.display = False
        self.disabled = True
        self.screen.query_one(HomeList).focus()


class HomeList(IncidentList):
    """The list of incidents, where the filter's key moves the focus as it arrives: what is
    typed after `f` in one burst (over a slow link) is the filter's, not keys for the list
    (where Enter opened the incident under the cursor)."""

    async def on_key(self, event: events.Key) -> None:
        if resend_if_moved(self, event):
            return
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.binding.action == "filter" and active.enabled:
            event.stop()
            event.prevent_default()
            await self.app.run_action("filter", self.screen)


class HomeScreen(WarroomScreen[None]):
    """Active incidents first, then past ones. `incidents`: a quick read to show at once."""

    HELP_NOTES = HELP_NOTES

    BINDINGS = [
        Binding("n", "new", "New incident", id="new", tooltip="Declare a new incident"),
        Binding(
            "W",
            "withdraw",
            "Withdraw",
            id="withdraw",
            tooltip="Withdraw the selected incident: declared by mistake",
        ),
        # Not in the key bar: it is full at 80 columns (in the key help and the palette).
        Binding("enter", "open", "Open", show=False, tooltip="Open the selected incident"),
        Binding(
            "o",
            "overdue",
            "Overdue",
            id="overdue",
            tooltip="Go to the action items overdue across incidents (Enter opens one)",
        ),
        Binding("r", "report", "Report", id="report", tooltip="Trends across incidents"),
        Binding(
            "f",
            "filter",
            "Filter",
            id="filter",
            show=False,  # the key bar is full at 80 columns: in the key help and the palette
            tooltip="List only the incidents of some severities, status, services or tags",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="search",
            tooltip="Search titles, timelines, action items and post-mortems",
        ),
        Binding(
            "t",
            "labels",
            "Labels",
            id="labels",
            show=False,
            tooltip="Edit the selected incident's services and tags",
        ),
    ]

    def __init__(self, incidents: list[Incident] | None = None) -> None:
        super().__init__()
        self._first = incidents
        self._page = IncidentPage((), 0, 0)  # as last read
        self._shown: dict[int, Incident] = {}  # those listed
        self._past = HOME_PAST_PAGE  # past incidents listed, after every active one
        self._paging = False  # the next page is being read
        self._filter = IncidentFilter()
        self._laid_out_for = Size(0, 0)  # the screen's size when the list was laid out
        self._live: Live | None = None  # while the screen is shown
        self._overdue_on: date | None = None  # the day the overdue pane was read for

    def compose(self) -> ComposeResult:
        yield Label(" warroom · incidents", id="home-title")
        field = FilterField(id="home-filter-field", placeholder=ACCEPTED)
        field.compact = True
        field.select_on_focus = False  # f again: to add a word to the filter on, or edit it
        field.cursor_blink = self.host.blink
        # Until f: hidden is not enough, the screen's first focus would go to it.
        field.display = False
        field.disabled = True
        yield field
        shown = Label("", id="home-filter")
        shown.display = False  # until a filter is on
        yield shown
        yield HomeList(id="incidents")
        empty = Label("No incidents yet. Press n to declare one.", id="home-empty")
        empty.display = False  # until a read says so
        yield empty
        overdue = OverduePane(id="overdue")
        overdue.display = False  # until there are some
        yield overdue
        yield KeyBar()

    def on_mount(self) -> None:
        if self._first is not None:  # (no filter yet; how many in all comes with the store)
            first = listed_order(self._first)[: self._first_rows()]
            self.show(IncidentPage(tuple(first), len(first), len(self._first)))
        self.set_interval(60, self._on_a_new_day)

    def _first_rows(self) -> int:
        """How many of the quick read the first frame lists: a screenful (drawing all 212 was
        most of the start-up's cost at 10,000 incidents); the rest comes with the store's read."""
        return self.app.size.height

    def on_screen_resume(self) -> None:
        """While shown, the list follows others' changes. After a quick first read, the store
        is asked only once the screen is on the terminal."""
        if self._first is not None:
            self._first = None
            self.call_after_refresh(self._start_following)
        else:
            self._start_following()

    def _start_following(self) -> None:
        self.run_worker(self._follow(), group="follow", exclusive=True)

    async def _follow(self) -> None:
        await self._stop_following()
        live = self._live = Live(self, self._apply_changes)
        await live.open()  # first: whatever is committed after the reload is news
        await self.reload()
        await live.start()

    async def on_screen_suspend(self) -> None:
        await self._stop_following()  # covered by a war room: read it all again on return

    async def on_unmount(self) -> None:
        await self._stop_following()

    async def _stop_following(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            await live.close()

    def on_live_changed(self, message: Live.Changed) -> None:
        if message.live is self._live:
            self._live.wake()

    async def _apply_changes(self, changes: Sequence[Change] | None) -> None:
        """Read the list again when the changes are to incidents (an event logged is not)."""
        if changes is None:
            await self.reload()
            return
        if any(change.entity in _LISTED for change in changes):
            await self.reload_list()
        if any(change.entity in _FOLLOWED_UP for change in changes):
            await self.reload_overdue()

    async def reload(self) -> None:
        await self.reload_list()
        await self.reload_overdue()

    async def reload_list(self) -> None:
        """What the list shows, as the filter and the page ask: filtered and paged by the
        store (reading all 10,000 incidents to list a hundred took a second of CPU)."""
        wanted, past = self._filter, self._past
        try:
            page = await self.host.call(lambda store: store.home_incidents(wanted, past=past))
        except (BadInput, StorageError) as error:
            if self.host.failed is None:  # (when the store could not open, the app ends)
                self.notify(
                    str(error), title="Could not read the incidents", severity="error", markup=False
                )
            return
        if wanted == self._filter:  # (else a read for the new filter follows)
            self.show(page)

    # ---- overdue follow-ups ----------------------------------------------------------------

    def _today(self) -> date:
        return self.host.clock.now().astimezone(self.host.config.tz).date()

    async def reload_overdue(self) -> None:
        today = self._today()
        try:
            items = await self.host.call(
                lambda store: store.follow_ups(overdue_on=today, limit=OVERDUE_SHOWN + 1)
            )
        except (BadInput, StorageError) as error:
            if self.host.failed is None:
                self.notify(
                    str(error),
                    title="Could not read the overdue follow-ups",
                    severity="error",
                    markup=False,
                )
            return
        self._overdue_on = today
        self.show_overdue(items, today)

    def show_overdue(self, items: Sequence[ActionItem], today: date) -> None:
        pane = self.query_one(OverduePane)
        pane.show(items[:OVERDUE_SHOWN], today, more=len(items) > OVERDUE_SHOWN)
        pane.display = bool(items)

    async def _on_a_new_day(self) -> None:
        """At midnight, what was due yesterday is overdue."""
        if self._overdue_on is not None and self._today() != self._overdue_on:
            await self.reload_overdue()

    def on_overdue_pane_opened(self, message: OverduePane.Opened) -> None:
        item = message.item
        self.go(OpenIncident(item.incident_id, action_item=item.id))

    def action_overdue(self) -> None:
        pane = self.query_one(OverduePane)
        if pane.display:
            pane.focus()
        else:
            self.notify("No action item is overdue.", markup=False)

    def action_report(self) -> None:
        self.go(OpenReport())

    def show(self, page: IncidentPage) -> None:
        self._page = page
        incidents = listed_order(page.incidents)
        self._shown = {incident.id: incident for incident in incidents}
        self._laid_out_for = self.size
        table = self.query_one(HomeList)
        now = self.host.clock.now()
        tz = self.host.config.tz
        # Services and tags get a column once some incident has any.
        labelled = any(incident.services or incident.tags for incident in incidents)
        columns = (*COLUMNS[:-1], LABELS, COLUMNS[-1]) if labelled else COLUMNS
        rows = [
            (
                Text(
                    f" {SEVERITIES[incident.severity].label} ",
                    style=severity_style(incident.severity),
                ),
                Text(incident.key, style="bold"),
                Text(one_line(incident.title)),
                Text(
                    incident.phase.title if incident.is_active else "resolved",
                    style="" if incident.is_active else "dim",
                ),
                Text(duration((incident.resolved_at or now) - incident.detected_at)),
                Text(one_line(incident.commander or "—")),
                *([labels_text(incident)] if labelled else []),
                Text(date_time(incident.detected_at, tz), style="dim"),
            )
            for incident in incidents
        ]
        # Columns sized from what they hold, for the title to give way to the others.
        widths = [
            min(MAX_COLUMN.get(key, 60), max([len(label), *(row[index].cell_len for row in rows)]))
            for index, (key, label) in enumerate(columns)
        ]
        # The title gives way (cut with …) for the columns after it, but the last, to fit the
        # screen; the last (detected) is shown only if it fits whole, not a stray first letter.
        pad = 2 * PADDING
        title = [key for key, _ in columns].index("title")
        others = sum(width + pad for index, width in enumerate(widths[:-1]) if index != title)
        # Clear of the scroll bar, when there is one: one column more, and the list would
        # scroll sideways, its horizontal bar over the last row.
        in_view = (table.size.height or self.size.height) - 1  # under the header
        bar = table.styles.scrollbar_size_vertical if len(rows) > in_view else 0
        width = self.size.width - bar
        room = width - others - pad
        widths[title] = max(MIN_TITLE, min(widths[title], room))
        fits = others + widths[title] + pad + widths[-1] + pad <= width
        shown = len(columns) if fits else len(columns) - 1
        for row in rows:
            for index, width in enumerate(widths):
                row[index].truncate(width, overflow="ellipsis")
        table.show(
            [(label, width) for (_, label), width in zip(columns[:shown], widths, strict=False)],
            [(incident.id, row[:shown]) for incident, row in zip(incidents, rows, strict=True)],
        )
        empty = table.row_count == 0
        blank = self.query_one("#home-empty", Label)
        blank.update(
            "No incident matches the filter. Press f to change it."
            if page.total
            else "No incidents yet. Press n to declare one."
        )
        blank.display = empty
        self.refresh_bindings()  # Withdraw: only with an incident to withdraw

    def on_resize(self) -> None:
        if self._shown and self.size != self._laid_out_for:
            self.show(self._page)  # the title's width follows the screen's (and the scroll bar)

    def on_incident_list_highlighted(self, message: IncidentList.Highlighted) -> None:
        """Near the end of the list: the next page of past incidents."""
        table = message.incident_list
        near_the_end = message.row >= table.row_count - 5
        if near_the_end and table.row_count < self._page.matching and not self._paging:
            self._paging = True
            self._past += HOME_PAST_PAGE
            self.run_worker(self._next_page(), group="home-page")

    async def _next_page(self) -> None:
        try:
            await self.reload_list()
        finally:
            self._paging = False

    def _selected_id(self) -> int | None:
        return self.query_one(HomeList).selected_id

    def on_incident_list_clicked(self, message: IncidentList.Clicked) -> None:
        self.go(OpenIncident(message.incident_id))

    def action_open(self) -> None:
        incident_id = self._selected_id()
        if incident_id is not None:
            self.go(OpenIncident(incident_id))

    def action_new(self) -> None:
        from warroom.screens.dialogs.new_incident import NewIncident, NewIncidentDialog

        app = self.host
        created: list[int] = []

        async def declare(result: NewIncident) -> bool:
            incident = await self.attempt(
                "declare the incident",
                lambda store: store.create_incident(
                    result.title,
                    result.severity,
                    commander=result.commander,
                    actor=app.config.user,
                ),
            )
            if isinstance(incident, NotDone):
                return False  # the dialog keeps what was typed
            created.append(incident.id)
            return True

        def declared(result: NewIncident | None) -> None:
            if created:
                self.go(OpenIncident(created[0]))

        self.app.push_screen(
            NewIncidentDialog(app.config.user, blink=app.blink, save=declare), declared
        )

    def action_filter(self) -> None:
        field = self.query_one(FilterField)
        field.value = self._filter.text
        field.cursor_position = len(field.value)
        field.display = True
        field.disabled = False
        self.set_focus(field)  # now: focus() waits, and the keys typed meanwhile went to the list

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if not isinstance(message.input, FilterField):
            return
        message.stop()
        try:
            wanted = parse_filter(message.value)
        except BadInput as error:  # the filter on stays on, and what was typed stays
            self.notify(str(error), title="Not a filter", severity="error", markup=False)
            return
        self._filter = wanted
        self.query_one(FilterField).put_away()
        shown = self.query_one("#home-filter", Label)
        shown.update(
            Text(f" filter: {wanted.text} · f changes it; empty, lists them all", style="bold")
        )
        shown.display = wanted.is_on
        self._past = HOME_PAST_PAGE
        self.run_worker(self.reload_list(), group="home-list")
        self.query_one(HomeList).focus()

    def action_search(self) -> None:
        across.search_everywhere(self)

    def action_labels(self) -> None:
        incident = self._shown.get(self._selected_id() or 0)
        if incident is not None:
            across.edit_labels(self, incident, self.reload)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self._shown) if action == "withdraw" else True

    def action_withdraw(self) -> None:
        from warroom.screens.dialogs.withdraw import WithdrawDialog

        incident = self._shown.get(self._selected_id() or 0)
        if incident is None:
            return
        app = self.host

        async def withdraw(reason: str) -> bool:
            done = await self.attempt(
                "withdraw the incident",
                lambda store: store.withdraw(incident.id, reason, actor=app.config.user),
            )
            if isinstance(done, NotDone):
                return not done.retry  # the dialog keeps the reason to try again
            await self.reload()
            self.notify(f"{incident.key} withdrawn (warroom reopen {incident.key} undoes it).")
            return True

        self.app.push_screen(
            WithdrawDialog(incident.key, one_line(incident.title), blink=app.blink, save=withdraw)
        )

    def system_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("New incident", "Declare a new incident", self.action_new)
        yield SystemCommand(
            "Overdue follow-ups", "Action items overdue across incidents", self.action_overdue
        )
        yield SystemCommand("Report", "Trends across incidents", self.action_report)
        yield SystemCommand(
            "Filter the list", "By severity, status, service or tag", self.action_filter
        )
        yield SystemCommand(
            "Search", "Titles, timelines, action items and post-mortems", self.action_search
        )
        yield SystemCommand("Services and tags", "Edit the selected incident's", self.action_labels)
        yield SystemCommand(
            "Withdraw an incident", "Declared by mistake: kept, out of lists", self.action_withdraw
        )
