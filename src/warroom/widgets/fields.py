"""Fields a person types into: what is typed is what is saved, and what is shown never acts on
the terminal. (The many-line field, `TextBox`, is in `text_box.py`: Textual's TextArea is not
imported before a screen needs one.)

- Characters a terminal would obey (ESC, BEL, C1 controls, bidi overrides), whether pasted or
  already in the text being edited, are shown as visible symbols (`␛`, `�`), one for one, so
  that the cursor stays where it is in the text. The text itself is kept as it is.
- A zero-width joiner typed inside an emoji sequence (👩‍💻) is kept, in its place.
- Keys are applied in the order they came, bound ones (Enter, Backspace) included.
- Lines pasted into a one-line field are joined with a space, never cut to the first.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events

from warroom.domain.text import control_pictures
from warroom.widgets.workarounds import (
    LayoutFreeInput,
    leave_the_cursor,
    move_focus_now,
    resend_if_moved,
    run_binding_now,
    typed_joiner,
)


def pasted_lines(text: str) -> list[str]:
    """A paste's lines; the last is what follows the last line break (maybe empty)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class ControlPictures(Highlighter):
    """Shows the text with control characters as visible symbols; styles stay in place."""

    def __call__(self, text: str | Text) -> Text:
        shown = Text(text) if isinstance(text, str) else text.copy()
        shown.plain = control_pictures(shown.plain)
        return shown

    def highlight(self, text: Text) -> None:
        """Nothing to colour: `__call__` does the work."""


class TextField(LayoutFreeInput):
    """A one-line field (an `Input`) for user text. A key that comes after one that moved the
    focus away (in the same burst) goes where the focus is now. In a form (`tab_now`), Tab
    moves on as it comes: what is typed after it is the next field's."""

    tab_now = False

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        super().__init__(value, highlighter=ControlPictures(), **kwargs)  # type: ignore[arg-type]

    async def on_key(self, event: events.Key) -> None:
        if resend_if_moved(self, event) or (self.tab_now and move_focus_now(self, event)):
            return
        joiner = typed_joiner(event)
        if joiner is not None:
            event.stop()
            event.prevent_default()
            self.put(joiner)
        elif not event.is_printable and await run_binding_now(self, event) and event.key == "enter":
            leave_the_cursor(event)  # Enter saves a line: its row is not to wait for a frame

    def _on_paste(self, event: events.Paste) -> None:
        """Lines pasted into one line are joined with a space: Textual's Input keeps only the
        first, and the rest of a pasted description or title was lost without a word."""
        event.stop()
        event.prevent_default()
        text = " ".join(line.strip() for line in pasted_lines(event.text) if line.strip())
        if text:
            self.put(text)

    def put(self, text: str) -> None:
        """`text` at the cursor, or in place of the selection."""
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
