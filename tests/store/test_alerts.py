"""Alerts in the store: stored once however often delivered, routed, kept in the inbox, and
attached or declared from there. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.conftest import T0
from warroom.domain.alerts import FIRING, RESOLVED, AlertSource, IncomingAlert, Route
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Phase
from warroom.domain.model import EventKind
from warroom.services.alerts import declare_from_alerts
from warroom.store import Store

ALERT = IncomingAlert(
    source=AlertSource.ALERTMANAGER,
    fingerprint="4f7c1a9e2b3d5c60",
    status=FIRING,
    occurrence="2024-03-15T14:02:11+00:00",
    occurred_at=T0 - timedelta(minutes=21),
    text="FIRING: CheckoutLatencyHigh — p99 above 10s",
    actor="Alertmanager",
    service="checkout",
)


def _declare(store: Store, title: str = "Checkout down") -> int:
    return store.create_incident(title, 1, commander="Bob Chen", actor="bob").id


def test_a_delivery_repeated_is_a_duplicate(store: Store) -> None:
    (first,) = store.receive_alerts([ALERT])
    seq = store.last_change()
    (again,) = store.receive_alerts([ALERT])
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.alert == first.alert
    assert store.last_change() == seq  # nothing written
    # A new firing (another start) and its resolution are new.
    refired = replace(ALERT, occurrence="2024-03-15T14:22:00+00:00")
    resolved = replace(ALERT, status=RESOLVED)
    receipts = store.receive_alerts([refired, resolved])
    assert [r.duplicate for r in receipts] == [False, False]
    assert len(store.inbox()) == 3


def test_an_alert_without_an_occurrence_is_never_a_duplicate(store: Store) -> None:
    once = replace(ALERT, occurrence=None)
    store.receive_alerts([once, once])
    assert len(store.inbox()) == 2


def test_the_same_alert_sent_at_once_by_many_is_stored_once(store: Store) -> None:
    incident = _declare(store)
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def deliver() -> None:
        barrier.wait()
        try:
            store.receive_alerts([ALERT], incident_id=incident)
        except BaseException as error:  # reported below, on the test's thread
            failures.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    alerts = [e for e in store.iter_events(incident) if e.kind is EventKind.ALERT]
    assert len(alerts) == 1


def test_routing_order(store: Store) -> None:
    checkout = _declare(store)
    other = _declare(store, "Search slow")
    (requested,) = store.receive_alerts([ALERT], incident_id=other)
    assert (requested.route, requested.alert.incident_id) == (Route.REQUESTED, other)
    # Its resolution follows it there, even with a service that names another incident.
    (follows,) = store.receive_alerts(
        [replace(ALERT, status=RESOLVED)], service_incidents={"checkout": [checkout]}
    )
    assert (follows.route, follows.alert.incident_id) == (Route.FOLLOWS, other)
    (by_service,) = store.receive_alerts(
        [replace(ALERT, fingerprint="aa01")], service_incidents={"checkout": [checkout]}
    )
    assert (by_service.route, by_service.alert.incident_id) == (Route.SERVICE, checkout)
    (ambiguous,) = store.receive_alerts(
        [replace(ALERT, fingerprint="aa02")], service_incidents={"checkout": [checkout, other]}
    )
    assert ambiguous.route is Route.INBOX
    assert ambiguous.note == "service 'checkout' matches INC-1, INC-2: which one?"


def test_an_alert_does_not_follow_into_a_resolved_incident(store: Store) -> None:
    incident = _declare(store)
    store.receive_alerts([ALERT], incident_id=incident)
    store.resolve(incident, actor="bob")
    (later,) = store.receive_alerts([replace(ALERT, occurrence="another firing")])
    assert later.route is Route.INBOX


def test_acknowledging_moves_detection_to_triage_once(store: Store) -> None:
    incident = _declare(store)
    ack = replace(ALERT, status="acknowledged", acknowledges=True)
    (receipt,) = store.receive_alerts([ack], incident_id=incident)
    assert receipt.acknowledged
    assert store.get_incident(incident).phase is Phase.TRIAGE
    (again,) = store.receive_alerts([replace(ack, occurrence="a second ack")], incident_id=incident)
    assert not again.acknowledged
    assert store.get_incident(incident).phase is Phase.TRIAGE


def test_a_request_with_one_bad_alert_stores_none(store: Store) -> None:
    seq = store.last_change()
    with pytest.raises(BadInput, match="NUL"):
        store.receive_alerts([ALERT, replace(ALERT, fingerprint="b", text="bad \x00 text")])
    assert store.last_change() == seq
    assert store.inbox() == []


def test_attaching_inbox_alerts(store: Store) -> None:
    incident = _declare(store)
    later = replace(ALERT, fingerprint="b2", occurred_at=T0 - timedelta(minutes=1), text="later")
    receipts = store.receive_alerts([later, ALERT])
    ids = [r.alert.id for r in receipts]
    attached = store.attach_alerts(incident, ids)
    assert [r.alert.text for r in attached] == [ALERT.text, "later"]  # in the order they happened
    assert store.inbox() == []
    events = [e for e in store.iter_events(incident) if e.kind is EventKind.ALERT]
    assert [(e.text, e.actor, e.occurred_at) for e in events] == [
        (ALERT.text, "Alertmanager", ALERT.occurred_at),
        ("later", "Alertmanager", later.occurred_at),
    ]
    # Again: nothing twice. Into another incident: refused whole.
    assert all(r.duplicate for r in store.attach_alerts(incident, ids))
    other = _declare(store, "Search slow")
    with pytest.raises(BadInput, match="AL-1 is in INC-1"):
        store.attach_alerts(other, ids)
    with pytest.raises(BadInput, match="no alert AL-9"):
        store.attach_alerts(incident, [9])


def test_declaring_an_incident_from_the_inbox(store: Store) -> None:
    later = replace(ALERT, fingerprint="b2", occurred_at=T0 - timedelta(minutes=1), text="later")
    ids = [r.alert.id for r in store.receive_alerts([later, ALERT])]
    incident, receipts = declare_from_alerts(
        store, ids, title=None, severity=2, commander="Alice", actor="alice"
    )
    assert incident.title == ALERT.text
    assert incident.detected_at == ALERT.occurred_at  # when the first alert fired
    assert incident.commander == "Alice"
    assert [r.alert.incident_id for r in receipts] == [incident.id, incident.id]
    with pytest.raises(BadInput, match="already in an incident"):
        declare_from_alerts(store, ids, title="x", severity=2, commander="A", actor="a")
