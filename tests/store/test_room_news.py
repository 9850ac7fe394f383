"""Reading again only what the change feed names: events by id, and a war room's news."""

from datetime import timedelta

from tests.conftest import T0
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind, Role
from warroom.domain.room import EVENTS_ONE_BY_ONE, RoomNews
from warroom.services.room import read_news, read_state
from warroom.store import NewEvent, Store


def test_events_by_id_in_timeline_order_deleted_ones_too(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    late = store.log_event(incident.id, "late", actor="a", occurred_at=T0 + timedelta(minutes=5))
    early = store.log_event(incident.id, "early", actor="a", occurred_at=T0 - timedelta(minutes=5))
    gone = store.delete_event(store.log_event(incident.id, "gone", actor="a").id)
    assert store.events_by_id([late.id, gone.id, early.id, late.id, 999]) == [early, gone, late]
    assert store.events_by_id([]) == []


def test_news_reads_only_what_changed(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="Alice", actor="a")
    other = store.create_incident("y", 2, commander="Bob", actor="b")
    state = read_state(store, incident.id)
    cursor = store.last_change()

    store.log_event(other.id, "elsewhere", actor="b")
    assert read_news(store, incident.id, store.changes_since(cursor), None) == RoomNews()

    cursor = store.last_change()
    event = store.log_event(incident.id, "db cpu 95%", actor="a")
    news = read_news(store, incident.id, store.changes_since(cursor), state.last_update)
    assert news == RoomNews(events=(event,))
    assert news.applied_to(state) == state

    cursor = store.last_change()
    clock.advance(timedelta(minutes=1))
    store.change_severity(incident.id, 2, actor="a")
    store.assign_role(incident.id, Role.COMMANDER, "Carol", actor="a")
    item = store.add_action_item(incident.id, "Add the index", actor="a")
    update = store.log_event(incident.id, "all good", actor="a", kind=EventKind.UPDATE)
    store.heartbeat(incident.id, "Dave", "s")
    news = read_news(store, incident.id, store.changes_since(cursor), state.last_update)
    assert news.incident is not None
    assert (news.incident.severity, news.incident.commander) == (2, "Carol")
    assert news.severity_changes is not None
    assert [c.new for c in news.severity_changes] == [1, 2]
    assert news.roles is not None
    assert [(r.role, r.person) for r in news.roles] == [(Role.COMMANDER, "Carol")]
    assert news.action_items == (item,)
    assert (news.updates_changed, news.last_update) == (True, update)
    assert [e.kind for e in news.events] == [
        EventKind.SEVERITY,
        EventKind.ROLE,
        EventKind.ACTION,
        EventKind.UPDATE,
    ]
    assert news.presence
    assert not news.many_events
    assert news.applied_to(state) == read_state(store, incident.id)


def test_a_flood_of_events_is_news_of_many(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    cursor = store.last_change()
    for n in range(EVENTS_ONE_BY_ONE + 1):
        store.log_event(incident.id, f"alert {n}", actor="monitor")
    news = read_news(store, incident.id, store.changes_since(cursor), None)
    assert (news.many_events, news.events) == (True, ())

    cursor = store.last_change()
    store.log_many(incident.id, [NewEvent("one of many", "monitor", T0)])
    news = read_news(store, incident.id, store.changes_since(cursor), None)
    assert (news.many_events, news.events) == (True, ())
