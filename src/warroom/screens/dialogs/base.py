"""What the dialogs share: compact fields, and a dialog that saves its result before closing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select

R = TypeVar("R")


def prepare_fields(screen: Screen[Any], *, blink: bool) -> None:
    """Forms use compact one-line fields (they must fit 80x24) and honour the blink setting."""
    for field in screen.query(Input):
        field.compact = True
        field.cursor_blink = blink
    for select in screen.query(Select):
        select.compact = True


class SavingDialog(ModalScreen[R | None], Generic[R]):
    """A dialog whose result is saved before it closes. `save(result)` saves it and says
    whether the dialog may close: when saving fails (a full disk, a busy database) the dialog
    stays open with everything typed in it, to try again or to cancel."""

    def __init__(self, save: Callable[[R], Awaitable[bool]] | None = None) -> None:
        super().__init__()
        self._save = save
        self._saving = False

    async def finish(self, result: R) -> None:
        if self._saving:
            return  # Enter again while saving: the first one is still at it
        if self._save is not None:
            self._saving = True
            try:
                saved = await self._save(result)
            finally:
                self._saving = False
            if not saved:
                return
        self.dismiss(result)
