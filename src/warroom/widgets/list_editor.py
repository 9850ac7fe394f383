"""A list of one-line items, edited in place with the keyboard.

Each item is a line of its own; a blank line at the end takes the next one (reached with Enter
or ↓, not with Tab: Tab goes on to the next field, unless the list is empty). Enter moves on to
the next line (a new one after the last item), ↑/↓ move between lines, ctrl+↑/↓ move the item,
ctrl+r removes it (so does backspace on an empty line), and in lists with categories ctrl+t
cycles the item's category. Blank lines are not items. The editor never saves anything: it
tells its screen what the items are now, with `Changed`, on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from warroom.widgets.fields import TextField


@dataclass(frozen=True, slots=True)
class Entry:
    """One item: its text and, in lists that have them, its category (None: none)."""

    text: str
    tag: str | None = None


class RowInput(TextField):
    """A line of a list. ↑/↓ move to the line above or below (`step`, given by the list, is
    called as the key arrives, so that what is typed next goes to that line; an Input's own
    ↑/↓ scroll it, which a one-line field never needs). Backspace on an empty line asks for the
    line to go. Left, it shows the start of its text. `skip_blank()`: whether Tab passes it by
    while it is blank (it is still focused when asked, with `reach`)."""

    BINDINGS = [
        Binding("up", "step(-1)", "Line above", show=False),
        Binding("down", "step(1)", "Line below", show=False),
    ]

    @dataclass
    class Vacated(Message):
        row_input: RowInput

        @property
        def control(self) -> RowInput:
            return self.row_input

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        super().__init__(value, **kwargs)
        self.skip_blank: Callable[[], bool] | None = None
        self.step: Callable[[RowInput, int], None] | None = None
        self._asked = False  # focused by `reach`: a tab stop until it is left

    def allow_focus(self) -> bool:
        skip = self.skip_blank
        if skip is not None and not self._asked and not self.value.strip() and skip():
            return self.has_focus
        return super().allow_focus()

    def reach(self) -> None:
        self._asked = True
        self.screen.set_focus(self)

    def action_step(self, step: int) -> None:
        if self.step is not None:
            self.step(self, step)

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.Vacated(self))
            return
        super().action_delete_left()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self._asked = False
        self.show_start()

    def show_start(self) -> None:
        """Scrolled back to the start of the text (a long item typed at its end showed its
        tail once left)."""
        self.scroll_to(x=0, animate=False, immediate=True)


class ListRow(Horizontal):
    """One line: a bullet, the category (if the list has them), the text."""

    def __init__(self, entry: Entry, *, tagged: bool, placeholder: str, blink: bool) -> None:
        super().__init__(classes="list-row")
        self.tag = entry.tag
        self._tagged = tagged
        # Made here, not in compose: the row is read as soon as it exists.
        self.input = RowInput(
            entry.text, placeholder=placeholder, select_on_focus=False, compact=True
        )
        self.input.cursor_blink = blink
        self._tag_label = Label(self._tag_text(), classes="list-tag")

    def compose(self) -> ComposeResult:
        yield Label("•", classes="list-bullet")
        if self._tagged:
            yield self._tag_label
        yield self.input

    @property
    def entry(self) -> Entry:
        return Entry(self.input.value.strip(), self.tag)

    @property
    def blank(self) -> bool:
        return not self.input.value.strip()

    def _tag_text(self) -> Text:
        return Text(self.tag or "—", style="" if self.tag else "dim")

    def set_entry(self, entry: Entry) -> None:
        if self.input.value.strip() != entry.text:
            self.input.value = entry.text
            if not self.input.has_focus:
                self.input.show_start()
        self.set_tag(entry.tag)

    def set_tag(self, tag: str | None) -> None:
        self.tag = tag
        self._tag_label.update(self._tag_text())


class ListEditor(Vertical):
    """Items, one a line. `tags`: the categories an item may carry (none: no categories)."""

    BINDINGS = [
        Binding(
            "ctrl+up,alt+up", "move(-1)", "Move up", key_display="^↑", tooltip="Move the item up"
        ),
        Binding(
            "ctrl+down,alt+down",
            "move(1)",
            "Move down",
            key_display="^↓",
            tooltip="Move the item down",
        ),
        Binding("ctrl+r", "remove", "Remove", tooltip="Remove the item"),
        Binding("ctrl+t", "tag", "Category", tooltip="Cycle the item's category"),
    ]

    @dataclass
    class Changed(Message):
        """The items are now `entries` (blank lines left out)."""

        editor: ListEditor
        entries: tuple[Entry, ...]

        @property
        def control(self) -> ListEditor:
            return self.editor

    def __init__(
        self,
        *,
        placeholder: str,
        tags: Sequence[str] = (),
        id: str | None = None,
        blink: bool = True,
    ) -> None:
        super().__init__(id=id, classes="list-editor")
        self.tags = tuple(tags)
        self.placeholder = placeholder
        self._blink = blink
        self._reported: tuple[Entry, ...] = ()

    def compose(self) -> ComposeResult:
        yield self._row(Entry(""))

    def _row(self, entry: Entry) -> ListRow:
        row = ListRow(
            entry, tagged=bool(self.tags), placeholder=self.placeholder, blink=self._blink
        )
        row.input.skip_blank = self._has_items  # the blank line of an empty list is a tab stop
        row.input.step = self._step
        return row

    def _has_items(self) -> bool:
        return len(self.rows) > 1

    # ---- what the screen calls ----------------------------------------------------------

    @property
    def rows(self) -> list[ListRow]:
        return list(self.query_children(ListRow))

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(row.entry for row in self.rows if not row.blank)

    async def show(self, entries: Sequence[Entry]) -> None:
        """Show these items (and a blank line after them), keeping the focus where it is."""
        entries = tuple(entries)
        self._reported = entries
        if entries == self.entries:
            return
        wanted = (*entries, Entry(""))
        rows = self.rows
        for row, entry in zip(rows, wanted, strict=False):
            row.set_entry(entry)
        if len(rows) < len(wanted):
            await self.mount_all(self._row(entry) for entry in wanted[len(rows) :])
        else:
            for row in rows[len(wanted) :]:
                await row.remove()

    def focus_item(self, index: int) -> None:
        rows = self.rows
        if rows:
            rows[min(max(index, 0), len(rows) - 1)].input.reach()

    # ---- keys -----------------------------------------------------------------------------

    def _current(self) -> tuple[int, ListRow] | None:
        focused = self.screen.focused
        for index, row in enumerate(self.rows):
            if focused is not None and focused.parent is row:
                return index, row
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tag":
            return bool(self.tags)
        return True

    def _step(self, _line: RowInput, step: int) -> None:
        current = self._current()
        if current is None:
            return
        index, _ = current
        target = index + step
        if 0 <= target < len(self.rows):
            self.focus_item(target)
        elif step < 0:
            self.screen.focus_previous()
        else:
            self.screen.focus_next()

    def action_move(self, step: int) -> None:
        current = self._current()
        if current is None:
            return
        index, row = current
        rows = self.rows
        target = index + step
        if row.blank or not 0 <= target < len(rows) or rows[target].blank:
            return
        other = rows[target]
        mine, theirs = row.entry, other.entry
        row.set_entry(theirs)
        other.set_entry(mine)
        self.focus_item(target)
        self._report()

    async def action_remove(self) -> None:
        current = self._current()
        if current is None:
            return
        index, row = current
        if row is self.rows[-1]:
            row.set_entry(Entry(""))  # the line for the next item stays, empty
        else:
            await row.remove()
            self.focus_item(index)
        self._report()

    def action_tag(self) -> None:
        current = self._current()
        if current is None or not self.tags:
            return
        _, row = current
        cycle = (None, *self.tags)
        row.set_tag(cycle[(cycle.index(row.tag) + 1) % len(cycle)] if row.tag in cycle else None)
        self._report()

    # ---- events ---------------------------------------------------------------------------

    async def on_input_changed(self, message: Input.Changed) -> None:
        message.stop()
        rows = self.rows
        if rows and not rows[-1].blank:
            await self.mount(self._row(Entry("")))  # a line for the next item
        self._report()

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        current = self._current()
        if current is None:
            return
        index, row = current
        if row.blank:
            self.screen.focus_next()
            return
        rows = self.rows
        if index + 1 < len(rows) and not rows[index + 1].blank:
            new = self._row(Entry(""))
            await self.mount(new, after=row)  # a new item right after this one
            new.input.reach()
        else:
            self.focus_item(index + 1)

    async def on_row_input_vacated(self, message: RowInput.Vacated) -> None:
        message.stop()
        current = self._current()
        if current is None or len(self.rows) == 1:
            return
        index, row = current
        await row.remove()
        self.focus_item(index - 1)
        self._report()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._tidy)

    async def _tidy(self) -> None:
        """Blank lines other than the last go once left (an item cleared, an Enter too many)."""
        focused = self.screen.focused
        rows = self.rows
        for row in rows[:-1]:
            if row.blank and (focused is None or focused.parent is not row):
                await row.remove()

    def _report(self) -> None:
        entries = self.entries
        if entries != self._reported:
            self._reported = entries
            self.post_message(self.Changed(self, entries))
