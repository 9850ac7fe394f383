"""Across incidents, as a person sees it (SVGs under __snapshots__, reviewed by eye): the home
screen with overdue follow-ups, and the report screen with its charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from textual.pilot import Pilot

from tests.conftest import T0
from tests.tui.conftest import AppFactory, until
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind, Priority
from warroom.screens.report import ReportScreen
from warroom.store import Store
from warroom.widgets.follow_ups import OverduePane

SnapCompare = Callable[..., bool]


def three_months(store: Store, clock: FrozenClock) -> None:
    """Seven incidents from January to March 2024, resolved faster each month, and overdue
    follow-ups; the clock ends at T0 (15 March), with one incident still active."""
    script = [
        # (days before T0, severity, minutes to acknowledge, minutes to resolve or None)
        (70, 1, 12, 300),
        (62, 2, 30, 420),
        (45, 2, 5, 150),
        (40, 3, None, 200),
        (20, 1, 3, 50),
        (9, 2, 8, 70),
        (0, 3, None, None),
    ]
    for days, level, acknowledge, resolve in script:
        start = T0 - timedelta(days=days, hours=1 if days == 0 else 0)
        clock.set(start)
        incident = store.create_incident(
            f"Incident {len(store.list_incidents()) + 1}", level, commander="Bob", actor="bob"
        )
        if acknowledge is not None:
            clock.set(start + timedelta(minutes=acknowledge))
            store.advance_phase(incident.id, actor="bob")
            store.log_event(incident.id, "status", actor="bob", kind=EventKind.UPDATE)
        if resolve is not None:
            clock.set(start + timedelta(minutes=resolve))
            store.resolve(incident.id, actor="bob")
    store.add_action_item(
        1,
        "Add index verification to migration CI checks",
        actor="bob",
        owner="Dave",
        priority=Priority.P0,
        due_date=date(2024, 2, 1),
    )
    store.add_action_item(
        5,
        "Page the DBA on-call automatically",
        actor="bob",
        owner="SRE team",
        priority=Priority.P1,
        due_date=date(2024, 3, 11),
    )
    store.add_action_item(6, "Runbook: [red]rolling back[/red] a migration", actor="bob")
    store.add_action_item(
        3, "Load-test the search cache", actor="bob", owner="Erin", due_date=date(2024, 3, 14)
    )
    clock.set(T0)


@pytest.mark.parametrize("size", [(100, 24), (80, 24)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_home_screen_with_overdue_follow_ups(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    size: tuple[int, int],
) -> None:
    """At 80 columns an item's end gives way, cut with …."""
    three_months(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        pane = pilot.app.screen.query_one(OverduePane)
        await until(pilot, lambda: pane.display and len(pane.items) == 3, "the overdue pane")

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(100, 36), (80, 24)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_report_screen(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    size: tuple[int, int],
) -> None:
    three_months(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        pane = pilot.app.screen.query_one(OverduePane)
        await until(pilot, lambda: pane.display, "the home screen")
        await pilot.press("r")

        def shown() -> bool:
            screen = pilot.app.screen
            return isinstance(screen, ReportScreen) and screen.report is not None

        await until(pilot, shown, "the report")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
