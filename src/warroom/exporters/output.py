"""Writing an export to `-o FILE`: readable by its owner only (0600), never over an existing file
unless forced, never half-written, and never in place of something that is not a regular file.

A file is written beside its final path under a name of its own (`.NAME.<random>` +
`TEMPORARY_SUFFIX`), flushed to disk, and only then put in place: linked to the final name
(which fails if anything is there) or, with --force, renamed over the file. While it is being
written the temporary file is locked; one found unlocked was left by an export that was killed,
and the next export into that directory removes it. A FIFO or a character device (`/dev/stdout`,
a terminal, `/dev/null`) is written into, never replaced; anything else that is not a regular
file is refused. A symbolic link to a file: that file is replaced, the link kept.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
from pathlib import Path

from warroom.domain.errors import BadInput, StorageError

TEMPORARY_SUFFIX = ".warroom-export.tmp"
_DATABASE_FILES = ("", "-wal", "-shm", "-journal")
# Errors of the disk, not of the path given: trying again once the cause is gone can work.
_STORAGE_ERRORS = {errno.ENOSPC: "the disk is full; free some space and try again"}
_STORAGE_ERRORS |= {errno.EDQUOT: "the disk quota is used up; free some space and try again"}
_STORAGE_ERRORS |= {errno.EIO: "an input/output error; check the disk and try again"}
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}


def refuse_existing(path: Path, *, force: bool) -> None:
    """Fail early, before any work, when the file is there and not to be replaced (or is
    something that cannot be: a directory, a socket, a block device)."""
    _target_mode(path, force=force)


def refuse_database_files(output: Path, database: Path) -> None:
    """`output` is not the database or one of its companion files, however it is written
    (`sub/../w.db-wal`, a symbolic or a hard link to one of them)."""
    real = os.path.realpath(output)
    for end in _DATABASE_FILES:
        protected = Path(f"{database}{end}")
        names = {os.path.realpath(protected), f"{os.path.realpath(database)}{end}"}
        if real in names or _same_file(output, protected):
            raise BadInput(
                f"{output} is the database (or one of its files): export to another file"
            )


def write_private(path: Path, content: str, *, force: bool) -> None:
    """Write `content` to `path` (see the module's docstring). Without `force` an existing
    file is never touched; with it a regular file is replaced whole and atomically."""
    data = content.encode("utf-8")
    try:
        mode = _target_mode(path, force=force)  # again: it may have changed meanwhile
        if mode is not None and not stat.S_ISREG(mode):
            _write_into(path, data)
        elif mode is not None:
            _put_in_place(Path(os.path.realpath(path)), data, replace=True)
        else:
            _put_in_place(path, data, replace=False)
    except FileExistsError:
        raise BadInput(f"{path} exists: use --force to replace it") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a directory") from None
    except BrokenPipeError:
        raise  # the FIFO's reader went away: as for standard output
    except OSError as error:
        if error.errno in _STORAGE_ERRORS:
            raise StorageError(f"cannot write {path}: {_STORAGE_ERRORS[error.errno]}") from None
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None


def _target_mode(path: Path, *, force: bool) -> int | None:
    """What is at `path` (a link followed): None for nothing, else its mode, once it is known
    to be something an export may go to."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise BadInput(f"{path} is a symbolic link to nothing: export to a file") from None
        return None
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
    if stat.S_ISDIR(mode):
        raise BadInput(f"{path} is a directory")
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return mode  # written into, not replaced: --force or not
    if not stat.S_ISREG(mode):
        raise BadInput(
            f"{path} is not a regular file ({file_kind(mode)}): export to a file, a FIFO "
            "or standard output"
        )
    if not force:
        raise BadInput(f"{path} exists: use --force to replace it")
    return mode


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for an error message."""
    kinds = {
        stat.S_IFIFO: "a FIFO",
        stat.S_IFCHR: "a character device",
        stat.S_IFBLK: "a block device",
        stat.S_IFSOCK: "a socket",
        stat.S_IFDIR: "a directory",
    }
    return kinds.get(stat.S_IFMT(mode), "not a regular file")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them is not there: not the same file
        return False


def _write_into(path: Path, data: bytes) -> None:
    """A FIFO or a character device: opened as it is (a FIFO waits for its reader), written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise BadInput(f"{path} changed while the export was made: export again")
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _put_in_place(final: Path, data: bytes, *, replace: bool) -> None:
    directory = final.parent
    _remove_abandoned(directory)
    temporary, descriptor = _create_locked(directory, final.name)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
        if replace:
            os.replace(temporary, final)
        else:
            _link_new(temporary, final)
        _sync_directory(directory)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    finally:
        os.close(descriptor)  # and with it the lock


def _create_locked(directory: Path, name: str) -> tuple[Path, int]:
    """A new temporary file beside `name`, 0600, locked. A cleaner that locked it first (it
    took the file for abandoned) removes it: then another name is tried."""
    while True:
        temporary = directory / f".{name}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        descriptor = os.open(temporary, flags, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        if os.fstat(descriptor).st_nlink:
            return temporary, descriptor
        os.close(descriptor)


def _link_new(temporary: Path, final: Path) -> None:
    """`final` is made the temporary file's name only if nothing has that name (a rename
    would replace it); then the temporary name goes."""
    try:
        os.link(temporary, final)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(final):  # a file system without hard links: checked, then renamed
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from None
        os.rename(temporary, final)
        return
    temporary.unlink()


def _remove_abandoned(directory: Path) -> None:
    """Remove the temporary files of exports into `directory` that were killed: ours (by
    name and owner), and not locked by a running export."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return  # writing into it will say what is wrong
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(TEMPORARY_SUFFIX):
            _remove_if_abandoned(Path(entry.path))


def _remove_if_abandoned(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return  # gone already, or not ours to open
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid():
            return
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # an export is writing it
        with contextlib.suppress(FileNotFoundError):
            if os.lstat(path).st_ino == found.st_ino:
                path.unlink()
    finally:
        os.close(descriptor)


def _sync_directory(directory: Path) -> None:
    """The new name on disk too. Some file systems cannot sync a directory: the file itself
    is synced and in place either way."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
