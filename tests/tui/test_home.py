"""The home screen: the list of incidents, opening one, declaring one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from tests.tui.conftest import AppFactory, burst, loaded, until
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind
from warroom.screens.home import COLUMNS, HomeScreen
from warroom.store import Store
from warroom.widgets.incident_list import IncidentList

IC = [key for key, _ in COLUMNS].index("ic")


def _declare_two(store: Store) -> None:
    """INC-1, a SEV-1, and INC-2, a SEV-3."""
    store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    store.create_incident("Search slow", 3, commander="Alice", actor="alice")


async def test_active_first_then_past(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    old = store.create_incident("Footer link broken", 4, commander="Erin", actor="erin")
    _declare_two(store)
    clock.advance(timedelta(minutes=5))
    store.resolve(old.id, actor="erin")
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 3, "the list")
        keys = [str(table.get_row_at(row)[1]) for row in range(3)]
        assert keys == ["INC-3", "INC-2", "INC-1"]
        assert str(table.get_row_at(2)[3]) == "resolved"
        assert str(table.get_row_at(1)[IC]) == "Bob Chen"


async def test_enter_opens_the_selected_incident(make_app: AppFactory, store: Store) -> None:
    _declare_two(store)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 2, "the list")
        await pilot.press("down", "enter")
        screen = await loaded(pilot)
        assert screen.incident_id == 1
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


async def test_a_click_on_a_row_opens_its_incident(make_app: AppFactory, store: Store) -> None:
    _declare_two(store)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 2, "the list")
        await pilot.click(IncidentList, offset=(3, 0))  # the header: nothing
        assert isinstance(app.screen, HomeScreen)
        await pilot.click(IncidentList, offset=(3, 2))  # the second row: INC-1
        screen = await loaded(pilot)
        assert screen.incident_id == 1


async def test_a_long_list_leaves_its_scroll_bar_room(make_app: AppFactory, store: Store) -> None:
    """More incidents than rows: the title gives way to the vertical scroll bar, so that the
    list need not scroll sideways (its bar would hide the last row)."""
    for n in range(30):
        title = f"Incident {n}: checkout latency over the budget in every region"
        store.create_incident(title, 3, commander="Bo", actor="b")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 30, "the list")
        await pilot.pause()
        assert table.show_vertical_scrollbar
        assert not table.show_horizontal_scrollbar
        assert table.virtual_size.width == table.scrollable_content_region.width  # filled
        assert str(table.get_row_at(0)[2]).endswith("…")


async def test_declare_a_new_incident(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#home-empty").display
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, HomeScreen), "the form")
        app.screen.query_one("#title", Input).insert_text_at_cursor("Checkout down")
        await pilot.press("enter")
        screen = await loaded(pilot)
        (incident,) = store.list_incidents()
        assert screen.incident_id == incident.id
        assert (incident.title, incident.severity, incident.commander) == (
            "Checkout down",
            2,
            "tester",
        )


async def test_new_incident_needs_a_title(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, HomeScreen), "the form")
        await pilot.press("enter")
        assert "title is required" in str(app.screen.query_one("#new-error").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        assert store.list_incidents() == []


async def test_withdraw_an_incident_declared_by_mistake(make_app: AppFactory, store: Store) -> None:
    """W asks for the reason; the incident is kept, marked withdrawn, out of the list."""
    from warroom.domain.lifecycle import Milestone
    from warroom.screens.dialogs.withdraw import WithdrawDialog

    store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    mistake = store.create_incident("Checkout down again", 1, commander="Bob Chen", actor="bob")
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 2, "the list")
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WithdrawDialog), "the question")
        assert "Withdraw INC-2?" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")
        assert "reason is required" in str(app.screen.query_one("#withdraw-error").render())
        await pilot.press(*"duplicate of INC-1", "enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await until(pilot, lambda: table.row_count == 1, "the list without it")
        assert str(table.get_row_at(0)[1]) == "INC-1"
    withdrawn = store.get_incident(mistake.id)
    assert Milestone.WITHDRAWN in withdrawn.milestones
    assert store.last_event_of_kind(mistake.id, EventKind.PHASE).text == (
        "Withdrawn: duplicate of INC-1"
    )


async def test_past_incidents_are_listed_a_page_at_a_time(
    make_app: AppFactory, store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every active incident, then a page of past ones; the next page as the cursor nears the
    end of the list (10,000 rows in one table took seconds), each read by the store alone
    (reading all 10,000 incidents took a second of CPU)."""
    from warroom.screens import home

    monkeypatch.setattr(home, "HOME_PAST_PAGE", 6)
    past = [store.create_incident(f"Old {n}", 4, commander="Erin", actor="erin") for n in range(14)]
    store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    clock.advance(timedelta(minutes=5))
    for incident in past:
        store.resolve(incident.id, actor="erin")

    def every_incident(_store: Store) -> None:
        raise AssertionError("the home screen read every incident to list a page")

    monkeypatch.setattr(Store, "list_incidents", every_incident)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 7, "the active one and a page")
        assert [str(table.get_row_at(row)[1]) for row in range(3)] == ["INC-15", "INC-14", "INC-13"]
        await pilot.press("down")  # the second row: far from the end
        assert table.row_count == 7
        await pilot.press("down")  # five rows from the end: the next page
        await until(pilot, lambda: table.row_count == 13, "the next page")
        assert table.cursor_row == 2  # still on the incident it was on
        await pilot.press(*["down"] * 10)  # on to the end
        await until(pilot, lambda: table.row_count == 15, "the last page")
        assert str(table.get_row_at(14)[1]) == "INC-1"


