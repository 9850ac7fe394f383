"""User text is data, on the screen too. Markup, escape sequences (colours, clearing, OSC 52
clipboard, OSC 0 title, OSC 8 links), bidi overrides, a megabyte, wide CJK, emoji sequences and
combining marks, in every field a person can fill: shown literally, never acting on the terminal,
never moving the layout.

The strongest checks run the real app on a pseudo-terminal and read everything it wrote: only
Textual's own drawing may reach the terminal (tests/terminal.py, `Screen.intrusions`), and the
frame of the screen (its borders) is the same as for plain text. The others drive the fields the
way a person does (typing, pasting) and look at what the widgets render.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.widgets import Input, TextArea

from tests.conftest import T0
from tests.reliability.tui import shown_in_timeline
from tests.terminal import Screen, Terminal
from tests.tui.conftest import AppFactory, loaded, pm_loaded, until
from tests.tui.test_snapshots import when_loaded
from warroom.domain.clock import Clock, FrozenClock, SystemClock
from warroom.domain.model import (
    ActionStatus,
    ActionType,
    ContributingFactor,
    EventKind,
    Priority,
    Role,
    Why,
)
from warroom.domain.text import cell_line, is_control, one_line
from warroom.screens.dialogs.action_form import ActionItemForm
from warroom.screens.dialogs.composer import UpdateComposer
from warroom.screens.dialogs.new_incident import NewIncidentDialog
from warroom.screens.dialogs.roles import RolesDialog
from warroom.store import Store
from warroom.widgets.board import Board
from warroom.widgets.fields import TextField
from warroom.widgets.incident_list import IncidentList
from warroom.widgets.log_input import LogInput
from warroom.widgets.severity_banner import SeverityBanner
from warroom.widgets.text_box import TextBox
from warroom.widgets.timeline import Timeline

# One of each; short enough that a few fit on a line of 80 columns.
HOSTILE = {
    "sgr": "\x1b[31;5mRED\x1b[0m",
    "osc0": "\x1b]0;owned\x1b\\",
    "bidi": "\u202eevil\u202c \u2067iso\u2069",
    "cjk": "数据库故障",
    "emoji": "👩\u200d💻🏳️\u200d🌈",
    "combining": "Z\u0337\u0322a\u0335\u0348l\u0336g\u0338o e\u0301",
    "markup": "[red]x[/red] [link=https://evil.example]y[/link] [@click=app.quit]q[/]",
    "clear": "\x1b[2J\x1b[H",
    "osc52": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "osc8": "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "c1": "\x9b2J\x9d0;t\x9c",
    "bell": "\x07\x08\x7f",
}
EVERYTHING = " ".join(HOSTILE.values())
# What can be typed (escape sequences would be keys): markup, wide and combined characters.
TYPED = "[b]x[/b] 数据 👩\u200d💻 🏳️\u200d🌈 e\u0301"


def hostile(field: str) -> str:
    """Every hostile piece, marked with the field it is in."""
    return f"{field}: {EVERYTHING}"


def fill_with_hostile_text(store: Store, clock: Clock) -> int:
    """An incident whose every field a person fills holds hostile text."""
    incident = store.create_incident(
        hostile("title"), 1, commander=hostile("ic"), actor=hostile("declared by")
    )
    store.log_event(incident.id, hostile("event") + "\nsecond line", actor=hostile("actor"))
    store.log_event(incident.id, hostile("alert"), actor="monitor", kind=EventKind.ALERT)
    store.assign_role(incident.id, Role.SCRIBE, hostile("scribe"), actor="bob")
    store.assign_role(incident.id, Role.EXPERT, hostile("expert"), actor="bob")
    store.add_action_item(
        incident.id,
        hostile("description"),
        actor="bob",
        type=ActionType.PREVENT,
        owner=hostile("owner"),
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
        ticket=hostile("ticket"),
    )
    store.log_event(incident.id, hostile("update"), actor="bob", kind=EventKind.UPDATE)
    return incident.id


def fill_with_plain_text(store: Store, clock: Clock) -> int:
    """The same incident, every field plain."""
    incident = store.create_incident("title", 1, commander="ic", actor="declared by")
    store.log_event(incident.id, "event\nsecond line", actor="actor")
    store.log_event(incident.id, "alert", actor="monitor", kind=EventKind.ALERT)
    store.assign_role(incident.id, Role.SCRIBE, "scribe", actor="bob")
    store.assign_role(incident.id, Role.EXPERT, "expert", actor="bob")
    store.add_action_item(
        incident.id,
        "description",
        actor="bob",
        type=ActionType.PREVENT,
        owner="owner",
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
        ticket="ticket",
    )
    store.log_event(incident.id, "update", actor="bob", kind=EventKind.UPDATE)
    return incident.id


# ---- the real app on a real terminal --------------------------------------------------------

# Boxes and dialog edges (not scrollbars: long text may well need one).
BORDERS = frozenset("╭╮╰╯│─▀▄▊▎")


def frame(cells: Sequence[Sequence[str]]) -> list[str]:
    """The screen's borders, everything else blanked: where the boxes are."""
    return ["".join(cell if cell in BORDERS else " " for cell in row) for row in cells]


