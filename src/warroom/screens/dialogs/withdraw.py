"""Withdrawing an incident declared by mistake: asks why (the reason is recorded)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from warroom.screens.dialogs.base import SavingDialog, prepare_fields
from warroom.widgets.fields import TextField


class WithdrawDialog(SavingDialog[str]):
    """The reason; Enter withdraws (through `save`), Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        key: str,
        title: str,
        *,
        blink: bool = True,
        save: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.key = key
        self.title_text = title
        self._blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="withdraw-dialog"):
            yield Label(Text(f"Withdraw {self.key}?"), classes="dialog-title")
            yield Static(
                Text(
                    f"{self.title_text}\nDeclared by mistake: it is kept, marked withdrawn, and "
                    "left out of lists and reports (warroom list --all shows it; warroom reopen "
                    "brings it back)."
                ),
                classes="dialog-detail",
            )
            yield Label("Reason (recorded in its timeline)")
            yield TextField(id="reason", placeholder="why: e.g. a duplicate of INC-3")
            yield Label("", id="withdraw-error", classes="form-error")
            yield Label("Enter withdraw · Escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#reason", Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        reason = message.value.strip()
        if not reason:
            self.query_one("#withdraw-error", Label).update("the reason is required")
            return
        await self.finish(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
