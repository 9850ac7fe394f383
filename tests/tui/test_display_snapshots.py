"""What a person reads under pressure, pixel for pixel: an event whole, a crowded war room at
each size (SVGs under __snapshots__, reviewed by eye)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, loaded, until
from tests.tui.test_displays import LONG_ALERT
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionType, EventKind, Priority, Role
from warroom.screens.dialogs.event_view import EventView
from warroom.store import Store

SnapCompare = Callable[..., bool]


async def when_loaded(pilot: Pilot[object]) -> None:
    await loaded(pilot)


SIZES = [(80, 24), (100, 30), (160, 50)]


def edited_alert(store: Store, clock: FrozenClock) -> int:
    incident = store.create_incident("Checkout down", 1, commander="Bob Chen", actor="Bob Chen")
    clock.advance(timedelta(minutes=5))
    event = store.log_event(
        incident.id,
        LONG_ALERT.replace("40k", "30k"),
        actor="Monitoring (Alertmanager)",
        kind=EventKind.ALERT,
        occurred_at=clock.now() - timedelta(minutes=3),
    )
    clock.advance(timedelta(minutes=2))
    store.edit_event(event.id, actor="Alice Kim", text=LONG_ALERT)
    store.log_event(incident.id, "Rolled back", actor="Dave", kind=EventKind.ACTION)
    return incident.id


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_an_event_read_whole(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: Config,
    size: tuple[int, int],
) -> None:
    """Its text wrapped, when in the display zone and UTC, the text before its edit."""
    incident_id = edited_alert(store, clock)
    app = make_app(incident_id, config=replace(config, timezone_name="America/Los_Angeles"))

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        await pilot.press("up", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, EventView), "the view")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def crowded_room(store: Store, clock: FrozenClock) -> int:
    """A long title, every role held, long names, emoji, cards with owners."""
    incident = store.create_incident(
        "Checkout service outage: payments failing for all EU customers after the migration",
        2,
        commander="Bob Chen",
        actor="Bob Chen",
    )
    clock.advance(timedelta(minutes=20))
    store.advance_phase(incident.id, actor="Bob Chen")
    clock.advance(timedelta(minutes=1))
    store.change_severity(incident.id, 1, actor="Bob Chen")
    for role, person in [
        (Role.SCRIBE, "Alice Wonderland"),
        (Role.COMMS, "Carol Danvers"),
        (Role.EXPERT, "Dave Grohl"),
        (Role.EXPERT, "Erin Brockovich"),
    ]:
        store.assign_role(incident.id, role, person, actor="Bob Chen")
    store.log_event(
        incident.id, LONG_ALERT, actor="Monitoring (Alertmanager)", kind=EventKind.ALERT
    )
    store.log_event(incident.id, "Rollback paused ⚠️ during peak ❤️", actor="Alice Wonderland")
    store.add_action_item(
        incident.id,
        "Add index verification to migration CI checks",
        actor="Bob Chen",
        type=ActionType.PREVENT,
        owner="Dave Grohl",
        priority=Priority.P0,
        ticket="PLAT-1234",
    )
    clock.advance(timedelta(minutes=20))
    return incident.id


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_crowded_war_room(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: Config,
    size: tuple[int, int],
) -> None:
    """The banner keeps the elapsed time and IC, cut lines end with …, who is as wide as its
    names on a wide terminal, emoji keep the borders straight, owners on their own line."""
    incident_id = crowded_room(store, clock)
    app = make_app(incident_id, config=replace(config, timezone_name="America/Los_Angeles"))
    assert snap_compare(app, terminal_size=size, run_before=when_loaded)
