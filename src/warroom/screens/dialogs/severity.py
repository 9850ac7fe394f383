"""The severity dialog: keys 1–4 pick a level, Enter confirms, Escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from warroom.domain.severity import SEVERITIES


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
