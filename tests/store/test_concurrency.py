"""Several writers at once, in threads and in processes, on SQLite and on PostgreSQL: no write
is lost, no "database is locked" reaches anyone, stale saves are refused, and the change feed
never shows a later change before an earlier one."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

import warroom.store.engine
import warroom.store.session
from tests.conftest import Database
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import DatabaseBusy
from warroom.domain.model import EventKind
from warroom.store import Store

PROCESSES = 4
EVENTS_EACH = 50


READY = "import sys\ndef ready():\n    print('ready', flush=True)\n    sys.stdin.readline()\n"


class Processes:
    """Python processes that work together: each calls `ready()` when it has loaded what it
    needs, and goes on only once every one of them is ready."""

    def __init__(self, code: str, args: list[list[str]], database: Database) -> None:
        env = {**os.environ, "WARROOM_DB": database.location}
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-c", READY + code, *arg],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for arg in args
        ]

    def run(self) -> list[str]:
        """Let them all go at once; what each printed, once all succeeded."""
        for proc in self.procs:
            assert proc.stdout is not None
            ready = proc.stdout.readline()
            assert ready == "ready\n", (ready, proc.communicate(timeout=60))
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=120) for proc in self.procs]
        assert [proc.returncode for proc in self.procs] == [0] * len(self.procs), results
        assert all(err == "" for _out, err in results), results
        return [out for out, _err in results]


def test_logging_from_several_processes_at_once_loses_nothing(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("Checkout down", 1, commander="a", actor="a")
    # Each process runs the command line's own entry point, once per event, as a script would.
    code = (
        "from warroom.cli.main import main\n"
        "ready()\n"
        f"for n in range({EVENTS_EACH}):\n"
        f"    assert main(['log', '{incident.key}', f'{{sys.argv[1]}} event {{n}}']) == 0\n"
    )
    outputs = Processes(code, [[f"p{k}"] for k in range(PROCESSES)], database).run()
    printed = [line for out in outputs for line in out.splitlines()]
    assert len(printed) == PROCESSES * EVENTS_EACH

    with Store.open(database.location, clock) as store:
        logged = [e for e in store.iter_events(incident.id) if e.kind is EventKind.NOTE]
        # The ids printed are exactly the events stored, and each text is there once.
        assert sorted(printed) == sorted(e.key for e in logged)
        assert sorted(e.text for e in logged) == sorted(
            f"p{k} event {n}" for k in range(PROCESSES) for n in range(EVENTS_EACH)
        )
        # Each process's events are in the order it logged them.
        for k in range(PROCESSES):
            mine = [e for e in logged if e.text.startswith(f"p{k} ")]
            assert [e.text for e in sorted(mine, key=lambda e: e.id)] == [
                f"p{k} event {n}" for n in range(EVENTS_EACH)
            ]
        # And the change feed has every one of them.
        fed = {c.entity_id for c in store.changes_since(0, limit=10_000) if c.entity == "event"}
        assert {e.id for e in logged} <= fed


def test_stale_saves_from_other_processes_conflict_and_fields_merge(
    database: Database, clock: FrozenClock
) -> None:
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("x", 1, commander="a", actor="a")
        item = store.add_action_item(incident.id, "Add index checks", actor="a")
    fields = ["summary", "root_cause", "impact_duration", "revenue_impact"]
    # Every process loaded version 1 of the item and the empty post-mortem, then saves at once:
    # - the item, whole, with its own owner: exactly one save wins, the others conflict;
    # - one post-mortem field each, from the same base: every one is kept.
    code = (
        "import os\n"
        "from dataclasses import replace\n"
        "from warroom.domain.clock import SystemClock\n"
        "from warroom.domain.errors import Conflict\n"
        "from warroom.store import Store\n"
        "owner, field = sys.argv[1], sys.argv[2]\n"
        "with Store.open(os.environ['WARROOM_DB'], SystemClock()) as store:\n"
        f"    item = store.action_items({incident.id})[0]\n"
        f"    base = store.postmortem({incident.id})\n"
        "    ready()\n"
        "    try:\n"
        "        store.update_action_item(replace(item, owner=owner), actor=owner)\n"
        "        print('saved')\n"
        "    except Conflict as conflict:\n"
        "        assert conflict.current.owner != item.owner, conflict.current\n"
        "        print('conflict')\n"
        "    store.save_postmortem(replace(base, **{field: owner}), base=base)\n"
    )
    args = [[f"owner{k}", fields[k]] for k in range(PROCESSES)]
    outputs = [out.strip() for out in Processes(code, args, database).run()]
    assert sorted(outputs) == ["conflict"] * (PROCESSES - 1) + ["saved"]
    winner = f"owner{outputs.index('saved')}"
    with Store.open(database.location, clock) as store:
        (stored,) = store.action_items(incident.id)
        assert (stored.owner, stored.version) == (winner, item.version + 1)
        report = store.postmortem(incident.id)
        assert [getattr(report, field) for field in fields] == [
            f"owner{k}" for k in range(PROCESSES)
        ]
        assert report.version == PROCESSES
        assert replace(stored, owner=item.owner, version=item.version, updated_at=None) == replace(
            item, updated_at=None
        )


def test_the_feed_never_shows_a_later_change_before_an_earlier_one(
    database: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that got its feed rows first but commits last must not be overtaken: a reader
    that saw the later one would never look back for it."""
    location = database.location
    with (
        Store.open(location, clock) as first,
        Store.open(location, clock) as second,
        Store.open(location, clock) as reader,
    ):
        incident = first.create_incident("x", 1, commander="a", actor="a")
        start = reader.last_change()
        recorded, release = threading.Event(), threading.Event()
        record_changes = Store._record_changes

        def slow_to_commit(self: Store, session: Session) -> None:
            record_changes(self, session)
            if self is first:  # feed rows written, commit not yet done
                recorded.set()
                assert release.wait(30)

        monkeypatch.setattr(Store, "_record_changes", slow_to_commit)
        earlier = threading.Thread(
            target=first.log_event, args=(incident.id, "earlier"), kwargs={"actor": "a"}
        )
        later = threading.Thread(
            target=second.log_event, args=(incident.id, "later"), kwargs={"actor": "b"}
        )
        earlier.start()
        assert recorded.wait(30)
        later.start()
        later.join(0.5)  # time enough for it to commit, were it not held back
        seen_meanwhile = reader.changes_since(start)
        release.set()
        earlier.join()
        later.join()
        assert seen_meanwhile == []
        texts = [reader.get_event(c.entity_id or 0).text for c in reader.changes_since(start)]
        assert texts == ["earlier", "later"]


