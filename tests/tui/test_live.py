"""A shared war room, live: two apps on one database (each with its own Store, as two processes
would have), a `warroom log` from another process, the home screen, presence on a frozen
clock, and two people saving the same action item.

The two-app tests run on SQLite and, with WARROOM_TEST_POSTGRES_URL set, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.conftest import Database
from tests.tui.conftest import loaded, until
from warroom.app import WarroomApp
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus, Priority, Role
from warroom.screens.dialogs.item_conflict import ActionItemConflict
from warroom.screens.home import HomeScreen
from warroom.screens.war_room import WarRoomScreen
from warroom.store import PRESENCE_TIMEOUT, Store
from warroom.widgets.board import Board
from warroom.widgets.countdown import Countdown
from warroom.widgets.incident_list import IncidentList
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import Timeline

# Changes reach the other app within a second; a test allows a loaded machine five.
SOON = 5.0

Apps = Callable[..., WarroomApp]


async def soon(pilot: Pilot[object], condition: Callable[[], object], what: str) -> None:
    """Let the apps run until `condition()` holds, polling, for at most SOON seconds (news
    from another Store comes by the clock, not when this app is idle)."""
    deadline = time.monotonic() + SOON
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {SOON}s: {what}")
        await pilot.pause(0.02)


@pytest.fixture
def stores(database: Database, clock: FrozenClock) -> Iterator[tuple[Store, Store]]:
    with (
        Store.open(database.location, clock) as alice,
        Store.open(database.location, clock) as carol,
    ):
        yield alice, carol


@pytest.fixture
def apps(config: Config, clock: FrozenClock) -> Apps:
    def factory(store: Store, user: str, incident_id: int | None = None) -> WarroomApp:
        return WarroomApp(
            replace(config, user=user),
            clock,
            open_store=lambda: store,
            incident_id=incident_id,
            blink=False,
        )

    return factory


def texts(screen: WarRoomScreen) -> list[str]:
    return [event.text for event in screen.query_one(Timeline).events]


def people_here(screen: WarRoomScreen) -> list[str]:
    return [person.person for person in screen.query_one(SeverityBanner).here]


async def caught_up(pilot: Pilot[object], room: WarRoomScreen, store: Store) -> None:
    """Until the room has applied everything in the feed, its own writes included."""
    await soon(
        pilot,
        lambda: room.live.idle and room.live.cursor == store.last_change(),
        "the room catching up with the feed",
    )


async def test_two_war_rooms_see_each_others_changes(
    stores: tuple[Store, Store], apps: Apps
) -> None:
    alice_store, carol_store = stores
    incident = alice_store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    item = alice_store.add_action_item(incident.id, "Add the index", actor="Alice")
    alice = apps(alice_store, "Alice", incident.id)
    carol = apps(carol_store, "Carol", incident.id)
    async with alice.run_test(size=(100, 30)) as a:
        room_a = await loaded(a)
        assert people_here(room_a) == ["Alice"]
        async with carol.run_test(size=(80, 24)) as c:
            room_c = await loaded(c)
            await soon(a, lambda: people_here(room_a) == ["Alice", "Carol"], "Carol, for Alice")
            await soon(c, lambda: people_here(room_c) == ["Alice", "Carol"], "Alice, for Carol")

            # An event logged in one appears in the other; in each, once.
            await a.press("l", *"db cpu 95%", "enter")
            await soon(c, lambda: "db cpu 95%" in texts(room_c), "Alice's event")
            await caught_up(a, room_a, alice_store)
            assert texts(room_a).count("db cpu 95%") == 1
            assert texts(room_c).count("db cpu 95%") == 1

            # Severity: the banner and the update countdown follow.
            await c.press("s", "2", "enter")
            banner_a = room_a.query_one(SeverityBanner)
            await soon(a, lambda: banner_a.has_class("sev-2"), "SEV-2")
            assert "every 1h" in str(room_a.query_one(Countdown).render())
            await soon(a, lambda: any("SEV-1 → SEV-2" in t for t in texts(room_a)), "its event")

            # An action item moved on one board moves on the other.
            board_a, board_c = room_a.query_one(Board), room_c.query_one(Board)
            room_a.set_focus(board_a.column_of(ActionStatus.OPEN))
            await a.press("right_square_bracket")
            moved = board_c.column_of(ActionStatus.IN_PROGRESS)
            await soon(c, lambda: [i.id for i in moved.items] == [item.id], "the moved card")
            assert board_c.column_of(ActionStatus.OPEN).items == []

            # An IC handover in one shows in the other's banner and timeline at once.
            await c.press("r")
            await until(c, lambda: carol.screen is not room_c, "the roles dialog")
            await c.press("shift+tab", "enter", "up", "enter", "tab", *"Dave", "enter")
            await soon(a, lambda: "IC Dave" in str(banner_a.render()), "the new IC")
            assert [(r.role, r.person) for r in banner_a.roles] == [(Role.COMMANDER, "Dave")]
            handover = "Incident Commander handover: Alice → Dave"
            await soon(a, lambda: handover in texts(room_a), "the handover event")

        # Carol closes her warroom: Alice sees her go.
        await soon(a, lambda: people_here(room_a) == ["Alice"], "Carol leaving")


async def test_a_warroom_log_from_another_process_appears(
    database: Database, stores: tuple[Store, Store], apps: Apps
) -> None:
    store, _ = stores
    incident = store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    app = apps(store, "Alice", incident.id)
    async with app.run_test(size=(80, 24)) as pilot:
        room = await loaded(pilot)
        logger = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "warroom",
            "log",
            "--actor",
            "alertmanager",
            "--kind",
            "alert",
            incident.key,
            "from a script",
            env={**os.environ, "WARROOM_DB": database.location},
            stdout=asyncio.subprocess.PIPE,
        )
        printed, _ = await logger.communicate()
        assert logger.returncode == 0
        await soon(pilot, lambda: "from a script" in texts(room), "the logged event")
        event = room.query_one(Timeline).events[-1]
        assert (event.key, event.actor, event.kind.value) == (
            printed.decode().strip(),
            "alertmanager",
            "alert",
        )


async def test_going_back_to_the_list_leaves_the_war_room(store: Store, apps: Apps) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    app = apps(store, "Alice", incident.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await soon(pilot, lambda: [p.person for p in store.present(incident.id)], "joining")
        await pilot.press("g")
        await soon(pilot, lambda: isinstance(app.screen, HomeScreen), "the list")
        await soon(pilot, lambda: store.present(incident.id) == [], "leaving")


def home_rows(app: WarroomApp) -> list[list[str]]:
    table = app.screen.query_one(IncidentList)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_home_screen_follows_incidents_declared_and_resolved_elsewhere(
    stores: tuple[Store, Store], apps: Apps, clock: FrozenClock
) -> None:
    mine, theirs = stores
    first = mine.create_incident("Search slow", 3, commander="Alice", actor="Alice")
    app = apps(mine, "Alice")
    async with app.run_test(size=(100, 24)) as pilot:
        await soon(pilot, lambda: len(home_rows(app)) == 1, "the list")
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(IncidentList)
        assert table.cursor_row == 0

        declared = theirs.create_incident("Checkout down", 1, commander="Carol", actor="Carol")
        await soon(pilot, lambda: len(home_rows(app)) == 2, "the new incident")
        assert [row[:4] for row in home_rows(app)] == [
            ["SEV-1", declared.key, "Checkout down", "Detection"],
            ["SEV-3", first.key, "Search slow", "Detection"],
        ]
        assert table.cursor_row == 1  # still on the incident it was on

        theirs.change_severity(first.id, 2, actor="Carol")
        theirs.assign_role(first.id, Role.COMMANDER, "Dave", actor="Carol")
        await soon(pilot, lambda: home_rows(app)[1][0] == "SEV-2", "the new severity")
        await soon(pilot, lambda: home_rows(app)[1][5] == "Dave", "the new IC")

        clock.advance(timedelta(minutes=47))
        theirs.resolve(declared.id, actor="Carol")
        await soon(pilot, lambda: home_rows(app)[-1][1] == declared.key, "resolved: listed last")
        assert home_rows(app)[-1][3:5] == ["resolved", "47m"]
        assert [row[1] for row in home_rows(app)] == [first.key, declared.key]


async def test_presence_on_a_frozen_clock(
    stores: tuple[Store, Store], apps: Apps, clock: FrozenClock
) -> None:
    mine, theirs = stores
    incident = mine.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    app = apps(mine, "Alice", incident.id)
    async with app.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        await soon(pilot, lambda: mine.present(incident.id), "Alice's heartbeat")
        await caught_up(pilot, room, mine)  # her own joining, read back
        # Dave's war room stamps once, then stops (it crashed, or lost its connection).
        clock.advance(timedelta(seconds=3))
        theirs.heartbeat(incident.id, "Dave", "daves-laptop")
        await soon(pilot, lambda: people_here(room) == ["Alice", "Dave"], "Dave joining")
        banner = room.query_one(SeverityBanner)
        clock.advance(timedelta(seconds=2))
        await soon(
            pilot, lambda: "2 here: Alice (5s) · Dave (2s)" in str(banner.render()), "how long"
        )

        clock.advance(PRESENCE_TIMEOUT)  # Dave's last stamp is now 32 s old: gone
        await soon(pilot, lambda: people_here(room) == ["Alice"], "Dave gone stale")
        # Alice's own war room is open: she is here, whatever her own stamps say.
        assert "1 here: Alice" in str(banner.render())


async def edit_the_item(pilot: Pilot[object], room: WarRoomScreen, **fields: str) -> None:
    """Open the form on the first open item and type new values into `fields` (not saved)."""
    app = pilot.app
    room.set_focus(room.query_one(Board).column_of(ActionStatus.OPEN))
    await pilot.press("e")
    await until(pilot, lambda: app.screen is not room, "the form")
    for name, value in fields.items():
        app.screen.query_one(f"#{name}", Input).value = value


@pytest.fixture
def other_store(db_path: Path, clock: FrozenClock) -> Iterator[Store]:
    """Another process's Store on the SQLite file of `store` (the conflict tests are about
    what the user is asked, which is the same on either database)."""
    with Store.open(str(db_path), clock) as opened:
        yield opened


@pytest.fixture
def item_room(store: Store) -> tuple[int, int]:
    incident = store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    item = store.add_action_item(incident.id, "Add the index", actor="Alice", owner="Dave")
    return incident.id, item.id


async def test_edits_of_different_fields_merge_without_asking(
    store: Store, other_store: Store, apps: Apps, item_room: tuple[int, int]
) -> None:
    mine, theirs = store, other_store
    incident_id, item_id = item_room
    app = apps(mine, "Alice", incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        await edit_the_item(pilot, room, ticket="PLAT-1")
        (item,) = theirs.action_items(incident_id)
        theirs.update_action_item(replace(item, owner="Carol"), actor="Carol", base=item)
        await pilot.press("enter")
        await soon(pilot, lambda: mine.action_items(incident_id)[0].ticket == "PLAT-1", "save")
        assert app.screen is room  # nothing to ask
        (saved,) = mine.action_items(incident_id)
        assert (saved.id, saved.owner, saved.ticket) == (item_id, "Carol", "PLAT-1")
        card = room.query_one(Board).column_of(ActionStatus.OPEN)
        await soon(pilot, lambda: card.items == [saved], "the merged card")


async def conflict_over_the_owner(
    pilot: Pilot[object], room: WarRoomScreen, mine: Store, theirs: Store, incident_id: int
) -> ActionItemConflict:
    """Alice edits the owner and the ticket; meanwhile Carol saves another owner and a
    priority; Alice saves: she is asked."""
    await edit_the_item(pilot, room, owner="Alice", ticket="PLAT-1")
    (item,) = theirs.action_items(incident_id)
    theirs.update_action_item(
        replace(item, owner="Carol", priority=Priority.P1), actor="Carol", base=item
    )
    await pilot.press("enter")
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ActionItemConflict), "the question")
    dialog = app.screen
    assert isinstance(dialog, ActionItemConflict)
    assert dialog.fields == ("owner",)
    assert (dialog.theirs.owner, dialog.mine.owner) == ("Carol", "Alice")
    assert (dialog.theirs.ticket, dialog.mine.ticket) == ("", "PLAT-1")
    assert mine.action_items(incident_id)[0].owner == "Carol"  # nothing of Alice's written yet
    return dialog


@pytest.mark.parametrize(
    ("key", "owner"),
    [
        ("y", "Alice"),  # her owner, on top of Carol's priority
        ("t", "Carol"),  # Carol's owner; her other change, the ticket, still saved
    ],
)
async def test_the_same_field_edited_twice_asks_which_to_keep(
    store: Store,
    other_store: Store,
    apps: Apps,
    item_room: tuple[int, int],
    key: str,
    owner: str,
) -> None:
    incident_id, _ = item_room
    app = apps(store, "Alice", incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        await conflict_over_the_owner(pilot, room, store, other_store, incident_id)
        await pilot.press(key)
        await soon(pilot, lambda: store.action_items(incident_id)[0].ticket == "PLAT-1", "save")
        await until(pilot, lambda: app.screen is room, "back in the war room")
        (saved,) = store.action_items(incident_id)
        assert (saved.owner, saved.priority, saved.ticket) == (owner, Priority.P1, "PLAT-1")
        assert saved.version == 3  # Carol's save, then Alice's: nothing lost
        card = room.query_one(Board).column_of(ActionStatus.OPEN)
        await soon(pilot, lambda: card.items == [saved], "the card")


async def test_a_conflict_can_be_edited_again_from_both_versions(
    store: Store, other_store: Store, apps: Apps, item_room: tuple[int, int]
) -> None:
    incident_id, _ = item_room
    app = apps(store, "Alice", incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        dialog = await conflict_over_the_owner(pilot, room, store, other_store, incident_id)
        await pilot.press("e")
        await until(pilot, lambda: app.screen is not dialog and app.screen is not room, "form")
        form = app.screen
        # Filled with Alice's edit on top of Carol's save.
        assert form.query_one("#owner", Input).value == "Alice"
        assert form.query_one("#ticket", Input).value == "PLAT-1"
        assert form.query_one("#priority", Select).value is Priority.P1
        form.query_one("#owner", Input).value = "Alice and Carol"
        await pilot.press("ctrl+s")
        await soon(
            pilot, lambda: store.action_items(incident_id)[0].owner == "Alice and Carol", "save"
        )
        (saved,) = store.action_items(incident_id)
        assert (saved.priority, saved.ticket, saved.version) == (Priority.P1, "PLAT-1", 3)


async def test_a_conflict_left_unsettled_saves_nothing(
    store: Store, other_store: Store, apps: Apps, item_room: tuple[int, int]
) -> None:
    incident_id, _ = item_room
    app = apps(store, "Alice", incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        await conflict_over_the_owner(pilot, room, store, other_store, incident_id)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is room, "back in the war room")
        (stored,) = store.action_items(incident_id)
        assert (stored.owner, stored.ticket, stored.version) == ("Carol", "", 2)
        card = room.query_one(Board).column_of(ActionStatus.OPEN)
        await soon(pilot, lambda: card.items == [stored], "theirs on the board")


async def test_trouble_reading_the_feed_is_told_once_and_tried_again(
    store: Store,
    other_store: Store,
    apps: Apps,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import Engine, event

    from tests.faults import sqlite_error
    from warroom.screens import live

    monkeypatch.setattr(live, "RETRY_SECONDS", 0.05)
    incident = store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    app = apps(store, "Alice", incident.id)
    failed: list[str] = []

    def reading_the_feed_fails(*args: object) -> None:
        statement = str(args[2])
        if re.match(r"\s*SELECT\b.*\bFROM\s+change\b", statement, re.S) and len(failed) < 3:
            failed.append(statement)
            raise sqlite_error(sqlite3.SQLITE_IOERR)

    notes: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        room = await loaded(pilot)
        await caught_up(pilot, room, store)
        monkeypatch.setattr(
            app, "notify", lambda text, **kw: notes.append((kw.get("title", ""), text))
        )
        event.listen(Engine, "before_cursor_execute", reading_the_feed_fails)
        try:
            other_store.log_event(incident.id, "while the disk was failing", actor="Carol")
            await soon(pilot, lambda: "while the disk was failing" in texts(room), "the event")
        finally:
            event.remove(Engine, "before_cursor_execute", reading_the_feed_fails)
    assert len(failed) == 3  # tried, and tried again until it worked
    assert notes == [
        (
            "Not seeing others' changes",
            f"cannot read {db_path}: disk I/O error. Trying again every few seconds.",
        ),
        ("", "Seeing others' changes again."),
    ]


async def test_a_war_room_does_not_read_back_the_lines_it_logged(
    stores: tuple[Store, Store], apps: Apps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What it saved and showed is not read again when the feed reports it (the store thread
    stays free for the next line); an edit of such a line by someone else still is news."""
    from warroom.screens import war_room

    alice_store, carol_store = stores
    incident = alice_store.create_incident("Checkout down", 1, commander="Alice", actor="Alice")
    reads: list[list[str]] = []
    real_read_news = war_room.read_news

    def counting(store: Store, incident_id: int, changes, last_update):  # type: ignore[no-untyped-def]
        reads.append([change.entity for change in changes])
        return real_read_news(store, incident_id, changes, last_update)

    monkeypatch.setattr(war_room, "read_news", counting)
    alice = apps(alice_store, "Alice", incident.id)
    async with alice.run_test(size=(100, 30)) as pilot:
        room = await loaded(pilot)
        await caught_up(pilot, room, alice_store)
        reads.clear()
        await pilot.press("l")  # the input keeps the keys from line to line
        for line in ("db cpu 95%", "pool exhausted", "rolling back"):
            await pilot.press(*line, "enter")
            await until(pilot, lambda line=line: texts(room)[-1] == line, "the line")
        await caught_up(pilot, room, alice_store)
        assert reads == []
        logged = alice_store.iter_events(incident.id)
        (mine,) = [event for event in logged if event.text == "pool exhausted"]
        carol_store.edit_event(mine.id, text="pool exhausted (50 of 50)", actor="Carol")
        await soon(pilot, lambda: "pool exhausted (50 of 50)" in texts(room), "Carol's edit")
        assert reads == [["event"]]