async def test_filter_by_severity_and_service(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """`f` takes words that all must match; an empty filter lists every incident again; a bad
    word changes nothing and says what is accepted."""
    checkout = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    store.create_incident("Search slow", 3, commander="Alice", actor="alice")
    ledger = store.create_incident("Ledger lag", 1, commander="Erin", actor="erin")
    store.set_labels(checkout.id, services=["Payments"])
    store.set_labels(ledger.id, services=["ledger"])
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        shown = app.screen.query_one("#home-filter", Label)

        def listed() -> list[str]:
            return [str(table.get_row_at(row)[1]) for row in range(table.row_count)]

        await until(pilot, lambda: table.row_count == 3, "the list")
        await pilot.press("f")
        field = app.screen.query_one("#home-filter-field", Input)
        assert field.has_focus
        await pilot.press(*"sev:1", "enter")
        await until(pilot, lambda: listed() == ["INC-3", "INC-1"], "the SEV-1 incidents")
        assert shown.display
        assert "filter: sev:1" in str(shown.render())
        assert table.has_focus
        assert not field.display

        await pilot.press("f", "space", *"service:payments", "enter")
        await until(pilot, lambda: listed() == ["INC-1"], "SEV-1 and payments")
        assert "filter: sev:1 service:payments" in str(shown.render())

        await pilot.press("f", "space", *"owner:bob", "enter")
        await until(pilot, lambda: app._notifications, "the notice")
        notice = next(iter(app._notifications)).message
        assert "cannot filter by 'owner:bob'" in notice
        assert "status:active|resolved" in notice
        assert listed() == ["INC-1"]
        assert field.display
        await pilot.press("escape")
        assert not field.display
        assert table.has_focus
        assert listed() == ["INC-1"]

        await pilot.press("f", "ctrl+u", "enter")  # empty: every incident again
        await until(pilot, lambda: table.row_count == 3, "the whole list")
        assert not shown.display

        await pilot.press("f", *"tag:nothing", "enter")
        await until(pilot, lambda: table.row_count == 0, "no incident")
        assert "matches the filter" in str(app.screen.query_one("#home-empty", Label).render())


async def test_a_filter_pages_what_it_lets_through(
    make_app: AppFactory, store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom.screens import home

    monkeypatch.setattr(home, "HOME_PAST_PAGE", 6)
    past = [
        store.create_incident(f"Old {n}", 2 if n % 2 else 4, commander="Erin", actor="erin")
        for n in range(28)
    ]
    clock.advance(timedelta(minutes=5))
    for incident in past:
        store.resolve(incident.id, actor="erin")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 6, "a page")
        await pilot.press("f", *"sev:2 status:resolved", "enter")
        await until(pilot, lambda: str(table.get_row_at(0)[1]) == "INC-28", "the SEV-2 ones")
        assert table.row_count == 6
        await pilot.press(*["down"] * 13)
        await until(pilot, lambda: table.row_count == 14, "every SEV-2, paged")
        assert all(str(table.get_row_at(row)[0]).strip() == "SEV-2" for row in range(14))


async def test_a_filter_typed_in_one_burst_with_f_goes_into_the_filter(
    make_app: AppFactory, store: Store
) -> None:
    """`f`, the words and Enter arriving together: the words are the filter's, not keys for
    the list (where Enter opened the war room of the incident under the cursor)."""
    _declare_two(store)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 2, "the list")
        burst(app, "fsev:3⏎")
        await until(pilot, lambda: table.row_count == 1, "the SEV-3 incident alone")
        assert isinstance(app.screen, HomeScreen)
        assert str(table.get_row_at(0)[1]) == "INC-2"


async def test_the_quick_first_list_is_a_screenful_the_rest_comes_with_the_store(
    store: Store, config: Config, clock: FrozenClock, db_path: Path
) -> None:
    """Before the store is up, a screenful of the quick read is drawn (drawing 200 rows was
    the start-up's biggest cost); the store's read then lists the whole page."""
    import threading

    from warroom.app import WarroomApp
    from warroom.store import preview

    for n in range(40):
        store.create_incident(f"Incident {n}", 3, commander="Erin", actor="erin")
    quick = preview.incidents(str(db_path))
    assert quick is not None
    assert len(quick) == 40
    release = threading.Event()

    def open_store() -> Store:
        release.wait(timeout=30)
        return store

    app = WarroomApp(config, clock, open_store=open_store, incidents=quick, blink=False)
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count > 0, "the quick list")
        assert table.row_count == 24
        assert str(table.get_row_at(0)[1]) == "INC-40"  # newest first, as the store lists
        release.set()
        await until(pilot, lambda: table.row_count == 40, "the store's list")
        assert str(table.get_row_at(39)[1]) == "INC-1"
