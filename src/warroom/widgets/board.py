"""The action-item board: open / in progress / done, moved with the keyboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets.option_list import Option

from warroom.domain.model import ActionItem, ActionStatus
from warroom.domain.text import cell_line
from warroom.widgets.item_list import ActionItemList
from warroom.widgets.palette import priority_style

COLUMNS: tuple[tuple[ActionStatus, str], ...] = (
    (ActionStatus.OPEN, "Open"),
    (ActionStatus.IN_PROGRESS, "In progress"),
    (ActionStatus.DONE, "Done"),
)


def item_prompt(item: ActionItem) -> Text:
    """One card: what it is (a follow-up for the post-mortem, or a task of the live
    response), priority and type first, so they read at a glance; the owner, ticket and due
    date on a line of their own (wrapped after the description, they read as part of it)."""
    text = Text()
    if item.follow_up:
        text.append("follow-up ", style="italic")
    else:
        text.append("task ", style="dim italic")
    if item.priority is not None:
        text.append(f"{item.priority.value}", style=priority_style(item.priority))
        text.append(" ")
    if item.type is not None:
        text.append(f"{item.type.value} ", style="bold")
    text.append(cell_line(item.description))
    details = [cell_line(part) for part in (item.owner, item.ticket) if part]
    if item.due_date is not None:
        details.append(f"due {item.due_date:%m-%d}")
    if details:
        text.append(f"\n{' · '.join(details)}", style="dim")
    return text


class BoardColumn(ActionItemList):
    """One column of cards."""

    BINDINGS = [
        Binding(
            "right_square_bracket,shift+right",
            "move(1)",
            "Move right",
            show=False,
            tooltip="Move the item to the next column",
        ),
        Binding(
            "left_square_bracket,shift+left",
            "move(-1)",
            "Move left",
            show=False,
            tooltip="Move the item to the previous column",
        ),
        Binding(
            "e,enter", "edit", "Edit item", show=False, tooltip="Edit the selected action item"
        ),
        Binding("right", "focus_column(1)", show=False),
        Binding("left", "focus_column(-1)", show=False),
    ]

    def __init__(self, status: ActionStatus, title: str) -> None:
        super().__init__(id=f"column-{status.value}", classes="board-column")
        self.status = status
        self.title = title
        self.items: list[ActionItem] = []
        self.border_title = title

    def on_focus(self) -> None:
        self.border_subtitle = "[ ] move · e edit"

    def on_blur(self) -> None:
        self.border_subtitle = ""

    def show(self, items: Sequence[ActionItem]) -> None:
        self.list_items(items, (Option(item_prompt(item), id=str(item.id)) for item in items))
        self.border_title = f"{self.title} ({len(self.items)})"

    def action_move(self, step: int) -> None:
        # A step, not a column: the screen takes it from where the item is when it saves (a
        # key pressed before the last move was saved moves on from that one).
        item = self.highlighted_item
        if item is not None:
            self.post_message(Board.MoveWanted(self, item, step))

    def action_edit(self) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(Board.EditWanted(self, item))

    def action_focus_column(self, step: int) -> None:
        board = self.parent
        if isinstance(board, Board):
            board.focus_column(self.status, step)


def stepped(status: ActionStatus, step: int) -> ActionStatus | None:
    """The column `step` columns on from `status`'s; None past either end."""
    statuses = [column for column, _ in COLUMNS]
    target = statuses.index(status) + step
    return statuses[target] if 0 <= target < len(statuses) else None


class Board(Horizontal):
    """Three columns. The screen sets `items`; moves and edits come back as messages."""

    items: reactive[tuple[ActionItem, ...]] = reactive(())

    @dataclass
    class MoveWanted(Message):
        """Move `item` `step` columns on (negative: back)."""

        column: BoardColumn
        item: ActionItem
        step: int

        @property
        def control(self) -> BoardColumn:
            return self.column

    @dataclass
    class EditWanted(Message):
        column: BoardColumn
        item: ActionItem

        @property
        def control(self) -> BoardColumn:
            return self.column

    def compose(self) -> ComposeResult:
        for status, title in COLUMNS:
            yield BoardColumn(status, title)

    def watch_items(self, items: tuple[ActionItem, ...]) -> None:
        for column in self.query(BoardColumn):
            column.show([item for item in items if item.status is column.status])

    def focus_column(self, status: ActionStatus, step: int) -> None:
        statuses = [s for s, _ in COLUMNS]
        target = statuses.index(status) + step
        if 0 <= target < len(statuses):
            self.screen.set_focus(self.query_one(f"#column-{statuses[target].value}", BoardColumn))

    def column_of(self, status: ActionStatus) -> BoardColumn:
        return self.query_one(f"#column-{status.value}", BoardColumn)

    def select(self, item_id: int) -> bool:
        """Focus the column holding the item, on it; False when the board does not hold it."""
        for column in self.query(BoardColumn):
            ids = [item.id for item in column.items]
            if item_id in ids:
                column.highlighted = ids.index(item_id)
                self.screen.set_focus(column)
                return True
        return False
