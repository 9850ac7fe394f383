import stat
from datetime import time, timedelta
from pathlib import Path

import pytest

from warroom.config import (
    SETTINGS,
    format_value,
    get_value,
    load_config,
    read_raw,
    set_value,
)
from warroom.domain.errors import BadInput
from warroom.domain.severity import Cadence
from warroom.paths import config_path, data_dir, default_database


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml")
    assert config.user == "tester"
    assert config.timezone_name == "UTC"
    assert config.standup.at == time(9, 30)
    assert config.standup.days == frozenset(range(5))
    assert config.cadence[1].interval == timedelta(minutes=30)
    assert config.cadence[4].cadence is Cadence.STANDUP
    assert config.keys["log"] == "l"


def test_locations_follow_the_platform_dirs(isolated_environment: Path) -> None:
    assert config_path() == isolated_environment / "config" / "warroom" / "config.toml"
    assert data_dir() == isolated_environment / "data" / "warroom"
    assert default_database() == str(isolated_environment / "data" / "warroom" / "warroom.db")


def test_database_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARROOM_DB", "/srv/incidents.db")
    assert default_database() == "/srv/incidents.db"


def test_set_then_load(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    set_value(path, "user.name", "Bob Chen")
    set_value(path, "display.timezone", "Europe/Berlin")
    set_value(path, "standup.time", "9:05")
    set_value(path, "standup.days", "mon, wed,fri")
    set_value(path, "cadence.sev-1", "15m")
    set_value(path, "cadence.sev-3", "standup")
    set_value(path, "keys.log", "ctrl+l")
    config = load_config(path)
    assert config.user == "Bob Chen"
    assert config.timezone_name == "Europe/Berlin"
    assert config.standup.at == time(9, 5)
    assert config.standup.days == frozenset({0, 2, 4})
    assert config.cadence[1].interval == timedelta(minutes=15)
    assert config.cadence[3].cadence is Cadence.STANDUP
    assert config.keys["log"] == "ctrl+l"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert format_value(get_value(read_raw(path), "standup.days")) == "mon,wed,fri"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("display.timezone", "Mars/Olympus"),
        ("standup.time", "25:00"),
        ("standup.time", "noon"),
        ("standup.days", "funday"),
        ("cadence.sev-1", "soon"),
        ("user.name", "  "),
        ("keys.log", "ctrl l"),
        ("no.such", "x"),
        ("cadence.sev-9", "1h"),
    ],
)
def test_set_refuses_bad_values_and_writes_nothing(tmp_path: Path, key: str, value: str) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(BadInput):
        set_value(path, key, value)
    assert not path.exists()


def test_a_bad_value_in_the_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[display]\ntimezone = "Nowhere/Town"\n')
    with pytest.raises(BadInput, match=r"display\.timezone"):
        load_config(path)


def test_a_value_of_the_wrong_type_in_the_file_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[user]\nname = 5\n")
    with pytest.raises(BadInput) as error:
        load_config(path)
    assert str(error.value) == "config user.name: 5 is not a valid value"


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[user\nname=")
    with pytest.raises(BadInput, match="not valid TOML"):
        load_config(path)


def test_every_setting_has_a_valid_default() -> None:
    for key in SETTINGS:
        get_value({}, key)
