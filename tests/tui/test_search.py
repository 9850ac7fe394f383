"""Search from the home screen and the war room's timeline, services and tags in the dialogs:
driven by keys, checked against the database."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from tests.conftest import T0
from tests.tui.conftest import AppFactory, loaded, until
from warroom.domain.model import EventKind
from warroom.screens.dialogs.labels import LabelsDialog
from warroom.screens.dialogs.search import PAGE, SearchDialog
from warroom.screens.home import HomeScreen
from warroom.store import Store
from warroom.store.timeline import NewEvent
from warroom.widgets.incident_list import IncidentList
from warroom.widgets.timeline import Timeline


async def _search(pilot, text: str) -> SearchDialog:  # type: ignore[no-untyped-def]
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, SearchDialog), "the search box")
    dialog = app.screen
    dialog.query_one("#search-query", Input).insert_text_at_cursor(text)
    await until(
        pilot,
        lambda: (
            str(dialog.query_one("#search-status").render()) not in ("", "Searching…")
            and "Type to search" not in str(dialog.query_one("#search-status").render())
        ),
        "the results",
    )
    return dialog


async def test_a_phrase_from_an_old_timeline_opens_the_incident_on_that_event(
    make_app: AppFactory, store: Store
) -> None:
    old = store.create_incident("Checkout outage", 1, commander="Bob Chen", actor="bob").id
    store.log_many(
        old,
        [
            NewEvent(f"health check {n} ok", "Monitoring", T0 + timedelta(seconds=n))
            for n in range(900)
        ],
    )
    found = store.log_event(
        old, "connection pool exhausted", actor="Alice", occurred_at=T0 + timedelta(seconds=450)
    )
    store.resolve(old, actor="bob")
    store.create_incident("Search slow", 3, commander="Alice", actor="alice")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(IncidentList).row_count == 2, "the list")
        await pilot.press("slash")
        dialog = await _search(pilot, "pool exhausted")
        assert [(hit.incident_id, hit.event_id) for hit in dialog.results.hits] == [(old, found.id)]
        await pilot.press("enter")
        screen = await loaded(pilot)
        assert screen.incident_id == old
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: timeline.selected and timeline.selected.id == found.id, "it")
        assert (timeline.has_older, timeline.has_newer) == (True, True)  # a window, not all 900
        assert app.focused is timeline
        await pilot.press("g")  # Escape stays in the war room
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


async def test_results_page_on_as_the_cursor_nears_the_end(
    make_app: AppFactory, store: Store
) -> None:
    incident = store.create_incident("Disk alerts", 2, commander="Bob Chen", actor="bob").id
    store.log_many(
        incident,
        [
            NewEvent(f"disk full on node-{n}", "Monitoring", T0 + timedelta(seconds=n))
            for n in range(120)
        ],
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        dialog = await _search(pilot, "disk full")
        assert len(dialog.results.hits) == PAGE
        await pilot.press("down")  # to the results
        assert app.focused is dialog.results
        await pilot.press("end")
        await until(pilot, lambda: len(dialog.results.hits) == 2 * PAGE, "the second page")
        await pilot.press("end")
        await until(pilot, lambda: len(dialog.results.hits) == 120, "the last page")
        assert len({hit.entry_id for hit in dialog.results.hits}) == 120
        assert not dialog.results.more


async def test_query_syntax_is_text_and_withdrawn_hits_are_marked(
    make_app: AppFactory, store: Store
) -> None:
    mistaken = store.create_incident("Test page", 3, commander="Bob Chen", actor="bob").id
    store.withdraw(mistaken, "declared by mistake", actor="bob")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        dialog = await _search(pilot, 'NEAR( "x* AND')
        assert str(dialog.query_one("#search-status").render()) == "Nothing found."
        field = dialog.query_one("#search-query", Input)
        field.clear()
        field.insert_text_at_cursor("test page")
        await until(pilot, lambda: len(dialog.results.hits) == 1, "the hit")
        assert dialog.results.hits[0].withdrawn
        assert "withdrawn" in str(dialog.results.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


async def test_the_war_rooms_search_finds_its_events_by_text_and_kind(
    make_app: AppFactory, store: Store
) -> None:
    incident = store.create_incident("Checkout errors", 1, commander="Bob Chen", actor="bob").id
    other = store.create_incident("Search errors", 3, commander="Alice", actor="alice").id
    store.log_event(other, "errors in the indexer", actor="Alice")
    alert = store.log_event(incident, "errors above 5%", actor="Grafana", kind=EventKind.ALERT)
    note = store.log_event(incident, "errors come from one pod", actor="Alice")
    app = make_app(incident)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        # A line logged a moment ago is found at once.
        await pilot.press("l", *"errors gone after restart", "enter", "escape")
        await until(pilot, lambda: screen.query_one(Timeline).row_count == 4, "the new line")
        await pilot.press("slash")
        dialog = await _search(pilot, "errors")
        assert {hit.incident_id for hit in dialog.results.hits} == {incident}
        assert len(dialog.results.hits) == 3
        await pilot.press("ctrl+t")  # kind: note
        await until(pilot, lambda: len(dialog.results.hits) == 2, "the notes")
        assert note.id in {hit.event_id for hit in dialog.results.hits}
        await pilot.press("ctrl+t")  # kind: alert
        await until(
            pilot, lambda: [hit.event_id for hit in dialog.results.hits] == [alert.id], "alerts"
        )
        assert "kind: alert" in str(dialog.query_one("#search-kind").render())
        await pilot.press("enter")
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: app.screen is screen, "the war room")
        await until(pilot, lambda: timeline.selected and timeline.selected.id == alert.id, "it")


async def test_services_and_tags_are_edited_from_home_and_from_the_war_room(
    make_app: AppFactory, store: Store
) -> None:
    incident = store.create_incident("Payments down", 1, commander="Bob Chen", actor="bob").id
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 1, "the list")
        assert "services · tags" not in table.column_labels
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, LabelsDialog), "the dialog")
        app.screen.query_one("#services", Input).insert_text_at_cursor("payments, ledger")
        await pilot.press("tab", *"kafka,", "enter")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
        got = store.get_incident(incident)
        assert (got.services, got.tags) == (("payments", "ledger"), ("kafka",))
        await until(
            pilot, lambda: "payments, ledger #kafka" in str(table.get_row_at(0)[-2]), "the column"
        )
        await pilot.press("enter")
        await loaded(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, LabelsDialog), "the dialog")
        services = app.screen.query_one("#services", Input)
        assert services.value == "payments, ledger"
        services.value = "payments, bad\x1b"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LabelsDialog)  # refused: the dialog stays, says why
        assert "control character" in str(app.screen.query_one("#labels-error").render())
        services.value = "payments"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, LabelsDialog), "saved")
        assert store.get_incident(incident).services == ("payments",)
