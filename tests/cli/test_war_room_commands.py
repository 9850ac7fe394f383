"""The war room without the TUI (issue 18): every action a key does, as a command that records
the same timeline events; retries that record nothing; bad input refused whole. Each test runs
on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from tests.conftest import T0, Database
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import ActionStatus, EventKind, Role
from warroom.store import Store


class Run:
    def __init__(self, db: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]):
        self.db, self.clock, self.capsys = db, clock, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", self.db, *args], clock=self.clock)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, err
        return out


@pytest.fixture
def run(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    run = Run(database.location, clock, capsys)
    assert run.ok("new", "Checkout down", "--severity", "1", "--commander", "Bob", "--detach")
    return run


def events(database: Database, clock: FrozenClock) -> list[tuple[EventKind, str]]:
    with Store.open(database.location, clock) as store:
        return [(event.kind, event.text) for event in store.iter_events(1)]


def incident(database: Database, clock: FrozenClock):  # type: ignore[no-untyped-def]
    with Store.open(database.location, clock) as store:
        return store.get_incident(1)


# ---- ack and step ----------------------------------------------------------------------------


def test_ack_acknowledges_once_and_a_retry_records_nothing(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    clock.advance(timedelta(minutes=4))
    assert run.ok("ack", "INC-1") == (
        "INC-1 acknowledged after 4m: response target (SEV-1, 15m) met\n"
    )
    assert incident(database, clock).milestones[Milestone.ACKNOWLEDGED] == T0 + timedelta(minutes=4)
    before = events(database, clock)
    assert before[-1] == (EventKind.PHASE, "Moved to Triage (acknowledged)")
    clock.advance(timedelta(minutes=1))
    assert run("ack", "INC-1") == (
        0,
        "INC-1 is already acknowledged (Triage): nothing changed\n",
        "",
    )
    assert events(database, clock) == before


def test_step_moves_on_jumps_ahead_without_back_filling_and_steps_back(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    assert run.ok("step", "INC-1") == "INC-1: Triage\n"
    clock.advance(timedelta(minutes=10))
    assert run.ok("step", "INC-1", "resolution") == "INC-1: Resolution\n"
    assert run.ok("step", "INC-1", "investigation") == "INC-1: Investigation\n"
    assert run("step", "INC-1", "investigation")[1] == (
        "INC-1 is already at Investigation: nothing changed\n"
    )
    assert run.ok("step", "INC-1", "post-mortem") == "INC-1: Post-Mortem\n"
    milestones = incident(database, clock).milestones
    assert milestones == {
        Milestone.DETECTED: T0,
        Milestone.ACKNOWLEDGED: T0,
        Milestone.MITIGATED: T0 + timedelta(minutes=10),
        Milestone.RESOLVED: T0 + timedelta(minutes=10),
    }
    assert [text for kind, text in events(database, clock) if kind is EventKind.PHASE][1:] == [
        "Moved to Triage (acknowledged)",
        "Moved to Resolution (mitigated)",
        "Moved back to Investigation",
        "Incident resolved",
    ]


def test_resolve_twice_and_severity_to_its_level_are_retries(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    assert run("severity", "INC-1", "SEV-1") == (0, "INC-1 is already SEV-1: nothing changed\n", "")
    run.ok("resolve", "INC-1")
    before = events(database, clock)
    assert run("resolve", "INC-1") == (0, "INC-1 is already resolved: nothing changed\n", "")
    assert events(database, clock) == before


def test_a_clock_behind_never_records_a_milestone_before_an_earlier_one(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    """The machine's clock 30 minutes behind the detection another machine recorded."""
    clock.set(T0 - timedelta(minutes=30))
    code, out, err = run("resolve", "INC-1")
    assert code == 0
    assert out.startswith("INC-1 resolved after 0s")
    assert err.startswith("warning: this machine's clock (2024-03-15 13:53 UTC) is behind")
    assert incident(database, clock).milestones[Milestone.RESOLVED] == T0
    exported = json.loads(run.ok("export", "INC-1", "--format", "json"))
    metrics = exported["warroom"]["metrics"]
    assert metrics["timeToResolveSeconds"] == 0  # not -1800


# ---- withdraw and reopen ------------------------------------------------------------------------


