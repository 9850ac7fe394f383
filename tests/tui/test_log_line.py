"""The log line under pressure: lines sent fast, pastes, mistyped starts, Escape while saving."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult

from tests.conftest import T0
from tests.faults import failing_writes
from tests.tui.conftest import AppFactory, Notes, burst, loaded, until
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind
from warroom.store import NewEvent, Store
from warroom.widgets.log_input import Line, LogInput
from warroom.widgets.timeline import Timeline


@pytest.fixture
def incident_id(store: Store) -> int:
    return store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob").id


def texts(store: Store, incident_id: int) -> list[str]:
    return [event.text for event in store.iter_events(incident_id)]


def paste(app: App[object], text: str) -> None:
    """A bracketed paste, as the terminal delivers it: one event with the whole text."""
    app.post_message(events.Paste(text))


async def test_ten_lines_sent_with_no_pause_are_stored_once_each_whole_in_order(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    """In an incident of 20,000 events, ten lines each followed by Enter with no pause (a
    script, a paste, a laggy link) were stored run together (`burst-1burst-2…`) and twice."""
    store.log_many(
        incident_id,
        (
            NewEvent(f"alert {n}", "Monitoring", T0 + timedelta(seconds=n / 10))
            for n in range(20_000)
        ),
    )
    clock.advance(timedelta(hours=1))
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        burst(app, "".join(f"burst-{n}⏎" for n in range(1, 11)))
        await until(pilot, lambda: len(texts(store, incident_id)) == 20_011, "ten lines")
        await until(pilot, lambda: not log.waiting, "the saves")
        assert texts(store, incident_id)[-10:] == [f"burst-{n}" for n in range(1, 11)]
        assert log.input.value == ""
        timeline = screen.query_one(Timeline)
        assert [event.text for event in timeline.events][-10:] == [
            f"burst-{n}" for n in range(1, 11)
        ]


class LineApp(App[None]):
    """The log line alone; the test plays the store, answering each line when it says."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[Line] = []

    def compose(self) -> ComposeResult:
        yield LogInput(id="log", blink=False)

    def on_mount(self) -> None:
        self.query_one(LogInput).focus_input()

    def on_log_input_submitted(self, message: LogInput.Submitted) -> None:
        self.submitted.append(message.line)


# What happens, in any order: keys typed (a burst, not waited for), Enter, the app catching up,
# and the store answering the line it was given.
_keys = st.text(alphabet="abc lpq-:1", min_size=1, max_size=6)
_steps = st.lists(
    st.one_of(
        _keys.map(lambda keys: ("type", keys)),
        st.just(("enter", "")),
        st.just(("catch up", "")),
        st.just(("saved", "")),
    ),
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_steps)
def test_any_interleaving_of_keys_enters_and_saves_stores_exactly_the_lines_entered(
    steps: list[tuple[str, str]],
) -> None:
    asyncio.run(_play(steps))


async def _play(steps: list[tuple[str, str]]) -> None:
    app = LineApp()
    stored: list[str] = []
    entered: list[str] = []
    typing = ""  # what was typed since the last Enter: the line the next Enter takes
    async with app.run_test(size=(80, 5)) as pilot:
        log = app.query_one(LogInput)

        def save_one() -> None:
            if app.submitted:
                line = app.submitted.pop(0)
                stored.append(line.text)
                log.saved(line)

        for step, keys in steps:
            if step == "type":
                burst(app, keys)
                typing += keys
            elif step == "enter":
                burst(app, "⏎")
                if typing.strip():  # (Enter on nothing but spaces takes nothing)
                    entered.append(typing)
                    typing = ""
            elif step == "catch up":
                await pilot.pause()
            else:
                save_one()
        for _ in range(len(steps) + 5):  # the store answers every line left
            await pilot.pause()
            save_one()
        assert stored == entered
        assert log.input.value == typing
        assert log.waiting == []


