"""Live pages: one change feed for the whole server, and each open stream told, within the
feed's poll interval, that its incident changed (its page is then read and rendered once,
for every stream that shows it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from warroom.domain.errors import BadInput, StorageError, first_line
from warroom.serve.store_thread import StoreThread
from warroom.services.stakeholders import PUBLIC_KINDS

if TYPE_CHECKING:
    from warroom.store import ChangeFeed, Store

log = logging.getLogger("warroom.serve")

# What changes a stakeholder page: the incident itself (title, severity, step, its IC) and
# the public part of its timeline (a responder's note changes nothing there).
_SHOWN = frozenset({"incident", "role"})


class Stream:
    """One open page's stream: holds the newest state only (a slow reader skips to it), and
    never the same state twice in a row."""

    def __init__(self, incident_id: int) -> None:
        self.incident_id = incident_id
        self._latest: str | None = None
        self._handed: str | None = None
        self._closed = False
        self._ready = asyncio.Event()

    def offer(self, payload: str) -> None:
        if payload in (self._latest, self._handed):
            return
        self._latest = payload
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    async def next(self, timeout: float) -> str | None:
        """The newest state once there is one; None after `timeout` seconds or once closed."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return None
        self._ready.clear()
        payload, self._latest = self._latest, None
        if payload is not None:
            self._handed = payload
        return None if self._closed else payload

    @property
    def closed(self) -> bool:
        return self._closed


class LiveIncidents:
    def __init__(
        self,
        store: Store,
        thread: StoreThread,
        render: Callable[[int], Awaitable[str | None]],
        *,
        poll_interval: float = 0.1,
    ) -> None:
        self._store = store
        self._thread = thread
        self._render = render
        self._poll_interval = poll_interval
        self._streams: dict[int, set[Stream]] = {}
        self._feed: ChangeFeed | None = None
        self._news = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        from warroom.store import ChangeFeed

        loop = asyncio.get_running_loop()

        def told() -> None:  # on the feed's thread
            loop.call_soon_threadsafe(self._news.set)

        def open_feed() -> ChangeFeed:
            feed = ChangeFeed(self._store, on_change=told, poll_interval=self._poll_interval)
            feed.start()
            return feed

        self._feed = await self._thread.run(open_feed)
        self._task = asyncio.create_task(self._relay(), name="warroom-live-pages")

    async def stop(self) -> None:
        """Close every stream (a page's script reconnects to the next server), then the feed."""
        for streams in self._streams.values():
            for stream in streams:
                stream.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):  # asked for just above
                await self._task
        if self._feed is not None:
            await self._thread.run(self._feed.stop)

    def subscribe(self, incident_id: int) -> Stream:
        stream = Stream(incident_id)
        self._streams.setdefault(incident_id, set()).add(stream)
        return stream

    def unsubscribe(self, stream: Stream) -> None:
        streams = self._streams.get(stream.incident_id)
        if streams is not None:
            streams.discard(stream)
            if not streams:
                del self._streams[stream.incident_id]

    async def _relay(self) -> None:
        feed = self._feed
        assert feed is not None
        while True:
            await self._news.wait()
            self._news.clear()
            try:
                await self._pass_on(feed)
            except (StorageError, BadInput) as error:  # the database went away for a moment:
                # the feed reconnects and tells again; the pages keep what they show
                log.warning("live pages: %s", first_line(error))
            if feed.wait(0):  # more than one batch of news: read on
                self._news.set()

    async def _pass_on(self, feed: ChangeFeed) -> None:
        changes = await self._thread.run(feed.changes)
        watched = [change for change in changes if change.incident_id in self._streams]
        touched = {c.incident_id for c in watched if c.entity in _SHOWN}
        events = {
            c.entity_id for c in watched if c.entity == "event" and c.incident_id not in touched
        }
        if None in events:  # many events at once (an import, a flood): read the pages again
            touched |= {c.incident_id for c in watched if c.entity == "event"}
        elif events:
            ids = {event_id for event_id in events if event_id is not None}
            changed = await self._thread.run(self._store.events_by_id, ids)
            touched |= {event.incident_id for event in changed if event.kind in PUBLIC_KINDS}
        for incident_id in sorted(i for i in touched if i is not None):
            payload = await self._render(incident_id)
            if payload is None:
                continue
            for stream in list(self._streams.get(incident_id, ())):
                stream.offer(payload)
