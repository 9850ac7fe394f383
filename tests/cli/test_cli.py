"""The command line, through its real entry point: exit codes, output, and nothing written on
bad input. Every test that takes `database` or `run` runs on SQLite and on PostgreSQL."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import T0, Database
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind
from warroom.store import Store


class Run:
    """Runs `warroom --db <db> ...` in-process with a frozen clock."""

    def __init__(self, db: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]):
        self.db, self.clock, self.capsys = db, clock, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", self.db, *args], clock=self.clock)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def run(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(database.location, clock, capsys)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_done_when_scenario_through_the_installed_command(database: Database) -> None:
    """The issue's acceptance scenario, as a shell user would type it."""
    env = {**os.environ, "WARROOM_DB": database.location}

    def warroom(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "warroom", *args], env=env, capture_output=True, text=True
        )

    created = warroom(
        "new", "Checkout down", "--severity", "1", "--commander", "Bob Chen", "--detach"
    )
    assert (created.returncode, created.stdout, created.stderr) == (0, "INC-1\n", "")
    logged = warroom("log", "INC-1", "db cpu 95%")
    assert logged.returncode == 0
    assert logged.stdout.strip().startswith("EV-")
    listed = json.loads(warroom("list", "--json").stdout)
    assert listed[0]["id"] == "INC-1"
    assert listed[0]["severity"] == "SEV-1"
    before = database.fingerprint()
    bad = warroom("severity", "INC-1", "SEV-9")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error:")
    assert bad.stderr.count("\n") == 1
    unknown = warroom("log", "INC-42", "hello")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "error: no incident INC-42\n"
    assert database.fingerprint() == before


def test_log_never_imports_textual(database: Database) -> None:
    env = {**os.environ, "WARROOM_DB": database.location}
    code = (
        "import sys\n"
        "from warroom.cli.main import main\n"
        "assert main(['new', 'x', '--detach']) == 0\n"
        "assert main(['log', 'INC-1', 'y']) == 0\n"
        "assert main(['list']) == 0\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_new_detach_prints_only_the_id(run: Run) -> None:
    assert run("new", "Checkout down", "--severity", "SEV-2", "--detach") == (0, "INC-1\n", "")
    assert run("new", "Search slow", "--severity", "3", "--detach")[1] == "INC-2\n"


def test_new_defaults_commander_to_the_configured_user(run: Run) -> None:
    run("new", "x", "--detach")
    _code, out, _ = run("list", "--json")
    assert json.loads(out)[0]["commander"] == "tester"
    run("config", "set", "user.name", "Alice Kim")
    run("new", "y", "--detach")
    assert json.loads(run("list", "--json")[1])[0]["commander"] == "Alice Kim"


def test_list_json_fields(run: Run, clock: FrozenClock) -> None:
    run("new", "Checkout down", "--severity", "1", "--commander", "Bob Chen", "--detach")
    clock.advance(timedelta(minutes=47))
    run("resolve", "INC-1")
    run(
        "new",
        "Search slow",
        "--severity",
        "3",
        "--commander",
        "Alice",
        "--service",
        "search",
        "--service",
        "api",
        "--tag",
        "elasticsearch",
        "--detach",
    )
    code, out, err = run("list", "--json")
    assert (code, err) == (0, "")
    active, resolved = json.loads(out)  # active incidents first
    assert active == {
        "id": "INC-2",
        "title": "Search slow",
        "severity": "SEV-3",
        "status": "active",
        "step": "detection",
        "commander": "Alice",
        "detectedAt": "2024-03-15T15:10:00Z",
        "acknowledgedAt": None,
        "mitigatedAt": None,
        "resolvedAt": None,
        "services": ["search", "api"],
        "tags": ["elasticsearch"],
    }
    assert (resolved["services"], resolved["tags"]) == ([], [])
    assert resolved["status"] == "resolved"
    assert resolved["step"] == "post-mortem"
    assert resolved["detectedAt"] == "2024-03-15T14:23:00Z"
    assert resolved["resolvedAt"] == "2024-03-15T15:10:00Z"


def test_new_with_services_and_tags_shows_them(run: Run) -> None:
    assert run(
        "new", "Checkout down", "--service", "checkout", "--tag", "db", "--tag", "DB", "--detach"
    ) == (0, "INC-1\n", "")
    code, out, _ = run("show", "INC-1")
    assert code == 0
    assert "services checkout · tags db" in out.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--service", "a,b"), "error: bad service 'a,b': a comma separates services\n"),
        (("--tag", " "), "error: a tag must not be empty\n"),
    ],
)
def test_new_with_a_bad_label_writes_nothing(
    run: Run, database: Database, args: tuple[str, ...], message: str
) -> None:
    assert run("new", "Checkout down", *args, "--detach") == (2, "", message)
    assert not database.exists()


