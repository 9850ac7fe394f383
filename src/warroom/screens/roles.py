"""Assigning roles: IC, scribe, communications liaison, subject-matter experts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from warroom.model import Role, RoleAssignment
from warroom.screens.dialogs import SavingDialog, prepare_fields
from warroom.text import one_line
from warroom.widgets.fields import TextField


class RolesDialog(SavingDialog[tuple[Role, str]]):
    """Shows who holds which role; Enter assigns the chosen role to the named person.
    Assigning the IC (or scribe, or comms liaison) hands the role over."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        roles: Sequence[RoleAssignment],
        *,
        blink: bool = True,
        save: Callable[[tuple[Role, str]], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.roles = roles
        self._blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="roles-dialog"):
            yield Label("Roles", classes="dialog-title")
            yield Static(self._holders(), id="role-holders")
            with Horizontal(id="role-form"):
                yield Select(
                    [(role.title, role) for role in Role],
                    value=Role.SCRIBE,
                    allow_blank=False,
                    id="role",
                )
                yield TextField(placeholder="name", id="person")
            yield Label("", id="roles-error", classes="form-error")
            yield Label("Enter assign · Escape close · Tab switch field", classes="dialog-help")

    def _holders(self) -> Text:
        text = Text()
        for role in Role:
            people = [one_line(r.person) for r in self.roles if r.role is role]
            text.append(f"{role.title:<24}", style="bold")
            text.append(", ".join(people) if people else "—", style="" if people else "dim")
            text.append("\n")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#person", Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        person = message.value.strip()
        if not person:
            self.query_one("#roles-error", Label).update("type the person's name")
            return
        role = self.query_one("#role", Select).value
        if isinstance(role, Role):
            await self.finish((role, person))

    def action_cancel(self) -> None:
        self.dismiss(None)
