"""The config file (`config.toml`): its settings, their defaults, reading and writing it."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import time, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warroom.domain.cadence import WEEKDAYS, Standup, UpdateSchedule
from warroom.domain.errors import BadInput
from warroom.domain.severity import (
    SEVERITIES,
    Cadence,
    UpdatePolicy,
    format_interval,
    parse_interval,
)
from warroom.paths import config_path, make_private_dir

# Actions whose keys can be remapped under [keys]; the app binds them by these ids.
KEY_ACTIONS: dict[str, str] = {
    "log": "l",
    "severity": "s",
    "update": "u",
    "action": "a",
    "phase": "p",
    "postmortem": "w",
    "roles": "r",
    "step-back": "P",
    "home": "g",
    "help": "question_mark",
    "quit": "q",
}


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (containers)
        return "responder"


def local_zone_name() -> str:
    """The machine's IANA zone name ($TZ, else /etc/localtime), or UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[-1])
    except OSError:
        pass  # no /etc/localtime link (non-Linux, or a copied file): fall back to UTC
    for name in candidates:
        if name and _zone_or_none(name) is not None:
            return name
    return "UTC"


def _zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Config:
    user: str
    timezone_name: str
    standup: Standup = field(default_factory=Standup)
    cadence: Mapping[int, UpdatePolicy] = field(
        default_factory=lambda: {level: sev.update for level, sev in SEVERITIES.items()}
    )
    keys: Mapping[str, str] = field(default_factory=lambda: dict(KEY_ACTIONS))
    theme: str = "textual-dark"

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone_name)

    @property
    def schedule(self) -> UpdateSchedule:
        return UpdateSchedule(self.cadence, self.standup)


# ---- settings: dotted keys, their parsers and formatters ------------------------------------


def _parse_zone(value: str) -> str:
    if _zone_or_none(value) is None:
        raise BadInput(f"unknown timezone {value!r}: use an IANA name such as Europe/Berlin")
    return value


def _parse_clock(value: str) -> str:
    hour, _, minute = value.strip().partition(":")
    if not (hour.isdigit() and minute.isdigit() and len(minute) == 2):
        raise BadInput(f"bad time of day {value!r}: use HH:MM")
    if int(hour) > 23 or int(minute) > 59:
        raise BadInput(f"bad time of day {value!r}: no such time")
    return f"{int(hour):02d}:{minute}"


def _parse_days(value: str | list[str]) -> list[str]:
    items = value if isinstance(value, list) else value.replace(",", " ").split()
    days = [str(item).strip().lower()[:3] for item in items]
    bad = [day for day in days if day not in WEEKDAYS]
    if bad or not days:
        raise BadInput(f"bad standup days {value!r}: use e.g. mon,tue,wed,thu,fri")
    return sorted(set(days), key=WEEKDAYS.index)


def _parse_cadence(value: str) -> str:
    if value.strip().lower() == Cadence.STANDUP.value:
        return Cadence.STANDUP.value
    return format_interval(parse_interval(value))


def _parse_name(value: str) -> str:
    if not value.strip():
        raise BadInput("the name must not be empty")
    return value.strip()


def _parse_key(value: str) -> str:
    keys = [key.strip() for key in value.split(",")]
    if not all(keys) or any(" " in key for key in keys):
        raise BadInput(f"bad key {value!r}: use a key name such as l, ctrl+l or f5")
    return ",".join(keys)


def _parse_file(value: str) -> str:
    """A file's path (`~` is the home directory); empty: none."""
    if not isinstance(value, str):
        raise BadInput(f"bad path {value!r}: give a file's path")
    return value.strip()


def _parse_theme(value: str) -> str:
    if not value.strip():
        raise BadInput("the theme must not be empty")
    return value.strip()


@dataclass(frozen=True)
class Setting:
    section: str
    name: str
    parse: Callable[[Any], Any]
    default: Callable[[], Any]

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


def _constant(value: str) -> Callable[[], str]:
    return lambda: value


