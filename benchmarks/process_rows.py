"""The rows of whole commands and of the store: log, export, the home screen, search, report,
and the blameless checks."""

from __future__ import annotations

import html
import json
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from fixtures import copy_to
from harness import (
    APPS,
    PYTHON,
    Row,
    compared,
    interleaved,
    paired_ratio,
    run_process,
    shown,
    time_to_screen,
)

WARROOM = [PYTHON, "-m", "warroom"]


def has_command(name: str, env: dict[str, str]) -> bool:
    """Whether this build of warroom has the command (`--help` says so with exit 0)."""
    done = subprocess.run([*WARROOM, name, "--help"], env=env, capture_output=True)
    return done.returncode == 0


def missing(target: str, command: str, limit: str) -> Row:
    return Row(target, f"`warroom {command}` is not in this build", limit, "missing")


def log(work: Path, env: dict[str, str], empty: Path, repeat: int) -> list[Row]:
    """`warroom log` of one line, and `log -` of 10,000, against SQLModel doing the same."""
    database = copy_to(empty, work / "log.db")
    minimal_db, loop_db = work / "minimal.db", work / "loop.db"
    run_process([PYTHON, str(APPS / "minimal_insert.py"), str(minimal_db)], env)  # its table
    one = interleaved(
        {
            "log": [*WARROOM, "--db", str(database), "log", "INC-1", "db cpu 95%"],
            "minimal": [PYTHON, str(APPS / "minimal_insert.py"), str(minimal_db)],
        },
        env,
        repeat * 2,
    )
    lines = work / "lines.txt"
    lines.write_text("".join(f"line {n}: checkout p99 {900 + n % 400} ms\n" for n in range(10_000)))
    many: dict[str, list] = {"log": [], "loop": []}
    for n in range(2):  # 10,000 commits a side: two pairs
        sides = [
            ("log", [*WARROOM, "--db", str(database), "log", "INC-1", "-"]),
            ("loop", [PYTHON, str(APPS / "sqlmodel_loop.py"), str(loop_db)]),
        ]
        for name, argv in sides if n % 2 == 0 else reversed(sides):
            many[name].append(run_process(argv, env, stdin=lines))
    return [
        compared(
            "warroom log (whole process) vs a minimal SQLModel insert process",
            one["log"],
            one["minimal"],
            1.3,
        ),
        compared(
            "warroom log - of 10,000 lines vs a plain SQLModel loop committing each",
            many["log"],
            many["loop"],
            1.2,
        ),
    ]


FORMATS = ("md", "json", "toml", "html")


