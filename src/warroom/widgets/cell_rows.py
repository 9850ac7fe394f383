"""Rows of cells drawn as one strip each, with Textual's line API: the look and the drawing the
timeline and the incident list share (both in place of a DataTable, which renders every visible
cell through Rich again after any change)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

PADDING = 1  # a space each side of every cell


def looks_css(widget: str, prefix: str) -> str:
    """The look of Textual's DataTable for `widget` (its component classes `prefix--header` and
    `prefix--cursor`), but for one thing: no tint when focused (the border or the cursor says
    where focus is), so that rows drawn once stay right when focus comes and goes."""
    return f"""
    {widget} {{
        background: $surface;
        color: $foreground;
        & > .{prefix}--header {{
            text-style: bold;
            background: $panel;
            color: $foreground;
        }}
        &:ansi > .{prefix}--header {{
            background: ansi_bright_blue;
            color: ansi_default;
        }}
        & > .{prefix}--cursor {{
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }}
        &:focus > .{prefix}--cursor {{
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }}
    }}
    """


def strip(
    console: Console,
    cells: Iterable[Text],
    widths: Iterable[int],
    width: int,
    style: Style,
    over: Style | None = None,
) -> Strip:
    """The cells, each padded to its column (cut with … if wider; the cells given are left as
    they are), as a strip `width` wide in `style` (`over`: the cursor's, over it)."""
    line = Text(end="")
    pad = " " * PADDING
    for cell, cell_width in zip(cells, widths, strict=True):
        if cell.cell_len != cell_width:
            cell = cell.copy()
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
        line.append(pad)
        line.append_text(cell)
        line.append(pad)
    segments = Segment.apply_style(line.render(console), style, over)
    return Strip(segments).adjust_cell_length(width, style + (over or Style()))
