"""Clocks are not to be trusted: a clock stepped back by NTP, DST changes in the display zone and
midnight must keep the timeline in order (occurred_at, then id), paging through it whole, and
durations in real elapsed time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from warroom.cli.main import main
from warroom.domain.clock import FrozenClock
from warroom.domain.model import Event
from warroom.store import Store

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def timeline_by_pages(store: Store, incident_id: int, size: int) -> list[Event]:
    """The whole timeline, a page of `size` at a time, forwards."""
    events: list[Event] = []
    while True:
        cursor = (events[-1].occurred_at, events[-1].id) if events else None
        page = store.events_after(incident_id, cursor, limit=size)
        events += page
        if len(page) < size:
            return events


def timeline_backwards(store: Store, incident_id: int, size: int) -> list[Event]:
    """The whole timeline, a page of `size` at a time, from the newest back."""
    events: list[Event] = []
    while True:
        cursor = (events[0].occurred_at, events[0].id) if events else None
        page = store.events_before(incident_id, cursor, limit=size)
        events = page + events
        if len(page) < size:
            return events


def check_order(store: Store, incident_id: int) -> list[Event]:
    """The timeline is sorted by (occurred_at, id), and every way of paging agrees on it."""
    whole = list(store.iter_events(incident_id))
    assert [(e.occurred_at, e.id) for e in whole] == sorted((e.occurred_at, e.id) for e in whole)
    for size in (1, 2, 3):
        assert timeline_by_pages(store, incident_id, size) == whole
        assert timeline_backwards(store, incident_id, size) == whole
    assert store.count_events(incident_id) == len(whole)
    return whole


def test_ntp_steps_the_clock_back_between_two_events(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    clock.advance(timedelta(minutes=10))
    first = store.log_event(incident.id, "logged at 14:33 by a fast clock", actor="Bob")
    clock.advance(-timedelta(minutes=7))  # NTP corrects the clock: 14:26
    second = store.log_event(incident.id, "logged after the correction", actor="Bob")
    clock.advance(timedelta(seconds=30))
    third = store.log_event(incident.id, "and another", actor="Bob")

    assert second.recorded_at < first.recorded_at  # the record shows what the clock said
    assert first.id < second.id < third.id  # and in which order they were saved
    whole = check_order(store, incident.id)
    assert [e.text for e in whole[1:]] == [second.text, third.text, first.text]


def test_events_at_the_same_instant_keep_the_order_they_were_saved_in(
    store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    logged = [store.log_event(incident.id, f"same instant {n}", actor="a") for n in range(7)]
    backdated = [
        store.log_event(incident.id, f"backdated {n}", actor="a", occurred_at=clock.now())
        for n in range(3)
    ]
    whole = check_order(store, incident.id)
    assert [e.id for e in whole[1:]] == [e.id for e in logged + backdated]


def test_times_given_in_another_zone_are_ordered_as_instants(
    store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    # 15:10 in Berlin is 14:10 UTC: before 14:20 UTC, though its wall-clock figure is larger.
    berlin = store.log_event(
        incident.id, "berlin", actor="a", occurred_at=datetime(2024, 3, 15, 15, 10, tzinfo=BERLIN)
    )
    plain = store.log_event(incident.id, "utc", actor="a", occurred_at=utc(2024, 3, 15, 14, 20))
    assert berlin.occurred_at == utc(2024, 3, 15, 14, 10)
    assert berlin.occurred_at.tzinfo is UTC
    assert [e.text for e in check_order(store, incident.id)][:2] == [berlin.text, plain.text]


class Cli:
    def __init__(self, db: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.clock, self.capsys = db, clock, capsys

    def __call__(self, *args: str, warning: str = "") -> str:
        code = main(["--db", str(self.db), *args], clock=self.clock)
        out, err = self.capsys.readouterr()
        assert (code, err) == (0, f"warning: {warning}\n" if warning else ""), args
        return out


@pytest.fixture
def cli(db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_path, clock, capsys)


def texts(db_path: Path, clock: FrozenClock) -> list[str]:
    with Store.open(str(db_path), clock) as store:
        return [e.text for e in check_order(store, 1)]


def test_across_midnight(cli: Cli, clock: FrozenClock, db_path: Path) -> None:
    clock.set(utc(2024, 3, 15, 23, 55))
    cli("new", "Batch job stuck", "--detach")
    cli("log", "INC-1", "before midnight")
    clock.set(utc(2024, 3, 16, 0, 5))
    cli("log", "INC-1", "after midnight")
    cli(  # yesterday's 23:58, and said
        "log",
        "INC-1",
        "typed at 00:05 about 23:58",
        "--at",
        "23:58",
        warning="23:58 is later than now: taken as yesterday's, 2024-03-15 23:58 UTC",
    )
    cli("log", "INC-1", "typed at 00:05 about 00:01", "--at", "00:01")
    assert texts(db_path, clock)[1:] == [
        "before midnight",
        "typed at 00:05 about 23:58",
        "typed at 00:05 about 00:01",
        "after midnight",
    ]
    assert cli("resolve", "INC-1").startswith("INC-1 resolved after 10m;")


def test_autumn_dst_change_in_the_display_zone(cli: Cli, clock: FrozenClock, db_path: Path) -> None:
    """Berlin, 2024-10-27: at 03:00 CEST the clocks go back to 02:00 CET."""
    cli("config", "set", "display.timezone", "Europe/Berlin")
    clock.set(utc(2024, 10, 27, 0, 20))  # 02:20 CEST
    cli("new", "Night pager", "--severity", "1", "--detach")
    cli("log", "INC-1", "at 02:20 CEST")
    clock.set(utc(2024, 10, 27, 1, 10))  # 02:10 CET: the wall clock shows an earlier time
    cli("log", "INC-1", "at 02:10 CET")
    cli("log", "INC-1", "02:15 happened twice; the latest past one is CEST", "--at", "02:15")
    assert texts(db_path, clock) == [
        "02:15 happened twice; the latest past one is CEST",  # 00:15 UTC: before declaring
        "Incident declared: SEV-1 (Critical), IC tester",
        "at 02:20 CEST",
        "at 02:10 CET",
    ]
    assert "2024-10-27 02:20 CEST" in cli("list")
    assert cli("resolve", "INC-1").startswith("INC-1 resolved after 50m;")  # not -10m


def test_spring_dst_change_in_the_display_zone(cli: Cli, clock: FrozenClock, db_path: Path) -> None:
    """Berlin, 2024-03-31: at 02:00 CET the clocks go forward to 03:00 CEST."""
    cli("config", "set", "display.timezone", "Europe/Berlin")
    clock.set(utc(2024, 3, 31, 0, 50))  # 01:50 CET
    cli("new", "Night pager", "--severity", "1", "--detach")
    clock.set(utc(2024, 3, 31, 1, 10))  # 03:10 CEST
    cli("log", "INC-1", "at 03:10 CEST")
    cli("log", "INC-1", "at 01:55 CET", "--at", "01:55")
    assert texts(db_path, clock)[1:] == ["at 01:55 CET", "at 03:10 CEST"]
    assert cli("resolve", "INC-1").startswith("INC-1 resolved after 20m;")  # not 1h 20m


def test_resolved_before_detected_by_a_stepped_clock_is_not_a_negative_duration(
    cli: Cli, clock: FrozenClock
) -> None:
    cli("new", "x", "--detach")
    clock.advance(-timedelta(minutes=3))
    said = (
        "this machine's clock (2024-03-15 14:20 UTC) is behind the incident's record: "
        "resolved taken as 2024-03-15 14:23 UTC; check the clock"
    )
    assert cli("resolve", "INC-1", warning=said).startswith("INC-1 resolved after 0s;")


def test_a_time_without_a_zone_is_refused(store: Store) -> None:
    from warroom.domain.errors import BadInput

    incident = store.create_incident("x", 2, commander="a", actor="a")
    with pytest.raises(BadInput, match="has no timezone"):
        store.log_event(incident.id, "when?", actor="a", occurred_at=datetime(2024, 3, 15, 14))
    assert store.count_events(incident.id) == 1
