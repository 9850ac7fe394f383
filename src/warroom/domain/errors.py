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


class DatabaseBusy(StorageError):
    """Other writers kept the database locked for longer than warroom waits; nothing was
    written."""


class AlreadyDone(Exception):
    """What was asked for is already so (a retried command): nothing was recorded. Not a
    failure: the command line says so and exits 0."""


class Conflict(Exception):
    """Someone else saved the same thing first, and nothing was written.

    `current` is what is stored now. When the save named what it was edited from, `mine` is what
    it tried to save and `fields` the fields both sides changed, differently: the two versions
    to choose between.
    """

    def __init__(
        self, what: str, current: object, *, mine: object = None, fields: tuple[str, ...] = ()
    ) -> None:
        detail = f" ({', '.join(fields)})" if fields else ""
        super().__init__(f"{what} was changed by someone else{detail}")
        self.current = current
        self.mine = mine
        self.fields = fields


def first_line(error: BaseException) -> str:
    """An error as one line for a notice or an `error:` line: its type, and the first line of
    what it says (a database driver's message runs on with SQL and hints)."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
