"""`warroom report`: trends across incidents as text, Markdown and JSON (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.conftest import Database
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock


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
    """Three incidents over three weeks: a SEV-1 handled by the book (an update late), a SEV-2
    resolved without an acknowledgement recorded and no update, an active SEV-3 with its daily
    update a week late; and one withdrawn."""
    run = Run(database.location, clock, capsys)
    run.ok("new", "Checkout down", "--severity", "1", "--detach")
    clock.advance(timedelta(minutes=4))
    run.ok("ack", "INC-1")
    run.ok("update", "INC-1", "rolling back")
    run.ok("action", "add", "INC-1", "Add index check", "--due", "+2d")
    clock.advance(timedelta(minutes=20))
    run.ok("step", "INC-1", "resolution")
    clock.advance(timedelta(minutes=16))
    run.ok("resolve", "INC-1")
    clock.advance(timedelta(days=7))
    run.ok("new", "Search slow", "--severity", "2", "--detach")
    clock.advance(timedelta(hours=3))
    run.ok("resolve", "INC-2")
    run.ok("new", "Paged by mistake", "--severity", "1", "--detach")
    run.ok("withdraw", "INC-3", "a test page")
    clock.advance(timedelta(days=7))
    run.ok("new", "Footer link broken", "--severity", "3", "--detach")
    clock.advance(timedelta(days=7, hours=1))
    return run


def test_report_as_text(run: Run) -> None:
    assert run.ok("report", "--since", "30d").splitlines() == [
        "Incidents detected 2024-03-06 19:03 to 2024-04-05 19:03 UTC",
        "",
        "incidents            3 (1 active, 2 resolved)",
        "time to acknowledge  median 4m · p90 4m (1 of 3)",
        "time to mitigate     median 24m · p90 24m (1 of 3)",
        "time to resolve      median 1h 50m · p90 3h 00m (2 of 3)",
        "time at SEV-1        40m",
        "time at SEV-2        3h 00m",
        "time at SEV-3        7d 01h",
        "late updates         3 (in 3 incidents)",
        "action items         1 open · 0 in progress · 0 done · 1 overdue",
        "post-mortems         0 of 2 published · 0 within 48 hours",
    ]


def test_the_period_counts_from_the_clock(run: Run) -> None:
    assert run.ok("report", "--since", "8d").splitlines()[2] == (
        "incidents            1 (1 active, 0 resolved)"
    )
    # The SEV-3 was detected 7 days and an hour ago.
    assert run.ok("report", "--since", "1w").splitlines()[2] == (
        "incidents            0 (0 active, 0 resolved)"
    )


def test_report_as_json(run: Run) -> None:
    report = json.loads(run.ok("report", "--since", "30d", "--by", "severity", "--json"))
    assert report["since"] == "2024-03-06T19:03:00Z"
    assert report["until"] == "2024-04-05T19:03:00Z"
    assert report["by"] == "severity"
    assert (report["incidents"], report["active"], report["resolved"]) == (3, 1, 2)
    assert report["timeToAcknowledge"] == {"incidents": 1, "medianSeconds": 240, "p90Seconds": 240}
    assert report["timeToResolve"] == {
        "incidents": 2,
        "medianSeconds": 6600,
        "p90Seconds": 10800,
    }
    assert (report["lateUpdates"], report["incidentsWithLateUpdates"]) == (3, 3)
    assert report["secondsAtSeverity"] == {"SEV-1": 2400, "SEV-2": 10800, "SEV-3": 608400}
    assert report["actionItems"] == {"open": 1, "inProgress": 0, "done": 0, "overdue": 1}
    assert report["postmortems"] == {
        "due": 2,
        "published": 0,
        "publishedWithin48h": 0,
        "publishedWhenUnknown": 0,
    }
    assert [(group["severity"], group["incidents"]) for group in report["groups"]] == [
        ("SEV-1", 1),
        ("SEV-2", 1),
        ("SEV-3", 1),
    ]
    assert [(month["month"], month["incidents"]) for month in report["months"]] == [
        ("2024-03", 3),
        ("2024-04", 0),
    ]
    assert report["months"][0]["timeToResolve"]["medianSeconds"] == 6600
    assert json.loads(run.ok("report", "--since", "30d", "--format", "json")) == {
        **report,
        "by": None,
        "groups": [],
    }


def test_report_as_markdown(run: Run) -> None:
    document = run.ok("report", "--since", "30d", "--by", "severity", "--format", "md")
    assert document.startswith("# Incident trends\n\nIncidents detected 2024-03-06 19:03 to ")
    tokens = MarkdownIt().enable("table").parse(document)
    headings = [
        tokens[index + 1].content for index, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert headings == ["Incident trends", "All incidents", "SEV-1", "SEV-2", "SEV-3", "Per month"]
    assert "| time to resolve | median 1h 50m · p90 3h 00m (2 of 3) |" in document
    assert "| 2024-03 | 3 | 1h 50m | 3h 00m |" in document


def test_by_service_each_incident_counts_in_each_of_its_services(
    run: Run, clock: FrozenClock
) -> None:
    run.ok("new", "Payments slow", "--service", "payments", "--service", "*api* | edge", "--detach")
    run.ok("new", "Refunds stuck", "--service", "Payments", "--detach")
    clock.advance(timedelta(minutes=30))
    run.ok("resolve", "INC-6")
    report = json.loads(run.ok("report", "--since", "30d", "--by", "service", "--json"))
    assert [(group["service"], group["incidents"]) for group in report["groups"]] == [
        ("*api* | edge", 1),
        ("payments", 2),  # "Payments" is the same service
        ("(no service)", 3),
    ]
    assert report["groups"][1]["timeToResolve"]["medianSeconds"] == 1800
    text = run.ok("report", "--since", "30d", "--by", "service").splitlines()
    assert "service *api* | edge:" in text
    assert "service payments:" in text
    # In Markdown a service's name is text, never structure.
    document = run.ok("report", "--since", "30d", "--by", "service", "--format", "md")
    assert "## service \\*api\\* \\| edge\n" in document
    html = MarkdownIt().enable("table").render(document)
    assert "<h2>service *api* | edge</h2>" in html
    assert "<h2>service payments</h2>" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "3m"], "error: bad period '3m': use e.g. 90d, 12w or a date (2026-09-01)"),
        (["--since", "2030-01-01"], "error: bad date '2030-01-01': it is in the future"),
        (["--by", "owner"], "error: bad --by 'owner': use severity or service"),
        (["--format", "html"], "error: bad format 'html': use text, md or json"),
        (["--json", "--format", "md"], "error: --json and --format name two formats: give one"),
    ],
)
def test_bad_input(run: Run, database: Database, args: list[str], message: str) -> None:
    before = database.fingerprint()
    assert run("report", *args) == (2, "", message + "\n")
    assert database.fingerprint() == before


def test_a_missing_database_is_not_made(
    tmp_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    assert main(["--db", str(missing), "report"], clock=clock) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not missing.exists()


def test_report_never_imports_textual(run: Run, database: Database) -> None:
    """A cron job mailing the Markdown report needs no terminal."""
    env = {**os.environ, "WARROOM_DB": database.location}
    code = (
        "import sys\n"
        "from warroom.cli.main import main\n"
        "assert main(['report', '--format', 'md', '--by', 'severity']) == 0\n"
        "assert main(['report', '--json']) == 0\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'plotext')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
