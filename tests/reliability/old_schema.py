"""A database as warroom's first schema left it, for tests of upgrading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from warroom.store.engine import REVISIONS

OLD_EVENTS = {1: (1, "p99 > 10s", "Monitoring"), 2: (1, "db is the bottleneck", "Alice")}


def make_old_database(path: Path) -> None:
    """A database as the first schema left it, with an incident and its timeline."""
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", "warroom.store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, REVISIONS[0])
    engine.dispose()
    at = "2024-03-15 14:23:00.000000"
    connection = sqlite3.connect(path)
    connection.executescript(
        f"""
        INSERT INTO incident VALUES (1, 'Checkout down', 1, 'investigation', '{at}', 3);
        INSERT INTO milestone VALUES (1, 'detected', '{at}');
        INSERT INTO severity_change VALUES (1, 1, NULL, 1, '{at}', 'bob');
        INSERT INTO role_assignment VALUES (1, 1, 'commander', 'Bob Chen', '{at}', NULL);
        INSERT INTO event VALUES (1, 1, 'alert', 'Monitoring', 'p99 > 10s', '{at}', '{at}',
                                  NULL, NULL, 0, 0);
        INSERT INTO event VALUES (2, 1, 'note', 'Alice', 'db is the bottleneck', '{at}',
                                  '{at}', NULL, NULL, 1, 0);
        PRAGMA journal_mode = WAL;
        """
    )
    connection.close()
    path.chmod(0o600)
