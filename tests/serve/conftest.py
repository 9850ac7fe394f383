"""`server`: warroom serve on a real loopback port, over a fresh database (SQLite, then
PostgreSQL), with the hook token and PagerDuty's secret set and the clock frozen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import Database
from tests.serve.harness import RunningServer, server_options
from warroom.domain.clock import FrozenClock
from warroom.store import Store


@pytest.fixture
def store(database: Database, clock: FrozenClock) -> Iterator[Store]:
    with Store.open(database.location, clock) as opened:
        yield opened


@pytest.fixture
def start_server(store: Store) -> Iterator[Callable[..., RunningServer]]:
    started: list[RunningServer] = []

    def start(**options: Any) -> RunningServer:
        running = RunningServer(store, server_options(**options))
        running.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def server(start_server: Callable[..., RunningServer]) -> RunningServer:
    return start_server()