def test_withdraw_keeps_it_out_of_lists_and_reopen_brings_it_back(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    run.ok("new", "Real one", "--detach")
    assert run.ok("withdraw", "INC-1", "declared by mistake: a test page") == (
        "INC-1 withdrawn: kept, out of lists and reports (warroom list --all)\n"
    )
    assert [item["id"] for item in json.loads(run.ok("list", "--json"))] == ["INC-2"]
    every = json.loads(run.ok("list", "--json", "--all"))
    assert [(item["id"], item["status"]) for item in every] == [
        ("INC-2", "active"),
        ("INC-1", "withdrawn"),
    ]
    assert events(database, clock)[-1] == (
        EventKind.PHASE,
        "Withdrawn: declared by mistake: a test page",
    )
    code, _, err = run("log", "INC-1", "x")
    assert code == 0  # a note is harmless; changes are not
    code, _, err = run("severity", "INC-1", "2")
    assert (code, err) == (
        2,
        "error: INC-1 was withdrawn: reopen it first to change its severity (warroom reopen "
        "INC-1)\n",
    )
    assert run.ok("reopen", "INC-1") == "INC-1 reopened: Detection\n"
    assert run("reopen", "INC-1")[1] == "INC-1 is open: nothing changed\n"


def test_reopen_a_resolved_incident_keeps_its_milestones(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    run.ok("ack", "INC-1")
    clock.advance(timedelta(minutes=20))
    run.ok("resolve", "INC-1")
    assert run.ok("reopen", "INC-1") == "INC-1 reopened: Investigation\n"
    reopened = incident(database, clock)
    assert reopened.is_active
    assert reopened.phase is Phase.INVESTIGATION
    assert set(reopened.milestones) == {Milestone.DETECTED, Milestone.ACKNOWLEDGED}
    assert events(database, clock)[-1] == (
        EventKind.PHASE,
        "Reopened (was resolved): at Investigation",
    )


def test_new_detected_declares_late(run: Run, database: Database, clock: FrozenClock) -> None:
    run.ok("new", "Found late", "--detected", "-45m", "--detach")
    with Store.open(database.location, clock) as store:
        late = store.get_incident(2)
        assert late.detected_at == T0 - timedelta(minutes=45)
        assert store.events_after(2)[0].occurred_at == T0 - timedelta(minutes=45)


# ---- roles, updates ----------------------------------------------------------------------------


def test_role_assigns_hands_over_and_removes_with_retries_recording_nothing(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    assert run.ok("role", "INC-1", "scribe", "Alice") == "INC-1: Alice is Scribe\n"
    assert run.ok("role", "INC-1", "scribe", "Alice") == (
        "INC-1: Alice is already Scribe: nothing changed\n"
    )
    assert run.ok("role", "INC-1", "ic", "Carol") == "INC-1: Carol is Incident Commander\n"
    assert (
        run.ok("role", "INC-1", "scribe", "Alice", "--remove")
        == "INC-1: Alice is no longer Scribe\n"
    )
    assert run.ok("role", "INC-1", "scribe", "Alice", "--remove") == (
        "INC-1: Alice does not hold Scribe: nothing changed\n"
    )
    roles = [text for kind, text in events(database, clock) if kind is EventKind.ROLE]
    assert roles == [
        "Alice is Scribe",
        "Incident Commander handover: Bob → Carol",
        "Alice is no longer Scribe",
    ]
    with Store.open(database.location, clock) as store:
        assert {(r.role, r.person) for r in store.roles(1)} == {(Role.COMMANDER, "Carol")}


def test_update_posts_text_stdin_or_the_draft(
    run: Run, database: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.ok("log", "INC-1", "db cpu 95%")
    run.ok("log", "INC-1", "--kind", "action", "rolled back the migration")
    draft = run.ok("update", "INC-1", "--draft")
    assert draft.startswith("[SEV-1] INC-1 Checkout down\n")
    assert "rolled back the migration" in draft
    assert "1 note logged" in draft  # counted, not listed: the responders' own
    assert not any(kind is EventKind.UPDATE for kind, _ in events(database, clock))
    assert run.ok("update", "INC-1", "Rolled back; monitoring.") == "EV-4\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("Line one\nline two\n"))
    assert run.ok("update", "INC-1", "-") == "EV-5\n"
    assert run.ok("update", "INC-1") == "EV-6\n"  # the draft, as the composer has it
    updates = [text for kind, text in events(database, clock) if kind is EventKind.UPDATE]
    assert updates[:2] == ["Rolled back; monitoring.", "Line one\nline two"]
    assert updates[2].startswith("[SEV-1] INC-1 Checkout down\n")
    shown = json.loads(run.ok("show", "INC-1", "--json"))
    assert shown["lastUpdateAt"] == "2024-03-15T14:23:00Z"


# ---- action items ------------------------------------------------------------------------------


def test_action_items_added_listed_and_moved(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    assert (
        run.ok(
            "action",
            "add",
            "INC-1",
            "Add index verification",
            "--type",
            "prevent",
            "--owner",
            "Dave",
            "--priority",
            "p0",
            "--due",
            "2024-03-14",
            "--ticket",
            "OPS-9",
            "--follow-up",
        )
        == "AI-1\n"
    )
    assert run.ok("action", "add", "INC-1", "Write the runbook", "--due", "+3d") == "AI-2\n"
    listed = json.loads(run.ok("action", "list", "INC-1", "--json"))
    assert listed[0] == {
        "id": "AI-1",
        "incident": "INC-1",
        "description": "Add index verification",
        "type": "prevent",
        "owner": "Dave",
        "priority": "P0",
        "dueDate": "2024-03-14",
        "status": "open",
        "jiraTicket": "OPS-9",
        "kind": "follow-up",
        "overdue": True,
    }
    assert (listed[1]["dueDate"], listed[1]["kind"]) == ("2024-03-18", "task")
    code, out, _ = run("action", "list", "--overdue")
    assert code == 1  # for cron and CI
    assert out.startswith(
        "AI-1    INC-1    open        2024-03-14 OVERDUE 1d  Add index verification"
    )
    assert run.ok("action", "move", "INC-1", "AI-1", "done") == "AI-1: open → done\n"
    assert (
        run("action", "move", "INC-1", "ai-1", "done")[1]
        == "AI-1 is already done: nothing changed\n"
    )
    assert run("action", "list", "--overdue") == (0, "", "")
    shown = run.ok("show", "INC-1").splitlines()
    assert "  AI-1   done        Add index verification  (follow-up, P0, prevent, Dave, due " in (
        "\n".join(shown)
    )
    assert "  AI-2   open        Write the runbook  (task, due 2024-03-18)" in shown
    with Store.open(database.location, clock) as store:
        assert [item.status for item in store.action_items(1)] == [
            ActionStatus.DONE,
            ActionStatus.OPEN,
        ]
    assert [text for kind, text in events(database, clock) if kind is EventKind.ACTION] == [
        "Action item opened: Add index verification",
        "Action item opened: Write the runbook",
        "Action item done: Add index verification",
    ]


# ---- show, timeline ------------------------------------------------------------------------------


def test_show_as_text_and_json(run: Run, clock: FrozenClock) -> None:
    run.ok("role", "INC-1", "expert", "Dave")
    run.ok("log", "INC-1", "[red]db[/red] cpu 95%", "--kind", "alert")
    clock.advance(timedelta(minutes=35))
    text = run.ok("show", "INC-1", "--events", "2")
    assert text.splitlines()[:4] == [
        "SEV-1 CRITICAL  INC-1 Checkout down",
        "active · Detection · elapsed 35m · respond within 15m: MISSED",
        "IC Bob · scribe — · comms — · experts Dave",
        "UPDATE OVERDUE +05:00 (due 2024-03-15 14:53 UTC · every 30m · exec team)",
    ]
    assert "  03-15 14:23  alert     tester: [red]db[/red] cpu 95%" in text.splitlines()
    shown = json.loads(run.ok("show", "INC-1", "--json"))
    assert shown["id"] == "INC-1"
    assert shown["nextUpdate"] == {
        "due": "2024-03-15T14:53:00Z",
        "overdueSeconds": 300,
        "cadence": "every 30m",
        "audience": "exec team",
    }
    assert shown["response"] == {
        "severity": "SEV-1",
        "deadline": "2024-03-15T14:38:00Z",
        "met": None,
        "missed": True,
    }
    assert [role["person"] for role in shown["roles"]] == ["Bob", "Dave"]
    assert shown["events"][-1]["event"] == "[red]db[/red] cpu 95%"


def test_timeline_since_kind_and_json(run: Run, clock: FrozenClock) -> None:
    run.ok("log", "INC-1", "first alert", "--kind", "alert")
    clock.advance(timedelta(minutes=10))
    run.ok("log", "INC-1", "a note")
    run.ok("log", "INC-1", "second alert", "--kind", "alert")
    assert run.ok("timeline", "INC-1", "--kind", "alert").splitlines() == [
        "2024-03-15 14:23 UTC  EV-2     alert     tester: first alert",
        "2024-03-15 14:33 UTC  EV-4     alert     tester: second alert",
    ]
    since = run.ok("timeline", "INC-1", "--since", "-5m", "--json").splitlines()
    assert [json.loads(line)["event"] for line in since] == ["a note", "second alert"]
    assert run.ok("timeline", "INC-1", "--kind", "alert", "--kind", "note").count("\n") == 3


# ---- bad input ---------------------------------------------------------------------------------

BAD = [
    (("ack", "INC-9"), "error: no incident INC-9\n"),
    (
        ("step", "INC-1", "lunch"),
        "error: bad step 'lunch': use detection, triage, communication, investigation, "
        "mitigation, resolution, post-mortem\n",
    ),
    (("role", "INC-1", "boss", "Ann"), "error: bad role 'boss': use ic, scribe, comms or expert\n"),
    (
        ("role", "INC-1", "ic", "Bob", "--remove"),
        "error: an incident always has an IC: hand the role over instead\n",
    ),
    (("role", "INC-1", "scribe", "  "), "error: the name must not be empty\n"),
    (
        ("update", "INC-1", "  "),
        "error: the update is empty: give its text, or leave TEXT out to post the draft\n",
    ),
    (
        ("update", "INC-1", "x", "--draft"),
        "error: --draft prints the draft and posts nothing: leave out TEXT\n",
    ),
    (
        ("action", "add", "INC-1", "x", "--type", "fix"),
        "error: bad type 'fix': use prevent, detect, mitigate\n",
    ),
    (
        ("action", "add", "INC-1", "x", "--priority", "P5"),
        "error: bad priority 'P5': use P0, P1, P2\n",
    ),
    (
        ("action", "add", "INC-1", "x", "--due", "soon"),
        "error: bad date 'soon': use YYYY-MM-DD, MM-DD or +3d\n",
    ),
    (("action", "add", "INC-1", " "), "error: the description must not be empty\n"),
    (("action", "move", "INC-1", "AI-7", "done"), "error: INC-1 has no action item AI-7\n"),
    (
        ("action", "move", "INC-1", "seven", "done"),
        "error: bad action item id 'seven': use e.g. AI-1 (warroom action list)\n",
    ),
    (
        ("timeline", "INC-1", "--kind", "gossip"),
        "error: bad kind 'gossip': use one of note, alert, action, decision, update, severity, "
        "phase, role\n",
    ),
    (
        ("timeline", "INC-1", "--since", "yesterday"),
        "error: bad time 'yesterday': use HH:MM, -5m (that long ago) or an ISO 8601 date-time\n",
    ),
    (
        ("show", "INC-1", "--events", "-1"),
        "error: --events -1: give a number of events, 0 or more\n",
    ),
    (("withdraw", "INC-1", " "), "error: the reason must not be empty\n"),
    (
        ("log", "INC-1", "-", "--at", "-5m"),
        "error: --at with '-': each line read is logged at the moment it arrives\n",
    ),
    (
        ("log", "INC-1", "x", "--at", "2024-01-01T00:00Z"),
        "error: 2024-01-01 00:00 UTC is 74 days before INC-1 was detected (2024-03-15 14:23 "
        "UTC): give a time within 7 days of it\n",
    ),
    (
        ("new", "x", "--detected", "25:00", "--detach"),
        "error: bad time '25:00': no such time of day\n",
    ),
    (("completion", "tcsh"), None),
]


@pytest.mark.parametrize(
    ("args", "said"), BAD, ids=lambda value: " ".join(value) if isinstance(value, tuple) else ""
)
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(
    run: Run, database: Database, args: tuple[str, ...], said: str | None
) -> None:
    run.ok("action", "add", "INC-1", "keep")
    before = database.fingerprint()
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    if said is not None:
        assert err == said
    assert database.fingerprint() == before


# ---- log ---------------------------------------------------------------------------------


def test_log_from_a_clock_behind_the_newest_event_warns(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    """Another machine logged at 15:03; this one's clock says 14:43 (on SQLite the line goes
    through the quick writer, on PostgreSQL through the store: both say so)."""
    clock.advance(timedelta(minutes=40))
    run.ok("log", "INC-1", "from the other machine")
    clock.set(T0 + timedelta(minutes=20))
    code, out, err = run("log", "INC-1", "from this one")
    assert (code, out) == (0, "EV-3\n")
    assert err.startswith(
        "warning: this machine's clock (2024-03-15 14:43 UTC) is behind the newest event of "
        "INC-1 (2024-03-15 15:03 UTC)"
    )
    assert events(database, clock)[-2:] == [  # as the warning says: before the other's
        (EventKind.NOTE, "from this one"),
        (EventKind.NOTE, "from the other machine"),
    ]


def test_log_on_a_plain_file_does_not_open_the_store(
    run: Run, database: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database.kind != "sqlite":
        pytest.skip("the quick writer is for SQLite files")

    def not_opened(*_: object, **__: object) -> None:
        raise AssertionError("the store was opened")

    monkeypatch.setattr("warroom.cli.context.Context.open_store", not_opened)
    assert run("log", "INC-1", "db cpu 95%") == (0, "EV-2\n", "")
    monkeypatch.undo()
    assert events(database, clock)[-1] == (EventKind.NOTE, "db cpu 95%")
    assert run.ok("search", "cpu").count("db cpu 95%") == 1  # indexed as the store indexes it