Shots = dict[str, list[list[str]]]


async def tour(db: Path, env: dict[str, str], shots: Shots) -> Screen:
    """Open the war room at 80x24 and every view of its text; the screen of each in `shots`."""
    argv = [sys.executable, "-m", "warroom", "--db", str(db), "open", "INC-1"]
    async with Terminal(argv, env, (80, 24)) as terminal:
        screen = terminal.screen

        async def view(name: str, keys: str, shows: str) -> None:
            terminal.type(keys)
            await terminal.wait_for(
                lambda: re.search(shows, screen.text()) and not screen.updating, shows, 20
            )
            shots[name] = screen.cells

        async def close(gone: str) -> None:
            terminal.type("\x1b")
            await terminal.wait_for(
                lambda: gone not in screen.text() and not screen.updating, f"{gone} gone", 20
            )

        # The banner, and the newest event's row: the whole war room.
        await view("war room", "", r"(?s)SEV-1.*Next update in.*│ [\d:]+ +update ")
        await view("roles", "r", "Enter assign")  # each dialog's own line of help
        await close("Enter assign")
        await view("update composer", "u", r"ctrl\+s post")
        await close("ctrl+s post")
        await view("edit event", "e", "the previous text is kept")
        await close("the previous text is kept")
        terminal.type("\t")  # to the board
        await view("edit action item", "e", "Tab next field")
        await close("Tab next field")
        # Typed, key by key as a terminal sends them: an emoji sequence is 👩, a zero-width
        # joiner, 💻 (Textual's fields dropped the joiner as unprintable).
        terminal.type("l" + TYPED + "\r")
        await terminal.wait_for(
            lambda: shown_in_timeline(screen, "tester", cell_line(TYPED)), "the typed event", 20
        )
        await close("esc Leave")  # out of the log line, which keeps the keys after Enter
        # The list, and the overdue pane (read after it) with the board's overdue item.
        await view("home", "g", r"(?s)warroom · incidents.*INC-1.*Overdue follow-ups")
        terminal.type("q")
        assert await terminal.wait(20) == 0
    return screen


@pytest.fixture
def env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def test_nothing_but_textual_reaches_the_terminal_and_the_layout_holds(
    tmp_path: Path, env: dict[str, str]
) -> None:
    hostile_db, plain_db = tmp_path / "hostile.db", tmp_path / "plain.db"
    for path, fill in ((hostile_db, fill_with_hostile_text), (plain_db, fill_with_plain_text)):
        # Declared now, by the real clock the app runs on: no update is overdue, so the only
        # bell the app may ring (an overdue update's) does not ring.
        clock = SystemClock()
        with Store.open(str(path), clock) as store:
            fill(store, clock)

    hostile_shots: Shots = {}
    plain_shots: Shots = {}
    screen = asyncio.run(tour(hostile_db, env, hostile_shots))
    asyncio.run(tour(plain_db, env, plain_shots))

    assert screen.intrusions() == []
    with Store.open(str(hostile_db), SystemClock()) as store:
        assert texts(store, 1)[-1] == TYPED  # exactly as typed

    def text(name: str) -> str:
        return "\n".join("".join(row) for row in hostile_shots[name])

    assert "title: \\x1b[31;5mRED\\x1b[0m \\x1b]0;owned" in text("war room")  # not obeyed
    assert "event: \\x1b[31;5mRED" in text("war room")
    assert "INC-1 title: \\x1b[31;5mRED" in text("update composer")
    assert "title: \\x1b[31;" in text("home")  # (cut with … to fit 80 columns)
    for name, cells in hostile_shots.items():
        assert [len(row) for row in cells] == [80] * 24
        assert frame(cells) == frame(plain_shots[name]), f"{name}:\n{text(name)}"


