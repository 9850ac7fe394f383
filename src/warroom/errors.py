"""Errors the user can act on. The command line turns them into one `error:` line and exit 2."""


class BadInput(ValueError):
    """Input that warroom refuses: nothing has been written."""


class UnknownIncident(BadInput):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no incident {ref}")
        self.ref = ref


class DatabaseError(BadInput):
    """The database cannot be used as given (not a warroom file, newer schema, read-only...)."""


class StorageError(Exception):
    """The database could not be read or written for a reason outside the input: a full disk,
    an I/O error, a lost connection. Nothing was saved; trying again later can work."""


class Conflict(Exception):
    """Someone else saved the same thing first. `current` is what is stored now."""

    def __init__(self, what: str, current: object) -> None:
        super().__init__(f"{what} was changed by someone else")
        self.current = current
