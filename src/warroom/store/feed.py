"""Live views: learning within a fraction of a second that someone else wrote something.

Every write appends rows to the `change` table (which incident, which thing in it), in commit
order. A live view keeps a cursor into that feed and reads past it only when told something
new was committed, by this process or any other, on this machine or, through PostgreSQL,
another one. The telling is cheap and needs no table reads while nothing happens:

- SQLite: a dedicated connection polls `PRAGMA data_version` (a few microseconds) every
  `poll_interval`; it changes whenever another connection commits.
- PostgreSQL: a dedicated connection LISTENs on the channel every write NOTIFYs in its
  transaction; it also checks the feed every few seconds, which notices a dead connection
  (then it reconnects, and checks again).

Either way the watcher thread then asks for the newest `seq` and reports "changed" only when
it is past the cursor (presence heartbeats, say, commit without adding to the feed).

A screen uses it like this::

    cursor = store.last_change()  # before loading what the screen shows
    ...  # load the incident, the newest window of events, the board
    feed = ChangeFeed(store, since=cursor, on_change=lambda: screen.post_message(Changed()))
    feed.start()
    ...
    for change in feed.changes():  # on Changed, off the event loop
        ...  # re-read what change.incident_id / change.entity / change.entity_id name
    ...
    feed.stop()  # on unmount

or, instead of the callback, a worker loop: ``while running: if feed.wait(1.0): ...``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from warroom.domain.errors import DatabaseError
from warroom.store.changes import Change, Changes
from warroom.store.engine import BUSY_TIMEOUT_MS, postgres_connect_params
from warroom.store.session import CHANGE_CHANNEL
from warroom.store.target import Target

if TYPE_CHECKING:
    import psycopg

# PostgreSQL: check the feed this often even without a notification. It costs one indexed
# query, and it is how a silently dropped connection is noticed (TCP keepalives also help).
SAFETY_CHECK_SECONDS = 5.0
# After losing its connection, the watcher tries again this often.
RECONNECT_SECONDS = 1.0

_LATEST = "SELECT coalesce(max(seq), 0) FROM change"


class _Watch(Protocol):
    failures: tuple[type[Exception], ...]  # what means "the connection is in trouble"

    def wait(self, stopping: threading.Event) -> bool:
        """Block for at most the poll interval; True when something may have been committed."""
        ...

    def latest(self) -> int: ...

    def close(self) -> None: ...


class ChangeFeed:
    """Tells a live view when the change feed has moved past its cursor, and what moved.

    `since`: the cursor to start from (default: the newest change now). `on_change`: called,
    on the watcher thread, each time news arrives after the last `changes()` call; it must be
    quick and must not raise (post a message, set an event). `wait()` is the blocking
    alternative. `changes()` may be called from any thread.
    """

    def __init__(
        self,
        store: Changes,
        *,
        since: int | None = None,
        on_change: Callable[[], None] | None = None,
        poll_interval: float = 0.1,
    ) -> None:
        self._store = store
        self._cursor = store.last_change() if since is None else since
        self._on_change = on_change
        self._poll_interval = poll_interval
        self._reading = threading.Lock()
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._watch: _Watch | None = None
        # The latest failure to watch (the database went away); None once watching again.
        self.error: Exception | None = None

    @property
    def cursor(self) -> int:
        """The newest `seq` already handed out by `changes()`."""
        return self._cursor

    def start(self) -> None:
        """Open the watching connection (raises DatabaseError if it cannot) and start
        watching. Changes already past the cursor are reported at once."""
        if self._thread is not None:
            raise RuntimeError("the change feed was already started")
        self._watch = self._open()
        self._thread = threading.Thread(target=self._run, name="warroom-change-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and close the connection; returns within about a poll interval."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def __enter__(self) -> ChangeFeed:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until there are changes past the cursor (True) or `timeout` seconds pass
        (False)."""
        return self._pending.wait(timeout)

    def changes(self, *, limit: int = 1000) -> list[Change]:
        """The changes committed since the last call (up to `limit`, oldest first); moves the
        cursor past them. When `limit` cut the batch short, news is reported again at once."""
        with self._reading:
            self._pending.clear()  # first: news arriving during the read is not lost
            batch = self._store.changes_since(self._cursor, limit=limit)
            if batch:
                self._cursor = batch[-1].seq
            if len(batch) == limit:
                self._pending.set()
            return batch

    # ---- the watcher thread --------------------------------------------------------------

    def _open(self) -> _Watch:
        target = self._store.target
        if target.path is not None:
            return _DataVersionWatch(target.path, self._poll_interval)
        return _NotifyWatch(target, self._poll_interval)

    def _run(self) -> None:
        watch = self._watch
        check = True  # at start and after reconnecting: something may have been missed
        while not self._stopping.is_set():
            if watch is None:
                try:
                    watch = self._open()
                except DatabaseError as error:
                    self.error = error
                    self._stopping.wait(RECONNECT_SECONDS)
                    continue
                self._watch, self.error, check = watch, None, True
            try:
                if (check or watch.wait(self._stopping)) and watch.latest() > self._cursor:
                    self._report()
                check = False
            except watch.failures as error:
                self.error = error
                watch.close()
                watch = self._watch = None
                self._stopping.wait(RECONNECT_SECONDS)

    def _report(self) -> None:
        if self._pending.is_set():
            return  # not yet read: the reader will see this too
        self._pending.set()
        if self._on_change is not None:
            self._on_change()


