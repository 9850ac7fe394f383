"""What a person looks at, pixel for pixel (SVGs under __snapshots__, reviewed by eye).

Every snapshot runs on a frozen clock, with the cursor not blinking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest
from textual.pilot import Pilot

from tests.conftest import T0
from tests.tui.conftest import AppFactory, loaded, until
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus, ActionType, EventKind, Priority, Role
from warroom.store import Store
from warroom.widgets.timeline import Timeline

SnapCompare = Callable[..., bool]


def when_loaded(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run_before(pilot: Pilot[object]) -> None:
        screen = await loaded(pilot)
        if keys:
            await pilot.press(*keys)
            await until(pilot, lambda: pilot.app.screen is not screen, "the dialog")
            await pilot.pause()

    return run_before


def busy_incident(store: Store, clock: FrozenClock) -> int:
    """The lesson's checkout outage, half-way through."""
    incident = store.create_incident(
        "Checkout Service Outage", 2, commander="Bob Chen", actor="Bob Chen"
    )
    script = [
        (
            -8,
            "Schema migration deployed with new column on orders table",
            "CI/CD pipeline",
            EventKind.ACTION,
        ),
        (-3, "Database CPU spikes to 95%", "System", EventKind.ALERT),
        (0, "PagerDuty alert: Checkout API p99 latency > 10s", "Monitoring", EventKind.ALERT),
        (7, "Identified database as bottleneck via APM", "Alice", EventKind.NOTE),
        (12, "Found missing index on orders.user_id after migration", "Dave", EventKind.NOTE),
        (17, "Attempted rollback of migration", "Dave", EventKind.ACTION),
        (22, "Rollback failed — new column has data, cannot drop", "Dave", EventKind.NOTE),
        (27, "Manually create the index on orders.user_id", "Bob Chen", EventKind.DECISION),
    ]
    clock.advance(timedelta(minutes=2))
    store.change_severity(incident.id, 1, actor="Bob Chen")
    store.advance_phase(incident.id, actor="Bob Chen")
    store.assign_role(incident.id, Role.SCRIBE, "Carol", actor="Bob Chen")
    store.assign_role(incident.id, Role.EXPERT, "Dave", actor="Bob Chen")
    for minutes, text, actor, kind in script:
        store.log_event(
            incident.id,
            text,
            actor=actor,
            kind=kind,
            occurred_at=T0 + timedelta(minutes=minutes),
        )
    clock.set(T0 + timedelta(minutes=28))
    for _ in range(3):
        store.advance_phase(incident.id, actor="Bob Chen")
    store.log_event(
        incident.id,
        "Checkout degraded; fix in progress, next update 15:20",
        actor="Bob Chen",
        kind=EventKind.UPDATE,
    )
    store.add_action_item(
        incident.id,
        "Add index verification to migration CI checks",
        actor="Bob Chen",
        type=ActionType.PREVENT,
        owner="Dave",
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
        ticket="PLAT-1234",
    )
    store.add_action_item(
        incident.id,
        "Increase DB connection pool to 200",
        actor="Bob Chen",
        type=ActionType.MITIGATE,
        owner="SRE team",
        priority=Priority.P0,
        due_date=date(2024, 3, 18),
        status=ActionStatus.IN_PROGRESS,
        ticket="PLAT-1235",
    )
    store.add_action_item(
        incident.id,
        "Test migration rollback procedures monthly",
        actor="Bob Chen",
        type=ActionType.DETECT,
        owner="SRE team",
        priority=Priority.P1,
        due_date=date(2024, 4, 1),
        status=ActionStatus.DONE,
    )
    store.add_action_item(incident.id, "Page the DBA on-call automatically", actor="Bob Chen")
    clock.set(T0 + timedelta(minutes=34, seconds=12))
    return incident.id


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_each_severity(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, level: int
) -> None:
    incident = store.create_incident("Checkout down", level, commander="Bob Chen", actor="bob")
    assert snap_compare(make_app(incident.id), terminal_size=(80, 24), run_before=when_loaded())


