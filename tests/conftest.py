"""Shared fixtures: every test runs with its own data and config directories and a frozen clock.

`database` is a fresh, empty database for one test, once on SQLite and once on PostgreSQL. The
PostgreSQL runs need a server: WARROOM_TEST_POSTGRES_URL names one whose user may create
databases (each test gets its own, dropped afterwards). Without it they are skipped, with that
reason; with it but no server answering, they fail.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from warroom.domain.clock import FrozenClock
from warroom.store import Store


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("warroom reliability")
    group.addoption(
        "--soak", action="store_true", help="also run the long reliability soaks (marker soak)"
    )
    group.addoption(
        "--soak-seconds",
        type=float,
        default=300.0,
        help="how long each soak runs (default: 300)",
    )
    group.addoption(
        "--reliability-seed",
        type=int,
        default=None,
        help="seed for the reliability tests' random choices (default: a new one each run, "
        "shown when a test fails)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--soak"):
        return
    skip = pytest.mark.skip(reason="a long soak: run with --soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


# Friday 2024-03-15, 14:23 UTC: the lesson's checkout outage.
T0 = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)

POSTGRES_ENV = "WARROOM_TEST_POSTGRES_URL"
NO_POSTGRES = (
    f"no PostgreSQL server: set {POSTGRES_ENV}=postgresql://USER@HOST:PORT/postgres "
    "(a user that may create databases) to run the PostgreSQL variants"
)


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads or writes the real user's data or config, or depends on their terminal."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("WARROOM_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warroom.db"


@pytest.fixture
def store(db_path: Path, clock: FrozenClock) -> Iterator[Store]:
    with Store.open(str(db_path), clock) as opened:
        yield opened


# ---- both databases ---------------------------------------------------------------------


@dataclass
class Database:
    """One test's database: where it is (`location`, as `--db` takes it) and a way to look at
    it from outside warroom."""

    kind: str  # "sqlite" or "postgresql"
    location: str
    path: Path | None = None  # the SQLite file

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgresql"

    def sql(self, *statements: str) -> list[tuple[Any, ...]]:
        """Run statements on a connection of their own, committed; the last one's rows."""
        rows: list[tuple[Any, ...]] = []
        if self.path is not None:
            connection = sqlite3.connect(self.path)
            try:
                for statement in statements:
                    rows = connection.execute(statement).fetchall()
                connection.commit()
            finally:
                connection.close()
            return rows
        import psycopg

        from warroom.store.engine import postgres_connect_params
        from warroom.store.target import resolve_target

        params = postgres_connect_params(resolve_target(self.location))
        with psycopg.connect(autocommit=True, **params) as connection:
            for statement in statements:
                cursor = connection.execute(statement)  # type: ignore[arg-type]
                rows = cursor.fetchall() if cursor.description else []
        return rows

    def tables(self) -> list[str]:
        if self.path is not None:
            if not self.path.exists():
                return []
            query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        return [name for (name,) in self.sql(query)]

    def exists(self) -> bool:
        """Whether warroom made anything here: a file, or tables."""
        if self.path is not None:
            return self.path.exists()
        return bool(self.tables())

    def fingerprint(self) -> str:
        """Changes whenever anything is written: the file's bytes, or every table's rows."""
        if self.path is not None:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        # Every row of every table, as text, in one query.
        (rows,) = self.sql(
            "SELECT coalesce(string_agg(format('%s %s', table_name, "
            "query_to_xml(format('SELECT * FROM %I ORDER BY 1', table_name), false, false, '')"
            "), E'\\n' ORDER BY table_name), '') FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        )
        return hashlib.sha256(str(rows[0]).encode()).hexdigest()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """An autocommit connection to the test server, or None when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        yield None
        return
    import psycopg

    try:
        connection = psycopg.connect(_plain(url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"{POSTGRES_ENV} is set but the server does not answer: {error}")
    with connection:
        yield connection


@pytest.fixture(scope="session")
def postgres_session_database(postgres_server: Any) -> Iterator[Any]:
    """One database for this test session; each test gets a fresh schema in it (creating a
    schema takes milliseconds, a database up to a second on a busy machine)."""
    if postgres_server is None:
        yield None
        return
    name = f"warroom_test_{uuid.uuid4().hex[:16]}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    import psycopg

    url = make_url(_plain(os.environ[POSTGRES_ENV])).set(database=name)
    try:
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as db:
            yield url, db
    finally:
        postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty database: once a SQLite file, once a PostgreSQL schema of its own (every
    connection to `location` finds only it)."""
    if request.param == "sqlite":
        path = tmp_path / "warroom.db"
        yield Database("sqlite", str(path), path)
        return
    session_database = request.getfixturevalue("postgres_session_database")
    if session_database is None:
        pytest.skip(NO_POSTGRES)
    url, db = session_database
    schema = f"test_{uuid.uuid4().hex[:16]}"
    db.execute(f'CREATE SCHEMA "{schema}"')
    # A server time zone far from UTC: timestamps must come back as the same UTC instants.
    options = f"-csearch_path={schema} -ctimezone=Pacific/Chatham"
    location = url.update_query_dict({"options": options})
    try:
        yield Database("postgresql", location.render_as_string(hide_password=False))
    finally:
        db.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_database(postgres_server: Any) -> Iterator[Database]:
    """A fresh, empty PostgreSQL database of its own, for what is per database (connections,
    LISTEN/NOTIFY)."""
    if postgres_server is None:
        pytest.skip(NO_POSTGRES)
    name = f"warroom_test_{uuid.uuid4().hex[:16]}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    url = make_url(_plain(os.environ[POSTGRES_ENV])).set(database=name)
    try:
        yield Database("postgresql", url.render_as_string(hide_password=False))
    finally:
        postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _plain(url: str) -> str:
    """The URL as libpq takes it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
