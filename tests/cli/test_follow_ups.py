"""Live tasks and follow-ups: the response's tasks are not the post-mortem's follow-ups. The
report counts follow-ups only, and follow-ups made after resolution are the post-mortem's
edits, not events of the incident."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.test_war_room_commands import Run, events
from tests.conftest import Database
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus, EventKind
from warroom.store import Store


@pytest.fixture
def run(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    run = Run(database.location, clock, capsys)
    assert run.ok("new", "Checkout down", "--severity", "1", "--commander", "Bob", "--detach")
    return run


def test_follow_ups_after_resolution_stay_out_of_the_timeline(
    run: Run, database: Database, clock: FrozenClock
) -> None:
    assert run.ok("action", "add", "INC-1", "Restart the pool") == "AI-1\n"  # a live task
    clock.advance(timedelta(minutes=5))
    run.ok("action", "move", "INC-1", "AI-1", "done")
    run.ok("resolve", "INC-1")
    clock.advance(timedelta(hours=1))
    added = run.ok(
        "action", "add", "INC-1", "Add index checks to CI", "--type", "prevent",
        "--owner", "Dave", "--priority", "P1", "--due", "+7d",
    )  # fmt: skip
    assert added == "AI-2\n"
    run.ok("action", "move", "INC-1", "AI-2", "in-progress")
    texts = [text for _kind, text in events(database, clock)]
    assert texts[-1] == "Incident resolved"  # nothing of the post-mortem's after it
    assert [text for kind, text in events(database, clock) if kind is EventKind.ACTION] == [
        "Action item opened: Restart the pool",
        "Action item done: Restart the pool",
    ]
    listed = json.loads(run.ok("action", "list", "INC-1", "--json"))
    assert [(item["id"], item["kind"]) for item in listed] == [
        ("AI-1", "task"),
        ("AI-2", "follow-up"),
    ]
    lines = run.ok("action", "list", "INC-1").splitlines()
    assert "(task, no owner)" in lines[0]
    assert "(follow-up, P1, prevent, Dave)" in lines[1]
    assert [line.split()[0] for line in run.ok("action", "list").splitlines()] == ["AI-2"]
    # a task can be added after resolution on purpose, and a follow-up during the incident
    assert run.ok("action", "add", "INC-1", "Hand the pager back", "--task") == "AI-3\n"
    with Store.open(database.location, clock) as store:
        kinds = [(item.follow_up, item.status) for item in store.action_items(1)]
    assert kinds == [
        (False, ActionStatus.DONE),
        (True, ActionStatus.IN_PROGRESS),
        (False, ActionStatus.OPEN),
    ]


def test_the_report_checks_and_exports_follow_ups_not_done_tasks(run: Run, tmp_path: Path) -> None:
    run.ok("action", "add", "INC-1", "Roll back the deploy", "--owner", "Bob")
    run.ok("action", "move", "INC-1", "AI-1", "done")
    run.ok("resolve", "INC-1")
    code, out, _ = run("check", "INC-1")
    assert code == 1
    assert "actionItems: none: a post-mortem without action items is a story" in out
    document = json.loads(run.ok("export", "INC-1", "--format", "json"))
    assert document["actionItems"] == []
    assert [task["description"] for task in document["warroom"]["liveTasks"]] == [
        "Roll back the deploy"
    ]
    markdown = run.ok("export", "INC-1", "--format", "md")
    assert "Roll back the deploy" not in markdown.split("## Action Items")[1].split("##")[0]
    # the export comes back whole: the task a task, the follow-ups follow-ups
    run.ok("action", "add", "INC-1", "Alert on pool saturation", "--type", "detect")
    exported = run.ok("export", "INC-1", "--format", "json")
    path = tmp_path / "inc-1.json"
    path.write_text(exported, encoding="utf-8")
    assert run.ok("import", str(path)) == "INC-2\n"
    again = json.loads(run.ok("export", "INC-2", "--format", "json"))
    assert again["actionItems"] == json.loads(exported)["actionItems"]
    assert again["warroom"]["liveTasks"] == json.loads(exported)["warroom"]["liveTasks"]
