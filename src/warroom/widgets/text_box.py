"""A text area for user text: what `fields.py` says of fields, for many lines."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Document

from warroom.domain.text import control_pictures
from warroom.widgets.workarounds import run_binding_now, typed_joiner


class TextBox(TextArea):
    """A text area for user text. ctrl+a selects it all (Home goes to the line's start);
    ctrl+Home and ctrl+End go to its start and end."""

    BINDINGS = [
        Binding("ctrl+a", "select_all", "Select all", show=False),
        Binding("ctrl+home", "to_start", "Go to the start", show=False),
        Binding("ctrl+end", "to_end", "Go to the end", show=False),
    ]

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = control_pictures(line.plain)
        return line

    def action_to_start(self) -> None:
        self.move_cursor(self.document.start)

    def action_to_end(self) -> None:
        self.move_cursor(self.document.end)

    def show_text(self, text: str) -> None:
        """Show `text` (someone else's, arriving) as an edit of what is shown: only the part
        that differs is replaced, so the cursor stays on the same text (set whole, the cursor
        went to the start and what was typed next went before their text). In an empty field
        being edited the cursor follows their text, to its end."""
        old = self.text
        if old == text:
            return
        if not old and not self.has_focus:
            self.load_text(text)  # the cursor at its start, where it is shown from
            return
        head = _common_prefix(old, text)
        tail = _common_prefix(old[head:][::-1], text[head:][::-1])
        document = self.document
        if not isinstance(document, Document):  # (a syntax-highlighted one: not used here)
            self.load_text(text)
            return
        start = document.get_location_from_index(head)
        end = document.get_location_from_index(len(old) - tail)
        self.replace(text[head : len(text) - tail], start, end, maintain_selection_offset=True)

    async def on_key(self, event: events.Key) -> None:
        joiner = typed_joiner(event)
        if joiner is not None and not self.read_only:
            event.stop()
            event.prevent_default()
            self.replace(joiner, *self.selection, maintain_selection_offset=False)
        elif not event.is_printable:
            await run_binding_now(self, event)


def _common_prefix(a: str, b: str) -> int:
    """How many characters `a` and `b` start with in common (halving, slices compared in C:
    a pasted megabyte is compared in a few steps)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low
