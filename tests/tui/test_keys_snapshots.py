"""What a person sees when the log line catches a slip, holds lines back, or keeps a draft
(SVGs under __snapshots__, reviewed by eye)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tests.faults import failing_writes
from tests.tui.conftest import AppFactory, burst, loaded, until
from tests.tui.test_snapshots import busy_incident
from warroom.domain.clock import FrozenClock
from warroom.domain.model import DraftKind
from warroom.screens.dialogs.composer import UpdateComposer
from warroom.store import Store
from warroom.widgets.log_input import LogInput

SnapCompare = Callable[..., bool]


def test_a_mistyped_line_is_caught(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """The line stays in the input; the notice says what was not understood, what is accepted,
    and that Enter again logs it as typed."""
    incident_id = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        await pilot.press("l", *"14:15pm rolled back the migration", "enter")
        await until(pilot, lambda: pilot.app._notifications, "the notice")
        await pilot.pause()

    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=run_before)


def test_lines_held_after_a_line_not_saved(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """The disk full as three lines were sent: the first back in the input, two held (+2)."""
    incident_id = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        with failing_writes(table="event") as fault:
            burst(pilot.app, "Index created⏎p99 back under 1s⏎error rate normal⏎")
            await until(pilot, lambda: fault.failures and not log.waiting, "the refusal")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=run_before)


def test_the_update_composer_on_a_kept_draft(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)
    app = make_app(incident_id)
    store.keep_draft(
        incident_id,
        app.config.user,
        DraftKind.UPDATE,
        "Checkout is degraded: the index is being rebuilt.\nNext update at 15:30.",
    )

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        pilot.app.clear_notifications()
        await pilot.press("u")
        await until(pilot, lambda: isinstance(pilot.app.screen, UpdateComposer), "the composer")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_quitting_with_an_unsent_line(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = busy_incident(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await loaded(pilot)
        await pilot.press("l", *"Watching error rate for", "escape", "q")
        await until(pilot, lambda: pilot.app._notifications, "the notice")
        await pilot.pause()

    assert snap_compare(make_app(incident_id), terminal_size=(80, 24), run_before=run_before)


def test_the_withdraw_dialog(snap_compare: SnapCompare, make_app: AppFactory, store: Store) -> None:
    store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    store.create_incident("Checkout down (declared twice)", 1, commander="Bob Chen", actor="bob")

    async def run_before(pilot: Pilot[object]) -> None:
        from warroom.screens.dialogs.withdraw import WithdrawDialog
        from warroom.widgets.incident_list import IncidentList

        table = pilot.app.screen.query_one(IncidentList)
        await until(pilot, lambda: table.row_count == 2, "the list")
        await pilot.press("W")
        await until(pilot, lambda: isinstance(pilot.app.screen, WithdrawDialog), "the dialog")
        await pilot.press(*"duplicate of INC-1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