# ---- retries -------------------------------------------------------------------------------


@pytest.fixture
def locked_sqlite(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """A SQLite database whose write lock another connection holds, and a store that gets
    SQLITE_BUSY at once instead of waiting (as when SQLite bypasses its busy handler)."""
    Store.open(str(db_path), FrozenClock(warroom_t0())).close()
    monkeypatch.setattr(warroom.store.engine, "BUSY_TIMEOUT_MS", 0)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    holder.close()


def warroom_t0() -> Any:
    from tests.conftest import T0

    return T0


def test_a_busy_sqlite_database_is_retried_not_reported(
    db_path: Path,
    clock: FrozenClock,
    locked_sqlite: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    locked_sqlite.execute("ROLLBACK")
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("x", 1, commander="a", actor="a")
        locked_sqlite.execute("BEGIN IMMEDIATE")
        pauses: list[int] = []

        def pause(attempt: int) -> None:
            pauses.append(attempt)
            if attempt == 3:
                locked_sqlite.execute("ROLLBACK")  # the other writer finishes

        monkeypatch.setattr(warroom.store.session, "_pause_before_retry", pause)
        event = store.log_event(incident.id, "kept", actor="a")
        assert pauses == [1, 2, 3]
        assert [e.text for e in store.iter_events(incident.id)][-1] == "kept"
        assert store.get_event(event.id).text == "kept"
        assert store.count_events(incident.id) == 2


def test_a_write_that_stays_busy_gives_up_cleanly(
    db_path: Path,
    clock: FrozenClock,
    locked_sqlite: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    locked_sqlite.execute("ROLLBACK")
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("x", 1, commander="a", actor="a")
    locked_sqlite.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(warroom.store.session, "WRITE_RETRY_SECONDS", 0.0)
    with (
        Store.open(str(db_path), clock) as store,
        pytest.raises(DatabaseBusy, match=r"is busy: other writers kept it locked; nothing was"),
    ):
        store.log_event(incident.id, "lost?", actor="a")
    from warroom.cli.main import main

    assert main(["--db", str(db_path), "log", incident.key, "lost?"], clock=clock) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {db_path} is busy: other writers kept it locked")
    assert err.count("\n") == 1
    locked_sqlite.execute("ROLLBACK")
    with Store.open(str(db_path), clock) as store:
        assert store.count_events(incident.id) == 1


@pytest.mark.postgres
def test_a_postgres_deadlock_is_retried(postgres_database: Database, clock: FrozenClock) -> None:
    """Two writers lock two incidents in opposite orders: PostgreSQL breaks the deadlock by
    failing one of them, which is run again and succeeds."""
    from warroom.store.tables import IncidentRow

    with Store.open(postgres_database.location, clock) as store:
        a = store.create_incident("a", 1, commander="a", actor="a").id
        b = store.create_incident("b", 1, commander="a", actor="a").id
        both_locked_one = threading.Barrier(2, timeout=30)
        attempts: list[str] = []

        def lock_both(name: str, order: tuple[int, int]) -> None:
            def work(session: Session) -> None:
                attempts.append(name)
                for position, incident_id in enumerate(order):
                    row = session.get(IncidentRow, incident_id, with_for_update=True)
                    assert row is not None
                    row.title = f"{row.title}+{name}"
                    session.add(row)
                    session.flush()
                    if position == 0 and attempts.count(name) == 1:
                        both_locked_one.wait()
                store._changed(session, order[0], "incident", order[0])

            store._write(work)

        threads = [
            threading.Thread(target=lock_both, args=("x", (a, b))),
            threading.Thread(target=lock_both, args=("y", (b, a))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(attempts) in (["x", "x", "y"], ["x", "y", "y"])
        titles = {store.get_incident(a).title, store.get_incident(b).title}
        assert titles in ({"a+x+y", "b+x+y"}, {"a+y+x", "b+y+x"})


def test_only_busy_failures_are_retried(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    calls: list[int] = []

    class Broken(Exception):
        sqlstate = "23505"  # a unique violation: a real error, not "try again"

    def work(session: Session) -> None:
        calls.append(1)
        raise DBAPIError("INSERT ...", None, Broken())

    with pytest.raises(DBAPIError):
        store._write(work)
    assert calls == [1]
    assert store.count_events(incident.id) == 1
