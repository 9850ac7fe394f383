"""The change feed for live views: what other writers commit reaches a watcher within a second,
on SQLite and on PostgreSQL, from another Store or another process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import Database
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import DatabaseError
from warroom.store import ChangeFeed, Store

# How long a test waits for news that must come (it comes in ~0.1 s); and for news that must
# not come (a few poll intervals).
SOON = 5.0
QUIET = 0.4


def test_a_write_through_another_store_is_reported_with_what_changed(
    database: Database, clock: FrozenClock
) -> None:
    with (
        Store.open(database.location, clock) as mine,
        Store.open(database.location, clock) as theirs,
    ):
        incident = theirs.create_incident("Checkout down", 1, commander="a", actor="a")
        with ChangeFeed(mine) as feed:
            assert not feed.wait(QUIET)
            assert feed.changes() == []
            event = theirs.log_event(incident.id, "db cpu 95%", actor="bob")
            assert feed.wait(SOON)
            changes = feed.changes()
            assert [(c.incident_id, c.entity, c.entity_id) for c in changes] == [
                (incident.id, "event", event.id)
            ]
            assert feed.cursor == changes[-1].seq
            assert not feed.wait(0)
            assert feed.changes() == []


def test_the_callback_runs_on_the_watcher_thread_once_per_read(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("x", 2, commander="a", actor="a")
        calls: list[threading.Thread] = []
        called = threading.Event()

        def on_change() -> None:
            calls.append(threading.current_thread())
            called.set()

        with ChangeFeed(store, on_change=on_change) as feed:
            store.log_event(incident.id, "one", actor="a")
            assert called.wait(SOON)
            store.log_event(incident.id, "two", actor="a")
            store.change_severity(incident.id, 1, actor="a")
            # Not read yet: no flood of calls, however many writes.
            assert not _becomes_true(lambda: len(calls) > 1, QUIET)
            called.clear()
            assert {c.entity for c in feed.changes()} == {"event", "incident"}
            store.log_event(incident.id, "three", actor="a")
            assert called.wait(SOON)
        assert len(calls) == 2
        assert threading.main_thread() not in calls


def test_changes_before_the_start_are_reported_at_once_and_in_batches(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        cursor = store.last_change()
        incident = store.create_incident("x", 2, commander="a", actor="a")
        for n in range(3):
            store.log_event(incident.id, f"e{n}", actor="a")
        with ChangeFeed(store, since=cursor) as feed:
            assert feed.wait(SOON)
            first = feed.changes(limit=4)
            assert len(first) == 4
            assert feed.wait(0)  # cut short: more to read at once
            rest = feed.changes(limit=4)
            assert [c.seq for c in first + rest] == sorted({c.seq for c in first + rest})
            assert [c.entity for c in first + rest].count("event") == 4
            assert rest[-1].seq == store.last_change()


def test_writes_that_add_nothing_to_the_feed_do_not_wake_the_watcher(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("x", 2, commander="a", actor="a")
        store.heartbeat(incident.id, "alice", "s1")  # joining is news
        with ChangeFeed(store) as feed:
            for _ in range(3):
                store.heartbeat(incident.id, "alice", "s1")  # staying is not
            assert not feed.wait(QUIET)


def test_a_write_from_another_process_is_seen_within_a_second(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("x", 2, commander="a", actor="a")
        with ChangeFeed(store) as feed:
            logged = subprocess.run(
                [sys.executable, "-m", "warroom", "log", incident.key, "from another process"],
                env={**os.environ, "WARROOM_DB": database.location},
                capture_output=True,
                text=True,
                check=True,
            )
            committed = time.monotonic()  # the id is printed after the commit
            assert feed.wait(SOON)
            assert time.monotonic() - committed < 1.0
            (change,) = feed.changes()
            assert f"EV-{change.entity_id}" == logged.stdout.strip()


@pytest.mark.postgres
def test_a_lost_listening_connection_is_replaced_and_nothing_missed(
    postgres_database: Database, clock: FrozenClock
) -> None:
    with Store.open(postgres_database.location, clock) as store:
        incident = store.create_incident("x", 2, commander="a", actor="a")
        with ChangeFeed(store) as feed:
            (terminated,) = postgres_database.sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'warroom-feed' AND datname = current_database()"
            )
            assert terminated == (True,)
            event = store.log_event(incident.id, "while it was away", actor="a")
            assert feed.wait(SOON)
            assert [c.entity_id for c in feed.changes()] == [event.id]
            assert feed.error is None  # watching again


def test_a_feed_that_cannot_watch_says_so(db_path: Path, clock: FrozenClock) -> None:
    with Store.open(str(db_path), clock) as store:
        feed = ChangeFeed(store)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        with pytest.raises(DatabaseError, match=f"cannot watch {db_path} for changes"):
            feed.start()
        feed.stop()


def _becomes_true(condition: object, within: float) -> bool:
    """Whether `condition()` turns true within `within` seconds (polled)."""
    assert callable(condition)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())
