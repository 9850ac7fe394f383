"""Rows of cells drawn as one strip each, with Textual's line API: the look, the drawing and
the cursor the timeline and the incident list share (both in place of a DataTable, which
renders every visible cell through Rich again after any change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.scroll_view import ScrollView
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


class CursorRows(ScrollView, can_focus=True):
    """Rows under a header that stays, one line each, a cursor on one of them. A subclass
    names its component classes `LOOK--header` and `LOOK--cursor` (`looks_css`)."""

    LOOK: ClassVar[str]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cursor = 0  # the row the cursor is on
        self._looks: tuple[Style, Style, Style] | None = None  # base, header, cursor

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks = None  # the theme, focus or a class changed: look again

    def _looks_now(self) -> tuple[Style, Style, Style]:
        if self._looks is None:
            self._looks = (
                self.rich_style,
                self.get_component_rich_style(f"{self.LOOK}--header"),
                self.get_component_rich_style(f"{self.LOOK}--cursor"),
            )
        return self._looks

    def _rows_in_view(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # under the header

    def _in_view(self, row: int) -> bool:
        top = round(self.scroll_y)
        return top <= row < top + self._rows_in_view()

    def _scroll_to_cursor(self) -> None:
        rows = self._rows_in_view()
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False, force=True)

    def _refresh_row(self, row: int) -> None:
        y = row - round(self.scroll_y) + 1  # under the header
        if 0 < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))
