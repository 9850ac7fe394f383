"""A text area for user text: what `fields.py` says of fields, for many lines."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from warroom.domain.text import control_pictures
from warroom.widgets.workarounds import run_binding_now, typed_joiner


class TextBox(TextArea):
    """A text area for user text."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = control_pictures(line.plain)
        return line

    async def on_key(self, event: events.Key) -> None:
        joiner = typed_joiner(event)
        if joiner is not None and not self.read_only:
            event.stop()
            event.prevent_default()
            self.replace(joiner, *self.selection, maintain_selection_offset=False)
        elif not event.is_printable:
            await run_binding_now(self, event)
