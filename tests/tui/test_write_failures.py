"""When the disk fills up (or the database is busy, read-only, damaged) while the war room (or
the post-mortem) is open: whatever was being saved is refused whole, the person is told that
nothing was saved and why, what they typed stays where they typed it, and the app goes on.
Once writes work again, the same keys save it.

Writes fail at the store boundary (tests/faults.py), the way SQLite fails them; the real full
disk, with the real app on a pseudo-terminal, is in tests/reliability/test_write_failures.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.faults import failing_writes
from tests.reliability import dbcheck
from tests.tui.conftest import AppFactory, Notes, burst, loaded, pm_loaded, until
from warroom.app import WarroomApp
from warroom.domain.model import ActionStatus, EventKind, Role
from warroom.screens.dialogs.action_form import ActionItemForm
from warroom.screens.dialogs.composer import UpdateComposer
from warroom.screens.dialogs.edit_event import EditEventDialog
from warroom.screens.dialogs.new_incident import NewIncidentDialog
from warroom.screens.dialogs.roles import RolesDialog
from warroom.store import Store
from warroom.widgets.action_list import ActionItemList
from warroom.widgets.board import Board
from warroom.widgets.log_input import LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import Timeline

FULL = "{db}: the disk is full; free some space and try again"


@pytest.fixture
def incident_id(store: Store) -> int:
    return store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob").id


def run(app: WarroomApp, notes: Notes) -> object:
    return app.run_test(size=(100, 30), message_hook=notes.hook)


def texts(store: Store, incident_id: int) -> list[str]:
    return [event.text for event in store.iter_events(incident_id)]


# ---- the log line ---------------------------------------------------------------------------


async def test_logging_on_a_full_disk_keeps_the_text_until_it_can_be_saved(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        timeline = screen.query_one(Timeline)
        before = dbcheck.read(db_path)
        with failing_writes() as fault:
            await pilot.press("l", *"db cpu 95%", "enter")
            await until(pilot, lambda: notes, "the notification")
        assert fault.failures  # the write was refused where it was meant to be
        assert notes.not_saved("log the event").message == FULL.format(db=db_path)
        assert log.input.value == "db cpu 95%"  # still there...
        assert app.focused is log.input  # ...with the cursor in it, to press Enter again
        assert [event.text for event in timeline.events] == texts(store, incident_id)
        assert dbcheck.read(db_path).events == before.events
        assert app.is_running

        await pilot.press("enter")  # the disk has room again
        await until(pilot, lambda: timeline.events[-1].text == "db cpu 95%", "the event")
        assert texts(store, incident_id)[-1] == "db cpu 95%"
        assert log.input.value == ""
        assert len(notes) == 1


async def test_lines_typed_ahead_of_a_line_not_saved_stay_in_the_input_unsent(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Enter, then more typed and Enter again before the first line is back: when the first
    is refused, the next is not sent ahead of it. The first comes back to the input with its
    kind, the next is held behind it (each a line of its own); once the disk has room, Enter
    saves each in turn."""
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        log.kind = EventKind.ALERT
        with failing_writes() as fault:
            burst(app, "one⏎t⏎")
            await until(pilot, lambda: notes, "the notification")
            await pilot.pause()
        assert len(fault.failures) == 1  # the line typed ahead was not tried
        assert log.input.value == "one"
        assert log.unsent == ["one", "t"]
        assert log.kind is EventKind.ALERT
        assert texts(store, incident_id) == ["Incident declared: SEV-1 (Critical), IC Bob Chen"]

        await pilot.press("enter")
        await until(pilot, lambda: texts(store, incident_id)[-1] == "one", "the line")
        assert list(store.iter_events(incident_id))[-1].kind is EventKind.ALERT
        assert log.input.value == "t"
        await pilot.press("enter")
        await until(pilot, lambda: texts(store, incident_id)[-1] == "t", "the next")


