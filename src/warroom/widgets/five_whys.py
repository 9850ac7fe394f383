"""The five whys, as a guided chain: a question, its answer, and the next question it raises.

Enter on an answer asks the next why: a new level, its question proposed from the answer
(`warroom.domain.fivewhys`), the cursor on its answer. A proposed question follows its answer while
it is left as proposed; once edited it is the person's own. 3–5 levels; ctrl+r removes one
(so does backspace in an empty answer whose question was only proposed). Nothing is saved
here: the editor tells its screen the chain as it stands, with `Changed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from warroom.domain.fivewhys import MAX_LEVELS, MIN_LEVELS, first_question, next_question
from warroom.domain.model import Why
from warroom.widgets.list_editor import RowInput


class WhyLevel(Grid):
    """One level: the question, and its answer under it."""

    def __init__(self, why: Why, number: int, *, proposal: str | None, blink: bool) -> None:
        super().__init__(classes="why-level")
        self.number = number
        self.proposal = proposal  # the question as proposed; None: the person's own
        # Made here, not in compose: the level is read as soon as it exists.
        self.question = RowInput(
            why.question,
            placeholder="Why …?",
            select_on_focus=False,
            compact=True,
            classes="why-question",
        )
        self.answer = RowInput(
            why.answer,
            placeholder="because … (Enter asks the next why)",
            select_on_focus=False,
            compact=True,
            classes="why-answer",
        )
        self.question.cursor_blink = self.answer.cursor_blink = blink

    def compose(self) -> ComposeResult:
        yield Label(f"{self.number}.", classes="why-number")
        yield self.question
        yield Label("→", classes="why-arrow")
        yield self.answer

    @property
    def why(self) -> Why:
        return Why(self.question.value.strip(), self.answer.value.strip())

    @property
    def counts(self) -> bool:
        """A level is part of the chain once answered, or once its question is the person's."""
        why = self.why
        return bool(why.answer) or (bool(why.question) and self.question.value != self.proposal)

    def set_why(self, why: Why) -> None:
        if self.question.value.strip() != why.question:
            self.question.value = why.question
        if self.answer.value.strip() != why.answer:
            self.answer.value = why.answer
        self.proposal = None


