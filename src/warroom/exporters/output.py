"""Writing an export: owner-only (0600), never over an existing file unless forced."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from warroom.domain.errors import BadInput


def refuse_existing(path: Path, *, force: bool) -> None:
    """Fail early, before any work, when the file is there and not to be replaced."""
    if path.is_dir():
        raise BadInput(f"{path} is a directory")
    if path.exists() and not force:
        raise BadInput(f"{path} exists: use --force to replace it")


def write_private(path: Path, content: str, *, force: bool) -> None:
    """Write `content` to `path`, readable by its owner only. Without `force` an existing file
    is never touched (created exclusively); with it the file is replaced whole and atomically."""
    data = content.encode("utf-8")
    try:
        if not force:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _write_all(descriptor, data)
            except BaseException:
                path.unlink(missing_ok=True)  # ours: created just now, never a half-written file
                raise
            return
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(descriptor, data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise
    except FileExistsError:
        raise BadInput(f"{path} exists: use --force to replace it") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a directory") from None
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None


def _write_all(descriptor: int, data: bytes) -> None:
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