def test_list_plain_is_one_line_per_incident_and_escapes_text(run: Run) -> None:
    run("new", "Checkout \x1b[2J down\nsecond line", "--severity", "1", "--detach")
    run("new", "Search slow", "--severity", "3", "--detach")
    code, out, _ = run("list")
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == 2
    assert lines[0].startswith("INC-2    SEV-3  active")
    assert "\x1b" not in out
    assert "Checkout \\x1b[2J down ⏎ second line" in lines[1]


def test_list_on_a_named_database_that_is_not_there_says_so_and_creates_nothing(
    run: Run, database: Database
) -> None:
    """(The default database before its first use lists nothing: test_files_and_places.py.)"""
    for args in (("list",), ("list", "--json")):
        code, out, err = run(*args)
        assert (code, out) == (2, "")
        assert err.startswith("error: no warroom database at ")
    assert not database.exists()


def test_log_options(run: Run, clock: FrozenClock, database: Database) -> None:
    run("new", "x", "--detach")
    clock.advance(timedelta(minutes=30))
    code, out, _ = run(
        "log",
        "INC-1",
        "migration deployed",
        "--at",
        "14:15",
        "--actor",
        "CI/CD pipeline",
        "--kind",
        "action",
    )
    assert code == 0
    assert out.startswith("EV-")
    with Store.open(database.location, clock) as store:
        event = store.get_event(int(out.strip()[3:]))
    assert event.occurred_at == T0.replace(minute=15)
    assert (event.actor, event.kind.value, event.text) == (
        "CI/CD pipeline",
        "action",
        "migration deployed",
    )


def test_log_at_relative_time(run: Run, clock: FrozenClock, database: Database) -> None:
    run("new", "x", "--detach")
    code, out, err = run("log", "INC-1", "alert fired", "--at", "-5m")
    assert (code, err) == (0, "")
    with Store.open(database.location, clock) as store:
        assert store.get_event(int(out.strip()[3:])).occurred_at == T0 - timedelta(minutes=5)


def test_log_at_uses_the_configured_timezone(
    run: Run, clock: FrozenClock, database: Database
) -> None:
    run("config", "set", "display.timezone", "Europe/Berlin")
    run("new", "x", "--detach")
    _code, out, _ = run("log", "INC-1", "y", "--at", "15:20")  # 14:20 UTC
    with Store.open(database.location, clock) as store:
        assert store.get_event(int(out.strip()[3:])).occurred_at == T0.replace(minute=20)


def test_log_at_a_time_later_than_now_says_it_is_yesterdays(
    run: Run, clock: FrozenClock, database: Database
) -> None:
    run("config", "set", "display.timezone", "UTC")
    run("new", "x", "--detach")
    code, out, err = run("log", "INC-1", "nightly batch", "--at", "23:00")  # at 14:23
    assert code == 0
    assert err == ("warning: 23:00 is later than now: taken as yesterday's, 2024-03-14 23:00 UTC\n")
    with Store.open(database.location, clock) as store:
        assert store.get_event(int(out.strip()[3:])).occurred_at == T0.replace(
            day=14, hour=23, minute=0
        )
    assert run("log", "INC-1", "y", "--at", "14:00")[2] == ""  # earlier today: nothing to say