class FiveWhysEditor(Vertical):
    BINDINGS = [
        Binding("ctrl+r", "remove", "Remove level", tooltip="Remove this level of the chain"),
    ]

    @dataclass
    class Changed(Message):
        editor: FiveWhysEditor
        whys: tuple[Why, ...]

        @property
        def control(self) -> FiveWhysEditor:
            return self.editor

    def __init__(self, *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(id=id, classes="five-whys")
        self._blink = blink
        self._reported: tuple[Why, ...] = ()
        self.title = ""  # the incident's: the first question is asked about it
        self.names: frozenset[str] = frozenset()  # they keep their capitals in questions

    def compose(self) -> ComposeResult:
        opening = first_question(self.title)
        first = WhyLevel(Why(opening, ""), 1, proposal=opening, blink=self._blink)
        first.question.step = first.answer.step = self._step
        yield first
        yield Label("", classes="why-hint")

    def on_mount(self) -> None:
        self._hint()

    # ---- what the screen calls ----------------------------------------------------------

    @property
    def levels(self) -> list[WhyLevel]:
        return list(self.query_children(WhyLevel))

    @property
    def whys(self) -> tuple[Why, ...]:
        return tuple(level.why for level in self.levels if level.counts)

    async def show(self, whys: Sequence[Why]) -> None:
        whys = tuple(whys)
        self._reported = whys
        if whys == self.whys:
            return
        levels = self.levels
        if not whys:
            for level in levels[1:]:
                await level.remove()
            opening = first_question(self.title)
            levels[0].set_why(Why(opening, ""))
            levels[0].proposal = opening
            self._hint()
            return
        for level, why in zip(levels, whys, strict=False):
            level.set_why(why)
        for number, why in enumerate(whys[len(levels) :], start=len(levels) + 1):
            await self._add(why, number, proposal=None)
        for level in levels[len(whys) :]:
            await level.remove()
        self._hint()

    def set_title(self, title: str) -> None:
        """The first question, while it is only proposed, follows the incident's title."""
        self.title = title
        levels = self.levels
        if levels and levels[0].proposal is not None and not levels[0].counts:
            opening = first_question(title)
            levels[0].question.value = opening
            levels[0].proposal = opening

    def focus_level(self, index: int, *, answer: bool = True) -> None:
        levels = self.levels
        if levels:
            level = levels[min(max(index, 0), len(levels) - 1)]
            self.screen.set_focus(level.answer if answer else level.question)

    # ---- keys -----------------------------------------------------------------------------

    def _fields(self) -> list[RowInput]:
        fields: list[RowInput] = []
        for level in self.levels:
            fields += [level.question, level.answer]
        return fields

    def _current(self) -> tuple[int, WhyLevel, bool] | None:
        """The focused level's index, the level, and whether its answer has the focus."""
        focused = self.screen.focused
        for index, level in enumerate(self.levels):
            if focused is level.question:
                return index, level, False
            if focused is level.answer:
                return index, level, True
        return None

    def _step(self, line: RowInput, step: int) -> None:
        fields = self._fields()
        if line not in fields:
            return
        target = fields.index(line) + step
        if 0 <= target < len(fields):
            self.screen.set_focus(fields[target])
        elif step < 0:
            self.screen.focus_previous()
        else:
            self.screen.focus_next()

    async def action_remove(self) -> None:
        current = self._current()
        if current is None:
            return
        index, level, _ = current
        await self._remove(index, level)

    async def _remove(self, index: int, level: WhyLevel) -> None:
        if len(self.levels) == 1:
            opening = first_question(self.title)
            level.set_why(Why(opening, ""))
            level.proposal = opening
        else:
            await level.remove()
            self._renumber()
        self.focus_level(index - 1 if index else 0)
        self._hint()
        self._report()

    # ---- events ---------------------------------------------------------------------------

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        current = self._current()
        if current is None:
            return
        index, level, on_answer = current
        if not on_answer:
            self.screen.set_focus(level.answer)
            return
        levels = self.levels
        if index + 1 < len(levels):
            self.focus_level(index + 1)
            return
        if not level.why.answer:
            return  # answer this one first
        if len(levels) >= MAX_LEVELS:
            self._hint(full=True)
            return
        proposal = next_question(level.why.answer, self.names)
        added = await self._add(Why(proposal, ""), len(levels) + 1, proposal=proposal)
        self.screen.set_focus(added.answer, scroll_visible=False)
        self._hint()
        # Once laid out: scrolled to before that, the form stopped where the level was not yet.
        self.call_after_refresh(added.scroll_visible, animate=False)

    def on_input_changed(self, message: Input.Changed) -> None:
        message.stop()
        current = self._owner(message.input)
        if current is not None:
            index, level = current
            levels = self.levels
            if message.input is level.answer and index + 1 < len(levels):
                following = levels[index + 1]
                if following.proposal is not None and following.question.value in (
                    following.proposal,
                    "",
                ):
                    # still only proposed: it follows the answer it is asked about
                    proposal = next_question(level.answer.value, self.names)
                    following.proposal = proposal
                    following.question.value = proposal
        self._hint()
        self._report()

    async def on_row_input_vacated(self, message: RowInput.Vacated) -> None:
        message.stop()
        current = self._current()
        if current is None:
            return
        index, level, on_answer = current
        if on_answer and not level.counts and len(self.levels) > 1:
            await self._remove(index, level)

    # ---- inside ---------------------------------------------------------------------------

    def _owner(self, field: Input) -> tuple[int, WhyLevel] | None:
        for index, level in enumerate(self.levels):
            if field is level.question or field is level.answer:
                return index, level
        return None

    async def _add(self, why: Why, number: int, *, proposal: str | None) -> WhyLevel:
        level = WhyLevel(why, number, proposal=proposal, blink=self._blink)
        level.question.step = level.answer.step = self._step
        await self.mount(level, before=self.query_one(".why-hint"))
        return level

    def _renumber(self) -> None:
        for number, level in enumerate(self.levels, start=1):
            level.number = number
            level.query_one(".why-number", Label).update(f"{number}.")

    def _hint(self, *, full: bool = False) -> None:
        count = len(self.whys)
        if full or count >= MAX_LEVELS:
            text = (
                f"{count} levels: the systemic cause is usually reached by now"
                if count <= MAX_LEVELS
                else f"{count} levels: keep the {MIN_LEVELS}–{MAX_LEVELS} that lead to the cause"
            )
        elif count < MIN_LEVELS:
            text = (
                f"{count} of {MIN_LEVELS}–{MAX_LEVELS} levels: Enter on an answer asks the next why"
            )
        else:
            text = f"{count} levels: ask again until the answer is about the system, not a person"
        self.query_one(".why-hint", Label).update(Text(text))

    def _report(self) -> None:
        whys = self.whys
        if whys != self._reported:
            self._reported = whys
            self.post_message(self.Changed(self, whys))
