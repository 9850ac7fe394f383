"""What the dialogs share: compact fields, and a dialog that saves its result before closing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from textual import events
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select

from warroom.widgets.fields import TextField
from warroom.widgets.workarounds import move_focus_now, resend_if_moved

R = TypeVar("R")
V = TypeVar("V")


def prepare_fields(screen: Screen[Any], *, blink: bool) -> None:
    """Forms use compact one-line fields (they must fit 80x24) and honour the blink setting;
    Tab moves on as it comes, so what is typed after it is the next field's."""
    for field in screen.query(Input):
        field.compact = True
        field.cursor_blink = blink
        if isinstance(field, TextField):
            field.tab_now = True
    for select in screen.query(Select):
        select.compact = True


class FormSelect(Select[V], Generic[V]):
    """A form's choice: Tab moves on as it comes, and keys typed behind it go on to the
    field it moved to (as the form's text fields do)."""

    async def on_key(self, event: events.Key) -> None:
        if not self.expanded:
            resend_if_moved(self, event) or move_focus_now(self, event)


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
