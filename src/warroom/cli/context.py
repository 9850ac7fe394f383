"""What every command is given: the database's location, the clock, the config read on first use."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

from warroom.config import Config, get_value, load_config, read_raw
from warroom.domain.clock import Clock
from warroom.domain.errors import BadInput
from warroom.paths import DB_ENV, config_path, default_database

if TYPE_CHECKING:
    from warroom.store import Store

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_PROBLEMS = 1  # `check` only: the post-mortem is not ready to publish
EXIT_BAD_INPUT = 2


class UsageError(BadInput):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


@dataclass
class Context:
    """What every command needs, made on first use (a command that fails on its arguments
    never reads the config or touches the database)."""

    db: str | None
    clock: Clock

    @cached_property
    def config(self) -> Config:
        return load_config(config_path())

    @cached_property
    def _config_file(self) -> dict[str, Any]:
        return read_raw(config_path())

    def setting(self, key: str) -> Any:
        """One setting, checked on its own: a mistake elsewhere in the config file does not stop
        a command that does not use it (an alert hook's `log`, at 3 a.m.)."""
        return get_value(self._config_file, key)

    @property
    def location(self) -> str:
        return self.db or default_database()

    @property
    def chosen_database(self) -> bool:
        """Whether the database was named (`--db`, `$WARROOM_DB`): one that is missing then is
        a mistake to report, not the first use of the default database."""
        return bool(self.db or os.environ.get(DB_ENV))

    def open_store(self, *, create: bool = True) -> Store:
        from warroom.store import Store

        return Store.open(self.location, self.clock, create=create)
