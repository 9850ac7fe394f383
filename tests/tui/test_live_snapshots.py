"""What a shared war room looks like (SVGs under __snapshots__, reviewed by eye): the banner
with the roles and the people here, small and wide, and two edits of one action item."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import T0
from tests.tui.conftest import AppFactory, loaded, until
from tests.tui.test_snapshots import SnapCompare, busy_incident
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus
from warroom.screens.dialogs.item_conflict import ActionItemConflict
from warroom.screens.war_room import WarRoomScreen
from warroom.store import Store
from warroom.widgets.board import Board


def crowded_room(store: Store, clock: FrozenClock) -> int:
    """The lesson's outage, half-way through, with Bob Chen (since the start), Carol and Dave
    in the war room; Erin is an expert too, and the comms liaison is not assigned."""
    incident_id = busy_incident(store, clock)
    from warroom.domain.model import Role

    now = clock.now()
    for person, joined in (("Bob Chen", 2), ("Carol", 22), ("Dave", 31)):
        clock.set(T0 + timedelta(minutes=joined))
        store.heartbeat(incident_id, person, f"{person}'s laptop")
        clock.set(now)
        store.heartbeat(incident_id, person, f"{person}'s laptop")
    store.assign_role(incident_id, Role.EXPERT, "Erin", actor="Bob Chen")
    return incident_id


def when_everyone_is_here(count: int) -> object:
    async def run_before(pilot: Pilot[object]) -> None:
        screen = await loaded(pilot)
        await until(pilot, lambda: len(screen.here) == count, "the people here")

    return run_before


def test_banner_roles_and_presence_80x24(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: Config,
) -> None:
    incident_id = crowded_room(store, clock)
    app = make_app(incident_id, config=replace(config, user="Bob Chen"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=when_everyone_is_here(3))


def test_banner_roles_and_presence_160x50(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: Config,
) -> None:
    incident_id = crowded_room(store, clock)
    app = make_app(incident_id, config=replace(config, user="Bob Chen"))
    assert snap_compare(app, terminal_size=(160, 50), run_before=when_everyone_is_here(3))


def test_conflict_dialog(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    db_path: Path,
) -> None:
    incident_id = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await loaded(pilot)
        assert isinstance(screen, WarRoomScreen)
        screen.set_focus(screen.query_one(Board).column_of(ActionStatus.OPEN))
        await pilot.press("e")
        await until(pilot, lambda: pilot.app.screen is not screen, "the form")
        pilot.app.screen.query_one("#owner", Input).value = "Alice"
        pilot.app.screen.query_one("#due", Input).value = "2024-03-25"
        with Store.open(str(db_path), clock) as theirs:
            item = theirs.action_items(incident_id)[0]
            theirs.update_action_item(
                replace(item, owner="Carol", status=ActionStatus.IN_PROGRESS),
                actor="Carol",
                base=item,
            )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ActionItemConflict), "dialog")
        await pilot.pause()

    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=run_before)
