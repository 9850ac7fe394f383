"""The schema belongs to the alembic migrations; the tables must agree with them, on SQLite and on
PostgreSQL."""

import sqlite3
import stat
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import warroom.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from tests.conftest import T0, Database
from warroom.domain.alerts import FIRING, AlertSource, IncomingAlert
from warroom.domain.clock import FrozenClock
from warroom.store import Store
from warroom.store.engine import HEAD, REVISIONS
from warroom.store.schema import FULL_TEXT_REVISION, SQLITE_FULL_TEXT
from warroom.store.target import resolve_target


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "warroom.store:migrations")
    return config


def test_known_revisions_match_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    walked = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(walked)) == REVISIONS
    assert scripts.get_current_head() == HEAD


# Each database's own full-text index is made by the migration, not by the table classes:
# SQLite's FTS5 table (and its shadow tables), PostgreSQL's tsvector column and GIN index.
FULL_TEXT_NAMES = SQLITE_FULL_TEXT | {"document", "ix_search_entry_document"}


def _not_full_text(name: str | None, _type: str, _parent: object) -> bool:
    return name not in FULL_TEXT_NAMES


def test_tables_match_the_migrations(database: Database, clock: FrozenClock) -> None:
    Store.open(database.location, clock).close()
    engine = create_engine(resolve_target(database.location).url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": _not_full_text}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_an_old_database_keeps_every_row(database: Database, clock: FrozenClock) -> None:
    # A database as the first schema left it, with an incident and its timeline.
    engine = create_engine(resolve_target(database.location).url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, REVISIONS[0])
    engine.dispose()
    # How each database keeps a UTC timestamp (SQLAlchemy's format on SQLite).
    at = "2024-03-15 14:23:00+00" if database.is_postgres else "2024-03-15 14:23:00.000000"
    database.sql(
        "INSERT INTO incident (title, severity, phase, created_at, version) "
        f"VALUES ('Checkout down', 1, 'investigation', '{at}', 3)",
        f"INSERT INTO milestone VALUES (1, 'detected', '{at}')",
        f"INSERT INTO milestone VALUES (1, 'acknowledged', '{at}')",
        "INSERT INTO severity_change (incident_id, old, new, at, actor) "
        f"VALUES (1, NULL, 1, '{at}', 'bob')",
        "INSERT INTO role_assignment (incident_id, role, person, assigned_at, released_at) "
        f"VALUES (1, 'commander', 'Bob Chen', '{at}', NULL)",
        "INSERT INTO event (incident_id, kind, actor, text, occurred_at, recorded_at, "
        f"starred, hidden) VALUES (1, 'alert', 'Monitoring', 'p99 > 10s', '{at}', '{at}', "
        "FALSE, FALSE)",
        "INSERT INTO event (incident_id, kind, actor, text, occurred_at, recorded_at, "
        f"starred, hidden) VALUES (1, 'note', 'Alice', 'db is the bottleneck', '{at}', '{at}', "
        "TRUE, FALSE)",
    )

    with Store.open(database.location, clock) as store:
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
        store.heartbeat(1, "Alice", "session-1")
        assert [p.person for p in store.present(1)] == ["Alice"]
    assert database.sql("SELECT version_num FROM alembic_version") == [(HEAD,)]

    if database.path is None:
        return  # PostgreSQL migrates in one transaction: a failed upgrade changes nothing
    db_path = database.path
    backup = db_path.with_name(f"{db_path.name}.schema-{REVISIONS[0]}.bak")
    assert backup.exists()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (REVISIONS[0],)
    assert old.execute("SELECT count(*) FROM event").fetchone() == (2,)
    old.close()


@pytest.mark.parametrize("revision", REVISIONS[:-1])
def test_upgrading_from_each_earlier_revision_makes_the_alert_inbox(
    database: Database, clock: FrozenClock, revision: str
) -> None:
    engine = create_engine(resolve_target(database.location).url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    at = "2024-03-15 14:23:00+00" if database.is_postgres else "2024-03-15 14:23:00.000000"
    database.sql(
        "INSERT INTO incident (title, severity, phase, created_at, version) "
        f"VALUES ('Checkout down', 1, 'detection', '{at}', 1)",
        f"INSERT INTO milestone VALUES (1, 'detected', '{at}')",
        "INSERT INTO event (incident_id, kind, actor, text, occurred_at, recorded_at, "
        f"starred, hidden) VALUES (1, 'alert', 'Monitoring', 'p99 > 10s', '{at}', '{at}', "
        "FALSE, FALSE)",
    )
    alert = IncomingAlert(
        AlertSource.ALERTMANAGER,
        "4f7c1a9e",
        FIRING,
        "2024-03-15T14:20:00+00:00",
        T0,
        "FIRING: CheckoutLatencyHigh",
        "Alertmanager",
    )
    with Store.open(database.location, clock) as store:
        assert [e.text for e in store.iter_events(1)] == ["p99 > 10s"]
        (in_inbox,) = store.receive_alerts([alert])
        (into_incident,) = store.receive_alerts([replace(alert, status="resolved")], incident_id=1)
        assert [a.key for a in store.inbox()] == [in_inbox.alert.key]
        assert into_incident.alert.incident_id == 1
        assert [e.text for e in store.iter_events(1)][-1] == "FIRING: CheckoutLatencyHigh"
    assert database.sql("SELECT version_num FROM alembic_version") == [(HEAD,)]


@pytest.mark.parametrize("revision", [r for r in REVISIONS if r < FULL_TEXT_REVISION])
def test_upgrading_from_each_earlier_revision_indexes_what_is_there_and_labels_incidents(
    database: Database, clock: FrozenClock, revision: str
) -> None:
    """Revision 0006 indexes the titles, events (not the deleted), action items and
    post-mortems already stored, in place; services and tags work at once."""
    engine = create_engine(resolve_target(database.location).url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    at = "2024-03-15 14:23:00+00" if database.is_postgres else "2024-03-15 14:23:00.000000"
    event = (
        "INSERT INTO event (incident_id, kind, actor, text, occurred_at, recorded_at, "
        "deleted_at, starred, hidden) VALUES (1, 'note', 'Alice', '{text}', "
        f"'{at}', '{at}', {{deleted}}, FALSE, FALSE)"
    )
    statements = [
        "INSERT INTO incident (title, severity, phase, created_at, version) "
        f"VALUES ('Payments queue backed up', 1, 'investigation', '{at}', 1)",
        f"INSERT INTO milestone VALUES (1, 'detected', '{at}')",
        event.format(text="consumer lag on the ledger topic", deleted="NULL"),
        event.format(text="typo: ledgr", deleted=f"'{at}'"),
    ]
    if revision >= "0002":
        statements += [
            "INSERT INTO action_item (incident_id, description, owner, status, ticket, "
            f"position, created_at, updated_at, version) VALUES (1, 'Alert on consumer lag', "
            f"'Dave', 'open', '', 1, '{at}', '{at}', 1)",
            "INSERT INTO postmortem (incident_id, report_id, authors, status, summary, "
            "impact_duration, revenue_impact, root_cause, contributing_factors, "
            "what_went_well, what_went_poorly, lucky_breaks, five_whys, updated_at, version) "
            "VALUES (1, '', '[]', 'draft', '', '', '', 'a rebalance storm stalled consumers', "
            '\'[{"text": "no lag alert", "category": "Process"}]\', \'[]\', '
            "'[\"paging was slow\"]', '[]', "
            '\'[{"question": "Why stalled?", "answer": "partition rebalancing"}]\', '
            f"'{at}', 1)",
        ]
    database.sql(*statements)

    with Store.open(database.location, clock) as store:

        def found(query: str) -> list[tuple[str, str]]:
            return [(hit.kind.value, hit.field) for hit in store.search(query)]

        assert found("payments queue") == [("incident", "title")]
        assert found("ledger topic") == [("event", "event")]
        assert found("ledgr") == []
        if revision >= "0002":
            assert sorted(found("consumer lag")) == [("action", "actionItems"), ("event", "event")]
            assert found("rebalance") == [("postmortem", "rootCause")]
            assert found("rebalancing") == [("postmortem", "fiveWhys")]
            assert found("paging") == [("postmortem", "whatWentPoorly")]
            assert found("no lag alert") == [("postmortem", "contributingFactors")]
        assert store.get_incident(1).services == ()
        store.set_labels(1, services=["ledger"], tags=["kafka"])
        assert (store.get_incident(1).services, store.get_incident(1).tags) == (
            ("ledger",),
            ("kafka",),
        )
        assert store.active_incidents_by_service(["ledger"]) == {"ledger": [1]}
        logged = store.log_event(1, "ledger caught up", actor="bob")
        assert [hit.ref_id for hit in store.search("caught")] == [logged.id]
    assert database.sql("SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_upgrading_marks_typed_action_items_as_follow_ups(
    database: Database, clock: FrozenClock
) -> None:
    """0008: an item stored with a type (prevent, detect, mitigate) was a follow-up; one
    without was a task of the live response."""
    engine = create_engine(resolve_target(database.location).url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    engine.dispose()
    at = "2024-03-15 14:23:00+00" if database.is_postgres else "2024-03-15 14:23:00.000000"
    columns = "(incident_id, description, type, owner, status, ticket, position, created_at, "
    columns += "updated_at, version)"
    database.sql(
        "INSERT INTO incident (title, severity, phase, created_at, version) "
        f"VALUES ('Checkout down', 1, 'post-mortem', '{at}', 1)",
        f"INSERT INTO milestone VALUES (1, 'detected', '{at}')",
        f"INSERT INTO action_item {columns} "
        f"VALUES (1, 'Restart the pool', NULL, '', 'done', '', 1, '{at}', '{at}', 1)",
        f"INSERT INTO action_item {columns} "
        f"VALUES (1, 'Index check in CI', 'prevent', 'Dave', 'open', '', 2, '{at}', '{at}', 1)",
    )
    with Store.open(database.location, clock) as store:
        items = store.action_items(1)
    assert [(item.description, item.follow_up) for item in items] == [
        ("Restart the pool", False),
        ("Index check in CI", True),
    ]
