"""The README's examples, run as written: the command-line transcripts, and `warroom log` in
scripts and hooks (a git hook, a loop following a log file, an alert webhook script: only their
placeholders, the log file's path and the incident id, are filled in)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.domain.model import Event, EventKind
from warroom.store import Store

README = Path(__file__).parents[2] / "README.md"


def readme_script(containing: str) -> str:
    """The README's one ```sh block that contains `containing`."""
    blocks = re.findall(r"^```sh\n(.*?)^```$", README.read_text(), re.MULTILINE | re.DOTALL)
    (block,) = [b for b in blocks if containing in b]
    return block


@pytest.fixture
def env(db_path: Path) -> dict[str, str]:
    """A hook's environment: the database, and `warroom` on the PATH (where pip put it)."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "warroom").exists()
    return {**os.environ, "WARROOM_DB": str(db_path), "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def alerts(store: Store, incident_id: int, kind: EventKind) -> list[Event]:
    return [e for e in store.iter_events(incident_id) if e.kind is kind]


def test_the_git_post_receive_hook(
    tmp_path: Path, db_path: Path, clock: FrozenClock, env: dict[str, str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    with Store.open(str(db_path), clock) as store:
        active = store.create_incident("Checkout down", 1, commander="a", actor="a")
        resolved = store.create_incident("Search slow", 3, commander="a", actor="a")
        store.resolve(resolved.id, actor="a")
    env |= {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Dave",
        "GIT_AUTHOR_EMAIL": "dave@example.com",
        "GIT_COMMITTER_NAME": "Dave",
        "GIT_COMMITTER_EMAIL": "dave@example.com",
    }

    def git(*args: str, cwd: Path = tmp_path) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout + done.stderr

    remote, work = tmp_path / "deploy.git", tmp_path / "work"
    git("init", "--quiet", "--bare", "-b", "main", str(remote))
    hook = remote / "hooks" / "post-receive"
    hook.write_text(readme_script("hooks/post-receive"))
    hook.chmod(0o755)
    git("init", "--quiet", "-b", "main", str(work))
    (work / "schema.sql").write_text("CREATE INDEX orders_user_id ON orders (user_id);\n")
    git("add", "schema.sql", cwd=work)
    git("commit", "--quiet", "-m", "Add the missing orders index", cwd=work)
    git("checkout", "--quiet", "-b", "experiment", cwd=work)
    git("commit", "--quiet", "--allow-empty", "-m", "Not deployed", cwd=work)
    git("push", "--quiet", str(remote), "main", "experiment", cwd=work)
    sha = git("rev-parse", "--short", "main", cwd=work).strip()

    with Store.open(str(db_path), clock) as store:
        (deployed,) = alerts(store, active.id, EventKind.ACTION)
        assert (deployed.actor, deployed.text) == (
            "git",
            f"deployed main: {sha} Add the missing orders index",
        )
        assert alerts(store, resolved.id, EventKind.ACTION) == []


def test_the_loop_following_a_log_file(
    tmp_path: Path, db_path: Path, clock: FrozenClock, env: dict[str, str]
) -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see when tail has the file open")
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("Checkout down", 1, commander="a", actor="a")
    log = tmp_path / "app.log"
    log.write_text("INFO before the loop started: not followed\n")
    script = readme_script("tail -n 0 -F").replace("/var/log/checkout/app.log", str(log))
    loop = subprocess.Popen(
        ["sh", "-c", script.replace("INC-7", incident.key)], env=env, start_new_session=True
    )
    try:
        wait_for(lambda: _session_has_open(loop.pid, log), "tail to open the log")
        with log.open("a") as out:
            out.write("INFO checkout ok\n")
            out.write("FATAL db pool exhausted (50/50)\n")
            out.write("--> FATAL: retry storm, a line that starts with a dash\n")
        with Store.open(str(db_path), clock) as store:
            wait_for(lambda: len(alerts(store, incident.id, EventKind.ALERT)) == 2, "2 alerts")
            texts = [(e.actor, e.text) for e in alerts(store, incident.id, EventKind.ALERT)]
        assert sorted(texts) == [
            ("checkout-log", "--> FATAL: retry storm, a line that starts with a dash"),
            ("checkout-log", "FATAL db pool exhausted (50/50)"),
        ]
    finally:
        os.killpg(loop.pid, signal.SIGTERM)
        loop.wait(timeout=10)


def test_the_alert_webhook_script(db_path: Path, clock: FrozenClock, env: dict[str, str]) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    with Store.open(str(db_path), clock) as store:
        incident = store.create_incident("Checkout down", 1, commander="a", actor="a")
    payload = {  # as Alertmanager sends it (version 4), trimmed to what the script reads
        "version": "4",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "CheckoutLatencyHigh", "severity": "page"},
                "annotations": {"summary": "p99 above 10s for 5 minutes"},
                "startsAt": "2024-03-15T14:20:03Z",
            },
            {
                "status": "resolved",
                "labels": {"alertname": "DbConnectionsSaturated"},
                "annotations": {},
                "startsAt": "2024-03-15T14:18:00Z",
            },
        ],
    }
    done = subprocess.run(
        ["sh", "-c", readme_script("alert-to-warroom")],
        input=json.dumps(payload),
        env={**env, "WARROOM_INCIDENT": incident.key},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    with Store.open(str(db_path), clock) as store:
        logged = alerts(store, incident.id, EventKind.ALERT)
    assert done.stdout.split() == [e.key for e in logged]
    assert [(e.actor, e.text) for e in logged] == [
        ("alertmanager", "FIRING: CheckoutLatencyHigh p99 above 10s for 5 minutes"),
        ("alertmanager", "RESOLVED: DbConnectionsSaturated"),
    ]


def wait_for(condition: object, what: str, within: float = 30.0) -> None:
    """Poll `condition()` until it holds; fail after `within` seconds."""
    assert callable(condition)
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def _session_has_open(session: int, path: Path) -> bool:
    """Whether a process of this session has `path` open (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # after the name: state, ppid, pgrp, session
                continue
            if any(os.readlink(fd) == str(path) for fd in (entry / "fd").iterdir()):
                return True
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile, or is not ours to look at
    return False


# ---- the command-line transcripts ---------------------------------------------------------------

TRANSCRIPT_START = datetime(2026, 11, 28, 5, 5, tzinfo=UTC)
LATER = re.compile(r"^# (\d+) (minutes?|hours?|days?) later$")


def readme_transcripts() -> list[list[str]]:
    """The README's ```console blocks, in order, a line each."""
    blocks = re.findall(r"^```console\n(.*?)^```$", README.read_text(), re.MULTILINE | re.DOTALL)
    return [block.splitlines() for block in blocks]


def test_the_command_line_transcripts_run_as_written(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FrozenClock(TRANSCRIPT_START)
    lines = [line for block in readme_transcripts() for line in block]
    assert lines, "no ```console blocks in the README"
    commands = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        later = LATER.match(line)
        if later:
            amount, unit = int(later.group(1)), later.group(2).rstrip("s")
            clock.advance(timedelta(**{f"{unit}s": amount}))
            continue
        assert line.startswith("$ warroom "), line
        expected = []
        while index < len(lines) and not lines[index].startswith(("$ ", "# ")):
            expected.append(lines[index])
            index += 1
        main(["--db", str(db_path), *shlex.split(line.removeprefix("$ warroom "))], clock=clock)
        out, err = capsys.readouterr()
        assert (out.splitlines(), err) == (expected, ""), line
        commands += 1
    assert commands >= 15
