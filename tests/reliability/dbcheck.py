"""What is in a warroom SQLite file, read with nothing but the standard library.

Used in-process, and as a script (`python dbcheck.py DB`, printing JSON) inside a private mount
namespace where the file is not visible to the test process.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Contents:
    integrity: list[str]  # PRAGMA integrity_check: ["ok"] when sound
    foreign_key_violations: int
    schema: str | None  # the alembic revision
    incidents: dict[int, str]  # id -> title
    events: dict[int, tuple[int, str, str]]  # id -> (incident id, text, actor)
    events_without_change: list[int]  # events whose change-feed row is missing

    @property
    def sound(self) -> bool:
        return self.integrity == ["ok"] and self.foreign_key_violations == 0


def read(path: Path | str) -> Contents:
    connection = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        violations = len(connection.execute("PRAGMA foreign_key_check").fetchall())
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        schema = None
        if "alembic_version" in tables:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            schema = found[0] if found else None
        incidents: dict[int, str] = {}
        events: dict[int, tuple[int, str, str]] = {}
        orphans: list[int] = []
        if "incident" in tables:
            incidents = dict(connection.execute("SELECT id, title FROM incident"))
        if "event" in tables:
            events = {
                row[0]: (row[1], row[2], row[3])
                for row in connection.execute("SELECT id, incident_id, text, actor FROM event")
            }
        if "change" in tables:
            orphans = [
                row[0]
                for row in connection.execute(
                    "SELECT id FROM event WHERE id NOT IN "
                    "(SELECT entity_id FROM change WHERE entity = 'event')"
                )
            ]
    finally:
        connection.close()
    return Contents(integrity, violations, schema, incidents, events, orphans)


def from_json(text: str) -> Contents:
    raw = json.loads(text)
    return Contents(
        integrity=raw["integrity"],
        foreign_key_violations=raw["foreign_key_violations"],
        schema=raw["schema"],
        incidents={int(key): value for key, value in raw["incidents"].items()},
        events={int(key): (value[0], value[1], value[2]) for key, value in raw["events"].items()},
        events_without_change=raw["events_without_change"],
    )


if __name__ == "__main__":
    sys.stdout.write(json.dumps(asdict(read(sys.argv[1]))))
