"""One timeline event, whole: its text wrapped, who, when (in the display zone and UTC), its
kind, and what it said before each edit. The timeline's row cuts the text to one line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from warroom.domain.model import Event, EventRevision
from warroom.domain.text import cell_line, printable, terminal_width_safe

# A row logged this long after the moment it gives was backdated: say when it was logged.
BACKDATED = timedelta(minutes=1)
CHROME = 6  # the dialog's rows that are not its body: border, title, keys, their margins


def when(moment: datetime, tz: tzinfo) -> str:
    """`2026-12-01 20:13:05 PST · 04:13:05 UTC (12-02)`: the display zone's, and UTC's."""
    local = moment.astimezone(tz)
    shown = local.strftime("%Y-%m-%d %H:%M:%S %Z")
    utc = moment.astimezone(UTC)
    if local.utcoffset() == timedelta(0):
        return shown
    day = "" if utc.date() == local.date() else f" ({utc:%m-%d})"
    return f"{shown} · {utc:%H:%M:%S} UTC{day}"


def shown(text: str) -> str:
    """An event's text, whole, as the terminal can draw it (controls escaped)."""
    return terminal_width_safe(printable(text, keep_newlines=True))


def facts(event: Event, tz: tzinfo) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("when", Text(when(event.occurred_at, tz)))
    table.add_row("who", Text(cell_line(event.actor)))
    table.add_row("kind", Text(event.kind.value))
    if event.recorded_at - event.occurred_at >= BACKDATED:
        table.add_row("logged", Text(when(event.recorded_at, tz)))
    marks = []
    if event.starred:
        marks.append("★ starred for the post-mortem")
    if event.hidden:
        marks.append("⊘ hidden from the post-mortem")
    if marks:
        table.add_row("marked", Text(" · ".join(marks)))
    if event.edited_at is not None:
        table.add_row("edited", Text(when(event.edited_at, tz)))
    return table


def history(revisions: Sequence[EventRevision], tz: tzinfo) -> Text:
    """What the event said before each edit, oldest first."""
    text = Text()
    for index, revision in enumerate(revisions):
        if index:
            text.append("\n\n")
        text.append(
            f"Until {when(revision.replaced_at, tz)}, edited by {cell_line(revision.replaced_by)}",
            style="bold",
        )
        text.append(
            f"\n{revision.kind.value} · {when(revision.occurred_at, tz)} · "
            f"{cell_line(revision.actor)}\n",
            style="dim",
        )
        text.append(shown(revision.text))
    return text


class EventView(ModalScreen[str | None]):
    """Returns "edit" when asked to edit the event (`editable`), else None."""

    DEFAULT_CSS = """
    #event-view {
        max-width: 110;
    }
    #event-view-body {
        height: auto;
    }
    #event-view-history-title {
        margin-top: 1;
        text-style: bold underline;
    }
    .event-view-part {
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape,enter,v,q", "close", "Close"),
        Binding("e", "edit", "Edit"),
    ]

    def __init__(
        self,
        event: Event,
        revisions: Sequence[EventRevision],
        tz: tzinfo,
        *,
        editable: bool = True,
    ) -> None:
        super().__init__()
        self.event = event
        self.revisions = tuple(revisions)
        self._tz = tz
        self._editable = editable

    def compose(self) -> ComposeResult:
        event = self.event
        with Vertical(classes="dialog", id="event-view"):
            yield Label(f"{event.key} · {event.kind.value}", classes="dialog-title")
            with VerticalScroll(id="event-view-body"):
                yield Static(facts(event, self._tz), id="event-view-facts")
                yield Static(
                    Text(shown(event.text)),
                    id="event-view-text",
                    classes="event-view-part",
                )
                if self.revisions:
                    count = len(self.revisions)
                    yield Label(
                        f"Before {'this edit' if count == 1 else f'these {count} edits'}",
                        id="event-view-history-title",
                    )
                    yield Static(history(self.revisions, self._tz), id="event-view-history")
            keys = "↑/↓ scroll · e edit · Escape close" if self._editable else "Escape close"
            yield Label(keys, classes="dialog-help")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#event-view-body"))

    def on_resize(self) -> None:
        # The text scrolls between the title and the keys, which always show: the dialog's
        # 90% of the screen less its border, title and keys (CSS has no calc()).
        body = self.query_one("#event-view-body")
        body.styles.max_height = max(3, self.size.height * 9 // 10 - CHROME)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self._editable:
            self.dismiss("edit")
