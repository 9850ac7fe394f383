"""Who has an incident's war room open: this user's heartbeat, kept while the room is, and who
else is here. Read again every PRESENCE_REFRESH (and whenever someone opens or closes the room):
someone whose warroom stopped stamping drops off by itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.domain.errors import BadInput, StorageError
from warroom.domain.model import Presence
from warroom.screens.base import WarroomScreen
from warroom.screens.live import Live

if TYPE_CHECKING:
    from warroom.store import Heartbeat, Store

PRESENCE_REFRESH = timedelta(seconds=5)


class Attendance:
    """The people in `screen`'s war room, shown with `show`; trouble is told through `live`."""

    def __init__(
        self,
        screen: WarroomScreen[Any],
        live: Live,
        incident_id: int,
        show: Callable[[tuple[Presence, ...]], None],
    ) -> None:
        self._screen = screen
        self._live = live
        self._incident_id = incident_id
        self._show = show
        self._heartbeat: Heartbeat | None = None  # set and cleared on the store thread
        self._joined = False  # a heartbeat was asked for
        self._left = False
        self._due: datetime | None = None  # when to read who is here again

    @property
    def joined(self) -> bool:
        """This user's heartbeat has stamped once: the others see them here."""
        return self._heartbeat is not None

    def me(self) -> Presence:
        host = self._screen.host
        now = host.clock.now()
        return Presence(host.config.user, since=now, last_seen=now)

    async def join(self) -> None:
        """Keep a heartbeat that lists this user as here (started once; its stamps failing is
        told), and read who else is."""
        incident_id, user = self._incident_id, self._screen.host.config.user

        def join(store: Store) -> Exception | None:
            from warroom.store import Heartbeat  # on the store thread, as every store import

            # On the store thread, as leaving is: a join still queued when the screen closes
            # runs before the leave, so no heartbeat outlives the screen.
            if self._heartbeat is None and not self._left:
                heartbeat = Heartbeat(store, incident_id, user)
                heartbeat.start()
                self._heartbeat = heartbeat
            return self._heartbeat.error if self._heartbeat else None

        self._joined = True
        try:
            failing = await self._screen.host.call(join)
        except (BadInput, StorageError) as error:  # told once, tried again
            failing = error
        if failing is not None:
            self._live.report("heartbeat", failing)
        else:
            self._live.settled("heartbeat")
        await self.read()

    async def read(self) -> None:
        host = self._screen.host
        self._due = host.clock.now() + PRESENCE_REFRESH
        try:
            people = await host.call(lambda store: store.present(self._incident_id))
        except (BadInput, StorageError) as error:  # told once, tried again
            self._live.report("presence", error)
            return
        self._live.settled("presence")
        if all(person.person != host.config.user for person in people):
            people.append(self.me())  # this war room is open: its user is here
        self._show(tuple(people))

    async def tick(self) -> None:
        """Called every second: joins again (reading who is here) when that is due."""
        if self._due is not None and self._screen.host.clock.now() >= self._due:
            await self.join()

    def leaving(self) -> None:
        """No heartbeat starts from now on: a join still queued on the store thread runs
        before the leave, and finds it so."""
        self._left = True

    async def leave(self) -> None:
        """Stop the heartbeat: the others see this user go."""
        self.leaving()

        def leave(_store: Store) -> None:
            heartbeat, self._heartbeat = self._heartbeat, None
            if heartbeat is not None:
                heartbeat.stop()

        if self._joined and self._screen.host.failed is None:
            await self._screen.host.call(leave)
