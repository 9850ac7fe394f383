"""The home screen's list of incidents: one a row, under a header that stays; the cursor
selects one.

It draws with Textual's line API: a row is drawn once, as a strip of segments, and kept until
the list, the width or the look changes; moving the cursor draws two rows. (A DataTable renders
every visible cell through Rich on its first frame: a screenful of incidents took 45-50 ms of
the home screen's start-up with 10,000 of them.) The screen decides the columns and their
widths; what does not fit is past the right edge, scrolled to sideways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from warroom.widgets import cell_rows
from warroom.widgets.cell_rows import PADDING, CursorRows, looks_css
from warroom.widgets.workarounds import sync_scroll_bar

Column = tuple[str, int]  # its label, and its width in cells (padding aside)
Cells = tuple[Text, ...]


class IncidentList(CursorRows):
    """Rows of cells, each row an incident's (by its id)."""

    LOOK = "incident-list"
    COMPONENT_CLASSES = {"incident-list--header", "incident-list--cursor"}
    DEFAULT_CSS = looks_css("IncidentList", "incident-list")

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to row `row`."""

        incident_list: IncidentList
        row: int

        @property
        def control(self) -> IncidentList:
            return self.incident_list

    @dataclass
    class Clicked(Message):
        """A row was clicked: its incident is to be opened."""

        incident_list: IncidentList
        incident_id: int

        @property
        def control(self) -> IncidentList:
            return self.incident_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns: tuple[Column, ...] = ()
        self._ids: list[int] = []
        self._rows: list[Cells] = []
        # Rows drawn whole (before the sideways scroll), by row, for one look and list; the
        # cursor's row is drawn on demand.
        self._drawn: dict[int, Strip] = {}
        self._drawn_for: Style | None = None

    # ---- what the screen calls ----------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_id(self) -> int | None:
        return self._ids[self._cursor] if self._ids else None

    @property
    def column_labels(self) -> list[str]:
        return [label for label, _ in self._columns]

    def get_row_at(self, row: int) -> Cells:
        """What row `row` shows, cell by cell."""
        return self._rows[row]

    def show(self, columns: Sequence[Column], rows: Sequence[tuple[int, Cells]]) -> None:
        """Replace the list: `rows` of (incident id, cells), a cell for each column. The cursor
        stays on its incident if it is still listed, else on its row (or the last)."""
        selected = self.selected_id
        self._columns = tuple(columns)
        self._ids = [incident_id for incident_id, _ in rows]
        self._rows = [cells for _, cells in rows]
        self._drawn.clear()
        width = sum(width + 2 * PADDING for _, width in self._columns)
        self.virtual_size = Size(width, len(self._rows) + 1)  # and the header
        row = self._ids.index(selected) if selected in self._ids else self._cursor
        self.refresh()
        self.move_cursor(row)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on row `row` (clamped to the list) and scroll it into view."""
        row = max(0, min(row, len(self._rows) - 1))
        moved = row != self._cursor
        if moved:
            self._refresh_row(self._cursor)
            self._cursor = row
            self._refresh_row(row)
        self._scroll_to_cursor()
        if moved:
            self.post_message(self.Highlighted(self, row))

    # ---- drawing --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        base = self._looks_now()[0]
        if base != self._drawn_for:
            self._drawn.clear()
            self._drawn_for = base
        sync_scroll_bar(self)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base, header, cursor = self._looks or (Style(), Style(), Style())
        if y == 0:
            labels = tuple(Text(label) for label, _ in self._columns)
            return self._visible(self._strip(labels, base + header))
        row = round(self.scroll_y) + y - 1
        if not 0 <= row < len(self._rows):
            return Strip.blank(self.scrollable_content_region.width, base)
        if row == self._cursor:  # under the cells' own colours: a severity stays its colour
            return self._visible(self._strip(self._rows[row], base + cursor))
        drawn = self._drawn.get(row)
        if drawn is None:
            drawn = self._drawn[row] = self._strip(self._rows[row], base)
        return self._visible(drawn)

    def _strip(self, cells: Cells, style: Style) -> Strip:
        widths = [width for _, width in self._columns]
        width = max(self.virtual_size.width, self.scrollable_content_region.width)
        return cell_rows.strip(self.app.console, cells, widths, width, style)

    def _visible(self, strip: Strip) -> Strip:
        """The part of a whole row in view, scrolled sideways."""
        left = round(self.scroll_x)
        return strip.crop(left, left + self.scrollable_content_region.width)

    # ---- keys and the mouse ---------------------------------------------------------------

    def on_resize(self) -> None:
        self._drawn.clear()  # (the rows are as wide as the view, when the columns are less)
        if self._rows:
            self._scroll_to_cursor()

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self._rows):  # not the space below the last row
            self.move_cursor(row)
            self.post_message(self.Clicked(self, self._ids[row]))

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._rows_in_view())

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._rows_in_view())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)
