"""`warroom search` through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import Run
from tests.conftest import Database
from warroom.domain.clock import FrozenClock

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def run(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(database.location, clock, capsys)


def test_search_finds_an_old_incident_by_a_phrase_from_its_timeline(run: Run) -> None:
    assert run("import", str(DATA / "checkout-outage.json"))[0] == 0
    run("new", "Payments queue backed up", "--detach")
    run("log", "INC-2", "consumer lag on the ledger")
    code, out, err = run("search", "missing index on orders")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("INC-1   EV-6    timeline · note      2024-03-15 14:35 UTC  ")
    assert "Found missing index on orders.user_id after migration" in lines[0]
    assert lines[0].endswith("— Checkout Service Outage - March 15, 2024")
    assert all(line.startswith("INC-1 ") for line in lines)
    assert run("search", "ledger")[1].startswith("INC-2   EV-")


def test_search_json_kind_and_limit(run: Run) -> None:
    run("import", str(DATA / "checkout-outage.json"))
    code, out, _ = run("search", "index", "--json", "--kind", "action")
    assert code == 0
    (hit,) = json.loads(out)
    assert hit == {
        "incident": "INC-1",
        "incidentTitle": "Checkout Service Outage - March 15, 2024",
        "severity": "SEV-1",
        "withdrawn": False,
        "kind": "action",
        "field": "actionItems",
        "id": "AI-1",
        "eventKind": None,
        "time": None,
        "text": "Add index verification to migration CI checks",
        "snippet": "Add index verification to migration CI checks",
    }
    limited = json.loads(run("search", "index", "--json", "--limit", "3")[1])
    assert len(limited) == 3
    kinds = {
        hit["kind"]
        for hit in json.loads(
            run(
                "search",
                "index",
                "--json",
                "--kind",
                "postmortem",
                "--kind",
                "event",
                "--limit",
                "100",
            )[1]
        )
    }
    assert kinds == {"postmortem", "event"}


def test_withdrawn_incidents_are_found_and_marked(run: Run) -> None:
    run("new", "Test page", "--detach")
    run("withdraw", "INC-1", "declared by mistake")
    code, out, _ = run("search", "test page")
    assert code == 0
    assert out.splitlines()[0].endswith("— Test page (withdrawn)")
    assert json.loads(run("search", "test", "--json")[1])[0]["withdrawn"] is True


def test_query_syntax_and_hostile_text_are_data(run: Run) -> None:
    run("new", "Checkout down", "--detach")
    run("log", "INC-1", 'say "NEAR(x)" \x1b[2J [red]boom[/red]')
    code, out, err = run("search", 'NEAR( "x')
    assert (code, err) == (0, "")
    assert "\x1b" not in out
    assert "\\x1b[2J [red]boom[/red]" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("x", "--kind", "alerts"),
            "error: bad kind 'alerts': use one of incident, event, postmortem, action\n",
        ),
        (("x", "--limit", "0"), "error: bad limit 0: give 1 to 1000\n"),
        (("x" * 501,), "error: the query is too long: at most 500 characters\n"),
    ],
)
def test_bad_search_input_is_one_error_line(
    run: Run, database: Database, args: tuple[str, ...], message: str
) -> None:
    run("new", "Checkout down", "--detach")
    before = database.fingerprint()
    assert run("search", *args) == (2, "", message)
    assert database.fingerprint() == before


def test_search_on_a_named_database_that_is_not_there_creates_nothing(
    run: Run, database: Database
) -> None:
    code, out, err = run("search", "x")
    assert (code, out) == (2, "")
    assert "no warroom database" in err
    assert not database.exists()


def test_labels_shows_and_sets_services_and_tags(run: Run) -> None:
    run("new", "Payments down", "--service", "payments", "--detach")
    assert run("labels", "INC-1") == (0, "INC-1: services payments · tags —\n", "")
    code, out, _ = run("labels", "INC-1", "--tags", "kafka, lag", "--json")
    assert (code, json.loads(out)) == (
        0,
        {"id": "INC-1", "services": ["payments"], "tags": ["kafka", "lag"]},
    )
    assert run("labels", "INC-1", "--services", "")[1] == "INC-1: services — · tags kafka, lag\n"


def test_labels_with_a_bad_name_writes_nothing(run: Run, database: Database) -> None:
    run("new", "Payments down", "--detach")
    before = database.fingerprint()
    assert run("labels", "INC-1", "--tags", "ok, bad\x1b[2J") == (
        2,
        "",
        "error: bad tag 'bad\\x1b[2J': it contains a control character\n",
    )
    assert run("labels", "INC-9", "--tags", "x")[0] == 2
    assert database.fingerprint() == before
