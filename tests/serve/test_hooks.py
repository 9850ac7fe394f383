"""Alert intake over a real socket: each vendor's payload (written from its documented shape),
deduplication, routing, the inbox, authentication and bad input. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime

import pytest

from tests.serve.harness import HOOK_TOKEN, RunningServer, golden, pagerduty_signature
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import EventKind
from warroom.serve.context import BODY_SECONDS
from warroom.store import Store


def _declare(store: Store, title: str = "Checkout down", severity: int = 1) -> int:
    return store.create_incident(title, severity, commander="Bob Chen", actor="bob").id


def _alert_events(store: Store, incident_id: int) -> list[tuple[str, str, datetime]]:
    return [
        (event.actor, event.text, event.occurred_at)
        for event in store.iter_events(incident_id)
        if event.kind is EventKind.ALERT
    ]


def _stored(store: Store) -> int:
    """Every alert row and event row, counted: what a refused request must leave as it was."""
    return store.last_change()


def test_alertmanager_payload_becomes_one_event_per_alert(
    server: RunningServer, store: Store
) -> None:
    incident = _declare(store)
    answer = server.hook(
        f"/hooks/alertmanager?incident=INC-{incident}", golden("alertmanager-firing.json")
    )
    assert answer.status == 200, answer.text
    body = answer.json()
    assert (body["stored"], body["duplicates"]) == (2, 0)
    assert [alert["incident"] for alert in body["alerts"]] == [f"INC-{incident}"] * 2
    assert _alert_events(store, incident) == [
        (
            "Alertmanager",
            "FIRING: CheckoutLatencyHigh — p99 latency above 10s on checkout-1",
            datetime(2024, 3, 15, 14, 2, 11, 482910, tzinfo=UTC),
        ),
        (
            "Alertmanager",
            "FIRING: CheckoutLatencyHigh — p99 latency above 10s on checkout-2",
            datetime(2024, 3, 15, 14, 3, 41, 9000, tzinfo=UTC),
        ),
    ]


def test_the_same_payload_twice_is_stored_once(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    path = f"/hooks/alertmanager?incident=INC-{incident}"
    first = server.hook(path, golden("alertmanager-firing.json")).json()
    before = _stored(store)
    again = server.hook(path, golden("alertmanager-firing.json"))
    assert again.status == 200
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, 2)
    assert [a["id"] for a in again.json()["alerts"]] == [a["id"] for a in first["alerts"]]
    assert _stored(store) == before
    assert len(_alert_events(store, incident)) == 2


def test_a_resolved_alert_is_recorded_as_resolved_in_the_incident_it_fired_in(
    server: RunningServer, store: Store
) -> None:
    incident = _declare(store)
    server.hook(f"/hooks/alertmanager?incident=INC-{incident}", golden("alertmanager-firing.json"))
    # No ?incident= this time: the resolution follows its firing.
    answer = server.hook("/hooks/alertmanager", golden("alertmanager-resolved.json")).json()
    assert answer["alerts"][0] | {"id": None, "event": None} == {
        "id": None,
        "status": "resolved",
        "duplicate": False,
        "incident": f"INC-{incident}",
        "event": None,
        "route": "follows",
        "acknowledged": False,
    }
    assert _alert_events(store, incident)[-1] == (
        "Alertmanager",
        "RESOLVED: CheckoutLatencyHigh — p99 latency above 10s on checkout-1",
        datetime(2024, 3, 15, 14, 19, 56, 100000, tzinfo=UTC),
    )


def test_grafana_sends_alertmanagers_format(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    answer = server.hook(f"/hooks/grafana?incident=INC-{incident}", golden("grafana-firing.json"))
    assert answer.status == 200, answer.text
    assert _alert_events(store, incident) == [
        (
            "Grafana",
            "FIRING: Checkout error rate — 5xx rate above 2% for checkout",
            datetime(2024, 3, 15, 14, 1, 30, tzinfo=UTC),
        )
    ]


def test_pagerduty_events_and_acknowledgement(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    path = f"/hooks/pagerduty?incident=INC-{incident}"
    assert server.hook(path, golden("pagerduty-triggered.json")).status == 200
    assert store.get_incident(incident).phase is Phase.DETECTION
    ack = server.hook(path, golden("pagerduty-acknowledged.json"))
    assert ack.status == 200
    assert ack.json()["alerts"][0]["acknowledged"] is True
    acknowledged = store.get_incident(incident)
    assert acknowledged.phase is Phase.TRIAGE
    assert acknowledged.milestones[Milestone.ACKNOWLEDGED] == store.clock.now()
    # Delivered again (PagerDuty delivers at least once): nothing twice, no second step.
    assert server.hook(path, golden("pagerduty-acknowledged.json")).json()["duplicates"] == 1
    assert store.get_incident(incident).phase is Phase.TRIAGE
    server.hook(path, golden("pagerduty-annotated.json"))
    server.hook(path, golden("pagerduty-resolved.json"))
    assert [text for _actor, text, _at in _alert_events(store, incident)] == [
        "PagerDuty #1204 triggered by Checkout API: Checkout API p99 latency above 10s",
        "PagerDuty #1204 acknowledged by Bob Chen: Checkout API p99 latency above 10s",
        "PagerDuty Q2J9ABCD1E2F3G annotated by Bob Chen: Rolling back the 14:00 deploy",
        "PagerDuty #1204 resolved by Bob Chen: Checkout API p99 latency above 10s",
    ]
    assert store.get_incident(incident).is_active  # PagerDuty's resolution is its own


def test_pagerduty_acknowledgement_leaves_a_later_step_alone(
    server: RunningServer, store: Store
) -> None:
    incident = _declare(store)
    for _ in range(3):
        store.advance_phase(incident, actor="bob")
    path = f"/hooks/pagerduty?incident=INC-{incident}"
    assert (
        server.hook(path, golden("pagerduty-acknowledged.json")).json()["alerts"][0]["acknowledged"]
        is False
    )
    assert store.get_incident(incident).phase is Phase.INVESTIGATION


def test_pagerduty_ping_is_answered_and_stores_nothing(server: RunningServer, store: Store) -> None:
    before = _stored(store)
    answer = server.hook("/hooks/pagerduty", golden("pagerduty-ping.json"))
    assert (answer.status, answer.json()["stored"]) == (200, 0)
    assert _stored(store) == before


@pytest.mark.parametrize(
    "signature",
    [None, "", "v1=" + "0" * 64, pagerduty_signature(b"another body")],
    ids=["missing", "empty", "wrong", "another-body"],
)
def test_pagerduty_needs_its_signature(
    server: RunningServer, store: Store, signature: str | None
) -> None:
    incident = _declare(store)
    before = _stored(store)
    headers = {} if signature is None else {"X-PagerDuty-Signature": signature}
    if signature is None:
        headers["X-PagerDuty-Signature"] = ""
    answer = server.hook(
        f"/hooks/pagerduty?incident=INC-{incident}",
        golden("pagerduty-triggered.json"),
        headers=headers,
    )
    assert answer.status == 401
    assert "X-PagerDuty-Signature" in answer.json()["error"]
    assert _stored(store) == before


def test_pagerduty_takes_any_of_several_signatures(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    body = golden("pagerduty-triggered.json")
    rotating = f"{pagerduty_signature(body, 'the-old-secret')},{pagerduty_signature(body)}"
    answer = server.hook(
        f"/hooks/pagerduty?incident=INC-{incident}",
        body,
        headers={"X-PagerDuty-Signature": rotating},
    )
    assert answer.status == 200, answer.text


def test_generic_payload(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    assert incident == 1  # the golden payload names INC-1
    answer = server.hook("/hooks/generic", golden("generic.json"))
    assert answer.status == 200, answer.text
    events = [e for e in store.iter_events(incident) if e.kind is EventKind.ACTION]
    assert [(e.actor, e.text, e.occurred_at) for e in events] == [
        (
            "deploy-bot",
            "Deploy 2024.03.15-2 of checkout rolled back",
            datetime(2024, 3, 15, 14, 16, tzinfo=UTC),
        )
    ]
    assert server.hook("/hooks/generic", golden("generic.json")).json()["duplicates"] == 1


def test_generic_payload_without_a_time_is_stored_each_time(
    server: RunningServer, store: Store
) -> None:
    incident = _declare(store)
    body = json.dumps({"incident": f"INC-{incident}", "text": "disk 91% on db-2"}).encode()
    for _ in range(2):
        assert server.hook("/hooks/generic", body).json()["stored"] == 1
    assert len(_alert_events(store, incident)) == 2


def test_alerts_for_no_incident_go_to_the_inbox(server: RunningServer, store: Store) -> None:
    answer = server.hook("/hooks/alertmanager", golden("alertmanager-firing.json")).json()
    assert [alert["route"] for alert in answer["alerts"]] == ["inbox", "inbox"]
    assert [alert.text for alert in store.inbox()] == [
        "FIRING: CheckoutLatencyHigh — p99 latency above 10s on checkout-1",
        "FIRING: CheckoutLatencyHigh — p99 latency above 10s on checkout-2",
    ]
    # An unknown incident is a misrouted alert, kept rather than dropped.
    unknown = server.hook("/hooks/grafana?incident=INC-99", golden("grafana-firing.json")).json()
    assert unknown["alerts"][0]["route"] == "inbox"
    assert unknown["alerts"][0]["note"] == "no incident INC-99: kept in the inbox"
    assert len(store.inbox()) == 3


def test_routing_by_service_label(start_server, store: Store) -> None:
    checkout = _declare(store, "Checkout down")
    _declare(store, "Search slow", 3)

    def route(_store: Store, services: frozenset[str]) -> dict[str, list[int]]:
        # What the incidents' own services will answer: here, a fixed map.
        return {service: [checkout] for service in services if service == "checkout"}

    server = start_server(service_router=route)
    answer = server.hook("/hooks/grafana", golden("grafana-firing.json")).json()
    assert answer["alerts"][0]["route"] == "service"
    assert answer["alerts"][0]["incident"] == f"INC-{checkout}"
    store.resolve(checkout, actor="bob")
    later = json.loads(golden("grafana-firing.json"))
    later["alerts"][0]["fingerprint"] = "0000111122223333"
    again = server.hook("/hooks/grafana", json.dumps(later).encode()).json()
    assert again["alerts"][0]["route"] == "inbox"  # a resolved incident takes no new alerts


def test_an_alert_goes_to_the_active_incident_listing_its_service(
    server: RunningServer, store: Store
) -> None:
    """No router given: the incidents' own services route (Grafana's payload has
    service=checkout)."""
    store.create_incident("Search slow", 3, commander="Bob Chen", actor="bob", services=["search"])
    checkout = store.create_incident(
        "Checkout errors", 2, commander="Bob Chen", actor="bob", services=["payments", "Checkout"]
    ).id
    answer = server.hook("/hooks/grafana", golden("grafana-firing.json")).json()
    assert answer["alerts"][0]["route"] == "service"
    assert answer["alerts"][0]["incident"] == f"INC-{checkout}"
    assert len(_alert_events(store, checkout)) == 1
    # Two active incidents of the service: which one is a person's call, from the inbox.
    store.create_incident(
        "Checkout slow", 3, commander="Bob Chen", actor="bob", services=["checkout"]
    )
    later = json.loads(golden("grafana-firing.json"))
    later["alerts"][0]["fingerprint"] = "0000111122223333"
    again = server.hook("/hooks/grafana", json.dumps(later).encode()).json()
    assert again["alerts"][0]["route"] == "inbox"
    assert "matches INC-2, INC-3" in again["alerts"][0]["note"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token-0000000000", f"Basic {HOOK_TOKEN}", HOOK_TOKEN],
)
@pytest.mark.parametrize("hook", ["alertmanager", "grafana", "pagerduty", "generic"])
def test_hooks_need_the_bearer_token(
    server: RunningServer, store: Store, hook: str, authorization: str | None
) -> None:
    before = _stored(store)
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = server.request("POST", f"/hooks/{hook}", golden("generic.json"), headers)
    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert HOOK_TOKEN not in answer.text
    assert _stored(store) == before


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "bad JSON: Expecting value: line 1 column 1 (char 0)"),
        (b'{"alerts": [', "bad JSON: Expecting value: line 1 column 13 (char 12)"),
        (b"\xff\xfe\x00", "bad JSON: the body is not UTF-8"),
        (b"[]", "bad payload: payload: must be a JSON object"),
        (b'{"alerts": {}}', "bad payload: alerts: must be a JSON array"),
        (
            b'{"alerts": [{"status": "firing", "labels": {"a": 1}, '
            b'"startsAt": "2024-03-15T14:00:00Z"}]}',
            "bad payload: alerts[1].labels.a: must be a string",
        ),
        (
            b'{"alerts": [{"status": "firing", "startsAt": "yesterday"}]}',
            "bad payload: alerts[1].startsAt: must be an RFC 3339 time (not 'yesterday')",
        ),
        (
            b'{"alerts": [{"status": "firing", "startsAt": "2024-03-15T14:00:00Z", '
            b'"labels": {"alertname": "A\\u0000B"}}]}',
            "bad payload: the alert's text contains a NUL character (\\x00), "
            "which cannot be stored",
        ),
    ],
    ids=["empty", "cut", "not-utf8", "array", "alerts-object", "label", "time", "nul"],
)
def test_bad_input_is_400_with_the_reason_and_stores_nothing(
    server: RunningServer, store: Store, body: bytes, reason: str
) -> None:
    _declare(store)
    valid_first = json.loads(golden("alertmanager-firing.json"))["alerts"][0]
    if body.startswith(b'{"alerts": [{'):  # one good alert first: the request is taken whole
        body = body.replace(
            b'{"alerts": [', b'{"alerts": [' + json.dumps(valid_first).encode() + b", "
        )
    before = _stored(store)
    answer = server.hook("/hooks/alertmanager?incident=INC-1", body)
    assert (answer.status, answer.json()) == (400, {"error": reason})
    assert _stored(store) == before


def test_generic_payload_errors_name_the_key(server: RunningServer, store: Store) -> None:
    cases = {
        b'{"txt": "typo"}': "bad payload: txt: unknown key (the generic hook takes incident, "
        "text, kind, actor, at, fingerprint, status, service)",
        b'{"text": "x", "kind": "severity"}': "bad payload: kind: must be one of alert, note, "
        "action, decision, update (not 'severity')",
        b'{"text": "x", "at": "25:00"}': "bad payload: at: bad time '25:00': no such time of day",
        b'{"text": "  "}': "bad payload: text: must be a non-empty string",
        b'{"text": "x", "incident": "checkout"}': "bad payload: incident: bad incident id "
        "'checkout': use e.g. INC-1",
    }
    before = _stored(store)
    for body, reason in cases.items():
        answer = server.hook("/hooks/generic", body)
        assert (answer.status, answer.json()) == (400, {"error": reason}), body
    assert _stored(store) == before


def test_a_bad_incident_in_the_query_is_400(server: RunningServer, store: Store) -> None:
    answer = server.hook(
        "/hooks/alertmanager?incident=checkout", golden("alertmanager-firing.json")
    )
    assert (answer.status, answer.json()["error"]) == (
        400,
        "bad incident id 'checkout': use e.g. INC-1",
    )
    assert store.inbox() == []


def test_a_body_over_one_mebibyte_is_413(server: RunningServer, store: Store) -> None:
    payload = json.loads(golden("alertmanager-firing.json"))
    payload["padding"] = "x" * (1024 * 1024)
    answer = server.hook("/hooks/alertmanager", json.dumps(payload).encode())
    assert answer.status == 413
    assert store.inbox() == []


def test_a_chunked_body_over_one_mebibyte_is_413(server: RunningServer, store: Store) -> None:
    # No Content-Length: the limit holds as the body arrives.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /hooks/alertmanager HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + f"Authorization: Bearer {HOOK_TOKEN}\r\n\r\n".encode()
        )
        chunk = b"x" * 65536
        try:
            for _ in range(20):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server said 413 and closed: the rest was never wanted
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
    assert store.inbox() == []


def test_a_slow_sender_does_not_hold_up_the_others(server: RunningServer, store: Store) -> None:
    incident = _declare(store)
    body = golden("alertmanager-firing.json")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        # Headers, then half the body, then silence.
        slow.sendall(
            b"POST /hooks/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {HOOK_TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as idle:
            idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no end of headers, ever
            started = time.monotonic()
            answer = server.hook(f"/hooks/alertmanager?incident=INC-{incident}", body)
            assert time.monotonic() - started < BODY_SECONDS / 2  # not held up by the slow one
            assert answer.status == 200
            assert server.get("/healthz").status == 200
    assert len(_alert_events(store, incident)) == 2


def test_a_body_that_never_arrives_is_408(start_server, store: Store) -> None:
    from warroom.serve.context import SERVED

    server = start_server()
    server.server._runner.app[SERVED].body_seconds = 0.3  # type: ignore[union-attr]
    body = golden("alertmanager-firing.json")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        slow.sendall(
            b"POST /hooks/alertmanager HTTP/1.1\r\nHost: x\r\n"
            + f"Authorization: Bearer {HOOK_TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body[:100]
        )
        answer = slow.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408")
    assert store.inbox() == []
