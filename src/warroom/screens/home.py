"""The home screen: active incidents first, then past ones, kept live: an incident another
process declares, escalates, hands over or resolves shows here within a second."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Label

from warroom.domain.errors import BadInput, StorageError
from warroom.domain.model import Incident
from warroom.domain.room import HOME_PAST_PAGE
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time, duration
from warroom.screens.base import NotDone, OpenIncident, WarroomScreen
from warroom.screens.live import Live
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.palette import severity_style

if TYPE_CHECKING:
    from warroom.store import Change

# What the list shows comes from these parts of the feed (the IC is a role).
_LISTED = frozenset({"incident", "role"})


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
MAX_COLUMN = {"title": 60, "ic": 20}  # cut with … past these (others are short)
MIN_TITLE = 16  # cut with … to fit the columns after it, but never narrower


class HomeScreen(WarroomScreen[None]):
    """Active incidents first, then past ones. `incidents`: a quick read to show at once."""

    BINDINGS = [
        Binding("n", "new", "New incident", id="new", tooltip="Declare a new incident"),
        Binding("enter", "open", "Open", show=True),
    ]

    def __init__(self, incidents: list[Incident] | None = None) -> None:
        super().__init__()
        self._first = incidents
        self._shown: dict[int, Incident] = {}  # every incident known, listed or not yet
        self._past = HOME_PAST_PAGE  # past incidents listed, after every active one
        self._width = 0  # of the screen the list was laid out for
        self._live: Live | None = None  # while the screen is shown

    def compose(self) -> ComposeResult:
        yield Label(" warroom · incidents", id="home-title")
        yield DataTable(id="incidents", cursor_type="row")
        empty = Label("No incidents yet. Press n to declare one.", id="home-empty")
        empty.display = False  # until a read says so
        yield empty
        yield KeyBar()

    def on_mount(self) -> None:
        if self._first is not None:
            self.show(self._first)

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
        """Read again the incidents the changes name, and only those."""
        if changes is None:
            await self.reload()
            return
        ids = sorted(
            {c.incident_id for c in changes if c.entity in _LISTED and c.incident_id is not None}
        )
        if not ids:
            return
        fresh = await self.host.call(lambda store: [store.get_incident(i) for i in ids])
        self.show([*{**self._shown, **{incident.id: incident for incident in fresh}}.values()])

    async def reload(self) -> None:
        try:
            incidents = await self.host.call(lambda store: store.list_incidents())
        except (BadInput, StorageError) as error:
            if self.host.failed is None:  # (when the store could not open, the app ends)
                self.notify(
                    str(error), title="Could not read the incidents", severity="error", markup=False
                )
            return
        self.show(incidents)

    def show(self, incidents: Iterable[Incident]) -> None:
        everything = sorted(incidents, key=lambda incident: (not incident.is_active, -incident.id))
        self._shown = {incident.id: incident for incident in everything}
        active = sum(1 for incident in everything if incident.is_active)
        incidents = everything[: active + self._past]
        self._width = self.size.width
        table = self.query_one(DataTable)
        selected = table.cursor_row
        selected_id = self._selected_id()
        now = self.host.clock.now()
        tz = self.host.config.tz
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
                Text(date_time(incident.detected_at, tz), style="dim"),
            )
            for incident in incidents
        ]
        # Columns sized from what they hold, here, rather than measured by the table later.
        widths = [
            min(MAX_COLUMN.get(key, 60), max([len(label), *(row[index].cell_len for row in rows)]))
            for index, (key, label) in enumerate(COLUMNS)
        ]
        # The title gives way (cut with …) for the columns after it, but the last, to fit the
        # screen; the last (detected) is shown only if it fits whole, not a stray first letter.
        pad = 2 * table.cell_padding
        title = [key for key, _ in COLUMNS].index("title")
        others = sum(width + pad for index, width in enumerate(widths[:-1]) if index != title)
        room = self.size.width - others - pad - 1  # (the scroll bar's edge)
        widths[title] = max(MIN_TITLE, min(widths[title], room))
        fits = others + widths[title] + pad + widths[-1] + pad <= self.size.width
        shown = len(COLUMNS) if fits else len(COLUMNS) - 1
        for row in rows:
            for index, width in enumerate(widths):
                row[index].truncate(width, overflow="ellipsis")
        table.clear(columns=True)
        for (key, label), width in zip(COLUMNS[:shown], widths, strict=False):
            table.add_column(label, key=key, width=width)
        for incident, row in zip(incidents, rows, strict=True):
            table.add_row(*row[:shown], key=str(incident.id))
        empty = table.row_count == 0
        self.query_one("#home-empty", Label).display = empty
        if not empty:
            # The cursor stays on its incident when others' incidents come and go around it.
            ids = [incident.id for incident in incidents]
            if selected_id in ids:
                selected = ids.index(selected_id)
            table.move_cursor(row=min(selected, table.row_count - 1))

    def on_resize(self) -> None:
        if self._shown and self.size.width != self._width:
            self.show(self._shown.values())  # the title's width follows the screen's

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """Near the end of the list: the next page of past incidents."""
        table = message.data_table
        if message.cursor_row >= table.row_count - 5 and table.row_count < len(self._shown):
            self._past += HOME_PAST_PAGE
            self.show(self._shown.values())

    def _selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        if message.row_key.value is not None:
            self.go(OpenIncident(int(message.row_key.value)))

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

    def system_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("New incident", "Declare a new incident", self.action_new)
