"""Across incidents on the home screen: the overdue follow-ups pane (Enter opens the item's
incident on its board) and the report screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta

from textual.widgets import DataTable

from tests.conftest import T0
from tests.tui.conftest import AppFactory, loaded, until
from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ActionStatus, Priority
from warroom.domain.trends import figure_rows
from warroom.screens.home import HomeScreen
from warroom.screens.report import ReportScreen
from warroom.services.trends import TrendSettings, load_trends
from warroom.store import Store
from warroom.widgets.board import BoardColumn
from warroom.widgets.follow_ups import OverduePane
from warroom.widgets.incident_list import IncidentList

YESTERDAY = T0.date() - timedelta(days=1)


def follow_ups(store: Store) -> tuple[int, int]:
    """Two incidents with overdue items, and items that are not overdue: done, due today,
    without a date, and one of a withdrawn incident."""
    checkout = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    search = store.create_incident("Search slow", 3, commander="Alice", actor="alice")
    mistaken = store.create_incident("Paged by mistake", 2, commander="Bob", actor="bob")
    store.add_action_item(
        checkout.id, "Write the runbook", actor="bob", follow_up=True, due_date=YESTERDAY
    )
    store.add_action_item(
        search.id,
        "Tune the [b]search[/b] cache",
        actor="alice",
        follow_up=True,
        owner="Erin",
        priority=Priority.P1,
        due_date=date(2024, 3, 1),
    )
    done = store.add_action_item(
        checkout.id, "Done already", actor="bob", follow_up=True, due_date=YESTERDAY
    )
    store.update_action_item(replace(done, status=ActionStatus.DONE), actor="bob")
    store.add_action_item(checkout.id, "Due today", actor="bob", follow_up=True, due_date=T0.date())
    store.add_action_item(checkout.id, "No date", actor="bob", follow_up=True)
    store.add_action_item(mistaken.id, "Never", actor="bob", follow_up=True, due_date=YESTERDAY)
    store.withdraw(mistaken.id, "a test page", actor="bob")
    return checkout.id, search.id


async def test_the_pane_lists_overdue_items_across_incidents_soonest_first(
    make_app: AppFactory, store: Store
) -> None:
    follow_ups(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.screen.query_one(OverduePane)
        await until(pilot, lambda: pane.display, "the overdue pane")
        assert [item.description for item in pane.items] == [
            "Tune the [b]search[/b] cache",
            "Write the runbook",
        ]
        assert pane.border_title == "Overdue follow-ups (2)"
        prompt = str(pane.get_option_at_index(0).prompt)
        assert prompt == "INC-2   14d late  P1 Tune the [b]search[/b] cache  Erin · due 03-01"


async def test_enter_opens_the_incident_on_the_item(make_app: AppFactory, store: Store) -> None:
    checkout, _ = follow_ups(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.screen.query_one(OverduePane)
        await until(pilot, lambda: pane.display, "the overdue pane")
        await pilot.press("o")
        assert app.screen.focused is pane
        await pilot.press("down", "enter")
        screen = await loaded(pilot)
        assert screen.incident_id == checkout
        await until(pilot, lambda: isinstance(screen.focused, BoardColumn), "the board's focus")
        column = screen.focused
        assert isinstance(column, BoardColumn)
        assert column.status is ActionStatus.OPEN
        item = column.highlighted_item
        assert item is not None
        assert item.description == "Write the runbook"
        await pilot.press("g")  # Escape stays in the war room
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


async def test_tab_reaches_the_pane(make_app: AppFactory, store: Store) -> None:
    follow_ups(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.screen.query_one(OverduePane)
        await until(pilot, lambda: pane.display, "the overdue pane")
        assert isinstance(app.screen.focused, IncidentList)
        await pilot.press("tab")
        assert app.screen.focused is pane


async def test_the_pane_follows_changes_and_hides_when_none_is_left(
    make_app: AppFactory, store: Store
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.screen.query_one(OverduePane)
        await until(pilot, lambda: app.screen.query_one(IncidentList).row_count == 1, "the list")
        assert not pane.display
        late = store.add_action_item(
            incident.id, "Late", actor="bob", follow_up=True, due_date=YESTERDAY
        )
        await until(pilot, lambda: pane.display and len(pane.items) == 1, "the new item")
        store.update_action_item(replace(late, status=ActionStatus.DONE), actor="bob")
        await until(pilot, lambda: not pane.display, "the pane to go")


async def test_an_item_becomes_overdue_at_midnight(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    store.add_action_item(incident.id, "Due today", actor="bob", follow_up=True, due_date=T0.date())
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        pane = screen.query_one(OverduePane)
        await until(pilot, lambda: screen.query_one(IncidentList).row_count == 1, "the list")
        await pilot.pause()
        assert not pane.display
        clock.advance(timedelta(days=1))
        await screen._on_a_new_day()  # the minute's check, without waiting a minute
        assert pane.display


async def test_the_report_screen_shows_the_command_lines_figures(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    follow_ups(store)
    clock.advance(timedelta(minutes=30))
    store.resolve(1, actor="bob")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query_one(OverduePane).display, "the home screen")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen), "the report")
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        await until(pilot, lambda: screen.report is not None, "the figures")
        expected = load_trends(
            store, clock.now() - timedelta(days=90), TrendSettings(UpdateSchedule(), UTC)
        )
        table = screen.query_one(DataTable)
        shown = [
            tuple(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)
        ]
        assert shown == figure_rows(expected.overall)
        assert shown[0] == ("incidents", "2 (1 active, 1 resolved)")
        assert "last 90 days" in str(screen.query_one("#report-title").render())
        first = screen.report
        await pilot.press("p")
        await until(pilot, lambda: screen.report is not first, "the next period")
        assert "last year" in str(screen.query_one("#report-title").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
