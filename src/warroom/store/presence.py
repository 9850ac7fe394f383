"""Presence: who has an incident's war room open right now.

An open war room keeps a `Heartbeat`: it stamps the database every few seconds, and leaves
when the war room closes. `Store.present(incident_id)` lists the people whose war room stamped
within the last PRESENCE_TIMEOUT, so a war room that crashed or lost its connection drops off
the list by itself. Joining and leaving are changes in the feed; the stamps in between are not,
so a screen showing presence also re-reads `present()` on a timer (every HEARTBEAT_INTERVAL) to
see the silent departures.
"""

from __future__ import annotations

import threading
import uuid
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError

from warroom.domain.errors import DatabaseBusy
from warroom.store.people import HEARTBEAT_INTERVAL, People


class Heartbeat:
    """Keeps `person` listed in the incident's war room from `start()` until `stop()`.

    `start()` stamps once before returning (so `present()` lists them at once), then a thread
    stamps every `interval` seconds. A stamp that fails (the database is unreachable for a
    while) is kept in `error` and tried again at the next tick.
    """

    def __init__(
        self,
        store: People,
        incident_id: int,
        person: str,
        *,
        interval: float = HEARTBEAT_INTERVAL.total_seconds(),
    ) -> None:
        self._store = store
        self._incident_id = incident_id
        self._person = person
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.session_id = uuid.uuid4().hex
        self.error: Exception | None = None

    def beat(self) -> None:
        """Stamp now (the thread does this every interval)."""
        self._store.heartbeat(self._incident_id, self._person, self.session_id)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the heartbeat was already started")
        self.beat()
        self._thread = threading.Thread(target=self._run, name="warroom-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop stamping and leave the war room. When the database cannot be reached to say
        so, the failure is kept in `error`: the others see the session go stale instead."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            self._store.leave(self.session_id)
        except (SQLAlchemyError, DatabaseBusy) as error:
            self.error = error

    def __enter__(self) -> Heartbeat:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.beat()
            except (SQLAlchemyError, DatabaseBusy) as error:
                self.error = error
            else:
                self.error = None