def test_severity_and_resolve(run: Run, clock: FrozenClock) -> None:
    run("new", "x", "--severity", "3", "--detach")
    clock.advance(timedelta(minutes=10))
    code, out, _ = run("severity", "inc-1", "SEV-1")
    assert code == 0
    assert out == "INC-1: SEV-3 → SEV-1; next update due 2024-03-15 15:03 UTC\n"
    code, out, _ = run("resolve", "INC-1")
    assert code == 0
    assert out == "INC-1 resolved after 10m; post-mortem due by 2024-03-17 14:33 UTC\n"
    assert json.loads(run("list", "--json")[1])[0]["status"] == "resolved"
    # The report's severity history is closed: a published report is never rewritten.
    code, out, err = run("severity", "INC-1", "2")
    assert (code, out) == (2, "")
    assert (
        err == "error: INC-1 is resolved: reopen it first to change its severity (warroom reopen "
        "INC-1)\n"
    )


def test_config_get_and_set(run: Run, isolated_environment: Path) -> None:
    assert run("config", "get", "standup.time") == (0, "09:30\n", "")
    assert run("config", "set", "standup.time", "10:15") == (0, "", "")
    assert run("config", "get", "standup.time") == (0, "10:15\n", "")
    assert (isolated_environment / "config" / "warroom" / "config.toml").exists()


BAD_INPUT = [
    ("severity", "INC-1", "9"),
    ("severity", "INC-1", "SEV-0"),
    ("severity", "INC-99", "2"),
    ("severity", "nonsense", "2"),
    ("log", "INC-99", "text"),
    ("log", "INC-1", "   "),
    ("log", "INC-1", "text", "--at", "25:00"),
    ("log", "INC-1", "text", "--at", "2099-01-01T00:00Z"),
    ("log", "INC-1", "text", "--kind", "gossip"),
    ("log", "INC-1", "we are SEV-2 now", "--kind", "severity"),  # not a change: only text
    ("log", "INC-1", "moved on", "--kind", "phase"),
    ("log", "INC-1", "Ann is IC", "--kind", "role"),
    ("log", "INC-1", "text", "--actor", " "),
    ("log", "INC-1"),
    ("resolve", "INC-99"),
    ("new", "", "--detach"),
    ("new", "x", "--severity", "5", "--detach"),
    ("new", "x", "--severity", "critical"),
    ("config", "get", "no.such"),
    ("config", "set", "display.timezone", "Mars/Base"),
    ("config",),
    ("frobnicate",),
    ("list", "--yaml"),
]


@pytest.mark.parametrize("args", BAD_INPUT, ids=" ".join)
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(
    run: Run, database: Database, isolated_environment: Path, args: tuple[str, ...]
) -> None:
    run("new", "x", "--severity", "1", "--detach")
    before = database.fingerprint()
    config_file = isolated_environment / "config" / "warroom" / "config.toml"
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    assert database.fingerprint() == before
    assert not config_file.exists()


def test_an_empty_db_option_is_refused_not_the_users_own_database(
    isolated_environment: Path, capsys: pytest.CaptureFixture[str], clock: FrozenClock
) -> None:
    """`--db "$DB"` with DB unset in a script: it wrote into the user's own database."""
    for args in (["list"], ["new", "x", "--detach"], ["log", "INC-1", "x"]):
        assert main(["--db", "", *args], clock=clock) == 2
        assert capsys.readouterr() == (
            "",
            "error: --db is empty: give a database file or a postgresql:// URL\n",
        )
    assert not any(isolated_environment.rglob("*.db"))


def test_log_takes_an_update_sent_elsewhere(run: Run, database: Database) -> None:
    run("new", "x", "--detach")
    code, out, _ = run("log", "INC-1", "status page: degraded", "--kind", "update")
    assert code == 0
    assert out.startswith("EV-")
    with Store.open(database.location, run.clock) as store:
        assert store.last_event_of_kind(1, EventKind.UPDATE) is not None


