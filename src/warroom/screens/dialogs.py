"""Small modal dialogs that return a typed result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Select, Static

from warroom.severity import SEVERITIES

R = TypeVar("R")


def prepare_fields(screen: Screen[Any], *, blink: bool) -> None:
    """Forms use compact one-line fields (they must fit 80x24) and honour the blink setting."""
    for field in screen.query(Input):
        field.compact = True
        field.cursor_blink = blink
    for select in screen.query(Select):
        select.compact = True


class SavingDialog(ModalScreen[R | None], Generic[R]):
    """A dialog whose result is saved before it closes. `save(result)` saves it and says
    whether the dialog may close: when saving fails (a full disk, a busy database) the dialog
    stays open with everything typed in it, to try again or to cancel."""

    def __init__(self, save: Callable[[R], Awaitable[bool]] | None = None) -> None:
        super().__init__()
        self._save = save
        self._saving = False

    async def finish(self, result: R) -> None:
        if self._saving:
            return  # Enter again while saving: the first one is still at it
        if self._save is not None:
            self._saving = True
            try:
                saved = await self._save(result)
            finally:
                self._saving = False
            if not saved:
                return
        self.dismiss(result)


class SeverityDialog(ModalScreen[int | None]):
    """Keys 1–4 pick a level, Enter confirms, Escape cancels."""

    BINDINGS = [
        Binding("1", "pick(1)", "SEV-1", show=False),
        Binding("2", "pick(2)", "SEV-2", show=False),
        Binding("3", "pick(3)", "SEV-3", show=False),
        Binding("4", "pick(4)", "SEV-4", show=False),
        Binding("up,k", "step(-1)", show=False),
        Binding("down,j", "step(1)", show=False),
        Binding("enter", "confirm", "Confirm"),
        Binding("escape", "cancel", "Cancel"),
    ]

    chosen: reactive[int] = reactive(1)

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current
        self.set_reactive(SeverityDialog.chosen, current)

    def compose(self) -> ComposeResult:
        with Vertical(id="severity-dialog", classes="dialog"):
            current = SEVERITIES[self.current]
            # The level now in the title, not after a row's definition: at 80 columns a long
            # definition pushed it out of sight.
            yield Label(
                f"Change severity · now {current.label} {current.name}", classes="dialog-title"
            )
            for level in SEVERITIES:
                yield Static(self._row(level), id=f"pick-{level}", classes=f"pick sev-{level}")
            yield Label("1–4 pick · Enter confirm · Escape cancel", classes="dialog-help")

    def _row(self, level: int) -> Text:
        sev = SEVERITIES[level]
        text = Text(f" {level}  {sev.label} {sev.name:<8} ", style="bold")
        text.append(sev.definition)
        return text

    def on_mount(self) -> None:
        self.watch_chosen(self.chosen)

    def watch_chosen(self, chosen: int) -> None:
        for level in SEVERITIES:
            self.query_one(f"#pick-{level}").set_class(level == chosen, "-chosen")

    def action_pick(self, level: int) -> None:
        self.chosen = level

    def action_step(self, step: int) -> None:
        self.chosen = min(4, max(1, self.chosen + step))

    def action_confirm(self) -> None:
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
