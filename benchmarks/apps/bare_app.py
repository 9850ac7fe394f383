"""The baseline for start-up and keystrokes: a bare Textual app that shows a typed line as a new
row on Enter, its cursor blinking and a clock ticking, as a person would first write one.

    python bare_app.py ACTOR

`l` goes to the input line; Enter shows `ACTOR  LINE` as the table's newest row.
"""

import sys
from datetime import datetime

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static


class Bare(App[None]):
    BINDINGS = [("l", "log", "Log"), ("q", "quit", "Quit")]
    CSS = "DataTable { height: 1fr; }"  # the rows scroll; the input stays on the screen

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)  # the clock ticks every second
        yield Static("bare app ready")
        yield DataTable(cursor_type="row")
        yield Input(placeholder="what happened?")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("time", 5), ("who", 14), ("what", 90)):
            table.add_column(label, width=width)
        self.query_one(DataTable).focus()

    def action_log(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, submitted: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        table.add_row(datetime.now().strftime("%H:%M"), sys.argv[1], submitted.value)
        table.move_cursor(row=table.row_count - 1)
        submitted.input.clear()


Bare().run()
