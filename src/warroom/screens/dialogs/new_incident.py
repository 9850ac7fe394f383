"""Declaring a new incident from the home screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select

from warroom.domain.severity import SEVERITIES
from warroom.screens.dialogs.base import SavingDialog, prepare_fields
from warroom.widgets.fields import TextField


@dataclass(frozen=True, slots=True)
class NewIncident:
    title: str
    severity: int
    commander: str


class NewIncidentDialog(SavingDialog[NewIncident]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Declare")]

    def __init__(
        self,
        commander: str,
        *,
        blink: bool = True,
        save: Callable[[NewIncident], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.commander = commander
        self._blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="new-dialog"):
            yield Label("Declare an incident", classes="dialog-title")
            with Grid(id="new-grid"):
                yield Label("Title")
                yield TextField(id="title", placeholder="what is broken, e.g. Checkout down")
                yield Label("Severity")
                yield Select(
                    [(f"{s.label} {s.name}: {s.definition}", s.level) for s in SEVERITIES.values()],
                    value=2,
                    allow_blank=False,
                    id="severity",
                )
                yield Label("IC")
                yield TextField(self.commander, id="commander")
            yield Label("", id="new-error", classes="form-error")
            yield Label("Enter declare · Escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#title", Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        await self.action_save()

    async def action_save(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        commander = self.query_one("#commander", Input).value.strip()
        level = self.query_one("#severity", Select).value
        if not title:
            self.query_one("#new-error", Label).update(Text("the title is required"))
            return
        if not commander:
            self.query_one("#new-error", Label).update(Text("the IC is required"))
            return
        if isinstance(level, int):
            await self.finish(NewIncident(title, level, commander))

    def action_cancel(self) -> None:
        self.dismiss(None)
