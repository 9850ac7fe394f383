"""A database is warroom's by its tables as well as its alembic revision: another app that keeps
its own `alembic_version` (alembic numbers revisions `0001`, `0002`... too) is refused untouched,
with nothing made beside its file. On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

from tests.conftest import Database
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.store import preview
from warroom.store.schema import REVISIONS, SQLITE_FULL_TEXT, tables_of

COMMANDS = (
    ("list",),
    ("list", "--json"),
    ("log", "INC-1", "db cpu 95%"),
    ("new", "Checkout down", "--detach"),
    ("severity", "INC-1", "1"),
    ("resolve", "INC-1"),
    ("export", "INC-1"),
)


def _sqlalchemy_url(database: Database) -> str:
    if database.path is not None:
        return f"sqlite:///{database.path}"
    return database.location.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.mark.parametrize("revision", REVISIONS)
def test_the_tables_of_each_revision_are_what_its_migrations_make(
    database: Database, revision: str
) -> None:
    engine = create_engine(_sqlalchemy_url(database))
    config = Config()
    config.set_main_option("script_location", "warroom.store:migrations")
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            made = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert made == tables_of(revision, sqlite=not database.is_postgres)


def _another_apps_database(database: Database, version: str, *, also: tuple[str, ...] = ()) -> None:
    database.sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
        f"INSERT INTO alembic_version VALUES ('{version}')",
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)",
        "INSERT INTO invoices VALUES (1, 9.5)",
        *(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)" for name in also),
    )


def _refused_untouched(database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]):
    before = database.fingerprint()
    beside = sorted(p.name for p in database.path.parent.iterdir()) if database.path else []
    for args in COMMANDS:
        code = main(["--db", database.location, *args], clock=clock)
        out, err = capsys.readouterr()
        assert (code, out) == (2, ""), (args, err)
        assert err.startswith("error: "), (args, err)
        assert "is not a warroom database" in err, (args, err)
        assert err.count("\n") == 1
    assert database.fingerprint() == before
    if database.path is not None:  # no WAL switch, no backup, no journal left beside it
        assert sorted(p.name for p in database.path.parent.iterdir()) == beside


@pytest.mark.parametrize("version", [*REVISIONS, "ae1027a6acf"])
def test_another_apps_alembic_database_is_refused_untouched(
    database: Database, version: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    _another_apps_database(database, version)
    _refused_untouched(database, clock, capsys)


def test_warroom_tables_with_someone_elses_beside_them_are_not_ours(
    database: Database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revision of ours over a set of tables that is not: refused rather than guessed at."""
    _another_apps_database(database, REVISIONS[0], also=("incident", "event"))
    _refused_untouched(database, clock, capsys)


def test_a_sqlite_database_without_its_full_text_index_is_not_taken_for_ours(
    tmp_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """FTS5 keeps its index in shadow tables: the set compared on SQLite includes them, so a
    file at the current revision with the index gone (or PostgreSQL's set of tables) is not
    warroom's."""
    path = tmp_path / "w.db"
    assert main(["--db", str(path), "new", "Checkout down", "--detach"], clock=clock) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "list"], clock=clock) == 0
    capsys.readouterr()
    Database("sqlite", str(path), path).sql("DROP TABLE search_index")
    tables = set(
        Database("sqlite", str(path), path).sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    )
    assert not any(name in SQLITE_FULL_TEXT for (name,) in tables)
    assert main(["--db", str(path), "list"], clock=clock) == 2
    assert "is not a warroom database" in capsys.readouterr().err


def test_the_quick_first_screen_read_leaves_a_foreign_file_to_the_full_checks(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    _another_apps_database(Database("sqlite", str(path), path), REVISIONS[-1], also=("incident",))
    assert preview.room(str(path), 1) is None
    assert preview.incidents(str(path)) is None
