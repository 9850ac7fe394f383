"""The baseline for the first line: a straightforward Textual app that opens a SQLite file
through SQLModel and commits each typed line on Enter before it shows it.

    python sqlmodel_app.py DATABASE ACTOR

`l` goes to the input line; Enter commits the line, then shows `ACTOR  LINE` as a new row.
"""

import sys
from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, create_engine
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Input, Static


class BenchLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor: str
    text: str
    at: datetime


class Straightforward(App[None]):
    BINDINGS = [("l", "log", "Log"), ("q", "quit", "Quit")]
    CSS = "DataTable { height: 1fr; }"  # the rows scroll; the input stays on the screen

    def __init__(self, database: str) -> None:
        super().__init__()
        self.engine = create_engine(f"sqlite:///{database}")
        SQLModel.metadata.create_all(self.engine)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static("sqlmodel app ready")
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
        line = BenchLine(actor=sys.argv[2], text=submitted.value, at=datetime.now(UTC))
        with Session(self.engine) as session:
            session.add(line)
            session.commit()
        table = self.query_one(DataTable)
        table.add_row(datetime.now().strftime("%H:%M"), sys.argv[2], submitted.value)
        table.move_cursor(row=table.row_count - 1)
        submitted.input.clear()


Straightforward(sys.argv[1]).run()
