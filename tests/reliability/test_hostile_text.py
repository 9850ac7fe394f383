"""User text is data. Titles, event text and actors that try to act on a terminal (markup,
ANSI and OSC sequences, bidi overrides, NUL bytes), or are merely large or unusual (1 MB, wide
CJK, emoji, combining marks): stored exactly as given, shown escaped by every command."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.store import Store

HOSTILE = {
    "rich markup": "[bold red]PWNED[/bold red] [link=https://evil.example]click[/link]",
    "textual markup": "[@click=app.quit]quit[/] $variable [b]",
    "ansi clear screen": "before\x1b[2J\x1b[Hafter",
    "ansi colours": "\x1b[31mred\x1b[0m \x1b[1;5mblink\x1b[m",
    "osc 52 clipboard": "copy \x1b]52;c;cm0gLXJmIH4K\x07 this",
    "osc title": "\x1b]0;root@prod\x1b\\ \x1b]2;title\x07",
    "osc hyperlink": "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "c1 controls": "\x9b31m CSI \x9d0;t\x9c OSC \x85 NEL",
    "bidi override": "invoice \u202efdp.exe\u202c and \u2067isolate\u2069",
    "cursor and bell": "\r\x08\x08\x07\x7f overwrite",
    "newlines and tabs": "first line\nsecond\tline\r\nthird",
    "wide cjk": "数据库故障 データベース障害 데이터베이스",
    "emoji": "🔥👩‍💻🏳️‍🌈 ✅",
    "combining marks": "Z̷̢̛a̵͈͑l̶̡̓g̸̱̈o̴̖͝ e\u0301",
    "html and markdown": "<script>alert(1)</script> | cell | **bold** `code`",
    "sql": "'); DROP TABLE event; --",
}
ARGV_SAFE = {name: text for name, text in HOSTILE.items() if "\x00" not in text}

# What must never reach a terminal: C0 and C1 controls (but the line ending) and bidi controls.
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def dangerous(output: str) -> list[str]:
    return [
        repr(char)
        for char in output
        if (char != "\n" and unicodedata.category(char) == "Cc") or char in BIDI
    ]


def warroom(db: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), *args], capture_output=True
    )


def test_hostile_text_through_the_installed_command(tmp_path: Path, clock: FrozenClock) -> None:
    """All of it at once, through real processes: a title, an event, an actor, the listings."""
    db = tmp_path / "w.db"
    text = " ".join(ARGV_SAFE.values())
    created = warroom(db, "new", text, "--commander", HOSTILE["osc title"], "--detach")
    assert created.returncode == 0, created.stderr
    logged = warroom(db, "log", "INC-1", text, "--actor", HOSTILE["bidi override"])
    assert logged.returncode == 0, logged.stderr
    plain, as_json = warroom(db, "list"), warroom(db, "list", "--json")
    assert (plain.returncode, as_json.returncode) == (0, 0)
    assert dangerous(plain.stdout.decode()) == []
    assert plain.stdout.decode().count("\n") == 1
    assert dangerous(as_json.stdout.decode()) == []
    (listed,) = json.loads(as_json.stdout)
    assert (listed["title"], listed["commander"]) == (text, HOSTILE["osc title"])
    with Store.open(str(db), clock) as store:
        event = store.get_event(int(logged.stdout.decode().strip()[3:]))
    assert (event.text, event.actor) == (text, HOSTILE["bidi override"])


@pytest.mark.parametrize("name", HOSTILE)
def test_stored_exactly_and_shown_escaped(
    name: str, db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HOSTILE[name]

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args], clock=clock)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("new", text, "--commander", text, "--detach")
    assert code == 0
    assert dangerous(out) == []
    code, out, _ = run("log", "INC-1", text, "--actor", text, "--kind", "decision")
    assert code == 0
    event_id = int(out.strip()[3:])

    with Store.open(str(db_path), clock) as store:
        incident = store.get_incident(1)
        event = store.get_event(event_id)
    assert (incident.title, incident.commander) == (text.strip(), text.strip())
    assert (event.text, event.actor) == (text.strip(), text.strip())

    code, out, err = run("list")
    assert (code, err) == (0, "")
    assert dangerous(out) == []
    assert out.count("\n") == 1  # one incident, one line, whatever its title holds
    code, out, _ = run("list", "--json")
    assert dangerous(out) == []
    assert json.loads(out)[0]["title"] == text.strip()
    assert json.loads(out)[0]["commander"] == text.strip()


@pytest.mark.parametrize("name", HOSTILE)
def test_error_lines_show_hostile_input_escaped(
    name: str, db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HOSTILE[name]
    assert main(["--db", str(db_path), "new", "x", "--detach"], clock=clock) == 0
    capsys.readouterr()
    for args in (
        ["log", text, "x"],
        ["log", "INC-1", "x", "--kind", text],
        ["log", "INC-1", "x", "--at", text],
        ["severity", "INC-1", text],
        ["config", "get", text],
        ["config", "set", "display.timezone", text],
        [text],
    ):
        code = main(["--db", str(db_path), *args], clock=clock)
        out, err = capsys.readouterr()
        assert (code, out) == (2, ""), args
        assert err.startswith("error: ")
        assert err.count("\n") == 1, err
        assert dangerous(err) == [], args


def test_markup_in_config_values_is_printed_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "set", "user.name", HOSTILE["osc title"]]) == 0
    assert main(["config", "get", "user.name"]) == 0
    out = capsys.readouterr().out
    assert dangerous(out) == []
    assert "\\x1b]0;root@prod" in out


def test_nul_bytes_are_refused_and_nothing_written(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostgreSQL cannot keep a NUL in text; rather than keep it on SQLite only, or store
    something other than was typed, every database refuses it with a clear line. (A NUL cannot
    be passed in a process's arguments; through `main`, or the app, it can.)"""
    text = "before\x00after\x00"
    assert main(["--db", str(db_path), "new", "ok", "--detach"], clock=clock) == 0
    capsys.readouterr()
    for args in (
        ["new", text, "--detach"],
        ["log", "INC-1", text],
        ["log", "INC-1", "ok", "--actor", text],
    ):
        assert main(["--db", str(db_path), *args], clock=clock) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert "contains a NUL character (\\x00), which cannot be stored" in err
        assert dangerous(err) == []
    with Store.open(str(db_path), clock) as store:
        assert len(store.list_incidents()) == 1
        assert store.count_events(1) == 1


