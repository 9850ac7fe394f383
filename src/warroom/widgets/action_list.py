"""The post-mortem's action items, one a line, each with its status: its follow-ups, then the
live response's tasks (on the board too; not what the report counts). Enter edits one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.model import ActionItem, ActionStatus
from warroom.widgets.board import item_prompt

_STATUS = {
    ActionStatus.OPEN: "open",
    ActionStatus.IN_PROGRESS: "in progress",
    ActionStatus.DONE: "done ✓",
}


class ActionItemList(OptionList):
    BINDINGS = [
        Binding("e", "edit", "Edit item", show=False, tooltip="Edit the selected action item"),
    ]

    @dataclass
    class EditWanted(Message):
        action_list: ActionItemList
        item: ActionItem

        @property
        def control(self) -> ActionItemList:
            return self.action_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="action-list")
        self.items: tuple[ActionItem, ...] = ()

    def show(self, follow_ups: Sequence[ActionItem], tasks: Sequence[ActionItem] = ()) -> None:
        items = (*follow_ups, *tasks)
        if items == self.items and self.option_count:
            return
        keep = self.highlighted
        self.items = items
        self.clear_options()
        if not follow_ups:
            self.add_option(
                Option(
                    Text("No follow-ups yet: a to add one (a post-mortem needs them)", "dim"),
                    disabled=True,
                )
            )
        for item in items:
            prompt = Table.grid()
            prompt.add_column(width=12, no_wrap=True)
            prompt.add_column(ratio=1)
            prompt.add_row(Text(_STATUS[item.status], style="dim"), item_prompt(item))
            self.add_option(Option(prompt, id=str(item.id)))
        if items:  # (never the note that there are no follow-ups)
            self.highlighted = min(max(keep or 0, self._first), self.option_count - 1)

    @property
    def _first(self) -> int:
        """The option of the first item (after the note that there are no follow-ups)."""
        return self.option_count - len(self.items)

    def select_item(self, index: int) -> None:
        if 0 <= index < len(self.items):
            self.highlighted = self._first + index

    def action_edit(self) -> None:
        option = self.highlighted
        index = None if option is None else option - self._first
        if index is not None and 0 <= index < len(self.items):
            self.post_message(self.EditWanted(self, self.items[index]))

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        self.action_edit()
