"""The schema belongs to the alembic migrations; the tables must agree with them."""

import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import warroom.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from warroom.clock import FrozenClock
from warroom.store import Store
from warroom.store.engine import HEAD, REVISIONS


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "warroom.store:migrations")
    return config


def test_known_revisions_match_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    walked = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(walked)) == REVISIONS
    assert scripts.get_current_head() == HEAD


def test_tables_match_the_migrations(db_path: Path, clock: FrozenClock) -> None:
    Store.open(str(db_path), clock).close()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_an_old_database_keeps_every_row(db_path: Path, clock: FrozenClock) -> None:
    # A database as the first schema left it, with an incident and its timeline.
    engine = create_engine(f"sqlite:///{db_path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, REVISIONS[0])
    engine.dispose()
    at = "2024-03-15 14:23:00.000000"
    connection = sqlite3.connect(db_path)
    connection.executescript(
        f"""
        INSERT INTO incident VALUES (1, 'Checkout down', 1, 'investigation', '{at}', 3);
        INSERT INTO milestone VALUES (1, 'detected', '{at}');
        INSERT INTO milestone VALUES (1, 'acknowledged', '{at}');
        INSERT INTO severity_change VALUES (1, 1, NULL, 1, '{at}', 'bob');
        INSERT INTO role_assignment VALUES (1, 1, 'commander', 'Bob Chen', '{at}', NULL);
        INSERT INTO event VALUES (1, 1, 'alert', 'Monitoring', 'p99 > 10s', '{at}', '{at}',
                                  NULL, NULL, 0, 0);
        INSERT INTO event VALUES (2, 1, 'note', 'Alice', 'db is the bottleneck', '{at}',
                                  '{at}', NULL, NULL, 1, 0);
        """
    )
    connection.commit()
    connection.close()

    with Store.open(str(db_path), clock) as store:
        incident = store.get_incident(1)
        assert (incident.title, incident.severity, incident.commander) == (
            "Checkout down",
            1,
            "Bob Chen",
        )
        assert incident.detected_at == datetime(2024, 3, 15, 14, 23, tzinfo=UTC)
        events = list(store.iter_events(1))
        assert [(e.text, e.starred) for e in events] == [
            ("p99 > 10s", False),
            ("db is the bottleneck", True),
        ]
        # and the new tables work
        store.add_action_item(1, "Add index checks to CI", actor="bob")
        assert len(store.action_items(1)) == 1

    backup = db_path.with_name(f"{db_path.name}.schema-{REVISIONS[0]}.bak")
    assert backup.exists()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (REVISIONS[0],)
    assert old.execute("SELECT count(*) FROM event").fetchone() == (2,)
    old.close()