def test_a_megabyte_of_text(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ("🔥 log line with 数据 and \x1b[31m " * 30_000)[: 1 << 20]
    assert main(["--db", str(db_path), "new", text, "--detach"], clock=clock) == 0
    assert main(["--db", str(db_path), "log", "INC-1", text], clock=clock) == 0
    out = capsys.readouterr().out
    with Store.open(str(db_path), clock) as store:
        assert store.get_event(int(out.splitlines()[-1][3:])).text == text.strip()
    assert main(["--db", str(db_path), "list", "--json"], clock=clock) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == text.strip()


def test_largest_argument_the_kernel_passes(db_path: Path, clock: FrozenClock) -> None:
    """Linux caps one argument at 128 KiB: just under it, through a real process."""
    with Store.open(str(db_path), clock) as store:
        store.create_incident("big", 2, commander="a", actor="a")
    text = "x" * (128 * 1024 - 1)
    logged = warroom(db_path, "log", "INC-1", text)
    assert logged.returncode == 0
    with Store.open(str(db_path), clock) as store:
        assert store.get_event(int(logged.stdout.decode().strip()[3:])).text == text


UNDECODABLE = "error: {what} is not valid UTF-8: check the terminal's encoding\n"


def test_undecodable_arguments_are_refused(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes that are not UTF-8 (a terminal in another encoding) reach Python as lone
    surrogates: refused, nothing written."""
    with Store.open(str(db_path), clock) as store:
        store.create_incident("x", 2, commander="a", actor="a")
    before = db_path.read_bytes()
    result = warroom(db_path, b"log", b"INC-1", b"caf\xe9")  # a real process decodes argv
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == UNDECODABLE.format(what="the event text")
    for args, what in (
        (["log", "INC-1", "x", "--actor", "\udcff"], "the actor"),
        (["new", "\udcc3(", "--detach"], "the title"),
        (["new", "x", "--commander", "\udcc3", "--detach"], "the commander"),
    ):
        assert main(["--db", str(db_path), *args], clock=clock) == 2
        assert capsys.readouterr() == ("", UNDECODABLE.format(what=what))
    assert db_path.read_bytes() == before
