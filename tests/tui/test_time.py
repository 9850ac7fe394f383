"""Time in the war room, on a frozen clock: the timeline is in the order things happened when
the clock steps back between two typed events, across midnight (with dates once the incident
spans days) and across a DST change in the display zone; elapsed time and the update countdown
are real durations, right across the change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, Notes, loaded, until
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.screens.war_room import WarRoomScreen
from warroom.store import Store
from warroom.widgets.countdown import Countdown
from warroom.widgets.log_input import LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import Timeline


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rows(timeline: Timeline) -> list[tuple[str, str]]:
    """What the timeline shows, top to bottom: (time, text) of each row."""
    return [
        (str(timeline.row_cells(row)[0]), str(timeline.row_cells(row)[3]))
        for row in range(timeline.row_count)
    ]


async def log(pilot: Pilot[object], screen: WarRoomScreen, typed: str) -> None:
    """Type an event the way a person does (a leading time backdates it), and wait until the
    timeline shows it."""
    field = screen.query_one(LogInput).input
    if pilot.app.focused is not field:  # (it keeps the keys from one line to the next)
        await pilot.press("l")
    field.insert_text_at_cursor(typed)
    await pilot.press("enter")
    timeline = screen.query_one(Timeline)
    await until(pilot, lambda: any(typed.endswith(t) for _, t in rows(timeline)), repr(typed))


async def tick(pilot: Pilot[object], screen: WarRoomScreen) -> None:
    """One second of the screen's clock (its interval timer, without waiting for it)."""
    screen._tick()
    await pilot.pause()


async def test_a_clock_stepped_back_between_two_typed_events(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="Bob")
    app = make_app(incident.id)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await loaded(pilot)
        clock.advance(timedelta(minutes=10))  # 14:33 by a clock running fast
        await log(pilot, screen, "logged by a fast clock")
        clock.advance(-timedelta(minutes=7))  # NTP steps it back: 14:26
        await log(pilot, screen, "logged after the correction")
        timeline = screen.query_one(Timeline)
        assert [time for time, _ in rows(timeline)] == ["14:23", "14:26", "14:33"]
        assert [text for _, text in rows(timeline)][1:] == [
            "logged after the correction",
            "logged by a fast clock",
        ]
        assert [event.text for event in store.iter_events(incident.id)] == [
            text for _, text in rows(timeline)
        ]
        await tick(pilot, screen)
        banner = str(screen.query_one(SeverityBanner).render())
        assert "elapsed 3m" in banner  # 14:23 to 14:26, by the clock as it is now


