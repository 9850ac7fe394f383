"""Where warroom keeps things, and how it makes them: owner-only, whatever the umask.

Nothing happens at import time: paths are computed when asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "warroom"
DB_ENV = "WARROOM_DB"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def config_path() -> Path:
    return config_dir() / "config.toml"


def default_database() -> str:
    """`$WARROOM_DB`, else `warroom.db` in the user data directory."""
    return os.environ.get(DB_ENV) or str(data_dir() / "warroom.db")


def make_private_dir(path: Path) -> None:
    """Create a directory and each missing parent readable by its owner only (0700, as the XDG
    base directory spec asks). `mkdir(parents=True)` would give the parents the umask's mode:
    0777 under umask 000. Raises NotADirectoryError when a part of the path is a file."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not current.is_dir():
        raise NotADirectoryError(f"{current} is not a directory")
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # made a moment ago by another warroom
            continue
        directory.chmod(0o700)  # the umask may have taken bits off; never added any
