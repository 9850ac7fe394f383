"""Where the data lives: a SQLite file or a PostgreSQL URL, and how to name it in a message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from warroom.domain.errors import BadInput

_POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


@dataclass(frozen=True, slots=True)
class Target:
    """Where the data lives: a SQLite file, or a PostgreSQL URL."""

    url: str
    path: Path | None = None  # the SQLite file, when it is one

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display(self) -> str:
        """For messages: the path, or the URL with any password hidden."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=True)

    def scrub(self, message: str) -> str:
        """`message` with the URL's password, should a driver ever quote it, hidden."""
        password = None if self.path is not None else make_url(self.url).password
        return message.replace(str(password), "***") if password else message


def resolve_target(value: str) -> Target:
    if value.startswith(_POSTGRES_SCHEMES):
        try:
            url = make_url(value).set(drivername="postgresql+psycopg")
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise BadInput("bad PostgreSQL URL: use postgresql://user@host:port/db") from None
        return Target(url.render_as_string(hide_password=False))
    if "://" in value:
        raise BadInput(f"unsupported database URL scheme in {value.split('://')[0]!r}")
    path = Path(value).expanduser().absolute()
    return Target(f"sqlite:///{path}", path)
