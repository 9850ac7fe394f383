"""How the timeline draws a row: its cells (time, kind, who, what), their widths, and the strip
of segments they make. Pure: the timeline (timeline.py) keeps what it drew and when to draw it
again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from warroom.domain.model import Event, EventKind
from warroom.domain.text import cell_line
from warroom.domain.timefmt import clock_time, day_time
from warroom.widgets import cell_rows
from warroom.widgets.cell_rows import PADDING

KIND_WIDTH = 8
ACTOR_WIDTH = 14  # "who" on a narrow terminal
WIDE_ACTOR_WIDTH = 32  # the most "who" takes on a wide one
ROOMY_TEXT_WIDTH = 60  # what the text keeps before "who" grows past ACTOR_WIDTH
MIN_TEXT_WIDTH = 10

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

Cells = tuple[Text, Text, Text, Text]  # time, kind, who, what


def header() -> Cells:
    return (Text("time"), Text("kind"), Text("who"), Text("what"))


def time_width(dated: bool) -> int:
    return len("03-15 14:23") if dated else len("14:23")


def actor_width(room: int, dated: bool, widest: int) -> int:
    """The "who" column: as wide as its widest name (`widest` cells), up to WIDE_ACTOR_WIDTH,
    while the text keeps ROOMY_TEXT_WIDTH of `room` columns; else ACTOR_WIDTH."""
    spare = room - time_width(dated) - KIND_WIDTH - 2 * PADDING * 4 - ROOMY_TEXT_WIDTH
    return max(ACTOR_WIDTH, min(widest, WIDE_ACTOR_WIDTH, spare))


def actor_cells(event: Event) -> int:
    return cell_len(cell_line(event.actor))


def text_width(room: int, dated: bool, actor: int = ACTOR_WIDTH) -> int:
    """What is left for the text of `room` columns (the scroll bar's kept out: the table never
    scrolls sideways, the bar shown or not), with "who" `actor` wide."""
    fixed = time_width(dated) + KIND_WIDTH + actor + 2 * PADDING * 4
    return max(MIN_TEXT_WIDTH, room - fixed)


def cells(
    event: Event, tz: tzinfo, dated: bool, text_width: int, actor_width: int = ACTOR_WIDTH
) -> Cells:
    when = (day_time if dated else clock_time)(event.occurred_at, tz)
    text = Text()
    if event.starred:
        text.append("★ ", style="bold yellow")
    if event.hidden:
        text.append("⊘ ", style="dim")
    text.append(cell_line(event.text))
    if event.edited_at is not None:
        text.append(" (edited)", style="dim italic")
    text.truncate(text_width, overflow="ellipsis")
    actor = Text(cell_line(event.actor), style="italic")
    actor.truncate(actor_width, overflow="ellipsis")
    return (
        Text(when, style="dim"),
        Text(event.kind.value, style=KIND_STYLE[event.kind]),
        actor,
        text,
    )


def strip(
    console: Console,
    row: Iterable[Text],
    dated: bool,
    text_width: int,
    width: int,
    style: Style,
    over: Style | None = None,
    actor_width: int = ACTOR_WIDTH,
) -> Strip:
    """The row's cells, padded to their columns, as a strip `width` wide in `style` (`over`:
    the cursor's, over it)."""
    widths = (time_width(dated), KIND_WIDTH, actor_width, text_width)
    return cell_rows.strip(console, row, widths, width, style, over)
