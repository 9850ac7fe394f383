"""Where the data lives: a SQLite file or a PostgreSQL URL, and how to name it in a message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from warroom.domain.errors import BadInput

_POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
# libpq parameters that carry a secret when given in the URL's query.
_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})


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
        """For messages: the path, or the URL with its password hidden, wherever it is given."""
        if self.path is not None:
            return str(self.path)
        url = make_url(self.url).set(drivername="postgresql")
        hidden = {
            key: "***" if key in _SECRET_PARAMETERS else value for key, value in url.query.items()
        }
        # The query is rendered URL-quoted: show the mask as the userinfo's mask reads.
        shown = url.set(query=hidden).render_as_string(hide_password=True)
        return shown.replace("=%2A%2A%2A", "=***")

    def scrub(self, message: str) -> str:
        """`message` with the URL's secrets, should a driver ever quote them, hidden."""
        for secret in self._secrets():
            message = message.replace(secret, "***")
        return message

    def _secrets(self) -> list[str]:
        if self.path is not None:
            return []
        url = make_url(self.url)
        found = [url.password] if url.password else []
        for key in _SECRET_PARAMETERS:
            value = url.query.get(key)
            found += [value] if isinstance(value, str) else list(value or ())
        # The longest first: a secret that contains another is hidden whole.
        return sorted({str(secret) for secret in found if secret}, key=len, reverse=True)


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
