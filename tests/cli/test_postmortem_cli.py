"""`warroom check`, `export` and `import` through the real entry point: output, exit codes, files
written owner-only, every bad input refused with nothing written."""

import json
import os
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.cli.test_cli import Run, digest
from tests.conftest import T0
from warroom.domain.clock import FrozenClock
from warroom.domain.incident_record import IncidentRecord
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import Event, EventKind, PostMortem, Role, RoleAssignment, SeverityChange
from warroom.store import Store

LESSON = Path(__file__).parent.parent / "data" / "checkout-outage.json"


@pytest.fixture
def run(db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(db_path, clock, capsys)


def lesson() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LESSON.read_text())
    return data


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_import_prints_the_new_id_and_export_gives_it_back(run: Run, tmp_path: Path) -> None:
    assert run("import", str(LESSON)) == (0, "INC-1\n", "")
    code, out, err = run("export", "INC-1", "--format", "json")
    assert (code, err) == (0, "")
    exported = json.loads(out)
    for key in ("id", "title", "date", "severity", "incidentCommander", "status", "authors"):
        assert exported[key] == lesson()[key]
    assert exported["id"] == "PM-2024-007"


def test_import_toml_and_hh_mm_rollover(run: Run, tmp_path: Path) -> None:
    document = lesson()
    document["timeline"] = [
        {"time": "23:50", "event": "alert fired", "actor": "Monitoring"},
        {"time": "00:05", "event": "rolled back", "actor": "Dave"},
    ]
    source = tmp_path / "pm.toml"
    source.write_text(tomli_w.dumps(document))
    assert run("import", str(source)) == (0, "INC-1\n", "")
    timeline = json.loads(run("export", "INC-1", "--format", "json")[1])["timeline"]
    assert [entry["time"] for entry in timeline] == ["2024-03-15T23:50:00Z", "2024-03-16T00:05:00Z"]


def test_an_invalid_file_lists_every_problem_and_writes_nothing(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    document = lesson()
    document["actionItems"][0]["type"] = "fix"
    document["actionItems"][2]["priority"] = "urgent"
    document["timeline"][1]["time"] = "soon"
    source = write_json(tmp_path / "pm.json", document)
    code, out, err = run("import", str(source))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {source} is not a valid post-mortem (3 problems)",
        "  timeline[1].time: must be HH:MM (UTC) or an ISO 8601 date-time, "
        'e.g. 2024-03-15T14:15:00Z (not "soon")',
        '  actionItems[0].type: must be one of prevent, detect, mitigate (not "fix")',
        '  actionItems[2].priority: must be one of P0, P1, P2 (not "urgent")',
    ]
    assert not db_path.exists()


def test_a_problem_with_a_line_separator_in_it_stays_on_its_line(run: Run, tmp_path: Path) -> None:
    """U+2028 ends a line for whatever reads the error (a fuzzed import found it)."""
    source = write_json(tmp_path / "pm.json", {**lesson(), "title": "\u2028"})
    code, out, err = run("import", str(source))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {source} is not a valid post-mortem (1 problem)",
        '  title: must not be empty (not "\\u2028")',
    ]


