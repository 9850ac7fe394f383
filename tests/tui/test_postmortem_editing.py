"""The post-mortem editor as an editor: moving between lines, what Tab stops on, what a field
shows once left, the keys of its text areas, and others' text arriving while you type."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from textual.widgets import Label, Select

from tests.tui.conftest import LESSON, AppFactory, pm_loaded, until
from warroom.app import WarroomApp
from warroom.config import Config
from warroom.domain.checks import Problem, check_report
from warroom.domain.clock import FrozenClock
from warroom.domain.postmortem import Report
from warroom.exporters.importer import read_postmortem
from warroom.screens.postmortem import PostMortemScreen
from warroom.screens.postmortem import checking as checking_module
from warroom.store import Store
from warroom.widgets.checks_panel import ChecksPanel
from warroom.widgets.five_whys import FiveWhysEditor
from warroom.widgets.list_editor import ListEditor
from warroom.widgets.text_box import TextBox


@pytest.fixture(autouse=True)
def quick_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 0.01)
    monkeypatch.setattr(PostMortemScreen, "RETRY_DELAYS", (0.05,))


@pytest.fixture
def incident_id(store: Store, clock: FrozenClock) -> int:
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
    clock.advance(timedelta(minutes=47))
    store.resolve(incident.id, actor="bob")
    clock.advance(timedelta(hours=2))
    return incident.id


@pytest.fixture
def lesson_id(store: Store) -> int:
    return store.import_incident(read_postmortem(LESSON)).id


async def test_arrows_move_between_the_lines_of_a_list(
    make_app: AppFactory, lesson_id: int
) -> None:
    app = make_app(lesson_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        authors = screen.query_one("#authors", ListEditor)
        rows = authors.rows
        assert len(rows) == 4  # three authors and the line for the next
        screen.go_to("authors")
        await pilot.press("down")
        assert app.focused is rows[1].input
        await pilot.press("down", "down")
        assert app.focused is rows[3].input  # ↓ reaches the blank line
        await pilot.press("down")
        assert app.focused is screen.query_one("#summary")  # and leaves the list after it
        screen.go_to("authors[2]")
        await pilot.press("up", "up")
        assert app.focused is rows[0].input
        await pilot.press("x")
        assert rows[0].input.value == "Bob Chenx"  # typed where the cursor went


async def test_arrows_move_between_the_questions_and_answers_of_the_five_whys(
    make_app: AppFactory, lesson_id: int
) -> None:
    app = make_app(lesson_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        levels = screen.query_one(FiveWhysEditor).levels
        screen.go_to("fiveWhys[0].answer")
        await pilot.press("down")
        assert app.focused is levels[1].question
        await pilot.press("down")
        assert app.focused is levels[1].answer
        await pilot.press("up", "up")
        assert app.focused is levels[0].answer


async def test_the_blank_line_of_a_list_is_no_tab_stop(
    make_app: AppFactory, lesson_id: int
) -> None:
    app = make_app(lesson_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        rows = screen.query_one("#authors", ListEditor).rows
        screen.go_to("authors[2]")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#summary")
        await pilot.press("shift+tab")
        assert app.focused is rows[2].input
        await pilot.press("enter")  # Enter on the last item goes to the line for the next
        assert app.focused is rows[3].input
        await pilot.press("shift+tab", "tab")
        assert app.focused is screen.query_one("#summary")  # once left, passed by again


async def test_an_empty_list_is_reached_with_tab(make_app: AppFactory, incident_id: int) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        breaks = screen.query_one("#lucky-breaks", ListEditor)
        screen.go_to("whatWentPoorly")
        await pilot.press("tab")
        assert app.focused is breaks.rows[0].input


async def test_an_item_left_shows_its_start(make_app: AppFactory, incident_id: int) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        well = screen.query_one("#went-well", ListEditor)
        screen.go_to("whatWentWell")
        long = "The on-call engineer had the runbook open, " * 4
        await pilot.press(*"Rollback: ", *[c if c != " " else "space" for c in long])
        field = well.rows[0].input
        assert field.scroll_offset.x > 0  # typing at its end: its tail shown
        await pilot.press("tab")
        assert app.focused is not field
        assert field.scroll_offset.x == 0
        assert field.render_line(0).text.startswith("Rollback:")


async def test_a_new_why_is_scrolled_into_view(
    store: Store, config: Config, clock: FrozenClock, incident_id: int
) -> None:
    # As in a terminal: scrolling animated (the tests' apps do not animate).
    app = WarroomApp(
        config, clock, open_store=lambda: store, incident_id=incident_id, postmortem=True
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        editor = screen.query_one(FiveWhysEditor)
        form = screen.form
        screen.go_to("contributingFactors")
        await pilot.press("tab", "tab")  # the first answer, on the form's last line
        assert app.focused is editor.levels[0].answer
        for number, answer in enumerate(
            ("The pool ran dry", "Queries were slow", "A scan on orders", "No index"), start=2
        ):
            await pilot.press(*[c if c != " " else "space" for c in answer], "enter")
            await pilot.pause()
            level = editor.levels[-1]
            assert level.number == number
            assert app.focused is level.answer
            assert form.region.contains_region(level.answer.region), number


async def test_text_areas_select_all_and_go_to_start_and_end(
    make_app: AppFactory, lesson_id: int
) -> None:
    app = make_app(lesson_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#root-cause", TextBox)
        screen.go_to("rootCause")
        await pilot.press("ctrl+end")
        assert area.cursor_location == area.document.end
        await pilot.press("ctrl+home")
        assert area.cursor_location == (0, 0)
        await pilot.press("ctrl+a")
        assert area.selected_text == area.text
        await pilot.press("N", "o", "n", "e")
        assert area.text == "None"


async def test_text_arriving_live_keeps_the_cursor_where_it_was(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        root = screen.query_one("#root-cause", TextBox)
        screen.go_to("rootCause")  # in the field, nothing typed yet
        base = store.postmortem(incident_id)
        base = store.save_postmortem(replace(base, root_cause="The pool ran dry."), base=base)
        await until(pilot, lambda: root.text == "The pool ran dry.", "their text")
        await pilot.press("space", "O", "K")
        assert root.text == "The pool ran dry. OK"  # after theirs, not before
        await until(pilot, lambda: not screen.dirty, "mine saved")
        # someone adds before the cursor: it stays on the same text
        root.move_cursor((0, 4))
        base = store.postmortem(incident_id)
        store.save_postmortem(replace(base, root_cause="Why: The pool ran dry. OK"), base=base)
        await until(pilot, lambda: root.text.startswith("Why:"), "their edit")
        await pilot.press("X")
        assert root.text == "Why: The Xpool ran dry. OK"


async def test_the_checks_run_off_the_ui_thread(
    make_app: AppFactory, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the checks read a megabyte of root cause, what is typed is applied: they run on
    a thread of their own, but for the first, of the report as opened. (Held here until the
    typing is seen, then let go.)"""
    threads: list[bool] = []
    typed_meanwhile = threading.Event()

    def held_check(report: Report, now: datetime) -> list[Problem]:
        threads.append(threading.current_thread() is threading.main_thread())
        if "forgot" in report.root_cause:
            typed_meanwhile.wait(10)
        return check_report(report, now)

    monkeypatch.setattr(checking_module, "check_report", held_check)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await pm_loaded(pilot)
        root = screen.query_one("#root-cause", TextBox)
        screen.go_to("rootCause")
        root.insert("Dave forgot the index. " + "word " * 200_000)  # a megabyte
        await until(pilot, lambda: len(threads) >= 2, "the checks to start")
        screen.go_to("summary")
        await pilot.press(*"ok")
        summary = screen.query_one("#summary", TextBox)
        await until(pilot, lambda: summary.text == "ok", "the typing")
        typed_meanwhile.set()
        panel = screen.query_one(ChecksPanel)
        deadline = time.monotonic() + 60  # a megabyte, checked on a loaded machine
        while not any(p.where == "rootCause" and p.phrase for p in panel.problems):
            assert time.monotonic() < deadline, "the blame finding never came"
            await pilot.pause(0.05)
        assert threads[0]  # the report as opened: checked at once, for the first screen
        assert not any(threads[1:])  # what is typed: on a thread


async def test_the_sla_suggestion_weighs_the_duration_and_goes_once_answered(
    make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    clock.advance(timedelta(minutes=2))
    store.advance_phase(incident.id, actor="bob")  # acknowledged well within 15 minutes
    clock.advance(timedelta(minutes=45))
    store.resolve(incident.id, actor="bob")
    app = make_app(incident.id, postmortem=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await pm_loaded(pilot)
        hint = screen.query_one("#sla-hint", Label)
        assert str(hint.render()) == (
            "suggested: yes (SEV-1 for 47m: longer than its 30m update interval)"
        )
        sla: Select[str] = screen.query_one("#sla", Select)
        sla.value = "no"
        await until(pilot, lambda: store.postmortem(incident.id).sla_breached is False, "save")
        assert str(hint.render()) == ""
        sla.value = "auto"
        await pilot.pause()
        assert str(hint.render()).startswith("suggested: yes")
