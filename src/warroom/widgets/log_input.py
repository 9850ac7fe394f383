"""The log line: type what happened, Enter saves it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from warroom.domain.logline import next_kind
from warroom.domain.model import EventKind
from warroom.widgets.fields import TextField

PLACEHOLDER = "what happened? Enter saves · '14:15 …' / '-5m …' backdate · 'alert: …' sets the kind"


class LogField(TextField):
    """The log line's field. It keeps the keys after Enter, for the next line: a scribe types
    one line after another, and a letter typed after Enter is text, never a command (the p of
    "pool exhausted" must not move the incident on a step). Escape gives the keys back."""


class LogInput(Horizontal):
    """A kind label and an input. The text stays in the input until the screen has saved it."""

    BINDINGS = [
        Binding("ctrl+t", "next_kind", "Kind", tooltip="Cycle the kind of the next event"),
        Binding("escape", "leave", "Leave", tooltip="Back to the keys; the text stays"),
    ]

    kind: reactive[EventKind] = reactive(EventKind.NOTE)

    @dataclass
    class Submitted(Message):
        log_input: LogInput
        text: str
        kind: EventKind

        @property
        def control(self) -> LogInput:
            return self.log_input

    @dataclass
    class Left(Message):
        """Escape: the user wants the keys back."""

        log_input: LogInput

        @property
        def control(self) -> LogInput:
            return self.log_input

    def __init__(self, *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(id=id)
        self._blink = blink
        # Lines Enter has taken and the screen has not answered for yet, oldest first: the first
        # is being saved; the others were typed ahead and follow it, in order.
        self._lines: list[tuple[str, EventKind]] = []

    def compose(self) -> ComposeResult:
        yield Label(self._kind_label(), id="log-kind")
        yield LogField(placeholder=PLACEHOLDER, id="log-text", select_on_focus=False)

    def on_mount(self) -> None:
        self.input.cursor_blink = self._blink

    @property
    def input(self) -> LogField:
        return self.query_one("#log-text", LogField)

    def _kind_label(self) -> str:
        return f"› {self.kind.value}"

    def watch_kind(self) -> None:
        if self.is_mounted:
            self.query_one("#log-kind", Label).update(self._kind_label())

    def action_next_kind(self) -> None:
        self.kind = next_kind(self.kind)

    def action_leave(self) -> None:
        """Back to the keys; whatever is typed stays in the input for later."""
        self.screen.set_focus(None)
        self.post_message(self.Left(self))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        """Enter: the line is what the input held when Enter was pressed, less the lines still
        being saved before it (they stay in the input until they are saved)."""
        message.stop()
        line = message.value
        for taken, _kind in self._lines:
            if line.startswith(taken):
                line = line[len(taken) :].lstrip()
        if not line.strip():
            return
        self._lines.append((line, self.kind))
        self.kind = EventKind.NOTE  # the next line's, unless the person picks another
        if len(self._lines) == 1:
            self.post_message(self.Submitted(self, line, self._lines[0][1]))

    def focus_input(self) -> None:
        # At once, not after the queue (as `focus()` would): keys typed right after the key that
        # opened the input belong in it.
        self.screen.set_focus(self.input)

    def saved(self, text: str) -> None:
        """`text` is committed: take it out of the input, keeping anything typed after it; the
        next line typed ahead, if any, goes now."""
        current = self.input.value
        if current.startswith(text):
            self.input.value = current[len(text) :].lstrip()
        if self._lines:
            self._lines.pop(0)
        if self._lines:
            self.post_message(self.Submitted(self, *self._lines[0]))

    def not_saved(self) -> None:
        """The line was not saved (the person has been told why): it stays in the input with
        its kind, and the lines typed ahead stay there after it, not sent."""
        if self._lines:
            self.kind = self._lines[0][1]
        self._lines.clear()
