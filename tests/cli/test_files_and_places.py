"""Where warroom keeps things, told straight: a database named but missing is a mistake to say,
not one to create; what is not a regular file is refused at once; directories warroom makes are
its owner's, whatever the umask; `config set` keeps the file as its owner wrote it."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.terminal import Terminal
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock


def run(*args: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(list(args), clock=clock)
    out, err = capsys.readouterr()
    assert out == "" or code == 0
    return code, err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- a database named but missing ----------------------------------------------------------


@pytest.mark.parametrize("named", ["--db", "WARROOM_DB"])
@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "--json"), ("log", "INC-1", "x"), ("export", "INC-1"), ("check", "INC-1")],
)
def test_a_named_database_that_does_not_exist_is_said_and_not_made(
    named: str,
    args: tuple[str, ...],
    tmp_path: Path,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = tmp_path / "incidnets.db"  # a typo in a script
    if named == "--db":
        args = ("--db", str(missing), *args)
    else:
        monkeypatch.setenv("WARROOM_DB", str(missing))
    code, err = run(*args, clock=clock, capsys=capsys)
    assert code == 2
    assert err == f"error: no warroom database at {missing}: new or import makes one\n"
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_before_its_first_use_lists_nothing_silently(
    isolated_environment: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"], clock=clock) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["list", "--json"], clock=clock) == 0
    assert capsys.readouterr().out == "[]\n"
    assert not (isolated_environment / "data").exists()


async def test_the_home_screen_on_a_named_missing_database_says_so(
    tmp_path: Path, isolated_environment: Path
) -> None:
    missing = tmp_path / "incidnets.db"
    argv = [sys.executable, "-m", "warroom", "--db", str(missing)]
    async with Terminal(argv, dict(os.environ), (400, 24)) as terminal:
        code = await terminal.wait(timeout=30)
        shown = terminal.screen.text()
    assert code == 2
    assert f"error: no warroom database at {missing}" in shown
    assert list(tmp_path.iterdir()) == []


# ---- what is not a regular file --------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("list",), ("log", "INC-1", "x"), ("new", "x", "--detach"), ("export", "INC-1")]
)
def test_a_fifo_as_the_database_is_refused_at_once(
    args: tuple[str, ...], tmp_path: Path, isolated_environment: Path
) -> None:
    fifo = tmp_path / "w.db"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(fifo), *args],
        capture_output=True,
        text=True,
        timeout=30,  # it used to wait for a writer forever
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: {fifo} is not a regular file (a FIFO, socket or device)\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_as_the_config_file_is_refused_at_once(isolated_environment: Path) -> None:
    config = isolated_environment / "config" / "warroom"
    config.mkdir(parents=True)
    os.mkfifo(config / "config.toml")
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "config", "get", "user.name"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "not a regular file" in done.stderr


def test_a_database_under_a_file_says_the_file_is_not_a_directory(
    tmp_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n")
    code, err = run("--db", str(notes / "w.db"), "new", "x", "--detach", clock=clock, capsys=capsys)
    assert code == 2
    assert err == f"error: cannot create {notes / 'w.db'}: {notes} is not a directory\n"
    assert notes.read_text() == "mine\n"


# ---- directories, whatever the umask -----------------------------------------------------------


@pytest.mark.parametrize("xdg", [True, False], ids=["XDG dirs set", "HOME only"])
def test_every_directory_warroom_makes_is_owner_only_under_umask_000(
    xdg: bool, isolated_environment: Path
) -> None:
    env = dict(os.environ)
    if not xdg:
        env.pop("XDG_DATA_HOME")
        env.pop("XDG_CONFIG_HOME")
    home = isolated_environment
    before = {path for path in home.rglob("*")}
    for args in (["new", "x", "--detach"], ["config", "set", "user.name", "Alice"]):
        done = subprocess.run(
            [sys.executable, "-m", "warroom", *args], env=env, capture_output=True, umask=0
        )
        assert done.returncode == 0, done.stderr
    made = sorted(path for path in home.rglob("*") if path not in before and path.is_dir())
    assert made  # data and config directories, and their missing parents
    assert {str(path.relative_to(home)): mode(path) for path in made} == {
        str(path.relative_to(home)): 0o700 for path in made
    }


# ---- config set -----------------------------------------------------------------------------

WRITTEN_BY_HAND = """\
# warroom settings for the payments on-call rota
[user]
name = "Bob Chen"   # as the team knows me

# Times as the team reads them.
[display]
timezone = "UTC"
"""


def test_config_set_keeps_the_files_comments_and_layout(
    isolated_environment: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_environment / "config" / "warroom" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(WRITTEN_BY_HAND)
    assert (
        run("config", "set", "display.timezone", "Europe/Berlin", clock=clock, capsys=capsys)[0]
        == 0
    )
    assert run("config", "set", "cadence.sev-1", "15m", clock=clock, capsys=capsys)[0] == 0
    assert path.read_text() == WRITTEN_BY_HAND.replace('"UTC"', '"Europe/Berlin"') + (
        '\n[cadence]\nsev-1 = "15m"\n'
    )
    assert mode(path) == 0o600


KEYS = {
    "user.name": ("Alice", "Bob", "Carol"),
    "display.theme": ("textual-dark", "textual-light", "nord"),
    "standup.time": ("09:00", "09:15", "09:45"),
    "cadence.sev-1": ("10m", "20m", "25m"),
    "cadence.sev-2": ("45m", "50m", "2h"),
    "cadence.sev-3": ("4h", "6h", "8h"),
}


def _set_many(key: str, values: tuple[str, ...], rounds: int) -> None:
    from warroom.config import set_value
    from warroom.paths import config_path

    for _ in range(rounds):
        for value in values:
            set_value(config_path(), key, value)


def test_concurrent_config_sets_on_different_keys_all_stay(isolated_environment: Path) -> None:
    """Each writer's last value stays: none is lost to another's read-modify-write."""
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_set_many, args=(key, v, 20)) for key, v in KEYS.items()]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    path = isolated_environment / "config" / "warroom" / "config.toml"
    stored = tomllib.loads(path.read_text())
    for key, values in KEYS.items():
        section, name = key.split(".")
        assert stored[section][name] == values[-1], key
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]
