"""Each speed mechanism's row, with it and without it (apps/warroom_variant.py undoes one)."""

from __future__ import annotations

from pathlib import Path

import terminal_rows
from fixtures import copy_to
from harness import Row, paired_ratio, shown
from terminal_rows import percentiles, warroom


def rows(
    work: Path,
    env: dict[str, str],
    empty: Path,
    many: tuple[Path, int],
    repeat: int,
    samples: int,
) -> list[Row]:
    """`many`: the database of many incidents, and how many (the newest is listed first)."""
    found: list[Row] = []
    for mechanism in ("preview", "gc-pacing", "styled-once"):
        with_it, without = terminal_rows.startup_without(work, env, empty, repeat, mechanism)
        ratio = paired_ratio([r.wall for r in without], [r.wall for r in with_it])
        found.append(
            Row(
                f"start-up without {mechanism}",
                f"{shown(without)} vs {shown(with_it)} with it: {ratio:.2f}x paired",
                "",
                "-",
            )
        )
    for mechanism in ("preview", "rest-later", "styled-once"):
        with_it, without = terminal_rows.startup_without(
            work, env, empty, repeat, mechanism, editor=True
        )
        ratio = paired_ratio([r.wall for r in without], [r.wall for r in with_it])
        found.append(
            Row(
                f"post-mortem editor start-up without {mechanism}",
                f"{shown(without)} vs {shown(with_it)} with it: {ratio:.2f}x paired",
                "",
                "-",
            )
        )
    database, incidents = many
    marker = f"incident {incidents}".encode()
    runs = terminal_rows.in_turns(
        {
            "with": (warroom("--db", str(database)), marker),
            "without": (warroom("--db", str(database), without="screenful-first"), marker),
        },
        env,
        work,
        repeat,
    )
    ratio = paired_ratio([r.wall for r in runs["without"]], [r.wall for r in runs["with"]])
    found.append(
        Row(
            f"home screen with {incidents:,} incidents without screenful-first",
            f"{shown(runs['without'])} vs {shown(runs['with'])} with it: {ratio:.2f}x paired",
            "",
            "-",
        )
    )
    for mechanism in ("preview", "quick-log"):
        with_it, without = terminal_rows.first_line(work, env, empty, repeat, without=mechanism)
        ratio = paired_ratio([r.wall for r in without], [r.wall for r in with_it])
        found.append(
            Row(
                f"first line without {mechanism}",
                f"{shown(without)} vs {shown(with_it)} with it: {ratio:.2f}x paired",
                "",
                "-",
            )
        )
    apps = {"with": warroom("--db", str(copy_to(empty, work / "m-with.db")), "open", "INC-1")}
    for mechanism in ("gc-pacing", "clock-hold"):
        copy = copy_to(empty, work / f"m-{mechanism}.db")
        apps[mechanism] = warroom("--db", str(copy), "open", "INC-1", without=mechanism)
    timings = terminal_rows.keystrokes(work, env, apps, samples)
    p50, p99 = percentiles(timings["with"])
    for mechanism in ("gc-pacing", "clock-hold"):
        their50, their99 = percentiles(timings[mechanism])
        found.append(
            Row(
                f"keystroke, 0 events, without {mechanism}",
                f"p50 {their50:.1f} ms, p99 {their99:.1f} ms vs with it p50 {p50:.1f} ms, "
                f"p99 {p99:.1f} ms ({samples} lines each, side by side)",
                "",
                "-",
            )
        )
    return found