def test_empty_incident_just_declared(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store
) -> None:
    incident = store.create_incident("Search slow", 3, commander="Alice Kim", actor="alice")
    assert snap_compare(make_app(incident.id), terminal_size=(80, 24), run_before=when_loaded())


def test_busy_incident_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=when_loaded())


def test_busy_incident_160x50(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    assert snap_compare(make_app(incident_id), terminal_size=(160, 50), run_before=when_loaded())


def test_logging_line_after_line(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """The scribe's screen: a line just saved, the next one half typed, the input keeping the
    keys (its key bar says how to leave)."""
    incident_id = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await loaded(pilot)
        await pilot.press("l", *"Index created; p99 back under 1s", "enter")
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: timeline.events[-1].text.startswith("Index"), "the row")
        await pilot.press(*"Watching error rate for")
        await pilot.pause()
        assert pilot.app.screen is screen

    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=run_before)


def test_overdue_update(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    store.log_event(incident.id, "db cpu 95%", actor="Alice", kind=EventKind.ALERT)
    clock.advance(timedelta(minutes=42, seconds=7))
    assert snap_compare(make_app(incident.id), terminal_size=(80, 24), run_before=when_loaded())


def test_resolved_incident(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    clock.set(T0 + timedelta(minutes=47))
    store.resolve(incident_id, actor="Bob Chen")
    clock.set(T0 + timedelta(hours=2))
    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=when_loaded())


def test_light_theme(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: object,
) -> None:
    from dataclasses import replace

    from warroom.config import Config

    assert isinstance(config, Config)
    incident_id = busy_incident(store, clock)
    app = make_app(incident_id, config=replace(config, theme="textual-light"))
    assert snap_compare(app, terminal_size=(100, 30), run_before=when_loaded())


def test_update_composer(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=when_loaded("u"))


def test_severity_dialog(snap_compare: SnapCompare, make_app: AppFactory, store: Store) -> None:
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
    assert snap_compare(
        make_app(incident.id), terminal_size=(80, 24), run_before=when_loaded("s", "1")
    )


def test_action_item_form(snap_compare: SnapCompare, make_app: AppFactory, store: Store) -> None:
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
    assert snap_compare(make_app(incident.id), terminal_size=(80, 24), run_before=when_loaded("a"))


def test_roles_dialog(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=when_loaded("r"))


def test_key_help(snap_compare: SnapCompare, make_app: AppFactory, store: Store) -> None:
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
    assert snap_compare(
        make_app(incident.id), terminal_size=(100, 40), run_before=when_loaded("question_mark")
    )


@pytest.mark.parametrize("size", [(100, 24), (80, 24)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_home_screen(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    size: tuple[int, int],
) -> None:
    """At 80 columns the title gives way for the status, age and IC."""
    busy_incident(store, clock)
    resolved = store.create_incident("Footer link broken", 4, commander="Erin", actor="erin")
    store.create_incident("Search returning slow results", 3, commander="Alice Kim", actor="alice")
    clock.advance(timedelta(minutes=30))
    store.resolve(resolved.id, actor="erin")

    async def run_before(pilot: Pilot[object]) -> None:
        from warroom.widgets.incident_list import IncidentList

        await until(pilot, lambda: pilot.app.screen.query_one(IncidentList).row_count == 3, "list")

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_home_screen_empty(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_home_screen_filtered(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """A filter on: the line above the list says which; only what it lets through is listed."""
    busy_incident(store, clock)
    store.create_incident("Footer link broken", 4, commander="Erin", actor="erin")
    slow = store.create_incident("Search returning slow results", 3, commander="Alice", actor="a")
    store.set_labels(slow.id, services=["search"], tags=["elastic"])

    async def run_before(pilot: Pilot[object]) -> None:
        from warroom.widgets.incident_list import IncidentList

        table = pilot.app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 3, "list")
        await pilot.press("f", *"sev:3,4 status:active", "enter")
        await until(pilot, lambda: table.row_count == 2, "the filtered list")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
