"""The log line: type what happened, Enter saves it.

Each line Enter takes is a `Line` of its own, taken out of the input at once: keys typed after
Enter (in the same burst, over a slow link, from a paste) are the next line, and the lines wait
their turn to be saved, one at a time, in order. A line is never rebuilt from the input's text.
A line that is not saved comes back to the input; the lines after it are held, and come back
one at a time (nothing typed is dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label

from warroom.domain.logline import next_kind
from warroom.domain.model import EventKind
from warroom.widgets.fields import TextField, pasted_lines

# A line taken by Enter stays on show until its row is drawn, this long at most.
SHOWN_AT_MOST = 0.25  # seconds

PLACEHOLDER = "what happened? Enter saves · '14:15 …' / '-5m …' backdate · 'alert: …' sets the kind"


@dataclass(frozen=True, eq=False)
class Line:
    """One line taken by Enter (its identity is its own: two lines of the same text are two).
    `as_typed`: Enter again on a line refused as mistyped; it is logged as it reads."""

    text: str
    kind: EventKind
    as_typed: bool = False


class LogField(TextField):
    """The log line's field. It keeps the keys after Enter, for the next line: a scribe types
    one line after another, and a letter typed after Enter is text, never a command (the p of
    "pool exhausted" must not move the incident on a step). Escape gives the keys back.

    Enter hands the line over as the key is handled (`take`), not through a message: a message
    would come after the keys typed behind Enter, which would by then be in the input.

    A line taken stays on show until its row is drawn, or the next key comes (`taken`, then
    `settle`): emptied at Enter, the field would be drawn in a frame of its own, and the row,
    a few milliseconds later, would wait for the next frame."""

    BINDINGS = [Binding("escape", "leave", "Leave", tooltip="Back to the keys; the text stays")]

    def __init__(self, take: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._take = take
        self._stale = False  # what it shows was taken by Enter: no longer its text

    @property
    def typed(self) -> str:
        """The text of the line being typed (not the one taken and still shown)."""
        return "" if self._stale else self.value

    def taken(self) -> None:
        self._stale = True

    def settle(self) -> None:
        """Show what is typed now: the line taken leaves the field."""
        if self._stale:
            self._stale = False
            self.value = ""

    def keep_shown(self, text: str) -> bool:
        """`text` comes back as it is shown (the line taken, refused): nothing to redraw."""
        if self._stale and self.value == text:
            self._stale = False
            return True
        return False

    async def action_submit(self) -> None:
        self._take(self.typed)

    def insert_text_at_cursor(self, text: str) -> None:
        self.settle()  # (text inserted other than by a key, too: it goes in the new line)
        super().insert_text_at_cursor(text)

    def action_leave(self) -> None:
        """Back to the keys at once, in the order typed (the keys after Escape go on to the
        screen: resend_if_moved); whatever is typed stays in the input for later."""
        self.screen.set_focus(None)
        self.post_message(LogInput.Left(self))

    async def on_key(self, event: events.Key) -> None:
        # (TextField's handler follows, unless this one took the key.) Escape and a key in one
        # read (a busy app, a slow link) come as Alt+key: they are Escape, then the key.
        key = event.key
        if key != "escape":
            self.settle()
        if key.startswith("alt+") and event.character and event.is_printable:
            event.stop()
            event.prevent_default()
            self.action_leave()
            self.app.post_message(events.Key(event.character, event.character))

    def _on_paste(self, event: events.Paste) -> None:
        """A paste is typed as if by hand: each line break is an Enter (one event per line,
        in order); what follows the last one stays in the input."""
        event.stop()
        event.prevent_default()
        self.settle()
        *whole, last = pasted_lines(event.text)
        for index, text in enumerate(whole):
            if index == 0:
                self._insert(text)
                text = self.value
            self._take(text)
        self._insert(last)

    def _insert(self, text: str) -> None:
        self.settle()
        if text:
            self.put(text)


class LogInput(Horizontal):
    """A kind label, the input, and how many lines are held back (not saved, to come back)."""

    BINDINGS = [
        Binding("ctrl+t", "next_kind", "Kind", tooltip="Cycle the kind of the next event"),
    ]

    kind: reactive[EventKind] = reactive(EventKind.NOTE)

    @dataclass
    class Submitted(Message):
        """`line` is the next to save: answer with `saved(line)` or `not_saved(line)`."""

        log_input: LogInput
        line: Line

        @property
        def control(self) -> LogInput:
            return self.log_input

        @property
        def text(self) -> str:
            return self.line.text

        @property
        def kind(self) -> EventKind:
            return self.line.kind

    @dataclass
    class Left(Message):
        """Escape: the user wants the keys back."""

        field: LogField

        @property
        def control(self) -> LogField:
            return self.field

    def __init__(self, *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(id=id)
        self._blink = blink
        # Lines Enter has taken and the screen has not answered for yet, oldest first: the first
        # is being saved; the others were typed ahead and follow it, in order.
        self._lines: list[Line] = []
        self._held: list[str] = []  # given back, after the one in the input: they come next
        self._refused: str | None = None  # a line refused as mistyped, as it was typed
        self._held_shown = 0
        # Kept by reference: what is unsent is still read once the screen is closing.
        self._field = LogField(
            self.take, placeholder=PLACEHOLDER, id="log-text", select_on_focus=False
        )

    def compose(self) -> ComposeResult:
        yield Label(self._kind_label(), id="log-kind")
        yield self._field
        held = Label("", id="log-held")
        held.display = False
        yield held

    def on_mount(self) -> None:
        self.input.cursor_blink = self._blink

    @property
    def input(self) -> LogField:
        return self._field

    def _kind_label(self) -> str:
        return f"› {self.kind.value}"

    def watch_kind(self) -> None:
        if self.is_mounted:
            self.query_one("#log-kind", Label).update(self._kind_label())

    def action_next_kind(self) -> None:
        self.kind = next_kind(self.kind)

    def take(self, text: str) -> None:
        """Enter on `text`: it becomes a line of its own and leaves the input; the next held
        line, if any, comes into it."""
        if not text.strip():
            return
        line = Line(text, self.kind, as_typed=text == self._refused)
        self._refused = None
        self._lines.append(line)
        if self._held:
            self.input.settle()
            self.input.value = self._held.pop(0)
        else:
            self.input.taken()  # shown until its row is, or the next key
            self.set_timer(SHOWN_AT_MOST, self.input.settle)
        self._show_held()
        self.kind = EventKind.NOTE  # the next line's, unless the person picks another
        if len(self._lines) == 1:
            self.post_message(self.Submitted(self, line))

    def focus_input(self) -> None:
        # At once, not after the queue (as `focus()` would): keys typed right after the key that
        # opened the input belong in it.
        self.screen.set_focus(self.input)

    def saved(self, line: Line) -> None:
        """`line` is committed (its row is drawn with this frame: the field leaves it now);
        the next line typed ahead, if any, goes now."""
        self.input.settle()
        if line in self._lines:
            self._lines.remove(line)
        if self._lines:
            self.post_message(self.Submitted(self, self._lines[0]))

    def not_saved(self, line: Line, *, refused: bool = False) -> None:
        """`line` was not saved (the person has been told why): it comes back to the input with
        its kind; the lines typed after it, and what is in the input now, are held, in order.
        `refused`: as mistyped; Enter again on the same text logs it as typed."""
        if line not in self._lines:
            return
        after = self._lines[self._lines.index(line) + 1 :]
        self._lines.clear()
        typed = self.input.typed
        self._held[:0] = [other.text for other in after] + ([typed] if typed.strip() else [])
        if not self.input.keep_shown(line.text):
            self.input.settle()
            self.input.value = line.text
            self.input.cursor_position = len(line.text)
        self.kind = line.kind
        self._refused = line.text if refused else None
        self._show_held()

    @property
    def waiting(self) -> list[str]:
        """The lines taken by Enter and not saved yet, in order (the first is being saved)."""
        return [line.text for line in self._lines]

    @property
    def unsent(self) -> list[str]:
        """What is typed and not on its way to the store: the input's text, the lines held
        back, and those typed ahead of the one being saved (they go no further once the war
        room closes)."""
        typed = [self.input.typed] if self.input.typed.strip() else []
        return [line.text for line in self._lines[1:]] + typed + self._held

    def restore(self, lines: Sequence[str]) -> None:
        """Lines kept from before (a draft): the first into the input if it is empty, the
        others held after whatever is there."""
        lines = [line for line in lines if line.strip()]
        if not lines:
            return
        if not self.input.typed.strip():
            self.input.settle()
            self.input.value = lines.pop(0)
        self._held.extend(lines)
        self._show_held()

    def _show_held(self) -> None:
        count = len(self._held)
        if count == self._held_shown:
            return  # (a label updated is a layout of the screen, and a frame of its own)
        self._held_shown = count
        label = self.query_one("#log-held", Label)
        label.display = bool(count)
        label.update(f"+{count} held" if count else "")
        label.tooltip = "Lines not saved yet: each comes back after Enter" if count else None