def export(work: Path, env: dict[str, str], big: Path, repeat: int, events: int) -> list[Row]:
    """Each format's writer against its library's own dump of the same data in one call, in
    this process, on the report read once (in turns, paired); the whole `warroom export`
    process beside it, for what a person waits for."""
    import tomli_w

    from warroom.config import load_config
    from warroom.domain.clock import SystemClock
    from warroom.exporters import render
    from warroom.exporters.document import to_document, without_nulls
    from warroom.services.reporting import ReportSettings, load_report
    from warroom.store import Store

    config = load_config()
    with Store.open(str(big), SystemClock(), create=False) as store:
        report = load_report(store, 1, ReportSettings(config.schedule, config.tz))
    baselines: dict[str, Callable[[], str]] = {
        "json": lambda: json.dumps(to_document(report), indent=2, ensure_ascii=False),
        "toml": lambda: tomli_w.dumps(without_nulls(to_document(report))),
        "md": lambda: _plain_markdown(report),
        "html": lambda: _plain_html(report),
    }
    size = f"{events // 1000}k" if events >= 1000 else str(events)
    rows = []
    for name in FORMATS:
        ours, theirs = [], []
        for n in range(repeat):
            pair = [(ours, lambda name=name: render(report, name)), (theirs, baselines[name])]
            for runs, work_done in pair if n % 2 == 0 else reversed(pair):
                started = time.perf_counter()
                work_done()
                runs.append(time.perf_counter() - started)
        ratio = paired_ratio(ours, theirs)
        out = work / f"export.{name}"
        argv = [*WARROOM, "--db", str(big), "export", "INC-1", "--format", name]
        whole = [run_process([*argv, "-o", str(out), "--force"], env) for _ in range(2)]
        rows.append(
            Row.judged(
                f"export {size} events to {name} vs {_LIBRARY[name]}",
                f"{statistics.median(ours) * 1000:.0f} ms vs "
                f"{statistics.median(theirs) * 1000:.0f} ms: {ratio:.2f}x paired; "
                f"whole process {shown(whole)}, {out.stat().st_size / 1e6:.0f} MB",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )
    return rows


_LIBRARY = {
    "json": "json.dumps",
    "toml": "tomli_w.dumps",
    "md": "plain string building",
    "html": "plain string building",
}


def _plain_markdown(report: object) -> str:
    """The Markdown writer's own string building, nothing else: the timeline as a table, one
    f-string a row, no escaping."""
    rows = [
        f"| {event.at:%H:%M} | {event.kind.value} | {event.actor} | {event.text} |"
        for event in report.timeline  # type: ignore[attr-defined]
    ]
    return "\n".join(["| time | kind | who | what |", "| --- | --- | --- | --- |", *rows]) + "\n"


def _plain_html(report: object) -> str:
    rows = [
        f"<tr><td>{event.at:%H:%M}</td><td>{event.kind.value}</td>"
        f"<td>{html.escape(event.actor)}</td><td>{html.escape(event.text)}</td></tr>"
        for event in report.timeline  # type: ignore[attr-defined]
    ]
    return "<table>\n" + "\n".join(rows) + "\n</table>\n"


SEARCHES = (
    "checkout latency",
    "database cpu",
    "redis eviction",
    "kafka lag",
    "dns",
    "cert expired",
    "rollback canary",
    "connection pool exhausted",
    "payment gateway timeout",
    "disk full",
)


def across_incidents(
    work: Path,
    env: dict[str, str],
    many: Path,
    one: Path,
    incidents: int,
    repeat: int,
) -> list[Row]:
    """The home screen, search and report over a database of `incidents` incidents and a
    hundred events each, against the same work on one incident or a simpler command."""
    newest_active = incidents  # the newest is active (fixtures.py), listed first
    runs: dict[str, list] = {"many": [], "one": []}
    for n in range(repeat):
        sides = [
            ("many", many, f"incident {newest_active}".encode()),
            ("one", one, b"Checkout Service Outage"),
        ]
        for name, database, marker in sides if n % 2 == 0 else reversed(sides):
            argv = [PYTHON, str(APPS / "warroom_variant.py"), "--db", str(database)]
            runs[name].append(time_to_screen(argv, marker, env, work))
    size = f"{incidents:,} incidents"
    rows = [
        compared(f"home screen with {size} vs one incident", runs["many"], runs["one"], 1.2),
        *_store_search(many),
    ]
    listing = [*WARROOM, "--db", str(many), "list"]
    if has_command("search", env):
        timed = interleaved(
            {
                "search": [*WARROOM, "--db", str(many), "search", "checkout latency"],
                "list": listing,
            },
            env,
            repeat,
        )
        rows.append(
            compared(
                f"warroom search over {size} vs warroom list", timed["search"], timed["list"], 1.3
            )
        )
    else:
        rows.append(missing(f"warroom search over {size} vs warroom list", "search", "<= 1.3x"))
    if has_command("report", env):
        timed = interleaved(
            {"report": [*WARROOM, "--db", str(many), "report", "--since", "90d"], "list": listing},
            env,
            repeat,
        )
        rows.append(
            compared(
                f"warroom report --since 90d over {size} vs warroom list",
                timed["report"],
                timed["list"],
                2.0,
            )
        )
    else:
        rows.append(missing(f"warroom report over {size} vs warroom list", "report", "<= 2.0x"))
    return rows


def _store_search(many: Path) -> list[Row]:
    """The store's search, p95 of several queries, against reading one timeline page, in
    turns in this process."""
    from warroom.domain.clock import SystemClock
    from warroom.store import Store

    target = "store search p95 vs reading one timeline page (p95)"
    with Store.open(str(many), SystemClock(), create=False) as store:
        if not hasattr(store, "search"):
            return [Row(target, "Store.search is not in this build", "<= 10x", "missing")]
        searching, paging = [], []
        for round_ in range(5):
            for number, query in enumerate(SEARCHES):
                started = time.perf_counter()
                store.search(query, limit=50)
                searching.append(time.perf_counter() - started)
                started = time.perf_counter()
                store.events_before(1 + (round_ * 97 + number * 31) % 1000, limit=200)
                paging.append(time.perf_counter() - started)
    search_p95 = statistics.quantiles(searching, n=20, method="inclusive")[18]
    page_p95 = statistics.quantiles(paging, n=20, method="inclusive")[18]
    ratio = search_p95 / page_p95
    return [
        Row.judged(
            target,
            f"{search_p95 * 1000:.1f} ms vs {page_p95 * 1000:.1f} ms: {ratio:.1f}x "
            f"({len(searching)} queries)",
            "<= 10x",
            ratio <= 10,
        )
    ]


def adversarial_texts(size: int) -> dict[str, str]:
    """`size` characters each of what once took the blame checks time quadratic in the text."""

    def filled(piece: str) -> str:
        return (piece * (size // len(piece) + 1))[:size]

    return {
        "word characters": filled("a-'’_9"),
        "spaces": "Dave" + filled(" ") + "went",
        "line breaks": filled("\n") + "Dave.",
        "'failed to'": filled("he failed to ("),
        "names": filled("Dave went, "),
        "open quotes": 'a"' + filled("“ab`"),
        "'forgot'": filled("forgot "),
    }


def blameless(repeat: int) -> list[Row]:
    """The blame checks of one field (a causal one, with names to look for), in this process:
    CPU time per text, the median of `repeat` runs."""
    from warroom.domain.blameless import find_blame, person_names

    names = person_names(["Bob Chen", "Alice Kim", "Dave Park"])
    timings = {}
    for label, text in adversarial_texts(1 << 20).items():
        runs = []
        for _ in range(repeat):
            started = time.process_time()
            find_blame(text, "rootCause", names, causal=True)
            runs.append(time.process_time() - started)
        timings[label] = statistics.median(runs)
    worst = max(timings, key=timings.__getitem__)
    return [
        Row.judged(
            "blameless checks on 1 MB of adversarial text",
            f"worst {timings[worst] * 1000:.0f} ms ({worst}), "
            f"{len(timings)} texts {sum(timings.values()) * 1000:.0f} ms CPU",
            "< 2 s each",
            timings[worst] < 2.0,
        )
    ]
