"""What a person looks at when searching and labelling (SVGs under __snapshots__, reviewed by
eye): the home screen's search box with results, the war room's timeline search filtered by
kind, the services-and-tags dialog. Frozen clock, no blinking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.conftest import LESSON, AppFactory, loaded, until
from tests.tui.test_snapshots import busy_incident
from warroom.domain.clock import FrozenClock
from warroom.exporters.importer import read_postmortem
from warroom.screens.dialogs.labels import LabelsDialog
from warroom.screens.dialogs.search import SearchDialog
from warroom.store import Store
from warroom.widgets.incident_list import IncidentList

SnapCompare = Callable[..., bool]


async def _typed_into_search(pilot: Pilot[object], text: str, *keys: str) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, SearchDialog), "the search box")
    dialog = pilot.app.screen
    assert isinstance(dialog, SearchDialog)
    dialog.query_one("#search-query", Input).insert_text_at_cursor(text)
    await until(pilot, lambda: "found" in str(dialog.query_one("#search-status").render()), "hits")
    for key in keys:
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await until(pilot, lambda: "found" in str(dialog.query_one("#search-status").render()), "hits")
    await pilot.pause()


def test_home_search_results(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """Several incidents' hits for one phrase, best first: events, post-mortem fields, an
    action item; a withdrawn incident marked."""
    store.import_incident(read_postmortem(LESSON))
    live = store.create_incident(
        "Payments queue backed up",
        2,
        commander="Alice Kim",
        actor="alice",
        services=["payments", "ledger"],
        tags=["kafka"],
    )
    store.log_event(live.id, "consumer lag after the index migration", actor="Alice Kim")
    mistaken = store.create_incident("Index test page", 4, commander="Erin", actor="erin")
    store.withdraw(mistaken.id, "declared by mistake", actor="erin")
    clock.advance(timedelta(minutes=5))

    async def run_before(pilot: Pilot[object]) -> None:
        await until(
            pilot, lambda: pilot.app.screen.query_one(IncidentList).row_count == 2, "list"
        )  # not the withdrawn
        await pilot.press("slash")
        await _typed_into_search(pilot, "index")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_war_room_timeline_search_by_kind(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """`/` in the war room, "database", ctrl+t twice: only its alerts."""
    incident = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        await pilot.press("slash")
        await _typed_into_search(pilot, "database", "ctrl+t", "ctrl+t")

    assert snap_compare(make_app(incident), terminal_size=(80, 24), run_before=run_before)


def test_labels_dialog(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = busy_incident(store, clock)
    store.set_labels(incident, services=["checkout", "orders-db"], tags=["migration"])

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, LabelsDialog), "the dialog")
        await pilot.pause()

    assert snap_compare(make_app(incident), terminal_size=(80, 24), run_before=run_before)
