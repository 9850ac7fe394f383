"""What a person typed in a war room and did not send: the log line's unsent lines and the
update they were composing, kept in the store per incident and person (store/drafts.py), and
brought back when they open the war room again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from warroom.domain.errors import BadInput, DatabaseError, StorageError, first_line
from warroom.domain.model import DraftKind
from warroom.screens.base import WarroomScreen
from warroom.widgets.log_input import LogInput

if TYPE_CHECKING:
    from warroom.store import Store


class RoomDrafts:
    def __init__(self, screen: WarroomScreen[Any], incident_id: int) -> None:
        self.screen = screen
        self.incident_id = incident_id
        self.log_kept = False  # a log-line draft is in the store
        self.update_kept = False  # an update draft is in the store
        self._told_of: tuple[list[str], bool] | None = None  # what the last q warned about
        self._log_input: LogInput | None = None

    @property
    def _me(self) -> str:
        return self.screen.host.config.user

    def attach(self, log_input: LogInput) -> None:
        """Kept: it is read once more as the screen closes, when its widgets are gone."""
        self._log_input = log_input

    def _log(self) -> LogInput:
        if self._log_input is None:
            self._log_input = self.screen.query_one(LogInput)
        return self._log_input

    def _keep_log(self, lines: Sequence[str]) -> Callable[[Store], None]:
        incident_id, me, text = self.incident_id, self._me, "\n".join(lines)
        return lambda store: store.keep_draft(incident_id, me, DraftKind.LOG, text)

    async def bring_back(self) -> None:
        """The drafts kept from last time: the log line's back in it, the update's noted (the
        composer opens on it)."""
        incident_id, me = self.incident_id, self._me
        try:
            log, update = await self.screen.host.call(
                lambda store: (
                    store.draft(incident_id, me, DraftKind.LOG),
                    store.draft(incident_id, me, DraftKind.UPDATE),
                )
            )
        except (BadInput, StorageError, DatabaseError) as error:  # the room opens all the same
            self.screen.notify(
                first_line(error),
                title="Could not read your drafts",
                severity="warning",
                markup=False,
            )
            return
        self.log_kept, self.update_kept = log is not None, update is not None
        if log is not None:
            self._log().restore(log.split("\n"))
        where = [what for what, kept in (("the log line", log), ("the update (u)", update)) if kept]
        if where:
            self.screen.notify(f"Your unsent draft is back: {' and '.join(where)}.", markup=False)

    async def stop_the_quit(self) -> bool:
        """q with something not sent: keep it, say so, and let the next q quit. Returns
        whether it stopped this one."""
        unsent = self._log().unsent
        if not unsent and not self.update_kept:
            return False
        if self._told_of == (unsent, self.update_kept):
            return False
        self._told_of = (unsent, self.update_kept)
        await self.screen.host.call(self._keep_log(unsent))
        self.log_kept = bool(unsent)
        what = [
            what
            for what, kept in (("your unsent log line", unsent), ("your update", self.update_kept))
            if kept
        ]
        self.screen.notify(
            f"Kept as {'a draft' if len(what) == 1 else 'drafts'}: {' and '.join(what)}; back "
            "when you open this incident again. "
            "Press q again to quit.",
            title="Not sent yet",
            markup=False,
            timeout=10,
        )
        return True

    def keep_on_leaving(self) -> None:
        """The war room closes (home, quit, ctrl+q): what is unsent is kept, on the store
        thread, which finishes its work before the app ends."""
        unsent = self._log().unsent
        if unsent or self.log_kept:
            self.screen.host.call_soon(self._keep_log(unsent))
