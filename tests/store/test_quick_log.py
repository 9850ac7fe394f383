"""The quick writer of the war room's first lines writes what the store's log_event writes."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput, UnknownIncident
from warroom.domain.model import EventKind
from warroom.domain.search import SearchKind
from warroom.store import ChangeFeed, Store
from warroom.store.quick_log import QuickLog


@pytest.fixture
def store(db_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """SQLite only: the quick writer is for the SQLite file the quick read vouched for."""
    with Store.open(str(db_path), clock) as opened:
        yield opened


def rows(db_path: Path, event_id: int) -> tuple[tuple[object, ...], ...]:
    """The event's row, its change-feed row and its search entry, without their ids."""
    with sqlite3.connect(db_path) as connection:
        event = connection.execute(
            "SELECT incident_id, kind, actor, text, occurred_at, recorded_at, edited_at, "
            "deleted_at, starred, hidden FROM event WHERE id = ?",
            (event_id,),
        ).fetchone()
        change = connection.execute(
            "SELECT incident_id, entity, at FROM change WHERE entity = 'event' AND entity_id = ?",
            (event_id,),
        ).fetchone()
        entry = connection.execute(
            "SELECT incident_id, field, body FROM search_entry WHERE kind = 'event' AND ref_id = ?",
            (event_id,),
        ).fetchone()
    return event, change, entry


def test_a_quick_line_is_stored_as_the_store_stores_one(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    clock.advance(timedelta(seconds=7, microseconds=250))
    by_store = store.log_event(incident.id, "  db cpu 95%\t", actor="Alice", kind=EventKind.ALERT)
    quick = QuickLog(str(db_path), clock).log_event(
        incident.id, "  db cpu 95%\t", actor="Alice", kind=EventKind.ALERT
    )
    assert quick is not None
    assert rows(db_path, quick.id) == rows(db_path, by_store.id)
    assert quick.id == by_store.id + 1
    assert store.get_event(quick.id) == quick
    assert quick.text == by_store.text == "db cpu 95%"
    found = {(hit.kind, hit.ref_id) for hit in store.search("cpu")}
    assert found == {(SearchKind.EVENT, by_store.id), (SearchKind.EVENT, quick.id)}


def test_readers_of_the_feed_hear_of_a_quick_line(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    feed = ChangeFeed(store)  # read by hand: no watching thread
    quick = QuickLog(str(db_path), clock).log_event(
        incident.id, "seen elsewhere", actor="Alice", kind=EventKind.NOTE
    )
    assert quick is not None
    news = feed.changes()
    assert [(c.incident_id, c.entity, c.entity_id) for c in news] == [
        (incident.id, "event", quick.id)
    ]


def test_what_the_store_would_refuse_is_refused(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    quick = QuickLog(str(db_path), clock)
    with pytest.raises(BadInput):
        quick.log_event(incident.id, "   ", actor="Alice", kind=EventKind.NOTE)
    with pytest.raises(BadInput):
        quick.log_event(incident.id, "nul \x00", actor="Alice", kind=EventKind.NOTE)
    with pytest.raises(UnknownIncident):
        quick.log_event(incident.id + 1, "elsewhere", actor="Alice", kind=EventKind.NOTE)
    assert store.count_events(incident.id) == 1  # the declaration alone


def test_a_busy_file_writes_nothing_and_leaves_it_to_the_store(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        quick = QuickLog(str(db_path), clock, busy_timeout=0.01)
        assert quick.log_event(incident.id, "waits", actor="Alice", kind=EventKind.NOTE) is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.count_events(incident.id) == 1


def test_the_store_reads_the_file_only_once_the_quick_writer_is_done(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    """Closing any descriptor on the file drops this process's SQLite locks on it: the store's
    header check must not read the file while the quick writer's connection is open."""
    from warroom.store.descriptors import RAW_FILE_ACCESS

    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # keeps the quick writer waiting inside its connection
    quick = QuickLog(str(db_path), clock, busy_timeout=30)
    logged: list[object] = []
    writer = threading.Thread(
        target=lambda: logged.append(
            quick.log_event(incident.id, "first line", actor="Alice", kind=EventKind.NOTE)
        )
    )
    writer.start()
    while not RAW_FILE_ACCESS.locked():
        time.sleep(0.001)
    opening = threading.Thread(target=lambda: Store.open(str(db_path), clock).close())
    opening.start()
    opening.join(timeout=0.3)
    still_waiting = opening.is_alive()
    other.execute("ROLLBACK")
    other.close()
    writer.join()
    opening.join()
    assert still_waiting, "the store read the file beside the quick writer's open connection"
    assert logged
    assert logged[0] is not None
    assert store.count_events(incident.id) == 2


def test_a_command_line_gets_the_quick_writer_only_for_a_file_the_store_would_open(
    tmp_path: Path, db_path: Path, store: Store, clock: FrozenClock
) -> None:
    assert QuickLog.for_command(str(db_path), clock) is not None
    assert QuickLog.for_command(str(tmp_path / "missing.db"), clock) is None
    assert not (tmp_path / "missing.db").exists()
    assert QuickLog.for_command(str(tmp_path), clock) is None  # a directory
    (tmp_path / "notes.txt").write_text("not a database\n")
    assert QuickLog.for_command(str(tmp_path / "notes.txt"), clock) is None
    assert QuickLog.for_command("postgresql://localhost/warroom", clock) is None


@pytest.mark.parametrize(
    "change",
    [
        "PRAGMA journal_mode = DELETE",  # the store makes a file WAL as it opens it
        "UPDATE alembic_version SET version_num = '0010'",  # the store migrates it first
    ],
)
def test_a_file_not_plainly_current_is_left_to_the_store(
    db_path: Path, store: Store, clock: FrozenClock, change: str
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    store.close()
    with sqlite3.connect(db_path, isolation_level=None) as connection:
        connection.execute(change)
    quick = QuickLog.for_command(str(db_path), clock)
    assert quick is not None  # the file itself passes the store's checks
    assert quick.log_event(incident.id, "not here", actor="Alice", kind=EventKind.NOTE) is None
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (1,)