async def test_an_event_on_another_day_dates_the_timeline(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """Declared today, with an event backdated to an earlier day (the deploy that started it,
    or a time taken as yesterday's): without dates it read as if it were today."""
    clock.set(utc(2024, 3, 15, 14, 0))
    incident = store.create_incident("Checkout down", 2, commander="Bob", actor="Bob")
    app = make_app(incident.id)
    notes = Notes()
    async with app.run_test(size=(100, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        await log(pilot, screen, "db cpu 95%")
        assert [time for time, _ in rows(timeline)] == ["14:00", "14:00"]
        await log(pilot, screen, "15:30 deploy (yesterday's, as later than now)")
        assert rows(timeline) == [
            ("03-14 15:30", "deploy (yesterday's, as later than now)"),
            ("03-15 14:00", "Incident declared: SEV-2 (High), IC Bob"),
            ("03-15 14:00", "db cpu 95%"),
        ]
        assert [str(note.message) for note in notes] == [
            "15:30 is later than now: logged as yesterday's (2024-03-14 15:30 UTC). "
            "If that is not what you meant: Escape, then e on its row."
        ]


async def test_across_midnight_every_row_gets_its_date(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    clock.set(utc(2024, 3, 15, 23, 55))
    incident = store.create_incident("Batch job stuck", 2, commander="Bob", actor="Bob")
    app = make_app(incident.id)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        await log(pilot, screen, "before midnight")
        assert [time for time, _ in rows(timeline)] == ["23:55", "23:55"]  # one day: no dates

        clock.set(utc(2024, 3, 16, 0, 5))
        await tick(pilot, screen)  # the war room stays open past midnight
        await until(pilot, lambda: rows(timeline)[0][0] == "03-15 23:55", "the dates")
        await log(pilot, screen, "after midnight")
        await log(pilot, screen, "23:58 typed at 00:05 about yesterday")
        assert rows(timeline) == [
            ("03-15 23:55", "Incident declared: SEV-2 (High), IC Bob"),
            ("03-15 23:55", "before midnight"),
            ("03-15 23:58", "typed at 00:05 about yesterday"),
            ("03-16 00:05", "after midnight"),
        ]
        assert "elapsed 10m" in str(screen.query_one(SeverityBanner).render())

    async with make_app(incident.id).run_test(size=(100, 24)) as pilot:  # opened the next day
        screen = await loaded(pilot)
        assert [time for time, _ in rows(screen.query_one(Timeline))] == [
            "03-15 23:55",
            "03-15 23:55",
            "03-15 23:58",
            "03-16 00:05",
        ]


def berlin(config: Config) -> Config:
    return replace(config, timezone_name="Europe/Berlin")


async def test_autumn_dst_change_in_the_display_zone(
    make_app: AppFactory, store: Store, clock: FrozenClock, config: Config
) -> None:
    """Berlin, 2024-10-27: at 03:00 CEST the clocks go back to 02:00 CET."""
    clock.set(utc(2024, 10, 27, 0, 20))  # 02:20 CEST
    incident = store.create_incident("Night pager", 1, commander="Bob", actor="Bob")
    app = make_app(incident.id, config=berlin(config))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await loaded(pilot)
        countdown = screen.query_one(Countdown)
        assert "Next update in 30:00" in str(countdown.render())  # due 02:50 CEST
        clock.set(utc(2024, 10, 27, 0, 45))  # 02:45 CEST
        await log(pilot, screen, "at 02:45 CEST")
        clock.set(utc(2024, 10, 27, 1, 10))  # 02:10 CET: the wall clock shows an earlier time
        await tick(pilot, screen)
        await log(pilot, screen, "at 02:10 CET")
        await log(pilot, screen, "02:30 the latest 02:30 past: CEST")
        timeline = screen.query_one(Timeline)
        assert rows(timeline) == [  # in the order they happened, not by the wall clock
            ("02:20", "Incident declared: SEV-1 (Critical), IC Bob"),
            ("02:30", "the latest 02:30 past: CEST"),
            ("02:45", "at 02:45 CEST"),
            ("02:10", "at 02:10 CET"),
        ]
        banner = str(screen.query_one(SeverityBanner).render())
        assert "elapsed 50m" in banner  # not -10m
        assert countdown.has_class("-overdue")
        assert "UPDATE OVERDUE +20:00" in str(countdown.render())  # due 00:50 UTC


async def test_spring_dst_change_in_the_display_zone(
    make_app: AppFactory, store: Store, clock: FrozenClock, config: Config
) -> None:
    """Berlin, 2024-03-31: at 02:00 CET the clocks go forward to 03:00 CEST."""
    clock.set(utc(2024, 3, 31, 0, 50))  # 01:50 CET
    incident = store.create_incident("Night pager", 1, commander="Bob", actor="Bob")
    app = make_app(incident.id, config=berlin(config))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await loaded(pilot)
        clock.set(utc(2024, 3, 31, 1, 10))  # 03:10 CEST
        await tick(pilot, screen)
        await log(pilot, screen, "at 03:10 CEST")
        await log(pilot, screen, "01:55 at 01:55 CET")
        timeline = screen.query_one(Timeline)
        assert rows(timeline) == [
            ("01:50", "Incident declared: SEV-1 (Critical), IC Bob"),
            ("01:55", "at 01:55 CET"),
            ("03:10", "at 03:10 CEST"),
        ]
        assert "elapsed 20m" in str(screen.query_one(SeverityBanner).render())  # not 1h 20m
        countdown = str(screen.query_one(Countdown).render())
        assert "Next update in 10:00" in countdown  # due 01:20 UTC
        assert "due 03:20" in countdown  # in the wall-clock time of then
