"""The stakeholder update composer: a pre-filled draft, edited, then posted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from warroom.screens.dialogs.base import SavingDialog
from warroom.widgets.text_box import TextBox


class UpdateComposer(SavingDialog[str]):
    """ctrl+s posts the text as it stands (through `save`; the draft stays until it is
    posted), Escape cancels. Closed without posting, however (Escape, the app quitting), the
    text goes to `keep`, to be brought back next time (`kept`: this is that text)."""

    BINDINGS = [
        Binding("ctrl+s", "post", "Post update", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(
        self,
        draft: str,
        heading: str,
        *,
        blink: bool = True,
        save: Callable[[str], Awaitable[bool]] | None = None,
        keep: Callable[[str], None] | None = None,
        kept: bool = False,
    ) -> None:
        super().__init__(save)
        self.draft = draft
        self.heading = heading  # "Update to the exec team"
        self._blink = blink
        self._keep = keep
        self._kept = kept

    def compose(self) -> ComposeResult:
        with Vertical(id="composer", classes="dialog"):
            title = self.heading
            if self._kept:
                title += " · your unsent draft, as you left it"
            yield Label(title, classes="dialog-title")
            self._area = TextBox(
                self.draft, id="update-text", soft_wrap=True, show_line_numbers=False
            )
            yield self._area
            yield Label("", id="composer-error", classes="form-error")
            yield Label(
                "ctrl+s post (and copy to the clipboard) · Escape close, draft kept",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = self._blink
        self.set_focus(area)

    async def action_post(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.query_one("#composer-error", Label).update("the update is empty")
            return
        await self.finish(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self._keep is not None:  # (by reference: the widgets are gone by now)
            self._keep(self._area.text)
