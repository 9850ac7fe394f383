"""`warroom inbox`: the alerts no incident took, and declaring or attaching from there. On
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.cli.test_cli import Run
from tests.conftest import T0, Database
from warroom.domain.alerts import FIRING, AlertSource, IncomingAlert
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind
from warroom.store import Store

ALERT = IncomingAlert(
    AlertSource.ALERTMANAGER,
    "4f7c1a9e2b3d5c60",
    FIRING,
    "2024-03-15T14:02:11+00:00",
    T0 - timedelta(minutes=21),
    "FIRING: CheckoutLatencyHigh — p99 above 10s \x1b[31m",
    "Alertmanager",
    service="checkout",
)


@pytest.fixture
def run(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(database.location, clock, capsys)


@pytest.fixture
def inboxed(database: Database, clock: FrozenClock) -> Store:
    with Store.open(database.location, clock) as store:
        later = replace(ALERT, fingerprint="b2", occurred_at=T0 - timedelta(minutes=2))
        store.receive_alerts([ALERT, replace(later, text="FIRING: CheckoutErrors — 5xx 7%")])
    return store


def test_the_inbox_lists_alerts(run: Run, inboxed: Store) -> None:
    code, out, err = run("inbox")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "AL-1    2024-03-15 14:02 UTC  firing       alertmanager  [checkout]  "
        "FIRING: CheckoutLatencyHigh — p99 above 10s \\x1b[31m",
        "AL-2    2024-03-15 14:21 UTC  firing       alertmanager  [checkout]  "
        "FIRING: CheckoutErrors — 5xx 7%",
    ]
    code, out, _ = run("inbox", "--json")
    records = json.loads(out)
    assert records[0] == {
        "id": "AL-1",
        "source": "alertmanager",
        "status": "firing",
        "fingerprint": "4f7c1a9e2b3d5c60",
        "service": "checkout",
        "time": "2024-03-15T14:02:00Z",
        "event": ALERT.text,
        "actor": "Alertmanager",
        "kind": "alert",
        "receivedAt": "2024-03-15T14:23:00Z",
        "incident": None,
        "eventId": None,
    }


def test_an_empty_inbox_and_no_database(run: Run, database: Database) -> None:
    code, _out, err = run("inbox")
    assert code == 2  # a database named but missing is said
    assert err.startswith("error: no warroom database")
    assert not database.exists()


def test_declaring_an_incident_from_the_inbox(run: Run, inboxed: Store, database: Database) -> None:
    code, out, err = run("inbox", "declare", "AL-1", "AL-2", "--severity", "1")
    assert (code, out, err) == (0, "INC-1\n", "")
    with Store.open(database.location, inboxed.clock) as store:
        incident = store.get_incident(1)
        assert incident.title == ALERT.text
        assert incident.severity == 1
        assert incident.detected_at == ALERT.occurred_at
        alerts = [e.text for e in store.iter_events(1) if e.kind is EventKind.ALERT]
        assert alerts == [ALERT.text, "FIRING: CheckoutErrors — 5xx 7%"]
        assert store.inbox() == []


def test_attaching_inbox_alerts_to_an_incident(run: Run, inboxed: Store) -> None:
    assert run("new", "Checkout down", "--detach")[1] == "INC-1\n"
    code, out, err = run("inbox", "attach", "INC-1", "--all")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["AL-1 EV-2", "AL-2 EV-3"]
    assert run("inbox", "attach", "INC-1", "AL-1")[1] == "AL-1 EV-2 (already there)\n"
    assert run("inbox")[1] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("inbox", "attach", "INC-1"), "error: which alerts? give their ids (AL-3 AL-4) or --all"),
        (("inbox", "attach", "INC-1", "AL-1", "--all"), "error: --all takes every alert"),
        (("inbox", "attach", "INC-1", "AL-9"), "error: no alert AL-9 (warroom inbox lists them)"),
        (("inbox", "attach", "INC-1", "alert"), "error: bad alert id 'alert': use e.g. AL-1"),
        (("inbox", "attach", "INC-7", "AL-1"), "error: no incident INC-7"),
        (("inbox", "declare", "AL-1", "--severity", "9"), "error: bad severity '9'"),
    ],
)
def test_bad_input_changes_nothing(
    run: Run, inboxed: Store, database: Database, args: tuple[str, ...], message: str
) -> None:
    run("new", "Checkout down", "--detach")
    before = database.fingerprint()
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err
    assert database.fingerprint() == before
