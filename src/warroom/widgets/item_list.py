"""A list of action items, one option each, that keeps the highlighted item across redraws:
the board's columns and the home screen's overdue pane."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.model import ActionItem


class ActionItemList(OptionList):
    items: list[ActionItem]

    def list_items(self, items: Sequence[ActionItem], options: Iterable[Option]) -> None:
        """Show `items` as `options` (one each, in order), on the item highlighted before if
        it is still there."""
        keep = self.highlighted_item
        self.items = list(items)
        self.clear_options()
        self.add_options(options)
        if self.items:
            ids = [item.id for item in self.items]
            self.highlighted = ids.index(keep.id) if keep and keep.id in ids else 0

    @property
    def highlighted_item(self) -> ActionItem | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(getattr(self, "items", ())):
            return None
        return self.items[index]