async def test_a_line_not_saved_comes_back_and_the_lines_after_it_are_held(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Nothing typed is dropped when a save fails: the line comes back to the input, and
    the lines typed after it come back one at a time, each after an Enter."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        with failing_writes(table="event") as fault:
            burst(app, "one⏎two⏎thr")
            await until(pilot, lambda: fault.failures and not log.waiting, "the refusal")
        assert log.input.value == "one"
        assert log.unsent == ["one", "two", "thr"]
        assert "+2 held" in str(screen.query_one("#log-held").render())
        await pilot.press("enter")
        await until(pilot, lambda: texts(store, incident_id)[-1] == "one", "one")
        assert log.input.value == "two"
        await pilot.press("enter")
        await until(pilot, lambda: texts(store, incident_id)[-1] == "two", "two")
        assert log.input.value == "thr"
        assert not screen.query_one("#log-held").display


async def test_a_pasted_block_is_one_event_per_line_in_order_nothing_dropped(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    """A three-line bracketed paste logged its first line and dropped the others. A paste is
    typed as if by hand: each line break is an Enter (each line its own event, its own time,
    its own kind prefix); what follows the last line break stays in the input."""
    clock.advance(timedelta(minutes=10))
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l", *"seen: ")
        paste(app, "p99 > 10s\r\n\n-2m alert: pool exhausted\ndecision: roll back\nhalf")
        await until(pilot, lambda: len(texts(store, incident_id)) == 4, "three events")
        events_ = sorted(store.iter_events(incident_id), key=lambda event: event.id)[1:]
        assert [(e.text, e.kind) for e in events_] == [
            ("seen: p99 > 10s", EventKind.NOTE),
            ("pool exhausted", EventKind.ALERT),
            ("roll back", EventKind.DECISION),
        ]
        assert events_[1].occurred_at == clock.now() - timedelta(minutes=2)
        await until(pilot, lambda: not log.waiting, "the saves")
        assert log.input.value == "half"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("14:15pm rollback", "bad time '14:15pm'"),
        ("1415 deploy", "bad time '1415'"),
        ("-5x alert: fired", "bad time '-5x'"),
        ("decison: roll back", "did you mean decision:?"),
    ],
)
async def test_a_mistyped_line_is_caught_and_enter_again_logs_it_as_typed(
    make_app: AppFactory, store: Store, incident_id: int, line: str, said: str
) -> None:
    """These were stored as notes at "now" with the typo in the text, though `warroom log`
    refuses them: the line stays in the input and a notice says what was not understood and
    what is accepted; Enter again on the same text logs it as typed."""
    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(100, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l", *line, "enter")
        await until(pilot, lambda: notes, "the notice")
        assert log.input.value == line
        assert store.count_events(incident_id) == 1
        (note,) = notes
        assert said in note.message
        assert "HH:MM" in note.message or "use note:, alert:" in note.message
        assert "Enter again" in note.message
        await pilot.press("enter")
        await until(pilot, lambda: store.count_events(incident_id) == 2, "logged as typed")
        event = list(store.iter_events(incident_id))[-1]
        assert (event.text, event.kind) == (line, EventKind.NOTE)  # at now, the input's kind


async def test_a_corrected_line_is_read_again(
    make_app: AppFactory, store: Store, incident_id: int, clock: FrozenClock
) -> None:
    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(100, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l", *"1415 deploy", "enter")
        await until(pilot, lambda: notes, "the notice")
        screen.query_one(LogInput).input.cursor_position = 2
        await pilot.press(":", "enter")  # 14:15 deploy
        await until(pilot, lambda: store.count_events(incident_id) == 2, "logged")
        event = max(store.iter_events(incident_id), key=lambda event: event.id)
        assert event.text == "deploy"
        assert event.occurred_at < clock.now()
        assert screen.query_one(LogInput).input.value == ""


async def test_escape_right_after_enter_gives_the_keys_back_while_the_line_saves(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Escape, then `s`, typed while the line was still being saved: the `s` went into the
    log line. Escape is acted on as it comes; the next key is a command."""
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        burst(app, "db cpu 95%⏎")
        app.post_message(events.Key("escape", "\x1b"))
        burst(app, "s")
        await until(pilot, lambda: app.screen is not screen, "the severity dialog")
        await until(pilot, lambda: not log.waiting, "the save")
        assert log.input.value == ""
        assert texts(store, incident_id)[-1] == "db cpu 95%"


async def test_keys_typed_in_the_same_burst_as_tab_belong_to_the_next_field(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """In the action-item form, the keys typed right after Tab went into the field Tab left."""
    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: app.screen is not screen, "the form")
        # description, (type), owner, (priority), (due), ticket
        burst(app, "Fix pool⇥⇥Dave⇥⇥⇥PLAT-9⏎")
        await until(pilot, lambda: store.action_items(incident_id), "the item")
        (item,) = store.action_items(incident_id)
        assert (item.description, item.owner, item.ticket) == ("Fix pool", "Dave", "PLAT-9")


async def test_keys_typed_in_the_same_burst_as_tab_in_the_roles_dialog(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """What is typed right after Tab went into the field Tab left (the name): now it is the
    next field's (the role's choice)."""
    from warroom.screens.dialogs.roles import RolesDialog

    app = make_app(incident_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog), "the dialog")
        dialog = app.screen
        person = dialog.query_one("#person")
        burst(app, "Dana⇥x")  # x: typed on the role's choice, not into the name
        await until(pilot, lambda: app.focused is dialog.query_one("#role"), "the role")
        await pilot.pause()
        assert person.value == "Dana"


async def test_p_pressed_six_times_quickly_moves_one_step_and_says_why_not_more(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """Six quick presses moved three steps: a press while a step is being saved is refused,
    with a notice; each press taken is one step."""
    from warroom.domain.lifecycle import Phase

    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        burst(app, "pppppp")
        await until(
            pilot, lambda: store.get_incident(incident_id).phase is not Phase.DETECTION, "a step"
        )
        await until(pilot, lambda: screen.state.incident.phase is Phase.TRIAGE, "shown")
        assert store.get_incident(incident_id).phase is Phase.TRIAGE
        assert [note.message for note in notes if "Still moving" in note.message] == [
            "Still moving to Triage: press again once it shows."
        ]
        await pilot.press("p")
        await until(pilot, lambda: screen.state.incident.phase is Phase.COMMUNICATION, "next")


async def test_shift_p_steps_the_lifecycle_back_recorded(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    from warroom.domain.lifecycle import Phase

    notes = Notes()
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        screen = await loaded(pilot)
        await pilot.press("P")
        await until(pilot, lambda: notes, "the notice")
        assert "first step" in notes[-1].message
        await pilot.press("p")
        await until(pilot, lambda: screen.state.incident.phase is Phase.TRIAGE, "triage")
        await pilot.press("P")
        await until(pilot, lambda: screen.state.incident.phase is Phase.DETECTION, "back")
        assert store.get_incident(incident_id).phase is Phase.DETECTION
        assert any(
            e.kind is EventKind.PHASE and "Detection" in e.text
            for e in list(store.iter_events(incident_id))[1:]
        )


async def test_escape_while_the_store_is_still_opening_gives_the_keys_back(
    store: Store, incident_id: int, config: object, clock: FrozenClock, db_path: object
) -> None:
    """After the quick first screen, a line sent while the store opens waits for it; Escape
    and `s` typed meanwhile are Escape and a command, not text in the log line."""
    import threading

    from warroom.app import WarroomApp
    from warroom.config import Config
    from warroom.screens.dialogs.severity import SeverityDialog
    from warroom.store import preview

    assert isinstance(config, Config)
    room = preview.room(str(db_path), incident_id)
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
        log = screen.query_one(LogInput)
        await pilot.press("l")
        burst(app, "typed while opening⏎")
        app.post_message(events.Key("escape", "\x1b"))
        burst(app, "s")
        for _ in range(100):  # (not `until`: it waits for the workers, and the save waits)
            if isinstance(app.screen, SeverityDialog):
                break
            await pilot.pause(0.01)
        assert isinstance(app.screen, SeverityDialog)
        assert log.input.value == ""
        assert log.waiting == ["typed while opening"]
        release.set()
        await until(pilot, lambda: "typed while opening" in texts(store, incident_id), "saved")


async def test_escape_and_a_key_read_together_are_escape_then_the_key(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """A busy app or a slow link reads Escape and the next key as one (Alt+key): in the log
    line that is Escape, then the key, not the key typed as text."""
    from warroom.screens.dialogs.severity import SeverityDialog

    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        log = screen.query_one(LogInput)
        await pilot.press("l")
        burst(app, "db cpu 95%⏎")
        app.post_message(events.Key("alt+s", "s"))
        await until(pilot, lambda: isinstance(app.screen, SeverityDialog), "the severity dialog")
        assert log.input.value == ""
        await until(pilot, lambda: texts(store, incident_id)[-1] == "db cpu 95%", "the line")