class _DataVersionWatch:
    """SQLite: `PRAGMA data_version` changes whenever another connection commits."""

    failures: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, interval: float) -> None:
        self._interval = interval
        try:
            self._connection = sqlite3.connect(
                f"file:{quote(str(path))}?mode=rw",
                uri=True,
                isolation_level=None,
                check_same_thread=False,  # opened by start(), then used by the watcher only
            )
            self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._version = self._data_version()
        except sqlite3.Error as error:
            raise DatabaseError(f"cannot watch {path} for changes: {error}") from None

    def _data_version(self) -> int:
        (version,) = self._connection.execute("PRAGMA data_version").fetchone()
        return int(version)

    def wait(self, stopping: threading.Event) -> bool:
        if stopping.wait(self._interval):
            return False
        version = self._data_version()
        changed = version != self._version
        self._version = version
        return changed

    def latest(self) -> int:
        (latest,) = self._connection.execute(_LATEST).fetchone()
        return int(latest)

    def close(self) -> None:
        self._connection.close()


class _NotifyWatch:
    """PostgreSQL: LISTEN on the channel every write NOTIFYs when it commits."""

    def __init__(self, target: Target, interval: float) -> None:
        import psycopg

        self.failures: tuple[type[Exception], ...] = (psycopg.Error,)
        self._interval = interval
        self._since_check = 0.0
        params = postgres_connect_params(target)
        if params.get("application_name") == "warroom":  # warroom's default, not the URL's
            params["application_name"] = "warroom-feed"
        # Keepalives: a silently dropped connection is noticed in seconds, not hours.
        keepalives = {
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        try:
            self._connection: psycopg.Connection[tuple[object, ...]] = psycopg.connect(
                autocommit=True, **{**keepalives, **params}
            )
            self._connection.execute(f"LISTEN {CHANGE_CHANNEL}")
        except psycopg.Error as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise DatabaseError(
                f"cannot watch {target.display} for changes: {target.scrub(reason)}"
            ) from None

    def wait(self, stopping: threading.Event) -> bool:
        # A notification that arrives while latest() runs is kept by psycopg (3.2.4 and later)
        # and handed out by the next notifies().
        notified = False
        for _notify in self._connection.notifies(timeout=self._interval, stop_after=1):
            notified = True
        self._since_check += self._interval
        if notified or self._since_check >= SAFETY_CHECK_SECONDS:
            self._since_check = 0.0
            return True
        return False

    def latest(self) -> int:
        row = self._connection.execute(_LATEST).fetchone()
        return int(str(row[0])) if row else 0

    def close(self) -> None:
        self._connection.close()
