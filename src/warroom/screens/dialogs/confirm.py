"""A yes/no question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or Enter confirms, n or Escape cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Label(Text(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-detail")
            yield Label("y / Enter: yes · n / Escape: no", classes="dialog-help")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