def test_a_mistake_elsewhere_in_the_config_does_not_stop_log(
    run: Run, isolated_environment: Path, database: Database
) -> None:
    """An alert hook at 3 a.m. logs whatever the cadence in the config file says."""
    run("new", "x", "--detach")
    config_file = isolated_environment / "config" / "warroom" / "config.toml"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text('[user]\nname = "hook"\n[cadence]\nsev-2 = "often"\n')
    code, _, err = run("log", "INC-1", "disk 91%", "--at", "-1m")
    assert (code, err) == (0, "")
    with Store.open(database.location, run.clock) as store:
        logged = [e for e in store.events_after(1, None, limit=100) if e.text == "disk 91%"]
    assert [e.actor for e in logged] == ["hook"]
    code, _, err = run("severity", "INC-1", "1")  # which needs the cadence: says what is wrong
    assert code == 2
    assert err.startswith("error: config cadence.sev-2: ")


def test_commands_on_a_missing_database_create_nothing(run: Run, database: Database) -> None:
    for args in (("log", "INC-1", "x"), ("severity", "INC-1", "2"), ("resolve", "INC-1")):
        code, _, err = run(*args)
        assert code == 2
        assert err.startswith("error: no warroom database at ")
    assert not database.exists()


def test_bad_severity_does_not_create_the_database(run: Run, database: Database) -> None:
    assert run("new", "x", "--severity", "7")[0] == 2
    assert not database.exists()


def test_foreign_file_is_refused(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    content = b"hello, not a database" * 10
    db_path.write_bytes(content)
    code, _, err = Run(str(db_path), clock, capsys)("new", "x", "--detach")
    assert code == 2
    assert "not a SQLite database" in err
    assert db_path.read_bytes() == content


def test_someone_elses_database_is_refused_untouched(run: Run, database: Database) -> None:
    database.sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    database.sql("INSERT INTO invoices VALUES (1, 9.5)")
    before = database.fingerprint()
    for args in (("new", "x", "--detach"), ("list",), ("log", "INC-1", "x")):
        code, out, err = run(*args)
        assert (code, out) == (2, "")
        assert err == f"error: {_shown(database)} is not a warroom database\n"
    assert database.fingerprint() == before
    assert database.tables() == ["invoices"]


def test_a_newer_schema_is_refused_untouched(run: Run, database: Database) -> None:
    run("new", "x", "--detach")
    database.sql("UPDATE alembic_version SET version_num = '9999'")
    before = database.fingerprint()
    code, out, err = run("log", "INC-1", "x")
    assert (code, out) == (2, "")
    assert "written by a newer warroom (schema 9999)" in err
    assert database.fingerprint() == before


def _shown(database: Database) -> str:
    """How messages name the database: its path, or its URL without a password."""
    from warroom.store import resolve_target

    return resolve_target(database.location).display


def test_database_from_the_environment(
    database: Database,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WARROOM_DB", database.location)
    assert main(["new", "x", "--detach"], clock=clock) == 0
    assert capsys.readouterr().out == "INC-1\n"
    assert database.exists()
    assert main(["list", "--json"], clock=clock) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == ["INC-1"]


def test_default_database_in_the_user_data_directory(
    clock: FrozenClock, capsys: pytest.CaptureFixture[str], isolated_environment: Path
) -> None:
    assert main(["new", "x", "--detach"], clock=clock) == 0
    data = isolated_environment / "data" / "warroom"
    assert (data / "warroom.db").exists()
    assert oct(data.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("args", [("new", "x"), ("open", "INC-1"), ()], ids=str)
def test_the_full_screen_app_needs_a_terminal(
    run: Run, database: Database, args: tuple[str, ...]
) -> None:
    """From a script or a pipe, an error instead of a screen nobody sees."""
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.startswith("error: the war room needs a terminal")
    assert not database.exists()  # nothing was declared
