"""The timeline: a window of events over a timeline of any length.

The widget holds at most a few hundred events. When the cursor reaches the top (or bottom) of
the window and there is more, it asks its screen for the next page (keyset paging in the store)
and the window slides. It never asks for, nor holds, every event.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from warroom.model import Event, EventKind
from warroom.text import one_line

WINDOW = 300  # most events held at once
PAGE = 100  # events fetched when the window slides
KIND_WIDTH = 8
ACTOR_WIDTH = 14

KIND_STYLE: dict[EventKind, str] = {
    EventKind.NOTE: "",
    EventKind.ALERT: "bold red",
    EventKind.ACTION: "green",
    EventKind.DECISION: "bold magenta",
    EventKind.UPDATE: "bold cyan",
    EventKind.SEVERITY: "bold yellow",
    EventKind.PHASE: "blue",
    EventKind.ROLE: "blue",
}


def _order(event: Event) -> tuple[datetime, int]:
    return (event.occurred_at, event.id)


class Timeline(DataTable[Text]):
    """Events, oldest at the top, newest at the bottom; the cursor selects one."""

    BINDINGS = [
        # Shown in the timeline's border and in the key help, keeping the footer for the
        # war room's own keys (80 columns hold no more).
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
    class EventAction(Message):
        """The user asked to edit / delete / star / hide the selected event."""

        timeline: Timeline
        event: Event
        action: str

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._tz = tz
        self._events: list[Event] = []
        self._ids: set[int] = set()
        self.has_older = False
        self.has_newer = False  # False: the window reaches the newest event (live)
        self._show_dates = False
        self._waiting = False

    def on_mount(self) -> None:
        self.border_subtitle = "e edit · d delete · * star · h hide"
        self._add_columns()

    def _add_columns(self) -> None:
        """Every column has a set width: nothing for the table to measure, and the text
        column takes what is left (the table never scrolls sideways)."""
        time_width = len("03-15 14:23") if self.show_dates else len("14:23")
        self.add_column("time", key="time", width=time_width)
        self.add_column("kind", key="kind", width=KIND_WIDTH)
        self.add_column("who", key="actor", width=ACTOR_WIDTH)
        self.add_column("what", key="text", width=self._text_width(time_width))

    # ---- what the screen calls ----------------------------------------------------------

    @property
    def events(self) -> Sequence[Event]:
        return self._events

    @property
    def show_dates(self) -> bool:
        """Whether the time column has dates (the incident spans days)."""
        return self._show_dates

    @show_dates.setter
    def show_dates(self, show: bool) -> None:
        if show != self._show_dates:
            self._show_dates = show
            if self._events:  # every row, not only those added from now on
                self._rebuild(self.selected.id if self.selected else None)

    @property
    def selected(self) -> Event | None:
        if not self._events or not 0 <= self.cursor_row < len(self._events):
            return None
        return self._events[self.cursor_row]

    def reveal(self, event_id: int) -> bool:
        """Put the cursor on an event in the window (scrolled into view). Returns whether
        the event is in the window."""
        row = next((i for i, event in enumerate(self._events) if event.id == event_id), None)
        if row is None:
            return False
        self.move_cursor(row=row, animate=False)
        return True

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
        self._ids = {event.id for event in self._events}
        self.has_older, self.has_newer = has_older, has_newer
        self._waiting = False
        self._rebuild(select)

    def add_page(self, events: Sequence[Event], *, older: bool, more: bool) -> None:
        """Slide the window: add a page at one end, drop as many from the other."""
        self._waiting = False
        selected = self.selected
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
        self._ids = {event.id for event in merged}
        self._rebuild(selected.id if selected else None)

    def upsert(self, event: Event) -> bool:
        """Show a new or changed event if it belongs in the window. Returns whether it does."""
        if event.id in self._ids:
            index = next(i for i, known in enumerate(self._events) if known.id == event.id)
            if event.deleted_at is not None:
                del self._events[index]
                self._ids.discard(event.id)
            else:
                self._events[index] = event
                self._events.sort(key=_order)
            self._rebuild(self.selected.id if self.selected else None)
            return True
        if event.deleted_at is not None:
            return False
        newest = self._events[-1] if self._events else None
        if newest is None or _order(event) > _order(newest):
            if self.has_newer:
                return False  # beyond the window; the screen jumps to the end if it wants to
            follow = self.cursor_row >= len(self._events) - 1
            self._events.append(event)
            self._ids.add(event.id)
            self.add_row(*self._cells(event), key=str(event.id))
            self._trim_front()
            if follow:
                self.move_cursor(row=len(self._events) - 1, animate=False)
            return True
        oldest = self._events[0]
        if _order(event) < _order(oldest) and self.has_older:
            return False
        selected = self.selected
        insort(self._events, event, key=_order)
        self._ids.add(event.id)
        self._rebuild(selected.id if selected else None)
        return True

    # ---- inside ---------------------------------------------------------------------------

    def _trim_front(self) -> None:
        """Keep the window its size as events arrive: drop the oldest rows one by one (cheap)
        rather than rebuilding the table on every new event."""
        while len(self._events) > WINDOW:
            oldest = self._events.pop(0)
            self._ids.discard(oldest.id)
            row = self.cursor_row
            self.remove_row(str(oldest.id))
            if row > 0:
                self.move_cursor(row=row - 1, animate=False)  # stay on the same event
            self.has_older = True

    def _rebuild(self, select: int | None) -> None:
        self.clear(columns=True)
        self._add_columns()  # the width left for text may have changed
        for event in self._events:  # row i is self._events[i]; its key is the event id
            self.add_row(*self._cells(event), key=str(event.id))
        if not self._events:
            return
        row = len(self._events) - 1
        if select is not None:
            row = next((i for i, e in enumerate(self._events) if e.id == select), row)
        self.move_cursor(row=row, animate=False)

    def _cells(self, event: Event) -> tuple[Text, Text, Text, Text]:
        local = event.occurred_at.astimezone(self._tz)
        when = local.strftime("%m-%d %H:%M" if self.show_dates else "%H:%M")
        text = Text()
        if event.starred:
            text.append("★ ", style="bold yellow")
        if event.hidden:
            text.append("⊘ ", style="dim")
        text.append(one_line(event.text))
        if event.edited_at is not None:
            text.append(" (edited)", style="dim italic")
        text.truncate(self._text_width(len(when)), overflow="ellipsis")
        actor = Text(one_line(event.actor), style="italic")
        actor.truncate(ACTOR_WIDTH, overflow="ellipsis")
        return (
            Text(when, style="dim"),
            Text(event.kind.value, style=KIND_STYLE[event.kind]),
            actor,
            text,
        )

    def _text_width(self, time_width: int) -> int:
        """What is left for the text: the table never scrolls sideways."""
        fixed = time_width + KIND_WIDTH + ACTOR_WIDTH + 2 * 4 + self.scrollbar_size_vertical
        return max(10, self.scrollable_content_region.width - fixed)

    def on_resize(self) -> None:
        if self._events:
            self._rebuild(self.selected.id if self.selected else None)

    def on_data_table_row_highlighted(self, _message: DataTable.RowHighlighted) -> None:
        self._maybe_page()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._maybe_page()  # already on the first row: the cursor did not move

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._maybe_page()

    def _maybe_page(self) -> None:
        if self._waiting or not self._events:
            return
        row = self.cursor_row
        if row == 0 and self.has_older:
            self._waiting = True
            self.post_message(self.PageWanted(self, self._events[0], older=True))
        elif row == len(self._events) - 1 and self.has_newer:
            self._waiting = True
            self.post_message(self.PageWanted(self, self._events[-1], older=False))

    def _act(self, action: str) -> None:
        event = self.selected
        if event is not None:
            self.post_message(self.EventAction(self, event, action))

    def action_edit(self) -> None:
        self._act("edit")

    def action_delete(self) -> None:
        self._act("delete")

    def action_star(self) -> None:
        self._act("star")

    def action_hide(self) -> None:
        self._act("hide")
