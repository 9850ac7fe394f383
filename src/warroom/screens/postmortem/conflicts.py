"""A save of the post-mortem that met someone else's: they saved a field this editor changed
too, differently, so nothing was written. Both versions are shown, a field at a time, and the
user keeps theirs, theirs and mine (lists) or a text edited from both; or decides later, and
nothing is saved until then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from warroom.domain.errors import Conflict
from warroom.domain.model import PostMortem
from warroom.domain.report_draft import ReportDraft, choose
from warroom.screens.base import WarroomScreen
from warroom.screens.dialogs.report import LABELS, Choice, ConflictDialog, Merge, describe


class SaveConflicts:
    """Asks the user about a conflict, with `screen`'s dialogs. Once every field is chosen the
    draft holds the choices and `decided(names)` is told the fields whose value changed; when
    the user leaves it for later, `later()`."""

    def __init__(
        self,
        screen: WarroomScreen[Any],
        *,
        decided: Callable[[Sequence[str]], None],
        later: Callable[[], None],
    ) -> None:
        self._screen = screen
        self._decided = decided
        self._later = later

    def decide(self, doc: ReportDraft, conflict: Conflict) -> None:
        if isinstance(conflict.current, PostMortem):
            theirs = conflict.current
            merged, fields = doc.conflicts(theirs)
            self._ask(doc, list(fields), theirs, merged, {})
        else:  # the incident's title
            self._ask_title(doc, str(conflict.current))

    def _ask(
        self,
        doc: ReportDraft,
        remaining: list[str],
        theirs: PostMortem,
        merged: PostMortem,
        chosen: dict[str, Any],
    ) -> None:
        if not remaining:
            self._decided(doc.decided(theirs, merged, chosen))
            return
        name = remaining[0]
        mine, their_value = getattr(doc.draft, name), getattr(theirs, name)

        def answered(choice: Choice | None) -> None:
            if choice is None:
                self._leave_for_later()
                return
            chosen[name] = choose(choice.keep, mine, their_value, choice.text)
            self._ask(doc, remaining[1:], theirs, merged, chosen)

        dialog = ConflictDialog(
            LABELS.get(name, name),
            describe(name, their_value),
            describe(name, mine),
            Merge.of(mine),
            blink=self._screen.host.blink,
        )
        self._screen.app.push_screen(dialog, answered)

    def _ask_title(self, doc: ReportDraft, theirs: str) -> None:
        mine = doc.title

        def answered(choice: Choice | None) -> None:
            if choice is None:
                self._leave_for_later()
                return
            doc.title_decided(theirs, str(choose(choice.keep, mine, theirs, choice.text)))
            self._decided(["title"])

        dialog = ConflictDialog("Title", theirs, mine, Merge.TEXT, blink=self._screen.host.blink)
        self._screen.app.push_screen(dialog, answered)

    def _leave_for_later(self) -> None:
        self._later()
        self._screen.notify(
            "Nothing is saved until you choose: ctrl+s shows both versions again.",
            title="Left for later",
            severity="warning",
        )