def _settings() -> dict[str, Setting]:
    settings = [
        Setting("user", "name", _parse_name, login_name),
        Setting("display", "timezone", _parse_zone, local_zone_name),
        Setting("display", "theme", _parse_theme, lambda: "textual-dark"),
        Setting("standup", "time", _parse_clock, lambda: "09:30"),
        Setting("standup", "days", _parse_days, lambda: list(WEEKDAYS[:5])),
        # warroom serve's secrets, each in a file of its own (readable by its owner only).
        Setting("serve", "token_file", _parse_file, _constant("")),
        Setting("serve", "view_token_file", _parse_file, _constant("")),
        Setting("serve", "pagerduty_secret_file", _parse_file, _constant("")),
    ]
    for level, sev in SEVERITIES.items():
        policy = sev.update
        default = (
            Cadence.STANDUP.value if policy.interval is None else format_interval(policy.interval)
        )
        settings.append(Setting("cadence", f"sev-{level}", _parse_cadence, _constant(default)))
    for action, key in KEY_ACTIONS.items():
        settings.append(Setting("keys", action, _parse_key, _constant(key)))
    return {setting.key: setting for setting in settings}


SETTINGS = _settings()


def _setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        known = ", ".join(SETTINGS)
        raise BadInput(f"unknown config key {key!r}: known keys are {known}") from None


def read_raw(path: Path) -> dict[str, Any]:
    if path.exists() and not path.is_file():  # a FIFO would block every command
        raise BadInput(f"{path}: not a regular file")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror})") from None


def get_value(raw: Mapping[str, Any], key: str) -> Any:
    """The effective value of a dotted key: the file's, validated, else the default."""
    setting = _setting(key)
    section = raw.get(setting.section, {})
    if isinstance(section, dict) and setting.name in section:
        value = section[setting.name]
        try:
            return setting.parse(value)
        except BadInput as error:
            raise BadInput(f"config {key}: {error}") from None
        except (AttributeError, TypeError):  # a number where text belongs, or the like
            raise BadInput(f"config {key}: {value!r} is not a valid value") from None
    return setting.default()


def set_value(path: Path, key: str, value: str) -> Any:
    """Validate and write one setting, keeping the file's comments and layout; the file is
    created owner-only. Returns the stored value.

    Writers take turns (a lock on the config directory) and each writes a file of its own that
    replaces the config whole: two `config set` at once both keep their change."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    setting = _setting(key)
    parsed = setting.parse(value)
    try:
        make_private_dir(path.parent)
        with _writing(path.parent):
            _remove_stray_temporaries(path)
            try:
                document = tomlkit.parse(path.read_text("utf-8")) if path.exists() else None
            except TOMLKitError as error:
                raise BadInput(f"{path}: not valid TOML ({error})") from None
            document = document if document is not None else tomlkit.document()
            section = document.get(setting.section)
            if section is None:
                document[setting.section] = section = tomlkit.table()
            if not isinstance(section, MutableMapping):
                raise BadInput(f"{path}: [{setting.section}] is not a table")
            section[setting.name] = parsed
            _replace_privately(path, tomlkit.dumps(document).encode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BadInput(f"cannot write {path}: {why}") from None
    return parsed


@contextlib.contextmanager
def _writing(directory: Path) -> Iterator[None]:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _remove_stray_temporaries(path: Path) -> None:
    """Left by a writer killed mid-write (under the lock, nobody else is writing one now)."""
    for stray in (path.with_name(f"{path.name}.tmp"), *path.parent.glob(f".{path.name}.*.tmp")):
        stray.unlink(missing_ok=True)


def _replace_privately(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # nothing half-written stays behind, if we can help it
            temporary.unlink(missing_ok=True)
        raise


def format_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def load_config(path: Path | None = None) -> Config:
    raw = read_raw(path or config_path())
    days = get_value(raw, "standup.days")
    cadence: dict[int, UpdatePolicy] = {}
    for level in SEVERITIES:
        text = get_value(raw, f"cadence.sev-{level}")
        cadence[level] = (
            UpdatePolicy(Cadence.STANDUP)
            if text == Cadence.STANDUP.value
            else UpdatePolicy(Cadence.INTERVAL, parse_interval(text))
        )
    return Config(
        user=get_value(raw, "user.name"),
        timezone_name=get_value(raw, "display.timezone"),
        standup=Standup(
            at=time.fromisoformat(get_value(raw, "standup.time")),
            days=frozenset(WEEKDAYS.index(day) for day in days),
        ),
        cadence=cadence,
        keys={action: get_value(raw, f"keys.{action}") for action in KEY_ACTIONS},
        theme=get_value(raw, "display.theme"),
    )
