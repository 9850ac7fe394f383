"""Key help: every key of the screen below, as currently mapped, and how the screen is used
(for the war room: the log-line syntax)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

# Notes are lines of two columns, a heading (or an example) and what it means, apart by two
# spaces or more; a line too long for the dialog wraps within its second column.
LOG_SYNTAX = """\
Log line:   [TIME] [KIND:] TEXT, then Enter; the next line, Enter; Escape leaves
  14:15 migration deployed      backdated to 14:15 (today, or yesterday if later than now)
  -5m alert fired               five minutes ago (also -1h30m, -90s)
  decision: roll back           kind note, alert, action or decision (ctrl+t cycles it)
  14:15pm rollback              not understood: correct it, or Enter again logs it as typed
  a paste of several lines      one event a line, in order
Timeline:   ↑/↓ PgUp/PgDn · Home/End the first/newest event · Enter (or v) read the event \
whole, with its history · e edit · d delete · * star · h hide from the post-mortem
Board:      ←/→ column · ]/[ move the item · Enter edit
"""

# Where the second column starts: after the line's last run of two spaces or more.
_COLUMN = re.compile(r" {2,}(?=\S)")


class Notes:
    """`text` as a Rich renderable whose long lines wrap with a hanging indent, under their
    own second column, at whatever width the dialog has."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.splitlines():
            yield from self._wrapped(console, line, width)

    def _wrapped(self, console: Console, line: str, width: int) -> Iterator[Text]:
        runs = list(_COLUMN.finditer(line))
        hang = runs[-1].end() if runs else 0
        head, body = line[:hang], line[hang:]
        if hang > width // 2:  # a narrow dialog: the whole line, with a small indent
            hang, head, body = 4, "", line
        for index, part in enumerate(Text(body).wrap(console, max(10, width - hang))):
            yield Text(head if index == 0 else " " * hang) + part


def merged(keys: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """One row for the keys of one action (`⏎ v  Read the selected event whole`)."""
    rows: list[tuple[str, str]] = []
    for key, description in keys:
        if rows and rows[-1][1] == description:
            rows[-1] = (f"{rows[-1][0]} {key}", description)
        else:
            rows.append((key, description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]], notes: str = LOG_SYNTAX) -> None:
        """`notes`: how the screen below is used, beyond its keys."""
        super().__init__()
        self.keys = keys
        self.notes = notes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-dialog"):
            yield Label("Keys", classes="dialog-title")
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold", no_wrap=True)
            table.add_column()
            for key, description in merged(self.keys):
                table.add_row(Text(key), Text(description))
            yield Static(table, id="help-keys")
            if self.notes:
                yield Static(Notes(self.notes), id="log-syntax", classes="help-notes")
            yield Label("Escape close", classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
