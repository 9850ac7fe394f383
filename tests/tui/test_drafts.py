"""Drafts survive: the update composer closed by Escape or ctrl+q, a half-typed log line when
the war room is left or the app quits; kept per incident and person, brought back."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from tests.tui.conftest import AppFactory, Notes, loaded, until
from warroom.domain.model import DraftKind, EventKind
from warroom.screens.dialogs.composer import UpdateComposer
from warroom.screens.home import HomeScreen
from warroom.store import Store
from warroom.widgets.log_input import LogInput


@pytest.fixture
def incident_id(store: Store) -> int:
    return store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob").id


async def test_q_with_a_half_typed_line_keeps_it_says_so_and_q_again_quits(
    make_app: AppFactory, store: Store, incident_id: int, config: object
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l", *"db is the bottle", "escape", "q")
        await until(pilot, lambda: notes, "the notice")
        assert notes[-1].title == "Not sent yet"
        assert "Press q again to quit" in notes[-1].message
        assert app.is_running
        assert app.screen is screen
        me = app.config.user
        assert store.draft(incident_id, me, DraftKind.LOG) == "db is the bottle"
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the quit")

    notes.clear()
    again = make_app(incident_id)
    async with again.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await until(pilot, lambda: screen.query_one(LogInput).input.value, "the draft")
        assert screen.query_one(LogInput).input.value == "db is the bottle"
        assert any("Your unsent draft is back: the log line" in n.message for n in notes)
        await pilot.press("l", "end", *"neck", "enter")
        await until(pilot, lambda: store.count_events(incident_id) == 2, "logged")
        await pilot.press("escape", "q")
        await until(pilot, lambda: not again.is_running, "quit at once: nothing unsent")
    assert store.draft(incident_id, again.config.user, DraftKind.LOG) is None


async def test_ctrl_q_while_typing_keeps_the_line_says_so_and_again_quits(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        await loaded(pilot)
        await pilot.press("l", *"rollback half typed", "ctrl+q")
        await until(pilot, lambda: notes, "the notice")
        assert notes[-1].title == "Not sent yet"
        assert app.is_running
        assert store.draft(incident_id, app.config.user, DraftKind.LOG) == "rollback half typed"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the quit")


async def test_a_line_left_unsent_going_home_comes_back_with_the_war_room(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l", *"half a thought", "escape", "g")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("enter")
        screen = await loaded(pilot)
        await until(pilot, lambda: screen.query_one(LogInput).input.value, "the draft")
        assert screen.query_one(LogInput).input.value == "half a thought"
    # per person: another person's war room does not get it
    assert store.draft(incident_id, "someone else", DraftKind.LOG) is None


async def test_the_update_draft_survives_escape_and_is_cleared_once_posted(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, UpdateComposer), "the composer")
        area = app.screen.query_one(TextArea)
        area.text = "We rolled back; checkout is recovering."
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "closed")
        me = app.config.user
        await until(pilot, lambda: store.draft(incident_id, me, DraftKind.UPDATE), "the draft kept")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, UpdateComposer), "the composer again")
        assert app.screen.query_one(TextArea).text == "We rolled back; checkout is recovering."
        assert "your unsent draft" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: store.last_event_of_kind(incident_id, EventKind.UPDATE), "post")
        await until(pilot, lambda: store.draft(incident_id, me, DraftKind.UPDATE) is None, "gone")


async def test_ctrl_q_in_the_composer_keeps_the_draft(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, UpdateComposer), "the composer")
        app.screen.query_one(TextArea).text = "Half an update"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the quit")
    assert store.draft(incident_id, app.config.user, DraftKind.UPDATE) == "Half an update"