def test_an_invalid_file_changes_an_existing_database_not_at_all(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    run("import", str(LESSON))
    before = digest(db_path)
    source = write_json(tmp_path / "pm.json", {**lesson(), "severity": "SEV-9"})
    code, _, err = run("import", str(source))
    assert code == 2
    assert err.startswith("error: ")
    assert digest(db_path) == before


def test_export_to_a_file_is_owner_only_and_never_overwritten_without_force(
    run: Run, tmp_path: Path
) -> None:
    run("import", str(LESSON))
    target = tmp_path / "report.md"
    assert run("export", "INC-1", "-o", str(target)) == (0, "", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("# Checkout Service Outage")
    target.write_text("keep me")
    code, out, err = run("export", "INC-1", "-o", str(target))
    assert (code, out, err) == (2, "", f"error: {target} exists: use --force to replace it\n")
    assert target.read_text() == "keep me"
    target.chmod(0o644)
    assert run("export", "INC-1", "-o", str(target), "--force")[0] == 0
    assert target.read_text().startswith("# Checkout Service Outage")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_never_writes_over_the_database(run: Run, db_path: Path) -> None:
    """One mistyped `-o` with --force replaced the database with the Markdown export."""
    run("import", str(LESSON))
    before = digest(db_path)
    (db_path.parent / "link.db").symlink_to(db_path)
    for target in (db_path, db_path.parent / "link.db", Path(f"{db_path}-wal")):
        code, out, err = run("export", "INC-1", "-o", str(target), "--force")
        assert (code, out) == (2, "")
        assert err == (
            f"error: {target} is the database (or one of its files): export to another file\n"
        )
    assert digest(db_path) == before
    assert run("list")[0] == 0


def test_export_to_dash_is_standard_output(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("import", str(LESSON))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("export", "INC-1", "-o", "-", "--format", "json")
    assert code == 0
    assert json.loads(out)["id"] == "PM-2024-007"
    assert not (tmp_path / "-").exists()


def test_export_format_from_the_extension_unless_given(run: Run, tmp_path: Path) -> None:
    run("import", str(LESSON))
    run("export", "INC-1", "-o", str(tmp_path / "r.html"))
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    run("export", "INC-1", "-o", str(tmp_path / "r.toml"))
    assert 'id = "PM-2024-007"' in (tmp_path / "r.toml").read_text()
    run("export", "INC-1", "-o", str(tmp_path / "r.txt"), "--format", "json")
    assert json.loads((tmp_path / "r.txt").read_text())["id"] == "PM-2024-007"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "INC-9"), "error: no incident INC-9\n"),
        (("export", "nonsense"), "error: bad incident id 'nonsense': use e.g. INC-1\n"),
        (
            ("export", "INC-1", "--format", "pdf"),
            "error: bad format 'pdf': use one of md, json, toml, html\n",
        ),
        (
            ("export", "INC-1", "-o", "{tmp}/no/such/dir/r.md"),
            "error: cannot write {tmp}/no/such/dir/r.md: No such file or directory\n",
        ),
        (("export", "INC-1", "-o", "{tmp}"), "error: {tmp} is a directory\n"),
        (("check", "INC-9"), "error: no incident INC-9\n"),
        (("check",), None),
        (
            ("import", "{tmp}/missing.json"),
            "error: cannot read {tmp}/missing.json: No such file or directory\n",
        ),
        (("import",), None),
    ],
)
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(
    run: Run, tmp_path: Path, db_path: Path, args: tuple[str, ...], message: str | None
) -> None:
    run("import", str(LESSON))
    before = digest(db_path)
    code, out, err = run(*(arg.format(tmp=tmp_path) for arg in args))
    assert (code, out) == (2, "")
    if message is None:
        assert err.startswith("error: ")
        assert err.count("\n") == 1
    else:
        assert err == message.format(tmp=tmp_path)
    assert digest(db_path) == before
    assert {p.name for p in tmp_path.iterdir()} <= {
        "warroom.db",
        "warroom.db-wal",
        "warroom.db-shm",
    }


def test_commands_on_a_missing_database_create_nothing(run: Run, db_path: Path) -> None:
    for args in (("export", "INC-1"), ("check", "INC-1")):
        code, _, err = run(*args)
        assert code == 2
        assert err.startswith("error: ")
    assert not db_path.exists()


def test_check_exit_codes(run: Run, tmp_path: Path, clock: FrozenClock) -> None:
    run("import", str(LESSON))
    assert run("check", "INC-1") == (0, "", "")
    run("new", "Search slow", "--severity", "3", "--detach")
    code, out, err = run("check", "INC-2")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "incident: INC-2 is not resolved yet (Detection): publish once it is",
        "summary: empty: say what happened, to whom, and why, in a few sentences",
        "impact.duration: empty: how long were users affected?",
        "impact.usersAffected: not filled: how many users were affected "
        '(0: none; "unknown" if nobody can count)?',
        'impact.revenueImpact: empty: estimate it, or write "none"',
        "impact.slaBreached: not set: was the SLA breached?",
        "rootCause: empty: what in the system let this happen?",
        "actionItems: none: a post-mortem without action items is a story, not a learning "
        "opportunity",
        "fiveWhys: 0 levels deep: keep asking why until you reach the systemic cause (3-5 levels)",
    ]