# ---- typed and pasted, field by field -----------------------------------------------------


def texts(store: Store, incident_id: int) -> list[str]:
    return [event.text for event in store.iter_events(incident_id)]


@pytest.fixture
def incident_id(store: Store) -> int:
    return store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob").id


def paste(field: Input | TextArea, text: str) -> None:
    """What a terminal sends when text is pasted into it (bracketed paste)."""
    field.post_message(events.Paste(text))


def no_controls(text: str) -> list[str]:
    """Characters a terminal would obey (but the line ending)."""
    return [repr(char) for char in text if char != "\n" and is_control(char)]


def rendered(widget: Input | TextArea) -> str:
    """What the field draws, line by line."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


async def test_pasted_into_the_log_input_saved_exactly_shown_escaped(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        field = screen.query_one(LogInput).input
        assert isinstance(field, TextField)
        paste(field, EVERYTHING)
        await until(pilot, lambda: field.value == EVERYTHING, "the paste")
        shown = rendered(field)
        assert no_controls(shown) == []
        assert "␛[31;5mRED" in shown  # each control character one visible symbol
        await pilot.press("enter")
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: timeline.events[-1].text == EVERYTHING, "the event")
        assert store.get_event(timeline.events[-1].id).text == EVERYTHING
        cell = timeline.row_cells(timeline.row_count - 1)[3]
        assert isinstance(cell, Text)
        assert cell.spans == []  # no style came from the text
        assert cell_line(EVERYTHING).startswith(cell.plain.rstrip("…").rstrip())
        assert no_controls(cell.plain) == []


async def test_a_megabyte_pasted(make_app: AppFactory, store: Store, incident_id: int) -> None:
    big = ("🔥 log line with 数据 and \x1b[31m [b]markup[/b] " * 30_000)[: 1 << 20]
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("l")
        field = screen.query_one(LogInput).input
        paste(field, big)
        await pilot.pause()
        assert field.value == big
        assert no_controls(rendered(field)) == []
        # Enter, without waiting for the app to be idle: drawing a megabyte in a field takes
        # Textual seconds, and the save does not wait for it.
        await field.action_submit()
        timeline = screen.query_one(Timeline)
        await until(pilot, lambda: len(timeline.events[-1].text) == len(big.strip()), "save")
        assert store.get_event(timeline.events[-1].id).text == big.strip()
        cell = timeline.row_cells(timeline.row_count - 1)[3]
        assert isinstance(cell, Text)
        assert cell.cell_len < 80  # one row, cut to the column
        assert timeline.virtual_size.height == timeline.row_count + 1  # a line each, the header


async def test_every_action_item_field(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        form = app.screen
        for name in ("description", "owner", "ticket"):
            field = form.query_one(f"#{name}", Input)
            field.focus()
            paste(field, hostile(name))
            await until(pilot, lambda f=field, n=name: f.value == hostile(n), "the paste")
            assert no_controls(rendered(field)) == []
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        (item,) = store.action_items(incident_id)
        assert (item.description, item.owner, item.ticket) == tuple(
            hostile(name) for name in ("description", "owner", "ticket")
        )
        column = screen.query_one(Board).column_of(ActionStatus.OPEN)
        await until(pilot, lambda: column.items, "the card")
        card = column.get_option_at_index(0).prompt
        assert isinstance(card, Text)
        assert no_controls(card.plain) == []
        assert cell_line(hostile("description")) in card.plain  # as drawn in cells
        user_part = card.plain.index("description:")
        assert all(span.end <= user_part for span in card.spans if span.style != "dim")


async def test_every_post_mortem_field(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """The post-mortem's fields (lines, text areas, list rows, the five whys) draw control
    characters as symbols, as every other field does: Textual's own Input and TextArea sent
    them to the terminal as they were."""
    store.rename_incident(incident_id, hostile("title"), base="Checkout down")
    base = store.postmortem(incident_id)
    store.save_postmortem(
        replace(
            base,
            summary=hostile("summary") + "\nsecond line",
            revenue_impact=hostile("revenue"),
            root_cause=hostile("root cause"),
            contributing_factors=(ContributingFactor(hostile("factor")),),
            what_went_well=(hostile("went well"),),
            what_went_poorly=(hostile("went poorly"),),
            lucky_breaks=(hostile("lucky"),),
            five_whys=(Why(hostile("question"), hostile("answer")),),
        ),
        base=base,
    )
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await pm_loaded(pilot)
        fields = [*screen.query(Input), *screen.query(TextArea)]
        shown = {field.value if isinstance(field, Input) else field.text for field in fields}
        for name in ("title", "summary", "root cause", "factor", "went well", "answer"):
            assert any(hostile(name) in text for text in shown), name
        for field in fields:
            assert isinstance(field, (TextField, TextBox)), field
            assert no_controls(rendered(field)) == [], field


async def test_role_names_and_the_update_composer(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    store.log_event(incident_id, hostile("event"), actor=hostile("actor"), kind=EventKind.DECISION)
    app = make_app(incident_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog), "the roles")
        person = app.screen.query_one("#person", Input)
        paste(person, hostile("scribe"))
        await until(pilot, lambda: person.value == hostile("scribe"), "the paste")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert (Role.SCRIBE, hostile("scribe")) in {
            (r.role, r.person) for r in store.roles(incident_id)
        }
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, UpdateComposer), "the composer")
        area = app.screen.query_one(TextArea)
        assert isinstance(area, TextBox)
        assert no_controls(area.text) == []  # the draft shows user text escaped
        assert one_line(hostile("event")).replace(" ⏎ ", " ") in area.text
        area.move_cursor(area.document.end)
        paste(area, "\n" + EVERYTHING)
        await until(pilot, lambda: area.text.endswith(EVERYTHING), "the paste")
        assert no_controls(rendered(area)) == []
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the post")
        assert store.last_event_of_kind(incident_id, EventKind.UPDATE).text == area.text  # type: ignore[union-attr]


async def test_a_new_incident_title_and_ic(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewIncidentDialog), "the dialog")
        dialog = app.screen
        title, commander = dialog.query_one("#title", Input), dialog.query_one("#commander", Input)
        paste(title, hostile("title"))
        commander.value = ""
        commander.focus()
        paste(commander, hostile("ic"))
        await until(pilot, lambda: commander.value == hostile("ic"), "the paste")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query(SeverityBanner), "the war room")
        (incident,) = store.list_incidents()
        assert (incident.title, incident.commander) == (hostile("title"), hostile("ic"))
        banner = app.screen.query_one(SeverityBanner).render()
        assert no_controls(banner.plain) == []
        assert "title: \\x1b[31;5mRED\\x1b[0m" in banner.plain
        assert [line.count("\n") for line in banner.plain.split("\n")] == [0, 0, 0, 0]
        await pilot.press("g")
        await until(pilot, lambda: app.screen.query(IncidentList), "home")
        row = app.screen.query_one(IncidentList).get_row_at(0)
        assert [no_controls(cell.plain) for cell in row] == [[]] * len(row)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="war-room"),
        pytest.param(("u",), id="update-composer"),
        pytest.param(("tab", "e"), id="action-item-form"),
    ],
)
def test_the_war_room_full_of_hostile_text(
    snap_compare: object,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    keys: tuple[str, ...],
) -> None:
    """Reviewed by eye: every field escaped (in a field being edited, each control character
    one visible symbol), nothing out of its box."""
    incident_id = fill_with_hostile_text(store, clock)
    clock.set(T0.replace(minute=40))
    assert snap_compare(  # type: ignore[operator]
        make_app(incident_id), terminal_size=(80, 24), run_before=when_loaded(*keys)
    )
