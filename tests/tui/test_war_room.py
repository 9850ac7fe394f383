"""Driving the war room with the keyboard, asserting on the screen and on the database."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import timedelta

import pytest
from textual import events
from textual.widgets import Input, Label, Select

from tests.conftest import T0
from tests.faults import failing_writes
from tests.tui.conftest import AppFactory, Notes, Redraws, burst, loaded, until
from warroom.app import WarroomApp
from warroom.domain.clock import FrozenClock
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import ActionStatus, EventKind, Role
from warroom.domain.room import FIRST_PAGE
from warroom.screens import war_room
from warroom.screens.war_room import WarRoomScreen
from warroom.store import Store
from warroom.widgets.board import Board, BoardColumn
from warroom.widgets.countdown import Countdown
from warroom.widgets.log_input import LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.timeline import Timeline


@pytest.fixture
def incident_id(store: Store) -> int:
    return store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob").id


def texts(store: Store, incident_id: int) -> list[str]:
    return [event.text for event in store.iter_events(incident_id)]


async def test_opening_shows_the_incident(make_app: AppFactory, incident_id: int) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        banner = screen.query_one(SeverityBanner)
        assert banner.has_class("sev-1")
        rendered = str(banner.render())
        assert "SEV-1 CRITICAL" in rendered
        assert "Checkout down" in rendered
        assert "IC Bob Chen" in rendered
        countdown = screen.query_one(Countdown)
        assert countdown.due == T0 + timedelta(minutes=30)
        assert "Next update in 30:00" in str(countdown.render())
        assert not countdown.has_class("-overdue")
        assert screen.query_one(Timeline).row_count == 1
        assert app.focused is screen.query_one(Timeline)


async def test_log_an_event(make_app: AppFactory, store: Store, incident_id: int) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        assert isinstance(app.focused, Input)
        await pilot.press(*"db cpu 95%", "enter")
        await until(pilot, lambda: "db cpu 95%" in texts(store, incident_id), "the save")
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: timeline.row_count == 2, "the row")
        (event,) = [e for e in store.iter_events(incident_id) if e.text == "db cpu 95%"]
        assert (event.kind, event.actor, event.occurred_at) == (EventKind.NOTE, "tester", T0)
        assert timeline.events[-1] == event
        assert screen.query_one(LogInput).input.value == ""
        assert app.focused is screen.query_one(LogInput).input  # for the next line


async def test_a_logged_event_is_shown_even_while_reading_older_ones(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """The cursor was up in the history (the table scrolled away from the newest): the line
    just typed is still put in view and selected, so the person sees it went in."""
    for n in range(40):
        store.log_event(incident_id, f"older {n}", actor="bob")
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        await pilot.press("up", "up", "up", "up", "pageup", "pageup")
        assert timeline.cursor_row < len(timeline.events) - 20
        await pilot.press("l", *"db cpu 95%", "enter")
        await until(pilot, lambda: timeline.selected is not None, "a selection")
        await until(pilot, lambda: timeline.selected.text == "db cpu 95%", "the new event")  # type: ignore[union-attr]
        await pilot.pause()
        row_top = timeline.cursor_row - timeline.scroll_offset.y + 1  # + the header
        assert 0 < row_top < timeline.size.height  # in view


async def test_the_newest_page_read_again_leaves_a_person_paging_back_where_they_are(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """On opening, the first screen is a quick read, and the newest page is read again once
    the store is open. Someone who had paged back past it meanwhile (PageUp at once, in a
    long incident) was put back at the newest event."""
    for n in range(FIRST_PAGE + 40):
        store.log_event(incident_id, f"older {n}", actor="bob")
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        timeline.move_cursor(0)  # the top of the window: the page before it comes
        await until(pilot, lambda: timeline.row_count > FIRST_PAGE, "an older page")
        await pilot.press("up", "up")
        reading = timeline.selected
        assert reading is not None
        assert reading.text == "older 38"
        store.edit_event(timeline.events[-1].id, actor="bob", text="newest, edited")

        await screen._load_newest(keep=True)
        await pilot.pause()
        assert timeline.selected == reading
        row_top = timeline.cursor_row - timeline.scroll_offset.y + 1  # + the header
        assert 0 < row_top < timeline.size.height  # in view
        assert timeline.events[-1].text == "newest, edited"  # the page read is shown

        # More came than a page: the window keeps no gap, and reads them when asked.
        for n in range(FIRST_PAGE + 10):
            store.log_event(incident_id, f"newer {n}", actor="bob")
        await screen._load_newest(keep=True)
        await pilot.pause()
        assert timeline.selected == reading
        everything = [event.id for event in store.iter_events(incident_id)]
        shown = [event.id for event in timeline.events]
        start = everything.index(shown[0])
        assert shown == everything[start : start + len(shown)]
        assert timeline.has_newer


async def test_markup_is_stored_and_shown_literally(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    hostile = "[red]x[/red] [link=http://e.example]y[/link] \x1b[31mz"
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        screen.query_one(LogInput).input.insert_text_at_cursor(hostile)
        await pilot.press("enter")
        await until(pilot, lambda: hostile in texts(store, incident_id), "the save")
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: timeline.row_count == 2, "the row")
        shown = timeline.row_cells(1)[3]
        assert shown.plain == "[red]x[/red] [link=http://e.example]y[/link] \\x1b[31mz"
        assert not shown.spans  # no styles came from the text


async def test_backdate_and_kind_prefix(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        app.screen.query_one(LogInput).input.insert_text_at_cursor(
            "14:15 alert: migration deployed"
        )
        await pilot.press("enter")
        await until(pilot, lambda: "migration deployed" in texts(store, incident_id), "save")
        event = next(e for e in store.iter_events(incident_id) if e.text == "migration deployed")
        assert event.occurred_at == T0.replace(minute=15)
        assert event.kind is EventKind.ALERT
        timeline = app.screen.query_one(Timeline)
        # backdated before the declaration at 14:23: it is first in the timeline
        await until(pilot, lambda: timeline.row_count == 2, "the row")
        assert timeline.events[0].id == event.id


async def test_kind_key_cycles_the_kind(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l", "ctrl+t", "ctrl+t", "ctrl+t")
        assert screen.query_one(LogInput).kind is EventKind.DECISION
        await pilot.press(*"roll back", "enter")
        await until(pilot, lambda: "roll back" in texts(store, incident_id), "save")
        event = store.last_event_of_kind(incident_id, EventKind.DECISION)
        assert event is not None
        assert event.text == "roll back"
        assert screen.query_one(LogInput).kind is EventKind.NOTE


async def test_bad_time_keeps_the_text_and_saves_nothing(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    notes = Notes()
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        screen.query_one(LogInput).input.insert_text_at_cursor("25:15 deployed")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one(LogInput).input.value == "25:15 deployed"
        assert isinstance(app.focused, Input)
        assert store.count_events(incident_id) == 1
        assert any("bad time" in str(note.message) for note in notes)


async def test_the_input_keeps_the_keys_after_enter_for_the_next_line(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """A scribe types one line after another: after Enter, what is typed is the next line. A
    letter is text, not a command (the p of "pool exhausted" moved the incident on a step and
    recorded it as acknowledged). Escape gives the keys back."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        field = screen.query_one(LogInput).input
        await pilot.press("l", *"db cpu 95%", "enter")
        await until(pilot, lambda: timeline.row_count == 2, "the first row")
        await pilot.press(*"pool exhausted", "enter")
        await until(pilot, lambda: timeline.row_count == 3, "the second row")
        assert texts(store, incident_id)[1:] == ["db cpu 95%", "pool exhausted"]
        assert store.get_incident(incident_id).phase is Phase.DETECTION  # p: not a step
        assert app.screen is screen
        assert app.focused is field

        field.insert_text_at_cursor("third")
        await field.action_submit()
        field.insert_text_at_cursor("fourth")  # typed on, before the save is back
        await until(pilot, lambda: timeline.row_count == 4, "the third row")
        await pilot.pause()
        assert field.value == "fourth"
        assert texts(store, incident_id)[-1] == "third"
        await pilot.press("escape", "s")
        await until(pilot, lambda: app.screen is not screen, "the severity dialog")


