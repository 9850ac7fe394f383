"""Key help: every key of the screen below, as currently mapped, and how the screen is used
(for the war room: the log-line syntax)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

LOG_SYNTAX = """\
Log line:   [TIME] [KIND:] TEXT, then Enter; the next line, Enter; Escape leaves
  14:15 migration deployed      backdated to 14:15 (today, or yesterday if later than now)
  -5m alert fired               five minutes ago (also -1h30m, -90s)
  decision: roll back           kind note, alert, action or decision (ctrl+t cycles it)
  14:15pm rollback              not understood: correct it, or Enter again logs it as typed
  a paste of several lines      one event a line, in order
Timeline:   ↑/↓ PgUp/PgDn · Home/End the first/newest event · e edit · d delete
            * star · h hide from the post-mortem
Board:      ←/→ column · ]/[ move the item · Enter edit
"""


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
            table.add_column(style="bold")
            table.add_column()
            for key, description in self.keys:
                table.add_row(Text(key), Text(description))
            yield Static(table)
            yield Static(Text(self.notes), id="log-syntax")
            yield Label("Escape close", classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
