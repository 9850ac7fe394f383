"""The benchmark's databases, made through the store (so that whatever the store keeps in step
with its rows, a search index included, is there) and kept on disk between runs under a key of
their content: this file, the sizes asked for and the store's migrations. A change to any of
them makes a new one, in place of the old (`--fresh` makes every one again)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import warroom

_VOCABULARY = (
    "checkout latency p99 database cpu connection pool exhausted payment gateway timeout "
    "redis eviction kafka lag disk full node memory pressure dns resolution failing cert "
    "expired deploy rollback canary errors 5xx spike login queue backlog cache miss storm "
    "replica lag index missing migration retry budget throttled upstream degraded"
)
_WORDS = tuple(_VOCABULARY.split())
_ACTORS = ("Monitoring", "Alice", "Dave", "Bob Chen", "Priya", "CI/CD pipeline")


def cache_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "warroom-benchmark"


def content_key(*sizes: int) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(repr(sizes).encode())
    migrations = Path(warroom.__file__).parent / "store" / "migrations"
    for path in sorted(migrations.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def cached(name: str, sizes: tuple[int, ...], fresh: bool) -> tuple[Path, bool]:
    """Where the database of `name` and `sizes` is kept; whether it is there already."""
    path = cache_directory() / f"{name}-{'-'.join(map(str, sizes))}-{content_key(*sizes)}.db"
    stem = f"{name}-{'-'.join(map(str, sizes))}-"
    for kept in path.parent.glob(f"{stem}*"):
        if kept.name.split(".")[0] != path.stem or fresh:  # made by other code: stale
            kept.unlink(missing_ok=True)
    return path, path.exists()


def copy_to(source: Path, target: Path) -> Path:
    """A fresh copy (a killed program's -wal left beside the old copy would be read into it)."""
    for end in ("-wal", "-shm", "-journal"):
        Path(f"{target}{end}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target


def _line(rng: random.Random, n: int) -> str:
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9)))
    return f"{words} on node-{n % 37} ({900 + n % 400} ms)"


def one_incident(path: Path, events: int) -> None:
    """One incident, INC-1, with `events` events: alerts, notes, actions and decisions."""
    from warroom.domain.clock import FrozenClock
    from warroom.domain.model import EventKind
    from warroom.store import NewEvent, Store

    rng = random.Random(events)
    start = datetime.now(UTC) - timedelta(seconds=events + 60)
    kinds = (EventKind.ALERT, EventKind.NOTE, EventKind.ACTION, EventKind.DECISION)
    temporary = path.with_suffix(".partial")
    temporary.unlink(missing_ok=True)
    with Store.open(str(temporary), FrozenClock(start)) as store:
        incident = store.create_incident(
            "Checkout Service Outage", 1, commander="Bob Chen", actor="Bob Chen"
        )
        store.log_many(
            incident.id,
            (
                NewEvent(
                    f"alert {n}: {_line(rng, n)}",
                    _ACTORS[n % 4],
                    start + timedelta(seconds=n),
                    kinds[n % 4],
                )
                for n in range(events)
            ),
        )
    _put_in_place(temporary, path)


def many_incidents(path: Path, incidents: int, events: int) -> None:
    """`incidents` incidents over the last 180 days (those of the last two days still active,
    the others resolved two hours after detection), `events` events spread evenly among them.
    The schema is the store's (opened once, migrated); the rows go in through SQLAlchemy Core
    in one transaction, as the store writes them (what the store keeps in step by triggers,
    the search index, is kept so here too): through the store's methods, a transaction each,
    it took minutes."""
    from sqlalchemy import create_engine, insert

    from warroom.domain.clock import FrozenClock
    from warroom.domain.lifecycle import Milestone, Phase
    from warroom.domain.model import EventKind, Role
    from warroom.domain.severity import SEVERITIES, severity_label
    from warroom.store import Store
    from warroom.store.tables import (
        EventRow,
        IncidentRow,
        MilestoneRow,
        RoleRow,
        SeverityChangeRow,
    )

    rng = random.Random(incidents)
    now = datetime.now(UTC)
    each = events // incidents
    kinds = (EventKind.ALERT, EventKind.NOTE, EventKind.ACTION, EventKind.DECISION)
    temporary = path.with_suffix(".partial")
    temporary.unlink(missing_ok=True)
    Store.open(str(temporary), FrozenClock(now)).close()
    rows: dict[type, list[dict[str, object]]] = {
        IncidentRow: [],
        MilestoneRow: [],
        SeverityChangeRow: [],
        RoleRow: [],
        EventRow: [],
    }

    def event(number: int, kind: EventKind, actor: str, text: str, at: datetime) -> None:
        rows[EventRow].append(
            {
                "incident_id": number,
                "kind": kind.value,
                "actor": actor,
                "text": text,
                "occurred_at": at,
                "recorded_at": at,
                "starred": False,
                "hidden": False,
            }
        )

    for number in range(1, incidents + 1):
        detected = now - timedelta(days=180) * (1 - number / incidents)
        resolved = detected < now - timedelta(days=2)
        level, commander = rng.randint(1, 4), rng.choice(_ACTORS)
        phase = Phase.POSTMORTEM if resolved else Phase.DETECTION
        title = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} incident {number}".capitalize()
        rows[IncidentRow].append(
            {
                "id": number,
                "title": title,
                "severity": level,
                "phase": phase.value,
                "created_at": detected,
                "version": 2 if resolved else 1,
            }
        )
        rows[MilestoneRow].append(
            {"incident_id": number, "name": Milestone.DETECTED.value, "at": detected}
        )
        rows[SeverityChangeRow].append(
            {"incident_id": number, "old": None, "new": level, "at": detected, "actor": commander}
        )
        rows[RoleRow].append(
            {
                "incident_id": number,
                "role": Role.COMMANDER.value,
                "person": commander,
                "assigned_at": detected,
            }
        )
        declared = f"Incident declared: {severity_label(level)} ({SEVERITIES[level].name}), "
        event(number, EventKind.PHASE, commander, declared + f"IC {commander}", detected)
        for n in range(each):
            at = detected + timedelta(seconds=30 * (n + 1))
            event(number, kinds[n % 4], _ACTORS[n % len(_ACTORS)], _line(rng, n), at)
        if resolved:
            at = detected + timedelta(hours=2)
            rows[MilestoneRow].append(
                {"incident_id": number, "name": Milestone.RESOLVED.value, "at": at}
            )
            event(number, EventKind.PHASE, commander, "Incident resolved", at)
    engine = create_engine(f"sqlite:///{temporary}")
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
        for table, values in rows.items():
            for start in range(0, len(values), 20_000):
                connection.execute(insert(table), values[start : start + 20_000])
    engine.dispose()
    _put_in_place(temporary, path)


def _put_in_place(temporary: Path, path: Path) -> None:
    for end in ("-wal", "-shm"):
        Path(f"{temporary}{end}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary, path)
