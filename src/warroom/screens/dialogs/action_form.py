"""The action-item form: only the description is required."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select

from warroom.domain.errors import BadInput
from warroom.domain.model import ActionItem, ActionStatus, ActionType, Priority
from warroom.domain.timeparse import parse_date
from warroom.screens.dialogs.base import FormSelect, SavingDialog, prepare_fields
from warroom.widgets.fields import TextField

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class ActionDraft:
    """What the form returns: the fields of an action item, validated."""

    description: str
    type: ActionType | None
    owner: str
    priority: Priority | None
    due_date: date | None
    ticket: str
    status: ActionStatus


class ActionItemForm(SavingDialog[ActionDraft]):
    """Add (item None) or edit an action item. Enter (or ctrl+s) saves, Escape cancels; the
    form closes once `save` has saved it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        today: date,
        item: ActionItem | None = None,
        *,
        blink: bool = True,
        save: Callable[[ActionDraft], Awaitable[bool]] | None = None,
    ):
        super().__init__(save)
        self.today = today
        self.item = item
        self._blink = blink

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="action-form", classes="dialog"):
            yield Label("Edit action item" if item else "New action item", classes="dialog-title")
            with Grid(id="action-grid"):
                yield Label("Description")
                yield TextField(
                    item.description if item else "",
                    id="description",
                    placeholder="required: what will be done",
                )
                yield Label("Type")
                yield FormSelect(
                    [(t.value, t) for t in ActionType],
                    value=item.type if item and item.type else Select.NULL,
                    prompt="prevent / detect / mitigate",
                    id="type",
                )
                yield Label("Owner")
                yield TextField(item.owner if item else "", id="owner", placeholder="who")
                yield Label("Priority")
                yield FormSelect(
                    [(p.value, p) for p in Priority],
                    value=item.priority if item and item.priority else Select.NULL,
                    prompt="P0 / P1 / P2",
                    id="priority",
                )
                yield Label("Due")
                yield TextField(
                    item.due_date.isoformat() if item and item.due_date else "",
                    id="due",
                    placeholder="YYYY-MM-DD, MM-DD or +3d",
                )
                yield Label("Ticket")
                yield TextField(
                    item.ticket if item else "", id="ticket", placeholder="e.g. PLAT-1234"
                )
                yield Label("Status")
                yield FormSelect(
                    [
                        ("open", ActionStatus.OPEN),
                        ("in progress", ActionStatus.IN_PROGRESS),
                        ("done", ActionStatus.DONE),
                    ],
                    value=item.status if item else ActionStatus.OPEN,
                    allow_blank=False,
                    id="status",
                )
            yield Label("", id="form-error", classes="form-error")
            yield Label(
                "Enter or ctrl+s save · Escape cancel · Tab next field", classes="dialog-help"
            )

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#description", Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        await self.action_save()

    async def action_save(self) -> None:
        try:
            draft = self._draft()
        except BadInput as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        await self.finish(draft)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _draft(self) -> ActionDraft:
        def text(field: str) -> str:
            return self.query_one(f"#{field}", Input).value.strip()

        description = text("description")
        if not description:
            raise BadInput("the description is required")
        return ActionDraft(
            description=description,
            type=self._selected("type", ActionType),
            owner=text("owner"),
            priority=self._selected("priority", Priority),
            due_date=parse_date(text("due"), self.today),
            ticket=text("ticket"),
            status=self._selected("status", ActionStatus) or ActionStatus.OPEN,
        )

    def _selected(self, field: str, kind: type[E]) -> E | None:
        value = self.query_one(f"#{field}", Select).value
        return value if isinstance(value, kind) else None
