"""Following the change feed from a screen: what any warroom process commits (another terminal,
another machine through PostgreSQL, a `warroom log` from a script, or this very app) reaches the
screen within a second, and the screen reads again only what changed.

A screen owns one `Live` while it is shown, and uses it like this::

    await live.open()    # where the feed stands: before loading what the screen shows
    ...                  # load it
    await live.start()   # watch; news arrives as `Live.Changed`, posted to the screen
    def on_live_changed(self, message): live.wake()  # the screen's handler
    await live.close()   # when the screen goes

Waking runs a short worker that reads the changes (on the store thread, through `app.call`)
and hands them to the screen's `apply`, which re-reads what they name. The event loop never
waits on the database, and a flood of news is one read at a time: messages that arrive while
one is pending replace it, and news that arrives during a read makes the worker read again.

Trouble (the database unreachable, the watching connection lost) is told to the user once, and
once more when it is over; meanwhile the feed keeps trying, and nothing is missed: the cursor
only moves past changes the screen has applied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from warroom.domain.errors import BadInput, StorageError

if TYPE_CHECKING:
    from warroom.screens.base import Host
    from warroom.store import Change, ChangeFeed, Store

# Trying again after trouble, this often (seconds).
RETRY_SECONDS = 2.0
# Changes read in one go; more are read in further goes.
BATCH = 500

# `apply(changes)`: re-read what the changes name. `apply(None)`: the screen's place in the feed
# was lost (the feed could not be opened in time): read everything again.
Apply = Callable[[Sequence["Change"] | None], Awaitable[None]]


class Live:
    """The change feed, followed for one screen (see the module's docstring)."""

    @dataclass
    class Changed(Message, bubble=False):
        """Something was committed past the screen's place in the feed. Posted from the feed's
        watcher thread; a pending one is replaced by the next."""

        live: Live

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Live.Changed) and message.live is self.live

    def __init__(self, screen: Screen[Any], apply: Apply) -> None:
        self._screen = screen
        self._apply = apply
        self._feed: ChangeFeed | None = None
        self._opened = False  # open() was asked for
        self._started = False
        self._closed = False
        self._lost_place = False  # the feed opened late: the screen must read everything again
        self._draining = False
        self._again = False
        self._unapplied: Sequence[Change] | None = None  # read, but `apply` failed on them
        self._retry: Timer | None = None
        self._watching: Timer | None = None
        self._trouble: dict[str, str] = {}  # what is wrong, by where: "feed", "read"

    @property
    def app(self) -> Host:
        return cast("Host", self._screen.app)

    @property
    def cursor(self) -> int | None:
        """The newest change the screen has been handed (None: not following the feed)."""
        return self._feed.cursor if self._feed is not None else None

    @property
    def idle(self) -> bool:
        """Nothing read and not yet applied: the screen shows everything up to `cursor`."""
        return not self._draining and self._unapplied is None

    # ---- what the screen calls ------------------------------------------------------------

    async def open(self) -> None:
        """Note where the feed stands now. Call it before loading what the screen shows: every
        change committed after that load is then reported."""
        self._opened = True
        if self._feed is not None or self._closed:
            return

        def on_change() -> None:  # on the watcher thread: quick, and never raises
            if not self._closed:
                self._screen.post_message(Live.Changed(self))

        def feed(store: Store) -> ChangeFeed:
            # Imported on the store thread: the first import of the store's code (SQLAlchemy)
            # takes half a second, which the screen spends drawing and answering keys.
            from warroom.store import ChangeFeed

            return ChangeFeed(store, on_change=on_change)

        try:
            self._feed = await self.app.call(feed)
        except (BadInput, StorageError) as error:  # told once, tried again
            self._lost_place = True
            self.report("feed", error)
            self._try_again_later()

    async def start(self) -> None:
        """Start watching (after the screen has loaded what it shows)."""
        feed = self._feed
        if feed is None or self._started or self._closed:
            return
        try:
            await self.app.call(lambda _store: feed.start())
        except (BadInput, StorageError) as error:  # cannot watch: told once, tried again
            self.report("feed", error)
            self._try_again_later()
            return
        self._started = True
        self._watching = self._screen.set_interval(1.0, self._check_watcher)
        self.settled("feed")
        if self._lost_place:
            self.wake()

    def wake(self) -> None:
        """News: read and apply it (the screen calls this on `Live.Changed`)."""
        if self._closed or self._feed is None:
            return
        if self._draining:
            self._again = True  # the running read goes round once more
            return
        self._draining = True
        self._screen.run_worker(self._drain(), group="live", description="live updates")

    async def close(self) -> None:
        """Stop watching and close the feed's connection."""
        self._closed = True
        for timer in (self._retry, self._watching):
            if timer is not None:
                timer.stop()
        feed, self._feed = self._feed, None
        if feed is not None:
            await self.app.call(lambda _store: feed.stop())

    def report(self, where: str, error: Exception) -> None:
        """Something keeps the screen from being live; the user hears of it once."""
        if self._closed or not self._screen.display or self.app.failed is not None:
            return  # (going, or a store that cannot open: the app ends with its own message)
        first = not self._trouble
        self._trouble[where] = _reason(error)
        if first:
            self._screen.notify(
                f"{self._trouble[where]}. Trying again every few seconds.",
                title="Not seeing others' changes",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def settled(self, where: str) -> None:
        """What `report` told of (from `where`) is over."""
        if self._trouble.pop(where, None) is not None and not self._trouble:
            self._screen.notify("Seeing others' changes again.", markup=False)

    # ---- inside ---------------------------------------------------------------------------

    async def _drain(self) -> None:
        try:
            while True:
                self._again = False
                if not await self._read_and_apply() or not self._again:
                    return
        finally:
            self._draining = False

    async def _read_and_apply(self) -> bool:
        """Apply everything past the cursor. False: trouble (told, and tried again later)."""
        feed = self._feed
        if feed is None:
            return False
        try:
            if self._lost_place:
                await self._apply(None)
                self._lost_place = False
            while True:
                batch = self._unapplied
                if batch is None:
                    batch = await self.app.call(lambda _store: feed.changes(limit=BATCH))
                if not batch:
                    break
                self._unapplied = batch
                await self._apply(batch)
                self._unapplied = None
                if len(batch) < BATCH:
                    break
        except (BadInput, StorageError, NoMatches) as error:  # told once, tried again
            # (NoMatches: the screen's widgets went while it read; it is being taken down)
            self.report("read", error)
            self._try_again_later()
            return False
        self.settled("read")
        return True

    def _try_again_later(self) -> None:
        if self._closed or self._retry is not None or self.app.failed is not None:
            return  # (one try pending is enough; a store that cannot open ends the app)
        self._retry = self._screen.set_timer(RETRY_SECONDS, self._try_again)

    async def _try_again(self) -> None:
        self._retry = None
        if self._closed:
            return
        if self._feed is None and self._opened:
            await self.open()
        if not self._started:
            await self.start()
        else:
            self.wake()

    def _check_watcher(self) -> None:
        feed = self._feed
        if feed is None:
            return
        error = feed.error
        if error is not None:
            self.report("feed", error)
        elif "feed" in self._trouble:
            self.settled("feed")


def _reason(error: Exception) -> str:
    """The first line of what the error says: the store's say what is wrong and where, which
    its type (StorageError) would only repeat."""
    text = str(error).splitlines()[0] if str(error) else ""
    return text or type(error).__name__
