"""Presence: who has a war room open, by heartbeats, on a frozen clock."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.conftest import T0, Database
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput, UnknownIncident
from warroom.domain.model import Presence
from warroom.store import PRESENCE_TIMEOUT, ChangeFeed, Heartbeat, Store


def test_present_until_the_heartbeats_stop(database: Database, clock: FrozenClock) -> None:
    with Store.open(database.location, clock) as alice, Store.open(database.location, clock) as bob:
        incident = alice.create_incident("x", 1, commander="Alice", actor="alice")
        alice.heartbeat(incident.id, "Alice", "alice-1")
        clock.advance(timedelta(seconds=10))
        bob.heartbeat(incident.id, "Bob", "bob-1")
        assert bob.present(incident.id) == [
            Presence("Alice", since=T0, last_seen=T0),
            Presence("Bob", since=T0 + timedelta(seconds=10), last_seen=T0 + timedelta(seconds=10)),
        ]
        # Alice's war room stops stamping (a crash, a lost connection): gone after the timeout.
        clock.set(T0 + PRESENCE_TIMEOUT)
        assert [p.person for p in bob.present(incident.id)] == ["Alice", "Bob"]
        clock.set(T0 + PRESENCE_TIMEOUT + timedelta(seconds=1))
        assert [p.person for p in bob.present(incident.id)] == ["Bob"]
        # ... and back when it stamps again.
        alice.heartbeat(incident.id, "Alice", "alice-1")
        assert [p.person for p in bob.present(incident.id)] == ["Alice", "Bob"]
        bob.leave("bob-1")
        assert [p.person for p in alice.present(incident.id)] == ["Alice"]
        assert alice.present(incident.id, timeout=timedelta(0)) == [
            Presence("Alice", since=T0, last_seen=T0 + PRESENCE_TIMEOUT + timedelta(seconds=1))
        ]


def test_one_person_in_two_war_rooms_is_listed_once(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    other = store.create_incident("y", 2, commander="a", actor="a")
    store.heartbeat(incident.id, "Alice", "laptop")
    clock.advance(timedelta(seconds=3))
    store.heartbeat(incident.id, "Alice", "desktop")
    store.heartbeat(other.id, "Bob", "bob")
    assert store.present(incident.id) == [
        Presence("Alice", since=T0, last_seen=T0 + timedelta(seconds=3))
    ]
    assert [p.person for p in store.present(other.id)] == ["Bob"]


def test_joining_and_leaving_are_in_the_feed_but_stamps_are_not(
    store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    start = store.last_change()
    store.heartbeat(incident.id, "Alice", "s")
    store.heartbeat(incident.id, "Alice", "s")
    store.leave("s")
    store.leave("s")  # leaving twice is harmless
    changes = store.changes_since(start)
    assert [(c.incident_id, c.entity) for c in changes] == [(incident.id, "presence")] * 2


def test_stale_sessions_are_cleared_when_someone_joins(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    store.heartbeat(incident.id, "Alice", "crashed")
    clock.advance(PRESENCE_TIMEOUT * 2)
    store.heartbeat(incident.id, "Bob", "bob")
    assert store.present(incident.id, timeout=PRESENCE_TIMEOUT * 10) == [
        Presence("Bob", since=clock.now(), last_seen=clock.now())
    ]


def test_heartbeat_refuses_bad_input(store: Store) -> None:
    with pytest.raises(UnknownIncident):
        store.heartbeat(7, "Alice", "s")
    incident = store.create_incident("x", 1, commander="a", actor="a")
    with pytest.raises(BadInput):
        store.heartbeat(incident.id, "  ", "s")
    assert store.present(incident.id) == []


def test_a_heartbeat_keeps_someone_present_while_open(
    database: Database, clock: FrozenClock
) -> None:
    with (
        Store.open(database.location, clock) as store,
        Store.open(database.location, clock) as other,
    ):
        incident = store.create_incident("x", 1, commander="a", actor="a")
        with ChangeFeed(other) as feed:
            heartbeat = Heartbeat(store, incident.id, "Alice", interval=0.02)
            heartbeat.start()
            # Listed as soon as start() returns, and the others hear of it.
            assert [p.person for p in other.present(incident.id)] == ["Alice"]
            assert feed.wait(5.0)
            assert [c.entity for c in feed.changes()] == ["presence"]
            # The thread keeps stamping.
            clock.advance(timedelta(minutes=5))
            deadline = time.monotonic() + 5.0
            while other.present(incident.id) == [] and time.monotonic() < deadline:
                time.sleep(0.01)
            (alice,) = other.present(incident.id)
            assert alice.last_seen == T0 + timedelta(minutes=5)
            heartbeat.stop()
            assert other.present(incident.id) == []
            assert heartbeat.error is None
            assert feed.wait(5.0)
            assert [c.entity for c in feed.changes()] == ["presence"]