def test_check_flags_blame_and_passes_systems_phrasing(run: Run, tmp_path: Path) -> None:
    blaming = write_json(
        tmp_path / "a.json", {**lesson(), "rootCause": "Dave forgot to add an index"}
    )
    run("import", str(blaming))
    code, out, _ = run("check", "INC-1")
    assert code == 1
    assert out.splitlines() == [
        'rootCause: blame language "Dave forgot": Dave is the subject of "Dave forgot to add an '
        'index": name the system or process',
        'rootCause: blame language "forgot to add an index": try "the process had no step to add '
        'an index"',
    ]
    systems = {
        **lesson(),
        "rootCause": "The process allowed a migration without index verification",
    }
    run("import", str(write_json(tmp_path / "b.json", systems)))
    assert run("check", "INC-2") == (0, "", "")


def test_export_of_a_draft_warns_about_what_blocks_publishing(run: Run, clock: FrozenClock) -> None:
    run("new", "Search slow", "--severity", "3", "--detach")
    clock.advance(timedelta(minutes=30))
    run("resolve", "INC-1")
    code, out, err = run("export", "INC-1")
    assert code == 0
    assert out.startswith("# Search slow\n")
    assert "- **Status:** Draft\n" in out
    warnings = err.splitlines()
    assert (
        warnings[0]
        == "warning: summary: empty: say what happened, to whom, and why, in a few sentences"
    )
    assert all(line.startswith("warning: ") for line in warnings)


def test_check_export_import_never_import_textual(tmp_path: Path) -> None:
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "w.db")}
    code = (
        "import sys\n"
        "from warroom.cli.main import main\n"
        f"assert main(['import', {str(LESSON)!r}]) == 0\n"
        "assert main(['check', 'INC-1']) == 0\n"
        "for name in ('md', 'json', 'toml', 'html'):\n"
        "    assert main(['export', 'INC-1', '--format', name]) == 0\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'textual']\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# Speed at 100,000 events is measured by benchmarks/run.py; here, that a long timeline
# streams through every format whole.
EVENTS = 3_000


def test_a_long_timeline_exports_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from warroom.cli.main import main

    db = tmp_path / "big.db"
    clock = FrozenClock(T0 + timedelta(days=3))
    events = tuple(
        Event(
            0,
            0,
            EventKind.NOTE if n % 7 else EventKind.UPDATE,
            f"Responder {n % 5}",
            f"step {n}: checked pool | latency `p99` <- {n * 3} ms",
            T0 + timedelta(seconds=n),
            T0,
            starred=n % 1000 == 0,
        )
        for n in range(EVENTS)
    )
    record = IncidentRecord(
        title="Long incident",
        severity=2,
        milestones={Milestone.DETECTED: T0, Milestone.RESOLVED: T0 + timedelta(seconds=EVENTS)},
        severity_history=(SeverityChange(0, None, 2, T0, "Bob"),),
        roles=(RoleAssignment(0, 0, Role.COMMANDER, "Bob", T0),),
        events=events,
        action_items=(),
        postmortem=PostMortem(0, report_date=date(2024, 3, 15)),
    )
    with Store.open(str(db), clock) as store:
        store.import_incident(record)
    for name in ("md", "json", "html", "toml"):
        target = tmp_path / f"big.{name}"
        assert main(["--db", str(db), "export", "INC-1", "-o", str(target)], clock=clock) == 0
        assert target.stat().st_size > EVENTS * 40
    timeline_rows = [
        line
        for line in (tmp_path / "big.md").read_text().splitlines()
        if line.startswith("| ") and "step " in line
    ]
    assert len(timeline_rows) == EVENTS
    capsys.readouterr()
    exported = json.loads((tmp_path / "big.json").read_text())
    assert len(exported["timeline"]) == EVENTS
