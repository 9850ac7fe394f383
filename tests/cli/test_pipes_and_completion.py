"""The command line as long-running processes and shells use it: `log ID -` on a pipe that
stays open, `timeline --follow`, shell completion generated from the parser, and help that
describes every argument."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import selectors
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Database
from warroom.cli.main import main
from warroom.cli.parser import Handler, build_parser
from warroom.domain.clock import SystemClock
from warroom.domain.model import EventKind
from warroom.store import Store

# A line from a process we wait on: generous, for a loaded 2-core machine. A test that passes
# never waits this long.
LINE_TIMEOUT = 30.0


def read_line(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(LINE_TIMEOUT):
            raise AssertionError("no line within the timeout")
    return process.stdout.readline().decode()


@pytest.fixture
def declared(database: Database, capsys: pytest.CaptureFixture[str]) -> Database:
    assert main(["--db", database.location, "new", "Checkout down", "--detach"]) == 0
    capsys.readouterr()
    return database


@pytest.fixture
def env(declared: Database) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": declared.location}


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_log_from_a_pipe_saves_each_line_before_reading_the_next(
    declared: Database, env: dict[str, str], spawned: list[subprocess.Popen[bytes]]
) -> None:
    """The writer waits for each id before sending the next line: the pipe stays open, as
    `tail -F app.log | warroom log INC-1 -` does for days."""
    process = subprocess.Popen(
        [sys.executable, "-m", "warroom", "log", "--kind", "alert", "INC-1", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    spawned.append(process)
    assert process.stdin is not None
    ids = []
    for line in ("FATAL: pool exhausted", "", "FATAL: \x1b[31mred\x1b[0m", "FATAL: \xff bytes"):
        process.stdin.write(line.encode("utf-8", "surrogateescape") + b"\n")
        process.stdin.flush()
        if line:
            ids.append(read_line(process).strip())
            with Store.open(declared.location, SystemClock()) as store:  # saved already
                assert store.get_event(int(ids[-1].removeprefix("EV-"))).text.startswith("FATAL")
    process.stdin.write(b"\xff\xfe not utf-8\n")
    process.stdin.close()
    ids.append(read_line(process).strip())
    assert process.wait(LINE_TIMEOUT) == 0
    assert ids == ["EV-2", "EV-3", "EV-4", "EV-5"]
    with Store.open(declared.location, SystemClock()) as store:
        texts = [event.text for event in store.iter_events(1)][1:]
    assert texts == [
        "FATAL: pool exhausted",
        "FATAL: \x1b[31mred\x1b[0m",
        "FATAL: \xff bytes",
        "\\xff\\xfe not utf-8",  # not lost: shown as the bytes it was
    ]


def test_timeline_follow_prints_what_others_log(
    declared: Database, env: dict[str, str], spawned: list[subprocess.Popen[bytes]]
) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "warroom",
            "timeline",
            "INC-1",
            "--follow",
            "--json",
            "--kind",
            "alert",
        ],
        env=env,
        stdout=subprocess.PIPE,
    )
    spawned.append(process)
    with Store.open(declared.location, SystemClock()) as store:
        store.log_event(1, "a note, not followed", actor="ann")
        store.log_event(1, "p99 > 10s", actor="monitoring", kind=EventKind.ALERT)
    followed = json.loads(read_line(process))
    assert (followed["event"], followed["actor"], followed["kind"]) == (
        "p99 > 10s",
        "monitoring",
        "alert",
    )


# ---- completion -------------------------------------------------------------------------------


def test_bash_completion_completes_commands_and_incident_ids(
    env: dict[str, str], tmp_path: Path
) -> None:
    script = tmp_path / "warroom.bash"
    with script.open("w") as handle:
        assert (
            subprocess.run(
                [sys.executable, "-m", "warroom", "completion", "bash"], env=env, stdout=handle
            ).returncode
            == 0
        )
    # `warroom` on PATH, as an installed one is: the completion asks it for the ids.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "warroom").write_text(f'#!/bin/sh\nexec {sys.executable} -m warroom "$@"\n')
    (bin_dir / "warroom").chmod(0o755)
    probe = f"""
        source {script}
        complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ));
            COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=();
            _shtab_warroom; echo "${{COMPREPLY[*]}}"; }}
        complete_words warroom ac
        complete_words warroom show ""
        complete_words warroom action ""
        complete_words warroom log --k
    """
    done = subprocess.run(
        ["bash", "-c", probe],
        env={**env, "PATH": f"{bin_dir}:{env['PATH']}"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ack action", "INC-1", "add list move", "--kind"]


@pytest.mark.parametrize(
    ("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])]
)
def test_zsh_and_fish_completion_scripts_are_valid(
    shell: str, check: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    if shutil.which(check[0]) is None:
        pytest.skip(f"{shell} is not installed here (CI installs it)")
    script = tmp_path / f"warroom.{shell}"
    script.write_text(
        subprocess.run(
            [sys.executable, "-m", "warroom", "completion", shell],
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    for command in ("ack", "timeline", "completion"):
        assert command in script.read_text()
    done = subprocess.run([*check, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---- help ---------------------------------------------------------------------------------------


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def test_help_describes_every_argument_of_every_command() -> None:
    undescribed = [
        f"{' '.join(path)} {action.dest}"
        for path, sub in _commands(build_parser())
        for action in sub._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and not action.help
    ]
    assert undescribed == []
    names = {" ".join(path) for path, _ in _commands(build_parser())}
    assert {
        "ack",
        "step",
        "role",
        "update",
        "action add",
        "action list",
        "action move",
        "timeline",
        "show",
        "completion",
    } <= names


def test_every_command_names_a_handler_that_exists() -> None:
    missing = []
    for path, sub in _commands(build_parser()):
        handler = sub.get_default("handler")
        if isinstance(handler, Handler):
            module = importlib.import_module(f"warroom.cli.{handler.module}")
            if not callable(getattr(module, handler.function, None)):
                missing.append(" ".join(path))
    assert missing == []


def test_running_one_command_loads_no_other_commands_module() -> None:
    code = (
        "import sys\n"
        "from warroom.cli.main import main\n"
        "main(['--db', sys.argv[1], 'log', 'INC-1', 'x'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('warroom.cli.commands.',"
        " 'warroom.cli.launch'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "/nonexistent/warroom.db"], capture_output=True, text=True
    )
    assert "no warroom database" in result.stderr
    assert result.stdout.strip() == "['warroom.cli.commands.timeline']"
