"""Saving the post-mortem as it is typed.

What is typed is saved a moment (`delay`) after the last keystroke, and at once on leaving a
field, with `save_postmortem(draft, base=<as last read>)`: the fields changed here go on top of
what is stored now, so two people editing different fields both keep their edits. A save that
fails keeps the text on screen, says so once, and is tried again (`retry_delays`, then the last
of them over and over) until it goes through. While a conflict with someone else's save waits
for the user's choice, nothing is saved. Leaving with anything unsaved asks first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from textual.timer import Timer

from warroom.domain.errors import BadInput, Conflict, DatabaseError, first_line
from warroom.domain.report_draft import ReportDraft
from warroom.screens.base import WarroomScreen
from warroom.screens.dialogs.report import LABELS


class Choice(Enum):
    """A save that met someone else's, waiting for the user to choose between the versions."""

    ASKED = "asked"  # the versions are on screen
    LATER = "later"  # left for later: ctrl+s asks again


class Autosave:
    """Saves `doc` (set once the report is loaded) for `screen`. It tells the screen through
    callbacks: `arrived(names)` shows fields that others' saves changed (awaited), `conflict`
    hands over a conflict to decide, `changed()` redraws the save state."""

    def __init__(
        self,
        screen: WarroomScreen[Any],
        incident_id: int,
        *,
        delay: float,
        retry_delays: Sequence[float],
        arrived: Callable[[Sequence[str]], Awaitable[None]],
        conflict: Callable[[Conflict], None],
        changed: Callable[[], None],
    ) -> None:
        self._screen = screen
        self._incident_id = incident_id
        self._delay = delay
        self._retry_delays = tuple(retry_delays)
        self._arrived = arrived
        self._conflict = conflict
        self._changed = changed
        self.doc: ReportDraft | None = None
        self._timer: Timer | None = None
        self.saving = False
        self._idle = asyncio.Event()  # set while no save is in flight
        self._idle.set()
        self._again = False  # asked for while saving: save once more after
        self._failures = 0
        self.failure: str | None = None  # why the last save failed (None: it did not)
        self.refused: str | None = None  # a save the store refused as bad input
        self.choice: Choice | None = None
        self._left = False  # the screen is leaving, with everything saved or the user's word

    @property
    def dirty(self) -> bool:
        """Whether anything on screen is not saved yet."""
        return self.doc is not None and self.doc.dirty

    # ---- what the screen calls ------------------------------------------------------------

    def typed(self) -> None:
        """Something was typed: saved after a pause in the typing."""
        self.refused = None
        self._schedule(self._delay)
        self._changed()

    def left_field(self) -> None:
        """Leaving a field saves what it holds at once."""
        if self.dirty and self._timer is not None:
            self._schedule(0)

    def save_now(self) -> None:
        """ctrl+s: save at once, asking again about a conflict left for later."""
        if self.choice is Choice.LATER:
            self.choice = None
        self.refused = None
        if self.saving:
            self._again = True
            return
        if not self.dirty:
            self._changed()
            self._screen.notify("Everything is saved.")
            return
        self._schedule(0)

    async def flush(self) -> bool:
        """Save now, waiting for it; whether everything on screen is saved."""
        self._stop_timer()
        while self.saving:
            await self._idle.wait()  # the save in flight
        if self.choice is not None:
            return False
        self.refused = None
        if not self.dirty:
            return True
        return await self._save()

    def asked(self) -> None:
        """The versions of a conflict are on screen: saving waits."""
        self.choice = Choice.ASKED
        self._changed()

    def decided(self) -> None:
        """The user chose (`doc` holds the choice): `start()` saves it."""
        self.choice = None

    def start(self) -> None:
        """Save now, unless a save is in flight (then once more after it) or cannot be."""
        self._timer = None
        if self.saving:
            self._again = True
            return
        if self.choice is not None or self.refused or not self.dirty:
            self._changed()
            return
        self._screen.run_worker(self._save(), group="pm-save")

    def later(self) -> None:
        """The user will choose later: nothing is saved until ctrl+s."""
        self.choice = Choice.LATER
        self._changed()

    def state(self, invalid: Iterable[str]) -> tuple[str, bool, bool]:
        """What the header says of saving: the text, whether it failed, whether it is busy.
        `invalid`: the fields whose text cannot be saved as it is."""
        invalid = list(invalid)
        if self.doc is None:
            return "", False, False
        if self.choice is not None:
            return "NOT SAVED: a version to choose (ctrl+s)", True, False
        if self.refused:
            return "NOT SAVED: see the message", True, False
        if invalid:
            return f"NOT SAVED: {', '.join(invalid)}", True, False
        if self.failure is not None and self.dirty:
            return "NOT SAVED: retrying", True, False
        if self.saving:
            return "saving…", False, True
        if self.dirty:
            return "editing…", False, True
        return "saved ✓", False, False

    async def leave(self, then: Callable[[], object], invalid: Mapping[str, str]) -> None:
        """Go (`then()`) once everything typed is saved; else only if the user says so.
        `invalid`: field label -> why its text cannot be saved."""
        if self._left:
            return
        doc = self.doc
        if (await self.flush() and not invalid) or doc is None:
            self._go(then)
            return
        from warroom.screens.dialogs.confirm import ConfirmDialog

        unsaved = [LABELS[name] for name in doc.unsaved] + list(invalid)
        failure = self.failure

        def answered(leave: bool | None) -> None:
            if leave:
                self._go(then)

        self._screen.app.push_screen(
            ConfirmDialog(
                "Leave without saving?",
                f"Not saved: {', '.join(unsaved)}. "
                + (f"({failure}) " if failure else "")
                + "".join(f"({why}) " for why in invalid.values())
                + "Leaving loses it; stay and it is saved once the database takes it.",
            ),
            answered,
        )

    def last_words(self) -> None:
        """The screen goes without `leave` (ctrl+q): a last save, before the store closes."""
        doc = self.doc
        sending = doc.sending() if doc is not None and not self._left else None
        if doc is not None and sending is not None:
            base = doc.base
            self._screen.host.call_soon(lambda store: store.save_postmortem(sending, base=base))

    # ---- inside ---------------------------------------------------------------------------

    def _go(self, then: Callable[[], object]) -> None:
        self._left = True
        self._stop_timer()
        then()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _schedule(self, delay: float) -> None:
        self._stop_timer()
        if delay <= 0:
            self._screen.call_later(self.start)
        else:
            self._timer = self._screen.set_timer(delay, self.start)

    async def _save(self) -> bool:
        """Save until nothing on screen is unsaved; False when a save did not go through."""
        self.saving = True
        self._idle.clear()
        try:
            while self.dirty and self.choice is None:
                self._again = False
                self._changed()
                if not await self._save_once():
                    return False
            return not self.dirty
        finally:
            self.saving = False
            self._idle.set()
            self._changed()
            if self._again and self.dirty and not self.failure:
                self._schedule(0)

    async def _save_once(self) -> bool:
        host, doc, incident_id = self._screen.host, self.doc, self._incident_id
        assert doc is not None
        title, base_title = doc.title, doc.base_title
        sending, base = doc.sending(), doc.base
        try:
            if title != base_title:
                incident = await host.call(
                    lambda store: store.rename_incident(incident_id, title, base=base_title)
                )
                doc.title_saved(incident.title)
            if sending is not None:
                stored = await host.call(lambda store: store.save_postmortem(sending, base=base))
                await self._arrived(doc.saved(sending, stored))
        except Conflict as error:
            self.asked()
            self._conflict(error)
            return False
        except DatabaseError as error:  # a read-only or damaged file: kept on screen, retried
            self._failed(error)
            return False
        except BadInput as error:  # text the database cannot keep: the person must change it
            self.refused = str(error)
            self._screen.notify(
                f"{error}. The text stays on screen; change it and it is saved.",
                title="Could not save the post-mortem",
                severity="warning",
                markup=False,
                timeout=15,
            )
            return False
        except Exception as error:  # a full disk, a lost server, or a bug: kept, retried
            self._failed(error)
            return False
        if self.failure is not None:
            self._screen.notify("Everything typed is saved now.", title="Saved again")
        self.failure = None
        self._failures = 0
        return True

    def _failed(self, error: Exception) -> None:
        first = self.failure is None
        self.failure = first_line(error)
        delay = self._retry_delays[min(self._failures, len(self._retry_delays) - 1)]
        self._failures += 1
        if first:
            self._screen.notify(
                f"{self.failure}\nWhat you typed stays on screen and is saved as soon as "
                "the database takes it (retrying).",
                title="Could not save the post-mortem",
                severity="error",
                markup=False,
                timeout=15,
            )
        self._schedule(delay)
