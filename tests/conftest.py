"""Shared fixtures: every test runs with its own data and config directories and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.clock import FrozenClock
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
