"""Assigning roles: IC, scribe, communications liaison, subject-matter experts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from warroom.domain.model import Role, RoleAssignment
from warroom.domain.text import cell_line
from warroom.screens.dialogs.base import FormSelect, SavingDialog, prepare_fields
from warroom.widgets.fields import TextField


@dataclass(frozen=True, slots=True)
class RoleChange:
    """`person` is given `role`; or, with `released` (the assignment), no longer holds it."""

    role: Role
    person: str
    released: RoleAssignment | None = None


class RolesDialog(SavingDialog[RoleChange]):
    """Shows who holds which role; Enter assigns the chosen role to the named person, ctrl+r
    takes it from them (an expert who has left, a scribe no longer needed). Assigning the IC
    (or scribe, or comms liaison) hands the role over; the IC is never left empty."""

    # The holders' table as wide as the dialog, no wider: a long line is cut with "…".
    DEFAULT_CSS = """
    #role-holders {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+r", "release", "Release", tooltip="The named person no longer holds it"),
    ]

    def __init__(
        self,
        roles: Sequence[RoleAssignment],
        *,
        blink: bool = True,
        save: Callable[[RoleChange], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.roles = roles
        self._blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="roles-dialog"):
            yield Label("Roles", classes="dialog-title")
            yield Static(self._holders(), id="role-holders")
            with Horizontal(id="role-form"):
                yield FormSelect(
                    [(role.title, role) for role in Role],
                    value=Role.SCRIBE,
                    allow_blank=False,
                    id="role",
                )
                yield TextField(placeholder="name", id="person")
            yield Label("", id="roles-error", classes="form-error")
            yield Label(
                "Enter assign · ctrl+r release · Escape close · Tab switch field",
                classes="dialog-help",
            )

    def _holders(self) -> Text:
        """A role a line, never wrapped round under the roles: what does not fit is cut with
        an ellipsis, and the count says how many hold it."""
        rows = []
        for role in Role:
            people = [cell_line(r.person) for r in self.roles if r.role is role]
            label = f"{role.title} ({len(people)})" if len(people) > 1 else role.title
            rows.append((label, people))
        width = max(len(label) for label, _ in rows) + 2
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (label, people) in enumerate(rows):
            if index:
                text.append("\n")
            text.append(label.ljust(width), style="bold")
            text.append(", ".join(people) if people else "—", style="" if people else "dim")
        return text

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#person", Input))

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.value.strip():
            self._error("")  # "type the person's name" has been heeded

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        chosen = self._chosen()
        if chosen is not None:
            await self.finish(RoleChange(*chosen))

    async def action_release(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        role, person = chosen
        held = [r for r in self.roles if r.role is role and r.person.strip() == person]
        if not held:
            self._error(f"{person} is not {role.title}")
        elif role is Role.COMMANDER:
            self._error("an incident always has an IC: assign the new IC instead")
        else:
            await self.finish(RoleChange(role, person, released=held[0]))

    def _chosen(self) -> tuple[Role, str] | None:
        person = self.query_one("#person", Input).value.strip()
        role = self.query_one("#role", Select).value
        if not person:
            self._error("type the person's name")
            return None
        return (role, person) if isinstance(role, Role) else None

    def _error(self, message: str) -> None:
        self.query_one("#roles-error", Label).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
