"""The quick first-screen read agrees with the store, and stands aside when unsure."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from tests.conftest import T0
from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus, ActionType, EventKind, Priority, Role
from warroom.domain.room import FIRST_PAGE
from warroom.services.room import read_state
from warroom.store import NewEvent, Store, preview


@pytest.fixture
def store(db_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """SQLite only: the quick read is for SQLite files (PostgreSQL opens the store at once)."""
    with Store.open(str(db_path), clock) as opened:
        yield opened


def busy(store: Store, clock: FrozenClock) -> int:
    incident = store.create_incident(
        "Checkout down", 2, commander="Bob", actor="Bob", services=["checkout", "db"], tags=["pg"]
    )
    store.change_severity(incident.id, 1, actor="Bob")
    store.advance_phase(incident.id, actor="Bob")
    store.assign_role(incident.id, Role.SCRIBE, "Carol", actor="Bob")
    store.assign_role(incident.id, Role.COMMANDER, "Alice", actor="Bob")
    store.log_many(
        incident.id,
        (
            NewEvent(f"alert {n}", "monitor", T0 + timedelta(seconds=n), EventKind.ALERT)
            for n in range(FIRST_PAGE + 20)
        ),
    )
    clock.advance(timedelta(minutes=5))
    doomed = store.log_event(incident.id, "typo", actor="Bob")
    store.delete_event(doomed.id)
    store.flag_event(store.log_event(incident.id, "found it", actor="Dave").id, starred=True)
    store.log_event(incident.id, "update one", actor="Bob", kind=EventKind.UPDATE)
    store.add_action_item(
        incident.id,
        "Add index checks",
        actor="Bob",
        type=ActionType.PREVENT,
        owner="Dave",
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
        ticket="PLAT-1",
    )
    store.add_action_item(incident.id, "Raise the pool", actor="Bob", status=ActionStatus.DONE)
    store.create_incident("Search slow", 3, commander="Erin", actor="Erin")
    return incident.id


def test_the_room_reads_as_the_store_does(db_path: Path, store: Store, clock: FrozenClock) -> None:
    incident_id = busy(store, clock)
    quick = preview.room(str(db_path), incident_id)
    assert quick is not None
    assert quick.state == read_state(store, incident_id)
    assert list(quick.newest_events) == store.events_before(incident_id, None, limit=FIRST_PAGE)


def test_the_postmortem_reads_as_the_store_does(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    from dataclasses import replace

    from warroom.config import Config
    from warroom.domain.model import (
        UNKNOWN,
        ContributingFactor,
        FishboneCategory,
        ReportStatus,
        Why,
    )
    from warroom.services.reporting import ReportSettings, load_report

    incident_id = busy(store, clock)
    store.flag_event(store.log_event(incident_id, "noise", actor="Bob").id, hidden=True)
    store.resolve(incident_id, actor="Alice")
    store.save_postmortem(
        replace(
            store.postmortem(incident_id),
            authors=("Alice", "Bob"),
            summary="Checkout failed.",
            users_affected=UNKNOWN,
            sla_breached=True,
            report_date=date(2024, 3, 16),
            contributing_factors=(
                ContributingFactor("No index check", FishboneCategory.PROCESS),
                ContributingFactor("Load"),
            ),
            what_went_well=("fast rollback",),
            five_whys=(Why("Why down?", "No index."),),
        )
    )
    store.set_postmortem_status(
        incident_id,
        ReportStatus.IN_REVIEW,
        version=store.postmortem(incident_id).version,
        actor="Bob",
        note="moved on",
    )
    config = Config(user="bob", timezone_name="UTC")
    settings = ReportSettings(config.schedule, config.tz)
    quick = preview.postmortem(
        str(db_path), incident_id, schedule=settings.schedule, tz=settings.tz, now=clock.now()
    )
    assert quick is not None
    assert quick.report == load_report(store, incident_id, settings)
    assert quick.newest_events == store.events_before(incident_id, None, limit=FIRST_PAGE)
    fresh = store.create_incident("Fresh", 3, commander="Erin", actor="Erin").id
    unwritten = preview.postmortem(
        str(db_path), fresh, schedule=settings.schedule, tz=settings.tz, now=clock.now()
    )
    assert unwritten is not None
    assert unwritten.report == load_report(store, fresh, settings)


def test_the_incident_list_reads_as_the_store_does(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    busy(store, clock)
    assert preview.incidents(str(db_path)) == store.list_incidents()


def test_the_first_rows_of_the_list_are_the_active_incidents_then_the_newest_past_ones(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    made = [store.create_incident(f"n{n}", 3, commander="Bob", actor="Bob") for n in range(7)]
    for incident in (made[0], made[1], made[3], made[4]):
        store.resolve(incident.id, actor="Bob")
    store.withdraw(made[5].id, "declared by mistake", actor="Bob")
    everything = {incident.id: incident for incident in store.list_incidents()}
    first = preview.incidents(str(db_path), first=4)
    assert first is not None
    assert [incident.id for incident in first] == [made[n].id for n in (6, 2, 4, 3)]
    assert all(incident == everything[incident.id] for incident in first)
    assert preview.incidents(str(db_path), first=1) == [everything[made[6].id]]
    listed = preview.incidents(str(db_path), first=50)
    assert [incident.id for incident in listed or ()] == [made[n].id for n in (6, 2, 4, 3, 1, 0)]


def test_an_unknown_incident(db_path: Path, store: Store, clock: FrozenClock) -> None:
    busy(store, clock)
    with pytest.raises(preview.NotFound):
        preview.room(str(db_path), 99)


def test_stands_aside_for_anything_unusual(tmp_path: Path, clock: FrozenClock) -> None:
    missing = tmp_path / "missing.db"
    assert preview.room(str(missing), 1) is None
    assert preview.incidents(str(missing)) is None
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    assert preview.incidents(str(empty)) is None
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 50)
    assert preview.incidents(str(text)) is None
    foreign = tmp_path / "foreign.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    assert preview.incidents(str(foreign)) is None
    assert preview.incidents("postgresql://ic@db.example/warroom") is None
    old = tmp_path / "old.db"
    with Store.open(str(old), clock):
        pass
    connection = sqlite3.connect(old)
    connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.commit()
    connection.close()
    assert preview.incidents(str(old)) is None  # the store migrates it, with a backup


def test_reading_writes_nothing(db_path: Path, store: Store, clock: FrozenClock) -> None:
    busy(store, clock)
    store.close()
    before = db_path.read_bytes()
    assert preview.incidents(str(db_path))
    assert preview.room(str(db_path), 1)
    assert preview.postmortem(str(db_path), 1, schedule=UpdateSchedule(), tz=UTC, now=clock.now())
    assert db_path.read_bytes() == before


def test_no_sqlalchemy_for_the_first_screen(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    import subprocess
    import sys

    busy(store, clock)
    code = (
        "import sys\n"
        "from warroom.store import preview\n"
        f"assert preview.room({str(db_path)!r}, 1) is not None\n"
        "from datetime import UTC, datetime\n"
        "from warroom.domain.cadence import UpdateSchedule\n"
        f"assert preview.postmortem({str(db_path)!r}, 1, schedule=UpdateSchedule(), tz=UTC, "
        "now=datetime.now(UTC)) is not None\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
