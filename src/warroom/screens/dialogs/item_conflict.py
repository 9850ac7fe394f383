"""When two people edit the same action item: both versions side by side, and a choice.

Edits to different fields merge by themselves (the store saves each side's changes); this
dialog is for the fields both changed, differently. Nothing is written until the person
chooses: keep theirs, keep mine, or edit again starting from mine on top of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from enum import Enum

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from warroom.domain.model import ActionItem, ActionStatus
from warroom.domain.text import one_line
from warroom.domain.timefmt import clock_time


class ConflictChoice(Enum):
    THEIRS = "theirs"  # their values for the contested fields; my other changes still saved
    MINE = "mine"  # my values for the contested fields, on top of their other changes
    EDIT = "edit"  # edit again, from mine on top of theirs


_STATUS = {
    ActionStatus.OPEN: "open",
    ActionStatus.IN_PROGRESS: "in progress",
    ActionStatus.DONE: "done",
}

# The fields a person edits, in the form's order: (field, label, how it reads).
FIELDS: tuple[tuple[str, str, Callable[[ActionItem], str]], ...] = (
    ("description", "Description", lambda item: item.description),
    ("type", "Type", lambda item: item.type.value if item.type else ""),
    ("owner", "Owner", lambda item: item.owner),
    ("priority", "Priority", lambda item: item.priority.value if item.priority else ""),
    ("due_date", "Due", lambda item: item.due_date.isoformat() if item.due_date else ""),
    ("ticket", "Ticket", lambda item: item.ticket),
    ("status", "Status", lambda item: _STATUS[item.status]),
)


class ActionItemConflict(ModalScreen[ConflictChoice | None]):
    """Theirs (saved) and mine (not saved), field by field, the contested ones marked.
    t keeps theirs, y keeps yours, e edits again, Escape saves nothing of this edit."""

    BINDINGS = [
        Binding("t", "choose('theirs')", "Keep theirs"),
        Binding("y", "choose('mine')", "Keep yours"),
        Binding("e", "choose('edit')", "Edit again"),
        Binding("escape", "cancel", "Save nothing"),
    ]

    def __init__(
        self, theirs: ActionItem, mine: ActionItem, fields: tuple[str, ...], tz: tzinfo
    ) -> None:
        super().__init__()
        self.theirs = theirs
        self.mine = mine
        self.fields = fields
        self._tz = tz

    def compose(self) -> ComposeResult:
        contested = ", ".join(label.lower() for name, label, _ in FIELDS if name in self.fields)
        saved = self.theirs.updated_at
        when = f" at {clock_time(saved, self._tz)}" if saved else ""
        with Vertical(classes="dialog", id="conflict-dialog"):
            yield Label("Someone else changed this action item", classes="dialog-title")
            yield Static(
                Text(
                    f"They saved it{when}, while you were editing it. You both changed: "
                    f"{contested}. Every other change, theirs or yours, is kept; nothing of "
                    "yours is saved until you choose."
                ),
                classes="dialog-detail",
            )
            yield Static(self._versions(), id="conflict-versions")
            yield Label(
                "t keep theirs · y keep yours · e edit again · Escape save nothing",
                classes="dialog-help",
            )

    def _versions(self) -> Table:
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
        table.add_column("", no_wrap=True)
        table.add_column("Theirs (saved)", ratio=1, overflow="fold")
        table.add_column("Yours", ratio=1, overflow="fold")
        for name, label, read in FIELDS:
            theirs, mine = read(self.theirs), read(self.mine)
            contested = name in self.fields
            # Contested: bold. Changed on one side only (it merges): plain. The same: dim.
            style = "bold" if contested else "" if theirs != mine else "dim"
            table.add_row(
                Text(f"{'▶' if contested else ' '} {label}", style=style),
                _value(theirs, style),
                _value(mine, style),
            )
        return table

    def action_choose(self, choice: str) -> None:
        self.dismiss(ConflictChoice(choice))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _value(text: str, style: str) -> Text:
    return Text(one_line(text), style=style) if text else Text("—", style="dim")
