"""Reading the hooks' payloads: the vendors' documented shapes, and what is refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import T0
from warroom.domain.alert_payloads import (
    BadPayload,
    parse_alertmanager,
    parse_generic,
    parse_pagerduty,
)
from warroom.domain.alerts import ACKNOWLEDGED, FIRING, RESOLVED, AlertSource
from warroom.domain.model import EventKind

HOOKS = Path(__file__).parent.parent / "data" / "hooks"


def _golden(name: str) -> dict:
    return json.loads((HOOKS / name).read_text())


def test_alertmanager_alerts() -> None:
    firing = parse_alertmanager(_golden("alertmanager-firing.json"), T0)
    assert [(a.fingerprint, a.status, a.service) for a in firing] == [
        ("4f7c1a9e2b3d5c60", FIRING, "checkout"),
        ("9a0d6e11c4b27f38", FIRING, "checkout"),
    ]
    (resolved,) = parse_alertmanager(_golden("alertmanager-resolved.json"), T0)
    assert resolved.status == RESOLVED
    assert resolved.occurred_at == datetime(2024, 3, 15, 14, 19, 56, 100000, tzinfo=UTC)
    # The same alert's firing and resolution: one identity, two states.
    assert resolved.fingerprint == firing[0].fingerprint
    assert resolved.occurrence == firing[0].occurrence
    assert resolved.dedupe_key != firing[0].dedupe_key


def test_alertmanager_without_fingerprint_or_end() -> None:
    payload = _golden("alertmanager-resolved.json")
    alert = payload["alerts"][0]
    del alert["fingerprint"], alert["endsAt"]
    (first,) = parse_alertmanager(payload, T0)
    alert["labels"] = dict(reversed(list(alert["labels"].items())))
    (second,) = parse_alertmanager(payload, T0)
    assert first.fingerprint == second.fingerprint  # the label set, in any order
    assert first.occurred_at == T0  # resolved, no end given: now


def test_a_time_ahead_of_ours_is_taken_as_now() -> None:
    payload = _golden("alertmanager-firing.json")
    payload["alerts"][0]["startsAt"] = (T0 + timedelta(hours=2)).isoformat()
    assert parse_alertmanager(payload, T0)[0].occurred_at == T0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"status": "pending"}, "alerts[0].status: must be firing or resolved (not 'pending')"),
        ({"startsAt": "2024-03-15 14:00"}, "alerts[0].startsAt: must have a timezone offset"),
        ({"annotations": ["x"]}, "alerts[0].annotations: must be a JSON object"),
        ({"fingerprint": 12}, "alerts[0].fingerprint: must be a string"),
    ],
)
def test_alertmanager_refusals(change: dict, expected: str) -> None:
    payload = _golden("alertmanager-firing.json")
    payload["alerts"][0].update(change)
    with pytest.raises(BadPayload, match=re.escape(expected)):
        parse_alertmanager(payload, T0)


def test_grafana_is_its_own_source() -> None:
    (alert,) = parse_alertmanager(_golden("grafana-firing.json"), T0, AlertSource.GRAFANA)
    assert (alert.source, alert.actor) == (AlertSource.GRAFANA, "Grafana")


def test_pagerduty_events() -> None:
    (triggered,) = parse_pagerduty(_golden("pagerduty-triggered.json"), T0)
    (acknowledged,) = parse_pagerduty(_golden("pagerduty-acknowledged.json"), T0)
    (note,) = parse_pagerduty(_golden("pagerduty-annotated.json"), T0)
    assert [a.status for a in (triggered, acknowledged, note)] == [
        FIRING,
        ACKNOWLEDGED,
        "annotated",
    ]
    assert {a.fingerprint for a in (triggered, acknowledged, note)} == {"Q2J9ABCD1E2F3G"}
    assert [a.acknowledges for a in (triggered, acknowledged, note)] == [False, True, False]
    assert triggered.service == "checkout"
    assert parse_pagerduty(_golden("pagerduty-ping.json"), T0) == []
    reopened = _golden("pagerduty-triggered.json")
    reopened["event"]["event_type"] = "incident.reopened"
    assert parse_pagerduty(reopened, T0)[0].status == FIRING


def test_generic_payloads() -> None:
    tz = UTC
    (alert,) = parse_generic({"text": "db cpu 95%"}, T0, tz)
    assert (alert.kind, alert.actor, alert.occurred_at, alert.dedupe_key) == (
        EventKind.ALERT,
        "webhook",
        T0,
        None,
    )
    (timed,) = parse_generic({"text": "db cpu 95%", "at": "-5m", "kind": "Note"}, T0, tz)
    assert (timed.kind, timed.occurred_at) == (EventKind.NOTE, T0 - timedelta(minutes=5))
    assert timed.dedupe_key is not None
    (fingerprinted,) = parse_generic({"text": "a", "fingerprint": "disk-db2"}, T0, tz)
    (same,) = parse_generic({"text": "b", "fingerprint": "disk-db2"}, T0 + timedelta(hours=1), tz)
    assert fingerprinted.dedupe_key == same.dedupe_key  # by fingerprint and status
    with pytest.raises(BadPayload, match="incident: must be an incident id"):
        parse_generic({"text": "a", "incident": True}, T0, tz)
