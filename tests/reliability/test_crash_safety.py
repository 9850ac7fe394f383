"""Nothing acknowledged is ever lost: real warroom processes, several at once on one database,
killed with SIGKILL at random moments (while logging, while creating the database, while
migrating an old one, while a person types in the war room). Afterwards every event whose id
was printed, or whose text the war room showed in its timeline, is there with its exact text,
nothing is half-written, the file passes PRAGMA integrity_check, and the next warroom opens it.

The default run takes a few seconds; `pytest --soak` runs each scenario for --soak-seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

import pytest

from tests.reliability import dbcheck
from tests.reliability.harness import (
    Budget,
    CliJob,
    ForkedCliJob,
    Job,
    Lifetimes,
    Outcome,
    Report,
    run_campaign,
    run_to_end,
    warroom,
)
from tests.reliability.old_schema import OLD_EVENTS, make_old_database
from tests.reliability.tui import TuiJob
from warroom.domain.clock import SystemClock
from warroom.store import Store
from warroom.store.engine import HEAD, REVISIONS

# Text that has broken programs before: escapes, markup, SQL, scripts that run right to left.
PIECES = [
    "db cpu 95%",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07",
    "[bold]markup[/bold]",
    "日本語のログ",
    "👩‍💻🔥",
    "e\u0301",
    "\u202eevil",
    "two\nlines",
    "'; DROP TABLE event; --",
    "<script>alert(1)</script>",
]


pytestmark = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="the harness waits on processes through pidfds (Linux)"
)


def text_for(number: int, rng: Random) -> str:
    return f"#{number} " + " ".join(rng.sample(PIECES, 3))


@dataclass(frozen=True)
class Budgets:
    logging: Budget
    creating: Budget
    migrating: Budget
    typing: Budget  # the full-screen app
    exec_in_rounds: bool  # a real `python -m warroom` in every 4th round of creating/migrating


@pytest.fixture(
    params=[pytest.param("quick"), pytest.param("soak", marks=pytest.mark.soak)],
)
def budgets(request: pytest.FixtureRequest) -> Budgets:
    if request.param == "quick":
        return Budgets(
            logging=Budget(seconds=2.0, processes=1000),
            creating=Budget(seconds=2.0, processes=1000),
            migrating=Budget(seconds=1.5, processes=1000),
            typing=Budget(seconds=5.0, processes=1000),
            exec_in_rounds=False,
        )
    seconds = request.config.getoption("--soak-seconds")
    many = 10_000_000
    soak = Budget(seconds, many)
    return Budgets(soak, soak, soak, soak, exec_in_rounds=True)


def check_campaign(report: Report) -> None:
    """What every campaign must show: processes that were not killed succeeded (whatever the
    killed ones left behind), and the test did kill some."""
    assert report.failures() == [], report.summary()
    assert report.killed, f"nothing was killed: {report.summary()}"


def job(db: Path, args: list[str], text: str, env: dict[str, str], *, real: bool) -> Job:
    """A real `python -m warroom` process, or one forked at `main` (see the harness)."""
    if real:
        return CliJob(warroom(db, *args), text, env)
    return ForkedCliJob(["--db", str(db), *args], text)


def run(db: Path, *args: str) -> Outcome:
    """The next warroom, after the kills: it must work."""
    return run_to_end(ForkedCliJob(["--db", str(db), *args], ""))


# ---- logging --------------------------------------------------------------------------------


def test_killed_loggers_lose_nothing_they_acknowledged(
    tmp_path: Path, rng: Random, budgets: Budgets, env: dict[str, str], tell: Callable[[str], None]
) -> None:
    db = tmp_path / "w.db"
    with Store.open(str(db), SystemClock()) as store:
        incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")

    def logger(number: int, job_rng: Random, slot: int) -> Job:
        text = text_for(number, job_rng)
        args = ["log", incident.key, text, "--actor", f"responder {slot}"]
        return job(db, args, text, env, real=slot == 0)

    report = run_campaign(logger, rng, budget=budgets.logging, concurrency=3)
    tell(report.summary())
    check_campaign(report)
    assert report.acks, report.summary()

    contents = dbcheck.read(db)
    assert contents.sound, contents.integrity
    assert contents.events_without_change == []  # an event and its change row: both or neither
    for ack in report.acks:
        event_id = int(ack.key.removeprefix("EV-"))
        assert event_id in contents.events, f"{ack.key} was acknowledged, then lost"
        assert contents.events[event_id][1] == ack.text
    logged = [text for (_incident, text, _actor) in contents.events.values()]
    asked = {job.text for job, _ in report.runs}
    assert all(logged.count(text) == 1 for text in asked if text in logged)
    assert set(logged) - asked == {logged[0]}  # nothing else but the declaration

    after = run(db, "log", incident.key, "after the storm")
    assert (after.returncode, after.stderr) == (0, "")


# ---- creating the database ------------------------------------------------------------------

KILL_CAP = 6  # at most this many budgets' time, waiting for a round with a kill in it


def _killed_any(rounds: list[Report], cap: float) -> bool:
    return any(report.killed for report in rounds) or time.monotonic() > cap


def test_killed_while_creating_the_database(
    tmp_path: Path, rng: Random, budgets: Budgets, env: dict[str, str], tell: Callable[[str], None]
) -> None:
    lifetimes: Lifetimes = {}
    deadline = time.monotonic() + budgets.creating.seconds
    rounds = []
    # On a loaded machine a short budget can pass without a kill landing inside a process's
    # life: go on until one has, within a cap.
    cap = time.monotonic() + KILL_CAP * budgets.creating.seconds
    while time.monotonic() < deadline or not rounds or not _killed_any(rounds, cap):
        directory = tmp_path / f"round-{len(rounds)}"
        directory.mkdir()
        db = directory / "w.db"

        def creator(number: int, job_rng: Random, slot: int, db: Path = db) -> Job:
            text = text_for(number, job_rng)
            args = ["new", text, "--severity", "2", "--detach"]
            real = budgets.exec_in_rounds and slot == 0 and len(rounds) % 4 == 0
            return job(db, args, text, env, real=real)

        report = run_campaign(
            creator,
            rng,
            budget=Budget(seconds=budgets.creating.seconds, processes=3),
            concurrency=3,
            lifetimes=lifetimes,
        )
        rounds.append(report)
        assert report.failures() == [], report.summary()

        # The next warroom opens whatever the killed ones left, and finds all they acknowledged.
        listed = run(db, "list", "--json")
        if listed.returncode == 2 and "no warroom database at" in listed.stderr:
            titles = {}  # every creator was killed before its tables were made: none said so
        else:
            assert (listed.returncode, listed.stderr) == (0, ""), report.summary()
            titles = {item["id"]: item["title"] for item in json.loads(listed.stdout)}
        for ack in report.acks:
            assert titles.get(ack.key) == ack.text, f"{ack.key} was acknowledged, then lost"
        if db.exists():
            contents = dbcheck.read(db)
            assert contents.sound, contents.integrity
            # Killed before its first transaction committed, a creator leaves an empty
            # database (no tables: nothing was acknowledged); the next warroom sets it up.
            assert contents.schema in (None, HEAD)
            if contents.schema is None:
                assert contents.incidents == {}
                finished = run(db, "new", "after the crash", "--detach")
                assert (finished.returncode, finished.stderr) == (0, "")
                assert dbcheck.read(db).schema == HEAD
            assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert sorted(p.name for p in directory.iterdir()) in ([], ["w.db"])
    tell(f"{len(rounds)} rounds; " + Report([run for r in rounds for run in r.runs]).summary())
    assert any(report.killed for report in rounds)


# ---- migrating an old database --------------------------------------------------------------


def test_killed_while_migrating_an_old_database(
    tmp_path: Path, rng: Random, budgets: Budgets, env: dict[str, str], tell: Callable[[str], None]
) -> None:
    template = tmp_path / "old.db"
    make_old_database(template)
    backup_name = f"w.db.schema-{REVISIONS[0]}.bak"

    lifetimes: Lifetimes = {}

    deadline = time.monotonic() + budgets.migrating.seconds
    rounds = []
    # On a loaded machine a short budget can pass without a kill landing inside a process's
    # life: go on until one has, within a cap.
    cap = time.monotonic() + KILL_CAP * budgets.migrating.seconds
    while time.monotonic() < deadline or not rounds or not _killed_any(rounds, cap):
        directory = tmp_path / f"round-{len(rounds)}"
        directory.mkdir()
        db = directory / "w.db"
        shutil.copy(template, db)

        def logger(number: int, job_rng: Random, slot: int, db: Path = db) -> Job:
            text = text_for(number, job_rng)
            args = ["log", "INC-1", text]
            real = budgets.exec_in_rounds and slot == 0 and len(rounds) % 4 == 0
            return job(db, args, text, env, real=real)

        report = run_campaign(
            logger,
            rng,
            budget=Budget(seconds=budgets.migrating.seconds, processes=3),
            concurrency=3,
            lifetimes=lifetimes,
        )
        rounds.append(report)
        assert report.failures() == [], report.summary()

        # The database opens, at the new schema, with the old rows and every acknowledged one.
        listed = run(db, "list", "--json")
        assert (listed.returncode, listed.stderr) == (0, ""), report.summary()
        assert json.loads(listed.stdout)[0]["title"] == "Checkout down"
        contents = dbcheck.read(db)
        assert contents.sound, contents.integrity
        assert contents.schema == HEAD
        assert {key: contents.events[key] for key in OLD_EVENTS} == OLD_EVENTS
        for ack in report.acks:
            assert contents.events[int(ack.key.removeprefix("EV-"))][1] == ack.text

        # The backup taken before migrating is whole: the old schema and every old row.
        backup = directory / backup_name
        assert backup.exists(), "migrated without a backup"
        old = dbcheck.read(backup)
        assert old.sound, old.integrity
        assert (old.schema, old.events) == (REVISIONS[0], OLD_EVENTS)
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        # Nothing else is left behind: no partial backup, no journal of a killed process.
        assert sorted(p.name for p in directory.iterdir()) == sorted(["w.db", backup_name])
    tell(f"{len(rounds)} rounds; " + Report([run for r in rounds for run in r.runs]).summary())
    assert any(report.killed for report in rounds)


# ---- typing in the war room -----------------------------------------------------------------

# What a person can type (no escapes: a terminal sends those as keys), markup that must stay
# text (one would quit the app if it were obeyed), wide and combined characters.
TYPED = [
    "db cpu 95%",
    "[bold]markup[/bold]",
    "[@click=app.quit]q[/]",
    "[link=https://evil.example]x[/link]",
    "日本語のログ",
    "👩‍💻🔥",
    "e\u0301",
    "'; DROP TABLE event; --",
    "<script>alert(1)</script>",
    "$var \\ back",
]
LINES_PER_WAR_ROOM = 5


def test_killed_war_rooms_lose_nothing_they_showed(
    tmp_path: Path, rng: Random, budgets: Budgets, env: dict[str, str], tell: Callable[[str], None]
) -> None:
    """The real app on a pseudo-terminal, two at once, typing events and killed at random
    moments: an event is acknowledged once the war room shows it in its timeline."""
    db = tmp_path / "w.db"
    with Store.open(str(db), SystemClock()) as store:
        incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")

    def war_room(lines: list[str]) -> TuiJob:
        argv = warroom(db, "open", incident.key)
        return TuiJob(argv, lines, env, actor="tester", ready=incident.key)

    def lines(number: int, job_rng: Random) -> list[str]:
        return [
            f"#{number}.{line} " + " ".join(job_rng.sample(TYPED, 2))
            for line in range(LINES_PER_WAR_ROOM)
        ]

    def typist(number: int, job_rng: Random, slot: int) -> Job:
        return war_room(lines(number, job_rng))

    # Two war rooms typed to the end first, side by side as in the campaign: the harness
    # learns how long one lives (start-up, the store opening behind the first screen, typing,
    # quitting) and kills all the others, most of them while typing and saving.
    first = [war_room(lines(-number, rng)) for number in (1, 2)]

    async def side_by_side() -> list[Outcome]:
        return list(await asyncio.gather(*(job.run(None) for job in first)))

    wholes = asyncio.run(side_by_side())
    for whole in wholes:
        assert (whole.returncode, whole.stderr) == (0, ""), whole.stdout
        assert len(whole.acks) == LINES_PER_WAR_ROOM
    lifetimes: Lifetimes = {"tui": [whole.elapsed for whole in wholes]}
    report = run_campaign(typist, rng, budget=budgets.typing, concurrency=2, lifetimes=lifetimes)
    report.runs[:0] = list(zip(first, wholes, strict=True))
    tell(report.summary())
    check_campaign(report)
    assert report.acks, report.summary()

    contents = dbcheck.read(db)
    assert contents.sound, contents.integrity
    assert contents.events_without_change == []
    logged = [text for (_incident, text, actor) in contents.events.values() if actor == "tester"]
    for ack in report.acks:
        assert ack.text in logged, f"{ack.text!r} was shown in the timeline, then lost"
    typed = {line for job, _ in report.runs for line in job.text.split("\n")}
    assert set(logged) <= typed  # nothing but what was typed
    assert len(logged) == len(set(logged))  # each once

    after = run_to_end(war_room(["after the storm"]))  # the next war room opens and works
    assert (after.returncode, after.stderr) == (0, ""), after.stdout
    assert [ack.text for ack in after.acks] == ["after the storm"]
