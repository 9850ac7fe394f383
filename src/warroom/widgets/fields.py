"""Fields a person types into: what is typed is what is saved, and what is shown never acts on
the terminal. (The many-line field, `TextBox`, is in `text_box.py`: Textual's TextArea is not
imported before a screen needs one.)

- Characters a terminal would obey (ESC, BEL, C1 controls, bidi overrides), whether pasted or
  already in the text being edited, are shown as visible symbols (`␛`, `�`), one for one, so
  that the cursor stays where it is in the text. The text itself is kept as it is.
- A zero-width joiner typed inside an emoji sequence (👩‍💻) arrives as a key of its own, which
  Textual's fields drop as unprintable: these keep it, in its place.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input

from warroom.domain.text import JOINERS, control_pictures


class ControlPictures(Highlighter):
    """Shows the text with control characters as visible symbols; styles stay in place."""

    def __call__(self, text: str | Text) -> Text:
        shown = Text(text) if isinstance(text, str) else text.copy()
        shown.plain = control_pictures(shown.plain)
        return shown

    def highlight(self, text: Text) -> None:
        """Nothing to colour: `__call__` does the work."""


class TextField(Input):
    """A one-line field (an `Input`) for user text."""

    # Textual's field sets its virtual width to the text's at every key, which asks for a new
    # layout of the whole screen (a millisecond or two before the key is shown). Nothing is
    # laid out by it: the scroll is kept within the text here (`watch_virtual_size`), and a
    # field sized by its text (`width: auto`) asks for the layout itself.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        super().__init__(value, highlighter=ControlPictures(), **kwargs)  # type: ignore[arg-type]

    def watch_virtual_size(self) -> None:
        """The text got shorter: no scrolling past its end (a layout did this before)."""
        self.scroll_x = self.validate_scroll_x(self.scroll_x)

    async def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character in JOINERS:
            event.stop()
            event.prevent_default()
            if self.selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *self.selection)
        elif not event.is_printable and await run_binding_now(self, event) and event.key == "enter":
            # Not on to Textual's own handler, which shows the cursor again at every key: in
            # the off half of its blink, that is a frame drawn at once, and whatever Enter
            # brings about (the saved line) then waits a frame or two for the next one.
            event.prevent_default()


async def run_binding_now(widget: Widget, event: events.Key) -> bool:
    """Textual inserts a typed character at once, but runs a bound key (Enter, Backspace, the
    arrows) only when the key has bubbled up to the app: keys that arrive together (typed ahead
    over a slow SSH link, sent by a script) were applied out of order, and "one⏎l" saved "onel"
    (Textual issue 6605). If the binding the app would run for this key is the field's own (its
    editing keys, Enter), it is run now, in the order the keys came. Bindings of the widgets
    around it still go the usual way: run from here, an action that removes this field (a list
    moving its rows) would wait for the field's own handler to finish, for ever. Returns
    whether it ran it."""
    active = widget.screen.active_bindings.get(event.key)
    if active is None or active.node is not widget:
        return False
    if not active.enabled or active.binding.priority:
        return False  # one that is not run from here: the app decides, as usual
    event.stop()  # the app must not run it a second time
    await widget.app.run_action(active.binding.action, widget)
    return True
