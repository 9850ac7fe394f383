"""Overdue follow-ups across incidents, on the home screen: the action items nobody closed in
time, soonest due first. Enter asks the screen to open the item's incident on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.model import ActionItem, action_key, incident_key
from warroom.domain.text import one_line
from warroom.widgets.item_list import ActionItemList
from warroom.widgets.palette import priority_style


def overdue_prompt(item: ActionItem, today: date) -> Text:
    """`INC-3   2d late  P0 Add index verification  Dave · due 11-26`, on one line: on a
    narrow terminal the end gives way (cut with …), what is least needed first."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{incident_key(item.incident_id):<8}", style="bold")
    if item.due_date is not None:
        text.append(f"{(today - item.due_date).days}d late  ", style="bold")
    if item.priority is not None:
        text.append(item.priority.value, style=priority_style(item.priority))
        text.append(" ")
    text.append(one_line(item.description))
    details = [one_line(item.owner) if item.owner else "no owner"]
    if item.due_date is not None:
        details.append(f"due {item.due_date:%m-%d}")
    text.append(f"  {' · '.join(details)}", style="dim")
    return text


class OverduePane(ActionItemList):
    """The overdue action items; the screen sets them with `show`."""

    @dataclass
    class Opened(Message):
        """Open `item`'s incident, on the item."""

        pane: OverduePane
        item: ActionItem

        @property
        def control(self) -> OverduePane:
            return self.pane

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[ActionItem] = []
        self.border_title = "Overdue follow-ups"

    def show(self, items: Sequence[ActionItem], today: date, *, more: bool = False) -> None:
        """`more`: there are others past these (the pane shows the soonest due)."""
        self.list_items(
            items, (Option(overdue_prompt(item, today), id=action_key(item.id)) for item in items)
        )
        count = f"{len(self.items)}+" if more else str(len(self.items))
        self.border_title = f"Overdue follow-ups ({count})"
        self.border_subtitle = "Enter: open on the board"

    @on(OptionList.OptionSelected)
    def _opened(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.post_message(OverduePane.Opened(self, self.items[event.option_index]))
