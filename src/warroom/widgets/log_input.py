"""The log line: type what happened, Enter saves it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label

from warroom.logline import next_kind
from warroom.model import EventKind
from warroom.widgets.fields import TextField

PLACEHOLDER = "what happened? Enter saves · '14:15 …' / '-5m …' backdate · 'alert: …' sets the kind"


class LogField(TextField):
    """The log line's field. Once a line is saved, focus goes back to the keys (`hand_back`),
    and moves there when the screen says (`give_back`): once the frame showing the line is
    drawn, so that the frame is all a person waits for after Enter. A key that arrives before
    then is not text: it goes where focus is going, as it would have had focus already moved
    (a script that presses q as soon as it sees the row quits)."""

    _hand_back_to: Widget | None = None

    def hand_back(self, to: Widget) -> None:
        self._hand_back_to = to

    def give_back(self) -> None:
        to, self._hand_back_to = self._hand_back_to, None
        # Not if the person has gone elsewhere meanwhile (Escape, a click) or pasted more.
        if to is not None and self.screen.focused is self and not self.value:
            self.screen.set_focus(to)

    async def on_key(self, event: events.Key) -> None:
        # (Textual calls this before TextField's own on_key, which it calls next on its own.)
        if self._hand_back_to is not None:
            self.give_back()
        if self.screen.focused is not self:
            # Focus moved on while this key was on its way here: it does what it does where
            # focus is now, and at once, before the keys behind it (sent back to the app, it
            # came after those still on their way there: in "lquit roles⏎", typed as the row
            # appeared, the r opened the roles). A key bound to nothing there does nothing.
            event.stop()
            event.prevent_default()
            active = self.screen.active_bindings.get(event.key)
            if active is not None and active.enabled:
                await self.app.run_action(active.binding.action, active.node)


class LogInput(Horizontal):
    """A kind label and an input. The text stays in the input until the screen has saved it."""

    BINDINGS = [
        Binding("ctrl+t", "next_kind", "Kind", tooltip="Cycle the kind of the next event"),
        Binding("escape", "leave", "Leave", show=False),
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

    def hand_back(self, to: Widget) -> None:
        """The keys go to `to` from now on; focus moves there at `give_back`, unless the
        person has typed on meanwhile."""
        self.input.hand_back(to)

    def give_back(self) -> None:
        self.input.give_back()

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