async def test_a_write_failing_half_way_leaves_nothing_half_written(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    """The event row goes in, the change-feed row after it fails: neither is kept."""
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        before = dbcheck.read(db_path)
        with failing_writes(table="change") as fault:
            await pilot.press("l", *"half", "enter")
            await until(pilot, lambda: notes, "the notification")
        assert len(fault.failures) == 1
        after = dbcheck.read(db_path)
        assert after.sound
        assert (after.events, after.events_without_change) == (before.events, [])
        assert screen.query_one(LogInput).input.value == "half"


KINDS = [
    (sqlite3.SQLITE_FULL, FULL),
    (sqlite3.SQLITE_IOERR, "cannot write to {db}: disk I/O error"),
    (
        sqlite3.SQLITE_BUSY,
        "{db} is busy: other writers kept it locked; nothing was written, try again",
    ),
    (
        sqlite3.SQLITE_READONLY,
        "cannot write to {db} (attempt to write a readonly database): check the permissions "
        "of the file and its directory, and that its file system is writable",
    ),
    (
        sqlite3.SQLITE_CORRUPT,
        "{db} is damaged (database disk image is malformed): restore it from a backup",
    ),
]


async def test_each_kind_of_failure_says_why(
    make_app: AppFactory,
    store: Store,
    incident_id: int,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Full, I/O error, busy, read-only, damaged: one after the other in one war room, each
    with its own reason, the text kept through all of them."""
    # A busy database is retried for a while; this one never frees up: give up quickly.
    monkeypatch.setattr("warroom.store.session.WRITE_RETRY_SECONDS", 0.2)
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        await pilot.press("l", *"x")
        for count, (code, message) in enumerate(KINDS, start=1):
            with failing_writes(code):
                await pilot.press("enter")
                await until(pilot, lambda count=count: len(notes) == count, "the notification")
            assert (notes[-1].title, notes[-1].message) == (
                "Could not log the event: nothing was saved",
                message.format(db=db_path),
            )
            assert notes[-1].severity == "error"
            assert screen.query_one(LogInput).input.value == "x"
        assert texts(store, incident_id)[-1] != "x"
        assert app.is_running


# ---- severity, action items, updates, roles, edits --------------------------------------


async def test_severity_change_on_a_full_disk(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        with failing_writes():
            await pilot.press("s", "2", "enter")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("change severity").message == FULL.format(db=db_path)
        assert app.screen is screen
        assert store.get_incident(incident_id).severity == 1
        assert screen.query_one(SeverityBanner).has_class("sev-1")
        await pilot.press("s", "2", "enter")
        await until(pilot, lambda: store.get_incident(incident_id).severity == 2, "the change")
        await until(pilot, lambda: screen.query_one(SeverityBanner).has_class("sev-2"), "banner")


async def test_the_action_item_form_keeps_everything_typed(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        form = app.screen
        form.query_one("#description", Input).insert_text_at_cursor("Add index checks to CI")
        form.query_one("#owner", Input).insert_text_at_cursor("Dave")
        form.query_one("#ticket", Input).insert_text_at_cursor("PLAT-1234")
        typed = {field.id: field.value for field in form.query(Input)}
        with failing_writes():
            await pilot.press("enter")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("add the action item").message == FULL.format(db=db_path)
        assert app.screen is form  # still open, everything in it
        assert {field.id: field.value for field in form.query(Input)} == typed
        assert store.action_items(incident_id) == []

        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        (item,) = store.action_items(incident_id)
        assert (item.description, item.owner, item.ticket) == (
            "Add index checks to CI",
            "Dave",
            "PLAT-1234",
        )
        board = screen.query_one(Board)
        await until(pilot, lambda: board.column_of(ActionStatus.OPEN).items, "the card")


async def test_editing_an_action_item_on_a_full_disk(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    store.add_action_item(incident_id, "Add index checks", actor="bob", owner="Dave")
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        board = screen.query_one(Board)
        await until(pilot, lambda: board.column_of(ActionStatus.OPEN).items, "the card")
        screen.set_focus(board.column_of(ActionStatus.OPEN))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        form = app.screen
        form.query_one("#owner", Input).value = "Erin"
        with failing_writes():
            await pilot.press("ctrl+s")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("save the action item").message == FULL.format(db=db_path)
        assert app.screen is form
        assert form.query_one("#owner", Input).value == "Erin"
        assert store.action_items(incident_id)[0].owner == "Dave"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        assert store.action_items(incident_id)[0].owner == "Erin"


async def test_the_update_composer_keeps_the_draft(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, UpdateComposer), "the composer")
        composer = app.screen
        area = composer.query_one(TextArea)
        area.insert("Checkout is back for most users.\n", (0, 0))
        draft = area.text
        with failing_writes():
            await pilot.press("ctrl+s")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("post the update").message == FULL.format(db=db_path)
        assert app.screen is composer
        assert area.text == draft
        assert app.clipboard != draft  # nothing copied: nothing was posted
        assert draft not in texts(store, incident_id)

        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the composer to close")
        assert texts(store, incident_id)[-1] == draft
        assert app.clipboard == draft


async def test_the_roles_dialog_keeps_the_name(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog), "the roles")
        dialog = app.screen
        with failing_writes():
            await pilot.press(*"Carol", "enter")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("assign the role").message == FULL.format(db=db_path)
        assert app.screen is dialog
        assert dialog.query_one("#person", Input).value == "Carol"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert (Role.SCRIBE, "Carol") in {(r.role, r.person) for r in store.roles(incident_id)}


async def test_the_edit_dialog_keeps_the_edited_line(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    event = store.log_event(incident_id, "db cpu 59%", actor="alice")
    notes = Notes()
    app = make_app(incident_id)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await loaded(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventDialog), "the dialog")
        field = app.screen.query_one(Input)
        field.value = field.value.replace("59%", "95%")
        edited = field.value
        with failing_writes():
            await pilot.press("enter")
            await until(pilot, lambda: notes, "the notification")
        assert notes.not_saved("edit the event").message == FULL.format(db=db_path)
        assert field.value == edited
        assert store.get_event(event.id).text == "db cpu 59%"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert store.get_event(event.id).text == "db cpu 95%"


async def test_declaring_an_incident_on_a_full_disk(
    make_app: AppFactory, store: Store, db_path: Path
) -> None:
    """From the home screen: before, the failure ended the app."""
    notes = Notes()
    app = make_app()
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewIncidentDialog), "the dialog")
        dialog = app.screen
        with failing_writes():
            await pilot.press(*"Checkout down", "enter")
            await until(pilot, lambda: notes, "the notification")
        title = "Could not declare the incident: nothing was saved"
        assert [(note.title, note.message) for note in notes] == [(title, FULL.format(db=db_path))]
        assert app.screen is dialog
        assert dialog.query_one("#title", Input).value == "Checkout down"
        assert store.list_incidents() == []
        await pilot.press("enter")
        await until(pilot, lambda: store.list_incidents(), "the incident")
        await until(pilot, lambda: app.screen.query(SeverityBanner), "its war room")


# ---- the post-mortem's action items: the same form, the same rule -------------------------


async def test_the_postmortems_action_item_form_keeps_everything_typed(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    """As in the war room: the form closes once the item is saved, not before (it closed as
    Enter was pressed, and a save that failed lost what was typed)."""
    notes = Notes()
    app = make_app(incident_id, postmortem=True)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await pm_loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        form = app.screen
        form.query_one("#description", Input).insert_text_at_cursor("Add index checks to CI")
        form.query_one("#owner", Input).insert_text_at_cursor("Dave")
        typed = {field.id: field.value for field in form.query(Input)}
        with failing_writes():
            await pilot.press("enter")
            await until(pilot, lambda: notes, "the notification")
        assert app.screen is form  # still open, everything in it
        assert notes.not_saved("add the action item").message == FULL.format(db=db_path)
        assert {field.id: field.value for field in form.query(Input)} == typed
        assert store.action_items(incident_id) == []

        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        (item,) = store.action_items(incident_id)
        assert (item.description, item.owner) == ("Add index checks to CI", "Dave")
        actions = screen.query_one(ActionItemList)
        await until(pilot, lambda: len(actions.items) == 1, "the item shown")


async def test_editing_an_action_item_in_the_postmortem_on_a_full_disk(
    make_app: AppFactory, store: Store, incident_id: int, db_path: Path
) -> None:
    store.add_action_item(incident_id, "Add index checks", actor="bob", owner="Dave")
    notes = Notes()
    app = make_app(incident_id, postmortem=True)
    async with run(app, notes) as pilot:  # type: ignore[attr-defined]
        screen = await pm_loaded(pilot)
        actions = screen.query_one(ActionItemList)
        await until(pilot, lambda: len(actions.items) == 1, "the item")
        screen.set_focus(actions)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        form = app.screen
        form.query_one("#owner", Input).value = "Erin"
        with failing_writes():
            await pilot.press("ctrl+s")
            await until(pilot, lambda: notes, "the notification")
        assert app.screen is form
        assert notes.not_saved("save the action item").message == FULL.format(db=db_path)
        assert form.query_one("#owner", Input).value == "Erin"
        assert store.action_items(incident_id)[0].owner == "Dave"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        assert store.action_items(incident_id)[0].owner == "Erin"
        await until(pilot, lambda: actions.items[0].owner == "Erin", "the edit shown")
