"""The trends report and the overdue follow-ups at scale: 10,000 incidents, 1,000,000 events.

    python benchmarks/trends.py [--incidents 10000] [--events-per-incident 100] [--repeat 3]

Generates a SQLite database in a temporary directory (the schema made by warroom, the rows
bulk-inserted), then times what the report screen and `warroom report` run on the store
thread, and the home screen's overdue pane. Prints one row per target with pass/short.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.services.trends import TrendSettings, load_trends
from warroom.store import Store

NOW = datetime(2026, 11, 28, 5, 5, tzinfo=UTC)
# Budgets: the report is read on the store thread while the screen stays live, but a person
# waits for it; the overdue pane is drawn with the home screen.
REPORT_90D_BUDGET = 0.5  # seconds, the last 90 days (about 900 incidents here)
REPORT_ALL_BUDGET = 3.0  # seconds, every one of the 10,000 incidents
OVERDUE_BUDGET = 0.1  # seconds, the pane's first 101


def _text(moment: datetime) -> str:
    """A UTC time as SQLAlchemy keeps it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(path: Path, incidents: int, per_incident: int, seed: int = 7) -> None:
    with Store.open(str(path), FrozenClock(NOW)):
        pass  # the schema, made and migrated by warroom
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    span = timedelta(days=1000)
    incident_rows, milestones, changes, events, items = [], [], [], [], []
    event_id = 0
    for number in range(1, incidents + 1):
        detected = NOW - span + span * (number / incidents)
        level = rng.choice((1, 2, 2, 3, 3, 3, 4))
        incident_rows.append((number, f"Incident {number}", level, "post-mortem", _text(detected)))
        milestones.append((number, "detected", _text(detected)))
        acknowledged = detected + timedelta(minutes=rng.randint(1, 60))
        if rng.random() < 0.9:
            milestones.append((number, "acknowledged", _text(acknowledged)))
        if rng.random() < 0.7:
            milestones.append((number, "mitigated", _text(acknowledged + timedelta(minutes=20))))
        resolved = acknowledged + timedelta(minutes=rng.randint(10, 600))
        if resolved < NOW:
            milestones.append((number, "resolved", _text(resolved)))
        changes.append((number, None, level, _text(detected), "bob"))
        for index in range(per_incident):
            event_id += 1
            kind = "update" if index % 20 == 0 else rng.choice(("note", "alert", "action"))
            moment = detected + timedelta(minutes=index)
            events.append((event_id, number, kind, "bob", f"event {index}", _text(moment)))
        for position in range(3):
            due = (detected + timedelta(days=rng.randint(1, 60))).date().isoformat()
            status = rng.choice(("open", "in-progress", "done", "done"))
            items.append((number, f"item {position}", due, status, position, _text(detected)))
    with db:
        db.executemany(
            "INSERT INTO incident (id, title, severity, phase, created_at, version) "
            "VALUES (?, ?, ?, ?, ?, 1)",
            incident_rows,
        )
        db.executemany("INSERT INTO milestone (incident_id, name, at) VALUES (?, ?, ?)", milestones)
        db.executemany(
            "INSERT INTO severity_change (incident_id, old, new, at, actor) VALUES (?, ?, ?, ?, ?)",
            changes,
        )
        db.executemany(
            "INSERT INTO event (id, incident_id, kind, actor, text, occurred_at, recorded_at, "
            "starred, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
            ((*event, event[-1]) for event in events),
        )
        db.executemany(
            "INSERT INTO action_item (incident_id, description, owner, due_date, status, ticket, "
            "position, created_at, updated_at, version) VALUES (?, ?, '', ?, ?, '', ?, ?, ?, 1)",
            ((*item, item[-1]) for item in items),
        )
    db.execute("ANALYZE")
    db.close()


def timed(work: object, repeat: int) -> float:
    assert callable(work)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--events-per-incident", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = TrendSettings(UpdateSchedule(), UTC)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "warroom.db"
        start = time.perf_counter()
        generate(path, args.incidents, args.events_per_incident)
        events = args.incidents * args.events_per_incident
        print(
            f"generated {args.incidents:,} incidents, {events:,} events in "
            f"{time.perf_counter() - start:.1f} s"
        )
        with Store.open(str(path), FrozenClock(NOW)) as store:
            rows = []
            report = load_trends(store, NOW - timedelta(days=90), settings)
            seconds = timed(
                lambda: load_trends(store, NOW - timedelta(days=90), settings), args.repeat
            )
            rows.append(
                (
                    f"report, 90 days ({report.overall.incidents:,} incidents)",
                    seconds,
                    REPORT_90D_BUDGET,
                )
            )
            everything = NOW - timedelta(days=2000)
            report = load_trends(store, everything, settings, by="severity")
            seconds = timed(
                lambda: load_trends(store, everything, settings, by="severity"), args.repeat
            )
            rows.append(
                (
                    f"report, all ({report.overall.incidents:,} incidents), by severity",
                    seconds,
                    REPORT_ALL_BUDGET,
                )
            )
            overdue = store.follow_ups(overdue_on=NOW.date(), limit=101)
            seconds = timed(lambda: store.follow_ups(overdue_on=NOW.date(), limit=101), args.repeat)
            rows.append((f"overdue pane ({len(overdue)} shown)", seconds, OVERDUE_BUDGET))
    short = False
    for target, seconds, budget in rows:
        ok = seconds <= budget
        short |= not ok
        print(
            f"{target:<52} {seconds * 1000:8.1f} ms  (budget {budget * 1000:.0f} ms)  "
            f"{'pass' if ok else 'SHORT'}"
        )
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
