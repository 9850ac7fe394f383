"""Editing a timeline event: the same line syntax as logging it. The old text is kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from warroom.domain.errors import BadInput
from warroom.domain.logline import LogLine
from warroom.domain.model import Event
from warroom.screens.dialogs.base import SavingDialog, prepare_fields
from warroom.widgets.fields import TextField


class EditEventDialog(SavingDialog[LogLine]):
    """Returns the edited line, parsed, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        event: Event,
        line: str,
        parse: Callable[[str], LogLine],
        *,
        blink: bool = True,
        save: Callable[[LogLine], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.event = event
        self.line = line
        self._parse = parse
        self._blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="edit-dialog"):
            yield Label(f"Edit {self.event.key}", classes="dialog-title")
            yield TextField(self.line, id="edit-line", select_on_focus=False)
            yield Label("", id="edit-error", classes="form-error")
            yield Label(
                "Enter save · Escape cancel · the previous text is kept in the history",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one(Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        try:
            parsed = self._parse(message.value)
        except BadInput as error:
            self.query_one("#edit-error", Label).update(Text(str(error)))
            return
        await self.finish(parsed)

    def action_cancel(self) -> None:
        self.dismiss(None)
