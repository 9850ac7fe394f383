"""warroom's speed and memory targets, each measured side by side with a baseline in one run.

    python benchmarks/run.py [--json] [--only GROUP ...] [--events 100000] [--repeat 9]

Machines are noisy, so every target is a ratio to something measured in the same run, in turns
and paired (or an absolute budget where the target is one). Verdicts are on what a person waits
for, wall-clock time from launch or key to the screen, with CPU time beside it. The table is
printed by default; `--json` prints the rows alone, as a JSON array of {"target", "measured",
"limit", "verdict"} (verdict: pass, short, missing when this build lacks the command, "-" for a
figure with no target). Progress goes to standard error. The databases are made by
fixtures.py and kept between runs; the baseline programs are in apps/.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import fixtures
import process_rows
import serve_rows
import terminal_rows
from harness import PYTHON, Row, compared

GROUPS = ("startup", "first-line", "keystroke", "log", "export", "across", "serve", "blameless")
# Not a target: each speed mechanism's row with and without it (README, "Performance").
EXTRA = ("mechanisms",)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="the rows alone, as JSON")
    parser.add_argument("--events", type=int, default=100_000, help="of the big incident")
    parser.add_argument("--incidents", type=int, default=10_000, help="of the many-incident db")
    parser.add_argument("--many-events", type=int, default=1_000_000, help="over them all")
    parser.add_argument("--alerts", type=int, default=10_000, help="posted to warroom serve")
    # Nine pairs, not five: with five, the start-up rows' verdicts flipped between runs of the
    # same build (a pair's ratio ranges over 1.05-1.8x for the editor on a quiet machine).
    parser.add_argument("--repeat", type=int, default=9, help="runs of each side of a ratio")
    parser.add_argument("--samples", type=int, default=200, help="lines typed per keystroke app")
    parser.add_argument("--fresh", action="store_true", help="make the databases again")
    parser.add_argument(
        "--only", choices=GROUPS + EXTRA, action="append", help="only these groups (repeatable)"
    )
    args = parser.parse_args()
    groups = args.only or list(GROUPS)
    # warroom as installed: a regular install compiles its bytecode, while an editable one
    # would compile every changed module again on every run.
    import warroom

    compileall.compile_dir(Path(warroom.__file__).parent, quiet=1)
    compileall.compile_dir(Path(__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="warroom-bench-") as directory:
        work = Path(directory)
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
            "TZ": "UTC",
        }
        env.pop("WARROOM_DB", None)
        env.pop("NO_COLOR", None)
        name = terminal_rows.ACTOR
        subprocess.run(
            [PYTHON, "-m", "warroom", "config", "set", "user.name", name], env=env, check=True
        )
        rows = run_groups(groups, args, work, env)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1))
    else:
        print_table(rows)
    return 0 if all(row.verdict in ("pass", "-") for row in rows) else 1


def database(name: str, sizes: tuple[int, ...], fresh: bool) -> Path:
    path, there = fixtures.cached(name, sizes, fresh)
    if not there:
        started = time.perf_counter()
        if name == "one":
            fixtures.one_incident(path, *sizes)
        else:
            fixtures.many_incidents(path, *sizes)
        say(f"made {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def run_groups(
    groups: list[str], args: argparse.Namespace, work: Path, env: dict[str, str]
) -> list[Row]:
    empty = fixtures.copy_to(database("one", (0,), args.fresh), work / "empty.db")
    needs_big = {"startup", "keystroke", "export"} & set(groups)
    big = None
    if needs_big:
        big = fixtures.copy_to(database("one", (args.events,), args.fresh), work / "big.db")
    rows: list[Row] = []
    for group in groups:
        started = time.perf_counter()
        say(f"{group} ...")
        if group == "startup":
            assert big is not None
            rows += terminal_rows.startup(work, env, big, empty, args.repeat, args.events)
        elif group == "first-line":
            ours, theirs = terminal_rows.first_line(work, env, empty, args.repeat)
            rows.append(
                compared(
                    "first line: launch, l, a line, Enter → its row, vs a SQLModel Textual app",
                    ours,
                    theirs,
                    1.0,
                )
            )
        elif group == "keystroke":
            assert big is not None
            rows += terminal_rows.keystroke_rows(work, env, empty, big, args.events, args.samples)
        elif group == "log":
            rows += process_rows.log(work, env, empty, args.repeat)
        elif group == "export":
            assert big is not None
            rows += process_rows.export(work, env, big, args.repeat, args.events)
        elif group == "across":
            many = database("many", (args.incidents, args.many_events), args.fresh)
            many = fixtures.copy_to(many, work / "many.db")
            rows += process_rows.across_incidents(
                work, env, many, empty, args.incidents, args.repeat
            )
        elif group == "serve":
            rows += serve_rows.serve(work, env, empty, args.alerts)
        elif group == "blameless":
            rows += process_rows.blameless(args.repeat)
        elif group == "mechanisms":
            import mechanisms

            many = database("many", (args.incidents, args.many_events), args.fresh)
            many = fixtures.copy_to(many, work / "many.db")
            rows += mechanisms.rows(
                work, env, empty, (many, args.incidents), args.repeat, args.samples
            )
        say(f"{group}: {time.perf_counter() - started:.0f} s")
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(row.target) for row in rows)
    for row in rows:
        limit = f"  (target {row.limit})" if row.limit else ""
        print(f"{row.verdict:<7}  {row.target:<{width}}  {row.measured}{limit}")


if __name__ == "__main__":
    raise SystemExit(main())