async def test_the_clock_waits_while_a_line_is_saved_until_its_row_is_drawn(
    make_app: AppFactory,
    store: Store,
    incident_id: int,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tick of the clock drawn just before the saved row held the row back a frame or two:
    the tick waits for the row, and is drawn then."""
    monkeypatch.setattr(war_room, "CLOCK_HELD_AT_MOST", 60)
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        drawn: list[Callable[[], object]] = []  # the row is drawn when the test says so
        timeline.when_drawn = lambda _event_id, callback: drawn.append(callback)  # type: ignore[method-assign]
        await pilot.press("l", *"first", "enter")
        await until(pilot, lambda: timeline.row_count == 2, "the row")
        shown = screen.now
        clock.advance(timedelta(seconds=7))
        screen._tick()
        assert screen.now == shown
        for callback in drawn:
            callback()
        assert screen.now == clock.now()

        log = screen.query_one(LogInput)
        await pilot.press(*"second")  # the next line: the input has kept the keys
        with failing_writes(table="event") as fault:  # not saved: the clock goes on at once
            await pilot.press("enter")
            await until(pilot, lambda: fault.failures, "the refused write")
        await until(pilot, lambda: screen._clock_held == 0, "the save given up")
        assert log.input.value == "second"
        clock.advance(timedelta(seconds=1))
        screen._tick()
        assert screen.now == clock.now()


async def test_the_clock_waits_for_a_row_that_is_never_drawn_only_so_long(
    make_app: AppFactory,
    store: Store,
    incident_id: int,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The row may never be drawn (the timeline under a dialog): the tick comes after
    CLOCK_HELD_AT_MOST all the same; and one tick waits at most, the next is drawn whatever
    happens (lines saved one after the other would otherwise hold the clock for as long)."""
    monkeypatch.setattr(war_room, "CLOCK_HELD_AT_MOST", 1234.5)  # called here, not waited for
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        timeline.when_drawn = lambda _event_id, _callback: None  # type: ignore[method-assign]
        at_the_latest: list[Callable[[], object]] = []
        set_timer = screen.set_timer

        def timer(delay: float, callback: Callable[[], object], **how: object) -> object:
            if delay == war_room.CLOCK_HELD_AT_MOST:
                at_the_latest.append(callback)
            return set_timer(delay, callback, **how)  # type: ignore[arg-type]

        screen.set_timer = timer  # type: ignore[method-assign,assignment]
        await pilot.press("l", *"first", "enter")
        await until(pilot, lambda: timeline.row_count == 2, "the row")
        shown = screen.now
        clock.advance(timedelta(seconds=1))
        screen._tick()
        assert screen.now == shown
        at_the_latest[0]()
        assert screen.now == clock.now()

        await pilot.press("l", *"second", "enter")
        await until(pilot, lambda: timeline.row_count == 3, "the second row")
        shown = screen.now
        clock.advance(timedelta(seconds=1))
        screen._tick()
        assert screen.now == shown  # one tick waits...
        clock.advance(timedelta(seconds=1))
        screen._tick()
        assert screen.now == clock.now()  # ...the next is drawn


async def test_keys_that_arrive_together_are_applied_in_the_order_they_were_typed(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Textual inserts a character at once but ran a bound key (Backspace, Enter) only after
    it had bubbled up to the app: "ba⌫c" came out as "ba", and "one⏎" followed by more keys
    saved the keys after Enter in the line."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        field = screen.query_one(LogInput).input
        await pilot.press("l")
        burst(app, "ba⌫c")
        await until(pilot, lambda: len(field.value) == 2, "the keys")
        assert field.value == "bc"

        field.value = ""
        burst(app, "db cpu 95%⏎")
        await until(pilot, lambda: texts(store, incident_id)[-1] == "db cpu 95%", "the line")


async def test_lines_typed_ahead_are_saved_one_by_one_in_order(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Enter while the line before is still being saved: each line is what was typed before
    its Enter; they are saved in order, each shown once saved, and the input keeps the keys."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        await pilot.press("l")
        burst(app, "one⏎ltwo⏎three⏎")
        await until(pilot, lambda: timeline.row_count == 4, "the three rows")
        assert texts(store, incident_id)[1:] == ["one", "ltwo", "three"]
        assert [event.text for event in timeline.events][1:] == ["one", "ltwo", "three"]
        assert app.focused is screen.query_one(LogInput).input
        assert screen.query_one(LogInput).input.value == ""


async def test_escape_leaves_the_input_keeping_the_text(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        screen.query_one(LogInput).input.insert_text_at_cursor("half a thought")
        await pilot.press("escape")
        assert app.focused is screen.query_one(Timeline)
        assert screen.query_one(LogInput).input.value == "half a thought"
        await pilot.press("s")  # the keys work again
        await until(pilot, lambda: app.screen is not screen, "the severity dialog")


async def test_change_severity_recomputes_the_countdown(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        clock.advance(timedelta(minutes=5))
        await pilot.press("s", "3", "2", "enter")
        await until(pilot, lambda: store.get_incident(incident_id).severity == 2, "the change")
        await until(pilot, lambda: screen.query_one(SeverityBanner).has_class("sev-2"), "banner")
        assert screen.query_one(Countdown).due == T0 + timedelta(minutes=5, hours=1)
        assert "SEV-1 → SEV-2" in texts(store, incident_id)[-1]


async def test_severity_dialog_escape_changes_nothing(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("s", "4", "escape")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert store.get_incident(incident_id).severity == 1
        assert len(store.severity_changes(incident_id)) == 1


async def test_post_an_update(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        clock.advance(timedelta(minutes=20))
        await pilot.press("u")
        await until(pilot, lambda: app.screen is not screen, "the composer")
        from textual.widgets import TextArea

        draft = app.screen.query_one(TextArea).text
        assert draft.startswith("[SEV-1] INC-1 Checkout down")
        assert "Incident declared" in draft
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: store.last_event_of_kind(incident_id, EventKind.UPDATE), "the post"
        )
        update = store.last_event_of_kind(incident_id, EventKind.UPDATE)
        assert update is not None
        assert update.text == draft
        assert app.clipboard == draft
        await until(
            pilot,
            lambda: screen.query_one(Countdown).due == T0 + timedelta(minutes=50),
            "the countdown to restart",
        )


async def test_overdue_state_and_one_bell(
    make_app: AppFactory, incident_id: int, clock: FrozenClock
) -> None:
    app = make_app(incident_id)
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        countdown = screen.query_one(Countdown)
        clock.advance(timedelta(minutes=31, seconds=5))
        screen._tick()
        await pilot.pause()
        assert countdown.has_class("-overdue")
        assert "UPDATE OVERDUE +01:05" in str(countdown.render())
        clock.advance(timedelta(seconds=1))
        screen._tick()
        await pilot.pause()
        assert len(bells) == 1


async def test_the_clock_redraws_what_shows_the_time_not_the_whole_screen(
    make_app: AppFactory, incident_id: int, clock: FrozenClock
) -> None:
    """Every second: over a slow link, a whole screen each second is ten times the bytes."""
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause()
        countdown, banner = screen.query_one(Countdown), screen.query_one(SeverityBanner)
        redraws = Redraws()
        redraws.watch(screen, countdown, banner, screen.query_one(Timeline))
        clock.advance(timedelta(seconds=1))
        screen._tick()
        await pilot.pause()
        assert "Next update in 29:59" in str(countdown.render())
        assert {widget for widget, _layout in redraws} == {countdown, banner}
        assert not any(layout for _widget, layout in redraws)


async def test_enter_leaves_the_cursor_as_it_is(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Textual's field shows its cursor again at every key. At Enter, in the off half of the
    cursor's blink, that was a frame drawn at once, and the saved row's frame, a few
    milliseconds later, waited a frame or two for the next slot: a person who read the line
    over before Enter met it one time in two. Here the line is refused (a time that does not
    exist), so that nothing else redraws the field."""
    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l", *"25:15 deployed")
        field = screen.query_one(LogInput).input
        field._cursor_visible = False  # the off half of its blink (no public way to get there)
        redraws = Redraws()
        redraws.watch(field)
        await pilot.press("enter")
        await until(pilot, lambda: any("bad time" in str(n.message) for n in notes), "refused")
        assert field.value == "25:15 deployed"
        assert redraws.of(field) == []


async def test_typing_a_line_lays_nothing_out_again(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Each key is one field drawn again, not a layout of the whole screen; a line longer
    than the field still scrolls with the cursor, and back when it gets shorter."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        field = screen.query_one(LogInput).input
        redraws = Redraws()
        redraws.watch(screen, field)
        line = " ".join(f"word{n:02d}" for n in range(20))  # 139 characters
        await pilot.press(*line)
        assert field.value == line
        assert redraws.of(field)
        assert not any(redraws.of(field))
        assert not redraws.of(screen)
        assert "word19" in field.render_line(0).text  # the end of the line is in view
        assert "word00" not in field.render_line(0).text
        await pilot.press("home")
        assert "word00" in field.render_line(0).text
        await pilot.press("end", *["left"] * 40, "ctrl+k")  # shorter: no scrolling past its end
        assert field.scroll_x <= field.max_scroll_x
        assert "word13" in field.render_line(0).text
        kept = line[: len(line) - 40]
        assert field.value == kept
        await pilot.press("enter")
        await until(pilot, lambda: kept in texts(store, incident_id), "the line to be saved")


async def test_action_items_add_move_edit(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: app.screen is not screen, "the form")
        app.screen.query_one("#description", Input).insert_text_at_cursor("Add index checks to CI")
        await pilot.press("tab", "tab", *"Dave", "enter")
        await until(pilot, lambda: store.action_items(incident_id), "the item")
        (item,) = store.action_items(incident_id)
        assert (item.description, item.owner, item.status) == (
            "Add index checks to CI",
            "Dave",
            ActionStatus.OPEN,
        )
        board = screen.query_one(Board)
        await until(pilot, lambda: board.column_of(ActionStatus.OPEN).items, "the card")
        screen.set_focus(board.column_of(ActionStatus.OPEN))
        await pilot.press("right_square_bracket")
        await until(
            pilot,
            lambda: store.action_items(incident_id)[0].status is ActionStatus.IN_PROGRESS,
            "the move",
        )
        await until(
            pilot, lambda: board.column_of(ActionStatus.IN_PROGRESS).items, "the moved card"
        )
        assert isinstance(app.focused, BoardColumn)
        assert app.focused.status is ActionStatus.IN_PROGRESS
        await pilot.press("e")
        await until(pilot, lambda: app.screen is not screen, "the edit form")
        description = app.screen.query_one("#description", Input)
        description.value = "Add index verification to CI"
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                store.action_items(incident_id)[0].description == "Add index verification to CI"
            ),
            "the edit",
        )
        assert store.action_items(incident_id)[0].version == 3


async def test_moves_pressed_together_each_move_on_from_the_one_before(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """`[ ] [` arriving at once (a slow link): each key moved the item from the column it was
    drawn in, not from where the move before had put it, and the second save was taken for
    someone else's change and asked about; or a move was lost."""
    item = store.add_action_item(
        incident_id, "Add index checks to CI", actor="bob", status=ActionStatus.DONE
    )
    app = make_app(incident_id)
    notes = Notes()
    async with app.run_test(size=(100, 30), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        board = screen.query_one(Board)
        await until(pilot, lambda: board.column_of(ActionStatus.DONE).items, "the card")
        screen.set_focus(board.column_of(ActionStatus.DONE))
        await pilot.pause()
        for key in ("left", "right", "left"):  # [ ] [, posted before the first is handled
            app.post_message(events.Key(f"{key}_square_bracket", "[" if key == "left" else "]"))
        await until(pilot, lambda: store.action_items(incident_id)[0].version == 4, "3 moves")
        await pilot.pause()
        assert store.action_items(incident_id)[0].status is ActionStatus.IN_PROGRESS
        moves = [t for t in texts(store, incident_id) if t.startswith("Action item ")]
        assert moves[1:] == [  # (the first: opened)
            "Action item in progress: Add index checks to CI",
            "Action item done: Add index checks to CI",
            "Action item in progress: Add index checks to CI",
        ]
        assert app.screen is screen  # no conflict to settle
        assert not list(notes)
        await until(pilot, lambda: board.column_of(ActionStatus.IN_PROGRESS).items, "the card")
        assert app.focused is board.column_of(ActionStatus.IN_PROGRESS)

        for _ in range(3):  # past the last column: the moves that can be made, and no more
            app.post_message(events.Key("right_square_bracket", "]"))
        await until(pilot, lambda: store.action_items(incident_id)[0].version == 5, "1 move")
        await pilot.pause()
        assert store.action_items(incident_id)[0].status is ActionStatus.DONE
        assert item.id == store.action_items(incident_id)[0].id


async def test_action_form_requires_a_description(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: app.screen is not screen, "the form")
        await pilot.press("enter")
        assert app.screen is not screen
        assert "required" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        assert store.action_items(incident_id) == []


async def test_advance_and_resolve(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        clock.advance(timedelta(minutes=4))
        await pilot.press("p")
        await until(pilot, lambda: store.get_incident(incident_id).phase is Phase.TRIAGE, "triage")
        incident = store.get_incident(incident_id)
        assert incident.milestones[Milestone.ACKNOWLEDGED] == T0 + timedelta(minutes=4)
        await until(pilot, lambda: screen.response is not None and screen.response.met, "met")
        for _ in range(4):  # communication, investigation, mitigation, resolution
            before = store.get_incident(incident_id).phase
            await pilot.press("p")
            await until(
                pilot, lambda b=before: store.get_incident(incident_id).phase is not b, "step"
            )
        assert store.get_incident(incident_id).phase is Phase.RESOLUTION
        await pilot.press("p")
        await until(pilot, lambda: app.screen is not screen, "the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: not store.get_incident(incident_id).is_active, "resolution")
        await until(pilot, lambda: screen.query_one(Countdown).resolved, "resolved countdown")
        resolved_at = store.get_incident(incident_id).resolved_at
        assert resolved_at is not None
        assert screen.query_one(Countdown).due == resolved_at + timedelta(hours=48)


async def test_release_a_role(make_app: AppFactory, store: Store, incident_id: int) -> None:
    """An expert who has left is taken off the roles (ctrl+r: the role chosen, the name typed);
    the IC is never left empty."""
    store.assign_role(incident_id, Role.EXPERT, "Dave", actor="bob")
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not screen, "the roles dialog")
        dialog = app.screen
        dialog.query_one("#role", Select).value = Role.EXPERT
        await pilot.press(*"Eve", "ctrl+r")
        await pilot.pause()
        assert "Eve is not Subject-matter expert" in str(
            dialog.query_one("#roles-error", Label).render()
        )
        dialog.query_one("#person", Input).value = "Dave"
        await pilot.press("ctrl+r")
        await until(pilot, lambda: not store.roles(incident_id)[1:], "the release")
        assert app.screen is screen
        assert texts(store, incident_id)[-1] == "Dave is no longer Subject-matter expert"

        await pilot.press("r")
        await until(pilot, lambda: app.screen is not screen, "the roles dialog")
        app.screen.query_one("#role", Select).value = Role.COMMANDER
        await pilot.press(*"Bob Chen", "ctrl+r")
        await pilot.pause()
        assert "always has an IC" in str(app.screen.query_one("#roles-error", Label).render())
        assert [r.person for r in store.roles(incident_id)] == ["Bob Chen"]


async def test_assign_a_role(make_app: AppFactory, store: Store, incident_id: int) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not screen, "the roles dialog")
        await pilot.press(*"Carol", "enter")
        await until(
            pilot,
            lambda: (Role.SCRIBE, "Carol") in {(r.role, r.person) for r in store.roles(1)},
            "the assignment",
        )
        assert store.get_incident(incident_id).commander == "Bob Chen"


async def test_edit_delete_and_star_events(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    event = store.log_event(incident_id, "db cpu 59%", actor="alice")
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        assert timeline.selected == event
        await pilot.press("e")
        await until(pilot, lambda: app.screen is not screen, "the edit dialog")
        field = app.screen.query_one(Input)
        assert field.value.endswith("note: db cpu 59%")
        field.value = field.value.replace("59%", "95%")
        await pilot.press("enter")
        await until(pilot, lambda: store.get_event(event.id).text == "db cpu 95%", "the edit")
        assert [r.text for r in store.event_revisions(event.id)] == ["db cpu 59%"]
        await pilot.press("asterisk")
        await until(pilot, lambda: store.get_event(event.id).starred, "the star")
        await pilot.press("h")
        await until(pilot, lambda: store.get_event(event.id).hidden, "the hide")
        await pilot.press("d")
        await until(pilot, lambda: app.screen is not screen, "the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: store.get_event(event.id).deleted_at is not None, "delete")
        await until(pilot, lambda: event.id not in [e.id for e in timeline.events], "gone")


async def test_reopening_finds_everything(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    async with make_app(incident_id).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l", *"first", "enter")
        await until(pilot, lambda: "first" in texts(store, incident_id), "save")
        await pilot.press("q")
    async with make_app(incident_id).run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert [e.text for e in screen.query_one(Timeline).events][-1] == "first"


async def test_remapped_keys(
    make_app: AppFactory, incident_id: int, tmp_path: object, config: object
) -> None:
    from dataclasses import replace

    from warroom.config import Config

    assert isinstance(config, Config)
    remapped = replace(config, keys={**config.keys, "log": "ctrl+o", "severity": "v"})
    app = make_app(incident_id, config=remapped)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        assert app.focused is screen.query_one(Timeline)
        await pilot.press("ctrl+o")
        assert isinstance(app.focused, Input)
        await pilot.press("escape", "v")
        await until(pilot, lambda: app.screen is not screen, "the severity dialog")


async def test_every_action_is_in_the_command_palette(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {
            "Log an event",
            "Change severity",
            "Post a stakeholder update",
            "Add an action item",
            "Advance the lifecycle one step",
            "Resolve the incident",
            "Assign roles",
        } <= titles


async def test_help_lists_the_keys(make_app: AppFactory, incident_id: int) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is not screen, "help")
        from warroom.screens.dialogs.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["l"].startswith("Type events")
        assert keys["s"] == "Change severity"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "help to close")


async def test_escape_never_leaves_the_war_room_and_g_goes_home(
    make_app: AppFactory, incident_id: int
) -> None:
    """One Escape too many (after a dialog, after the log line) dropped the IC on the home
    screen, where stray keys declared incidents. Escape closes and leaves fields only; going
    home is its own key, shown in the key bar."""
    from warroom.screens.home import HomeScreen

    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert "g Home" in str(screen.query_one("KeyBar").render())
        await pilot.press("s")
        await until(pilot, lambda: app.screen is not screen, "the severity dialog")
        await pilot.press("escape", "escape", "l", "escape", "escape", "escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.focused is screen.query_one(Timeline)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")


async def test_timeline_is_a_window_that_pages(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    from warroom.widgets.timeline import PAGE, WINDOW

    total = WINDOW + 2 * PAGE
    for n in range(total):
        store.log_event(
            incident_id,
            f"alert {n}",
            actor="monitor",
            kind=EventKind.ALERT,
            occurred_at=T0 + timedelta(seconds=n),
        )
    clock.advance(timedelta(hours=1))
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        timeline = screen.query_one(Timeline)
        assert len(timeline.events) == FIRST_PAGE
        assert timeline.events[-1].text == f"alert {total - 1}"
        assert timeline.has_older
        assert not timeline.has_newer

        pages, oldest = 0, timeline.events[0].id
        while timeline.has_older or timeline.cursor_row > 0:  # PageUp held: older pages come
            await pilot.press("pageup")
            await pilot.pause()
            if timeline.events[0].id != oldest:
                pages, oldest = pages + 1, timeline.events[0].id
            assert len(timeline.events) <= WINDOW
        # 501 events (the declaration too): FIRST_PAGE on opening, then pages of PAGE
        assert pages == -(-(total + 1 - FIRST_PAGE) // PAGE)
        assert timeline.has_newer  # the newest events slid out of the window
        assert timeline.events[0].text == "Incident declared: SEV-1 (Critical), IC Bob Chen"
        assert not timeline.has_older
        assert timeline.row_count == len(timeline.events)

        # logging while looking at old events jumps back to the live end
        await pilot.press("l")
        screen.query_one(LogInput).input.insert_text_at_cursor("newest")
        await pilot.press("enter")
        await until(pilot, lambda: timeline.events[-1].text == "newest", "the live end")
        assert not timeline.has_newer
        assert timeline.selected is not None
        assert timeline.selected.text == "newest"

        # Home and End: the ends of the incident, however far past the window
        await pilot.press("escape", "home")
        await until(pilot, lambda: not timeline.has_older, "the first page")
        assert timeline.selected == timeline.events[0]
        assert timeline.selected.text.startswith("Incident declared")
        await pilot.press("end")
        await until(pilot, lambda: not timeline.has_newer, "the newest page")
        assert timeline.selected is not None
        assert timeline.selected.text == "newest"


async def test_first_screen_before_the_store_is_open(
    store: Store, incident_id: int, config: object, clock: FrozenClock, db_path: object
) -> None:
    """The screen is drawn from the quick read; what is typed meanwhile waits for the store."""
    import asyncio
    import threading

    from warroom.config import Config
    from warroom.store import preview

    assert isinstance(config, Config)
    store.log_event(incident_id, "already there", actor="alice")
    room = preview.room(str(db_path), incident_id)
    assert room is not None
    release = threading.Event()

    def open_store() -> Store:
        release.wait(timeout=30)
        return store

    app = WarroomApp(
        config, clock, open_store=open_store, incident_id=incident_id, room=room, blink=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarRoomScreen)
        timeline = screen.query_one(Timeline)
        assert [e.text for e in timeline.events][-1] == "already there"
        assert screen.query_one(SeverityBanner).has_class("sev-1")
        await pilot.press("l")
        screen.query_one(LogInput).input.insert_text_at_cursor("typed while opening")
        # Enter, without waiting for the app to be idle: it is not, it waits for the store.
        await screen.query_one(LogInput).input.action_submit()
        for _ in range(20):
            await asyncio.sleep(0)
        assert "typed while opening" not in texts(store, incident_id)  # not saved yet...
        assert screen.query_one(LogInput).waiting == ["typed while opening"]  # ...nor lost
        release.set()
        await until(pilot, lambda: "typed while opening" in texts(store, incident_id), "save")
        await until(pilot, lambda: timeline.events[-1].text == "typed while opening", "shown")


async def test_a_line_typed_while_the_store_opens_is_saved_by_the_quick_writer(
    store: Store, incident_id: int, config: object, clock: FrozenClock, db_path: object
) -> None:
    """With the file vouched for, the first lines do not wait for the store: committed by the
    quick writer and shown, once, also after the store has opened and read the room again."""
    import threading

    from warroom.config import Config
    from warroom.store import preview
    from warroom.store.quick_log import QuickLog

    assert isinstance(config, Config)
    room = preview.room(str(db_path), incident_id)
    assert room is not None
    release = threading.Event()

    def open_store() -> Store:
        release.wait(timeout=30)
        return store

    app = WarroomApp(
        config,
        clock,
        open_store=open_store,
        incident_id=incident_id,
        room=room,
        blink=False,
        quick_log=QuickLog(str(db_path), clock),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarRoomScreen)
        timeline = screen.query_one(Timeline)
        log_input = screen.query_one(LogInput).input
        await pilot.press("l")
        log_input.insert_text_at_cursor("typed while opening")
        await log_input.action_submit()
        await until(pilot, lambda: "typed while opening" in texts(store, incident_id), "save")
        await until(pilot, lambda: timeline.events[-1].text == "typed while opening", "shown")
        assert not release.is_set()  # the store is still opening
        release.set()
        log_input.insert_text_at_cursor("once it is open")
        await log_input.action_submit()
        await until(pilot, lambda: timeline.events[-1].text == "once it is open", "shown")
        for _ in range(3):  # what the store thread was asked meanwhile (the room read again)
            await app.call(lambda _store: None)
            await pilot.pause()
        shown = [event.text for event in timeline.events]
        assert shown.count("typed while opening") == shown.count("once it is open") == 1
    assert texts(store, incident_id).count("typed while opening") == 1


async def test_a_store_that_cannot_open_ends_the_app_with_its_error(
    config: object, clock: FrozenClock
) -> None:
    from warroom.config import Config
    from warroom.domain.errors import DatabaseError

    assert isinstance(config, Config)

    def open_store() -> Store:
        raise DatabaseError("w.db is damaged (database disk image is malformed)")

    app = WarroomApp(config, clock, open_store=open_store, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.failed is not None, "the failure")
    assert app.return_code == 2
    assert "damaged" in str(app.failed)


async def test_garbage_is_collected_in_pauses_while_the_war_room_is_open(
    make_app: AppFactory, incident_id: int
) -> None:
    """Once the store is open, the app collects garbage itself, between keystrokes; when it
    ends, collecting is Python's again (the autouse fixture checks that)."""
    app = make_app(incident_id)
    async with app.run_test() as pilot:
        loaded_screen = await loaded(pilot)
        await until(pilot, lambda: app.collector.running, "the collector to take over")
        assert not gc.isenabled()
        breaths: list[bool] = []
        breather = app.collector.breather

        def breathe() -> bool:
            breaths.append(breather())
            return breaths[-1]

        app.collector.breather = breathe  # type: ignore[method-assign]
        await pilot.press("l", *"db cpu 95%", "enter")
        # A line saved and shown: a moment nobody waits for, to collect in.
        await until(pilot, lambda: breaths, "a breather")
        assert "db cpu 95%" in [event.text for event in loaded_screen.query_one(Timeline).events]
        assert app.collector.running
    assert not app.collector.running
