"""The store's tests run on SQLite and on PostgreSQL: `store` is on a fresh `database`."""

from collections.abc import Iterator

import pytest

from tests.conftest import Database
from warroom.domain.clock import FrozenClock
from warroom.store import Store


@pytest.fixture
def store(database: Database, clock: FrozenClock) -> Iterator[Store]:
    with Store.open(database.location, clock) as opened:
        yield opened
