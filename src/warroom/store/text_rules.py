"""The checks all user text passes before it is stored (plain Python: quick_log.py writes
without SQLAlchemy)."""

from __future__ import annotations

from warroom.domain.errors import BadInput


def storable(value: str, what: str) -> str:
    """User text is kept exactly as typed, as long as every database can keep it: NUL
    (PostgreSQL refuses it) and text that is not valid Unicode are refused, not altered."""
    if "\x00" in value:
        raise BadInput(f"{what} contains a NUL character (\\x00), which cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"{what} is not valid UTF-8: check the terminal's encoding") from None
    return value


def require_text(value: str, what: str) -> str:
    """Storable text that says something (a command line in a non-UTF-8 locale can hand us
    undecodable bytes as lone surrogates)."""
    if not value.strip():
        raise BadInput(f"{what} must not be empty")
    return storable(value.strip(), what)
