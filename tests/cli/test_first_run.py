"""The first start of the full-screen app without a name in the config asks for it, once, so
that events do not say `root`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.conftest import T0
from tests.terminal import Terminal
from warroom.config import load_config
from warroom.domain.clock import FrozenClock
from warroom.paths import config_path
from warroom.store import Store


def declared(db: Path) -> None:
    with Store.open(str(db), FrozenClock(T0)) as store:
        store.create_incident("Checkout down", 1, commander="root", actor="root")


async def test_the_first_start_asks_the_name_and_keeps_it(
    tmp_path: Path, isolated_environment: Path
) -> None:
    db = tmp_path / "w.db"
    declared(db)
    argv = [sys.executable, "-m", "warroom", "--db", str(db), "open", "INC-1"]
    env = {**os.environ, "USER": "root", "LOGNAME": "root"}
    async with Terminal(argv, env, (100, 30), first_run=True) as terminal:
        await terminal.wait_for_text("your name", timeout=30)
        assert "[root]" in terminal.screen.text()
        terminal.type("Bob Chen\r")
        await terminal.wait_for_text("SEV-1", timeout=30)
        terminal.type("l")
        terminal.type("db cpu 95%\r")
        await terminal.wait_for(  # its row in the timeline, by Bob Chen: saved
            lambda: any(
                "db cpu 95%" in line and "Bob Chen" in line for line in terminal.screen.lines
            ),
            "the row",
            30,
        )
        terminal.type("\x1b")
        await terminal.wait_for_text("Quit", timeout=30)
        terminal.type("q")
        await terminal.wait(timeout=30)
    assert load_config(config_path()).user == "Bob Chen"
    with Store.open(str(db), FrozenClock(T0)) as store:
        logged = [event for event in store.iter_events(1) if event.text == "db cpu 95%"]
        assert [event.actor for event in logged] == ["Bob Chen"]
    # Asked once: the next start goes straight to the war room.
    async with Terminal(argv, env, (100, 30), first_run=True) as terminal:
        await terminal.wait_for_text("SEV-1", timeout=30)
        assert "your name" not in terminal.screen.text()
        terminal.type("q")
        await terminal.wait(timeout=30)


async def test_enter_keeps_the_login_name_and_is_not_asked_again(
    tmp_path: Path, isolated_environment: Path
) -> None:
    db = tmp_path / "w.db"
    declared(db)
    argv = [sys.executable, "-m", "warroom", "--db", str(db), "open", "INC-1"]
    async with Terminal(argv, dict(os.environ), (100, 30), first_run=True) as terminal:
        await terminal.wait_for_text("your name", timeout=30)
        terminal.type("\r")
        await terminal.wait_for_text("SEV-1", timeout=30)
        terminal.type("q")
        await terminal.wait(timeout=30)
    assert 'name = "tester"' in config_path().read_text()
