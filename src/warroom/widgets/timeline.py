"""The timeline: a window of events over a timeline of any length.

The widget holds at most a few hundred events. When the cursor reaches the top (or bottom) of
the window and there is more, it asks its screen for the next page (keyset paging in the store)
and the window slides. It never asks for, nor holds, every event.

It draws with Textual's line API: a row is drawn once, as a strip of segments, and kept until
the event, the width or the look changes. A new event is one row to draw; moving the cursor,
two. (A DataTable draws every visible cell again after any change: 30 ms for a keystroke.)
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from warroom.domain.model import Event
from warroom.widgets import timeline_rows as draw
from warroom.widgets.cell_rows import CursorRows, looks_css
from warroom.widgets.workarounds import grow_without_layout, sync_scroll_bar

WINDOW = 300  # most events held at once
PAGE = 100  # events fetched when the window slides


def _order(event: Event) -> tuple[datetime, int]:
    return (event.occurred_at, event.id)


class Timeline(CursorRows):
    """Events, oldest at the top, newest at the bottom, under a header that stays; the cursor
    selects one."""

    LOOK = "timeline"
    COMPONENT_CLASSES = {"timeline--header", "timeline--cursor"}
    BORDER_SUBTITLE = "Enter view · e edit · d delete · * star · h hide"

    DEFAULT_CSS = looks_css("Timeline", "timeline") + "Timeline { overflow-x: hidden; }"

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
        # Shown in the timeline's border and in the key help, keeping the footer for the
        # war room's own keys (80 columns hold no more).
        Binding("enter,v", "view", "View", show=False, tooltip="Read the selected event whole"),
        Binding(
            "e", "edit", "Edit", show=False, tooltip="Edit the selected event (its history is kept)"
        ),
        Binding(
            "delete,d", "delete", "Delete", show=False, tooltip="Delete the selected event (soft)"
        ),
        Binding(
            "asterisk", "star", "Star", show=False, tooltip="Star the event for the post-mortem"
        ),
        Binding("h", "hide", "Hide", show=False, tooltip="Hide the event from the post-mortem"),
    ]

    @dataclass
    class PageWanted(Message):
        """The cursor reached an edge of the window: load the page past `edge`."""

        timeline: Timeline
        edge: Event
        older: bool

        @property
        def control(self) -> Timeline:
            return self.timeline

    @dataclass
    class EndWanted(Message):
        """Home or End with more past that end of the window: load the incident's first page
        (`oldest`) or its newest."""

        timeline: Timeline
        oldest: bool

        @property
        def control(self) -> Timeline:
            return self.timeline

    @dataclass
    class EventAction(Message):
        """The user asked to view / edit / delete / star / hide the selected event."""

        timeline: Timeline
        event: Event
        action: str

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tz = tz
        self._events: list[Event] = []
        self._ids: set[int] = set()
        self.has_older = False
        self.has_newer = False  # False: the window reaches the newest event (live)
        self._show_dates = False
        self._dates_asked = False
        self._waiting = False
        # Rows the keys moved past an edge of the window while the page beyond it was read
        # (negative: up); moved once it is in.
        self._owed = 0
        # Rows drawn, by event id, with the event as drawn, for one width and look
        # (`_drawn_for`); the cursor's row is drawn on demand.
        self._drawn: dict[int, tuple[Event, Strip]] = {}
        self._drawn_for: tuple[object, ...] = ()
        self._widths_now = (0, 0, 0)  # the strip's, the text's and who's, for this paint
        self._widest_actor = 0  # cells, of the names in the window
        # Callbacks waiting for a row to be on the screen, by event id; and those whose row this
        # paint draws.
        self._when_drawn: dict[int, list[Callable[[], object]]] = {}
        self._drawn_now: list[Callable[[], object]] = []

    def on_mount(self) -> None:
        self._resize_virtual()

    # ---- what the screen calls ----------------------------------------------------------

    @property
    def events(self) -> Sequence[Event]:
        return self._events

    @property
    def row_count(self) -> int:
        return len(self._events)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def show_dates(self) -> bool:
        """Whether the time column has dates (the incident spans days)."""
        return self._show_dates

    @show_dates.setter
    def show_dates(self, show: bool) -> None:
        """The screen's say (the incident spans days); dated anyway while the window's events
        do (an event backdated to another day, in an incident declared today)."""
        self._dates_asked = show
        self._date_if_needed()

    def _date_if_needed(self) -> None:
        events = self._events
        spans = bool(events) and self._day(events[0]) != self._day(events[-1])
        show = self._dates_asked or spans
        if show != self._show_dates:
            self._show_dates = show
            self.refresh()  # every row, not only those added from now on

    def _day(self, event: Event) -> date:
        return event.occurred_at.astimezone(self._tz).date()

    @property
    def selected(self) -> Event | None:
        if not self._events or not 0 <= self._cursor < len(self._events):
            return None
        return self._events[self._cursor]

    def row_cells(self, row: int) -> draw.Cells:
        """What row `row` shows, cell by cell: time, kind, who, what."""
        actor = self._actor_width()
        return self._cells(self._events[row], self._text_width(actor), actor)

    def reveal(self, event_id: int) -> bool:
        """Put the cursor on an event in the window (scrolled into view). Returns whether
        the event is in the window."""
        row = self._row_of(event_id)
        if row is None:
            return False
        self._owed = 0
        self.move_cursor(row)
        return True

    def when_drawn(self, event_id: int, callback: Callable[[], object]) -> None:
        """Call `callback` once a frame that shows the row of `event_id` has been drawn; after
        the next frame if the row is not in view."""
        row = self._row_of(event_id) if event_id in self._ids else None
        if row is None or not self._in_view(row):
            self.call_after_refresh(callback)
            return
        self._when_drawn.setdefault(event_id, []).append(callback)
        self._refresh_row(row)  # drawn in the next frame, if it was not to be already

    def move_cursor(self, row: int) -> None:
        """Put the cursor on row `row` (clamped to the window) and scroll it into view."""
        row = max(0, min(row, len(self._events) - 1))
        if row != self._cursor:
            self._refresh_row(self._cursor)
            self._cursor = row
            self._refresh_row(row)
        self._scroll_to_cursor()
        self._maybe_page()

    def show(
        self,
        events: Sequence[Event],
        *,
        has_older: bool,
        has_newer: bool,
        select: int | None = None,
    ) -> None:
        """Replace the window. `select`: the event id to put the cursor on (default: newest)."""
        self._events = sorted(events, key=_order)
        self.has_older, self.has_newer = has_older, has_newer
        self._waiting = False
        self._owed = 0  # a new window: a move owed to the old one means nothing here
        self._replaced(select)

    def add_page(
        self, events: Sequence[Event], *, older: bool, more: bool, edge: Event | None = None
    ) -> None:
        """Slide the window: add a page at one end, drop as many from the other. `edge`: the
        event the page was read from; a page read from an edge the window no longer has (it
        was replaced meanwhile: Home, End, the newest page read again) is not added."""
        if edge is not None and self._events:
            now_edge = self._events[0] if older else self._events[-1]
            if now_edge.id != edge.id:
                self._waiting = False
                self._maybe_page()  # from the edge it has now, if the cursor is near it
                return
        self._waiting = False
        selected = self.selected
        top = self._events[round(self.scroll_y)] if self._events else None
        fresh = [event for event in events if event.id not in self._ids]
        if older:
            self.has_older = more
            merged = sorted(fresh, key=_order) + self._events
            if len(merged) > WINDOW:
                merged = merged[:WINDOW]
                self.has_newer = True
        else:
            self.has_newer = more
            merged = self._events + sorted(fresh, key=_order)
            if len(merged) > WINDOW:
                merged = merged[-WINDOW:]
                self.has_older = True
        self._events = merged
        self._replaced(selected.id if selected else None, top=top.id if top else None)
        owed, self._owed = self._owed, 0
        if owed:
            self._move_by(owed)  # past the new edge too: owed again, the next page asked for

    def upsert(self, event: Event) -> bool:
        """Show a new or changed event if it belongs in the window. Returns whether it does."""
        index = self._row_of(event.id) if event.id in self._ids else None
        if index is not None:
            selected = self.selected
            if event.deleted_at is not None:
                del self._events[index]
                if selected is not None and selected.id == event.id and self._events:
                    selected = self._events[min(index, len(self._events) - 1)]  # the next one
            else:
                self._events[index] = event
                self._events.sort(key=_order)
            self._replaced(selected.id if selected else None)
            return True
        if event.deleted_at is not None:
            return False
        newest = self._events[-1] if self._events else None
        if newest is None or _order(event) > _order(newest):
            if self.has_newer:
                return False  # beyond the window; the screen jumps to the end if it wants to
            follow = self._cursor >= len(self._events) - 1
            self._events.append(event)
            self._ids.add(event.id)
            before = self._actor_width()
            self._widest_actor = max(self._widest_actor, draw.actor_cells(event))
            if self._actor_width() != before:
                self.refresh()  # "who" grew: every row, not only the new one
            self._trim_front(keep_view=not follow)
            self._date_if_needed()
            self._resize_virtual()
            if follow:
                self.move_cursor(len(self._events) - 1)  # draws the new row, the cursor on it
            else:
                self._refresh_row(len(self._events) - 1)
            return True
        oldest = self._events[0]
        if _order(event) < _order(oldest) and self.has_older:
            return False
        selected = self.selected
        insort(self._events, event, key=_order)
        self._replaced(selected.id if selected else None)
        return True

    # ---- inside ---------------------------------------------------------------------------

    def _row_of(self, event_id: int) -> int | None:
        return next((i for i, event in enumerate(self._events) if event.id == event_id), None)

    def _replaced(self, select: int | None, *, top: int | None = None) -> None:
        """The window's events changed: cursor on `select` (default: the newest), the event
        `top` at the top of the view if it is still there (and the cursor in view), redrawn."""
        self._ids = {event.id for event in self._events}
        self._widest_actor = max(map(draw.actor_cells, self._events), default=0)
        self._drawn = {key: drawn for key, drawn in self._drawn.items() if key in self._ids}
        self._gone_undrawn()
        self._date_if_needed()
        self._resize_virtual()
        row = self._row_of(select) if select is not None else None
        if row is None:
            row = len(self._events) - 1
        self._cursor = max(0, row)
        self.refresh()
        top_row = self._row_of(top) if top is not None else None
        if top_row is not None:
            self.scroll_to(y=top_row, animate=False, force=True)
        if self._events:
            self.move_cursor(row)

    def _trim_front(self, *, keep_view: bool) -> None:
        """Keep the window its size as events arrive: drop the oldest, the cursor staying on
        the event it is on. `keep_view`: the view stays on the events it shows (someone reading
        back while alerts pour in is not scrolled along); else it stays where it is, at the
        newest, its events moving up a row (the scroll bar has nothing to redraw)."""
        extra = len(self._events) - WINDOW
        if extra <= 0:
            return
        for oldest in self._events[:extra]:
            self._ids.discard(oldest.id)
            self._drawn.pop(oldest.id, None)
        self._gone_undrawn()
        del self._events[:extra]
        self._cursor = max(0, self._cursor - extra)
        self.has_older = True
        if keep_view:
            self.scroll_to(y=max(0, round(self.scroll_y) - extra), animate=False, force=True)
        self.refresh()

    def _gone_undrawn(self) -> None:
        """Rows waited for that left the window before they were drawn: their callbacks are
        called after the next frame, not never."""
        for gone in [key for key in self._when_drawn if key not in self._ids]:
            for callback in self._when_drawn.pop(gone):
                self.call_after_refresh(callback)

    def _resize_virtual(self) -> None:
        """One line per event, and the header."""
        size = Size(self.scrollable_content_region.width, len(self._events) + 1)
        if size != self.virtual_size and not grow_without_layout(self, size):
            self.virtual_size = size

    # ---- drawing --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        looks = self._looks_now()
        sync_scroll_bar(self)
        actor = self._actor_width()
        self._widths_now = (self.scrollable_content_region.width, self._text_width(actor), actor)
        drawn_for = (*self._widths_now, looks[0], self._show_dates)
        if drawn_for != self._drawn_for:
            self._drawn.clear()
            self._drawn_for = drawn_for
        lines = super().render_lines(crop)
        for event_id in list(self._when_drawn):  # rows waited for, out of view: not for ever
            row = self._row_of(event_id)
            if row is None or not self._in_view(row):
                self._drawn_now += self._when_drawn.pop(event_id)
        for callback in self._drawn_now:
            self.call_after_refresh(callback)  # once this frame is on the screen
        self._drawn_now.clear()
        return lines

    def render_line(self, y: int) -> Strip:
        base, header, cursor = self._looks or (Style(), Style(), Style())
        width, text_width, actor = self._widths_now
        if y == 0:
            return self._strip(draw.header(), text_width, actor, width, base + header)
        row = round(self.scroll_y) + y - 1
        if not 0 <= row < len(self._events):
            return Strip.blank(width, base)
        event = self._events[row]
        if self._when_drawn:
            self._drawn_now += self._when_drawn.pop(event.id, ())
        if row == self._cursor:  # its colours give way to the cursor's
            cells = self._cells(event, text_width, actor)
            return self._strip(cells, text_width, actor, width, base, cursor)
        drawn = self._drawn.get(event.id)
        if drawn is not None and (drawn[0] is event or drawn[0] == event):
            return drawn[1]
        strip = self._strip(self._cells(event, text_width, actor), text_width, actor, width, base)
        self._drawn[event.id] = (event, strip)
        return strip

    def _cells(self, event: Event, text_width: int, actor: int) -> draw.Cells:
        return draw.cells(event, self._tz, self._show_dates, text_width, actor)

    def _strip(
        self,
        cells: draw.Cells,
        text_width: int,
        actor: int,
        width: int,
        style: Style,
        over: Style | None = None,
    ) -> Strip:
        return draw.strip(
            self.app.console, cells, self._show_dates, text_width, width, style, over, actor
        )

    def _room(self) -> int:
        return self.content_region.width - self.styles.scrollbar_size_vertical

    def _actor_width(self) -> int:
        return draw.actor_width(self._room(), self._show_dates, self._widest_actor)

    def _text_width(self, actor: int) -> int:
        return draw.text_width(self._room(), self._show_dates, actor)

    # ---- keys and the mouse ---------------------------------------------------------------

    def on_resize(self) -> None:
        self._resize_virtual()
        if self._events:
            self._scroll_to_cursor()

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self._events):  # not the space below the last row
            self._owed = 0
            self.move_cursor(row)

    def action_cursor_up(self) -> None:
        self._move_by(-1)

    def action_cursor_down(self) -> None:
        self._move_by(1)

    def action_page_up(self) -> None:
        self._move_by(-self._rows_in_view())

    def action_page_down(self) -> None:
        self._move_by(self._rows_in_view())

    def action_first(self) -> None:
        """The incident's first event (read, if the window does not hold it)."""
        self._owed = 0
        if self.has_older:
            self._waiting = True  # the first page, not the one before this window
            self.post_message(self.EndWanted(self, oldest=True))
        self.move_cursor(0)

    def action_last(self) -> None:
        """The newest event (read, if the window does not hold it)."""
        self._owed = 0
        if self.has_newer:
            self._waiting = True  # the newest page, not the one after this window
            self.post_message(self.EndWanted(self, oldest=False))
        self.move_cursor(len(self._events) - 1)

    def _move_by(self, rows: int) -> None:
        """Move the cursor `rows` rows (negative: up). Rows past an edge with more events
        beyond it are owed and moved once the page past the edge is in, so that keys pressed
        while it is read (PageUp held down, or pressed before the store is open) are not
        lost."""
        row = self._cursor + rows
        if row < 0 and self.has_older:
            self._owed += row
        elif row >= len(self._events) and self.has_newer:
            self._owed += row - (len(self._events) - 1)
        self.move_cursor(row)

    def _maybe_page(self) -> None:
        """Ask for the page past an edge of the window once the cursor is two views from it,
        so that paging on does not stop at the edge while the page is read (half a page at
        most: once a page is in, the cursor is never that close to the other edge)."""
        if self._waiting or not self._events:
            return
        ahead = min(2 * self._rows_in_view(), PAGE // 2)
        row = self._cursor
        if row < ahead and self.has_older:
            self._waiting = True
            self.post_message(self.PageWanted(self, self._events[0], older=True))
        elif row >= len(self._events) - ahead and self.has_newer:
            self._waiting = True
            self.post_message(self.PageWanted(self, self._events[-1], older=False))

    def _act(self, action: str) -> None:
        event = self.selected
        if event is not None:
            self.post_message(self.EventAction(self, event, action))

    def action_view(self) -> None:
        self._act("view")

    def action_edit(self) -> None:
        self._act("edit")

    def action_delete(self) -> None:
        self._act("delete")

    def action_star(self) -> None:
        self._act("star")

    def action_hide(self) -> None:
        self._act("hide")
