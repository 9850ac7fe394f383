"""Driving the post-mortem editor with the keyboard, asserting on the screen and the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, TextArea

from tests.faults import failing_writes
from tests.tui.conftest import LESSON, AppFactory, Notes, burst, loaded, pm_loaded, until
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import (
    ActionType,
    ContributingFactor,
    EventKind,
    FishboneCategory,
    PostMortem,
    Priority,
    ReportStatus,
    Why,
)
from warroom.domain.room import FIRST_PAGE
from warroom.exporters.importer import read_postmortem
from warroom.screens.dialogs.action_form import ActionItemForm
from warroom.screens.dialogs.confirm import ConfirmDialog
from warroom.screens.dialogs.item_conflict import ActionItemConflict
from warroom.screens.dialogs.report import ConflictDialog, ForcePublishDialog
from warroom.screens.postmortem import PostMortemScreen
from warroom.screens.war_room import WarRoomScreen
from warroom.store import Store
from warroom.widgets.action_list import ActionItemList
from warroom.widgets.board import BoardColumn
from warroom.widgets.checks_panel import ChecksPanel
from warroom.widgets.five_whys import FiveWhysEditor
from warroom.widgets.list_editor import ListEditor
from warroom.widgets.report_header import ReportHeader
from warroom.widgets.report_timeline import ReportTimeline


@pytest.fixture(autouse=True)
def quick_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves follow the last keystroke (and a failed one is retried) at once in tests."""
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 0.01)
    monkeypatch.setattr(PostMortemScreen, "RETRY_DELAYS", (0.05,))


@pytest.fixture
def incident_id(store: Store, clock: FrozenClock) -> int:
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
    clock.advance(timedelta(minutes=10))
    store.advance_phase(incident.id, actor="bob")
    clock.advance(timedelta(minutes=37))
    store.resolve(incident.id, actor="bob")
    clock.advance(timedelta(hours=2))
    return incident.id


async def eventually(
    pilot: Pilot[object], condition: Callable[[], object], what: str, seconds: float = 10.0
) -> None:
    """Until `condition()` holds, for what comes from another thread on its own time (the
    change feed, a retry timer): checks every few milliseconds, for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def stored(store: Store, incident_id: int) -> PostMortem:
    return store.postmortem(incident_id)


def save_state(screen: PostMortemScreen) -> str:
    return str(screen.query_one(ReportHeader).query_one("#pm-save").render())


async def test_w_opens_it_and_escape_goes_back(make_app: AppFactory, incident_id: int) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        room = await loaded(pilot)
        await pilot.press("w")
        screen = await pm_loaded(pilot)
        assert screen.incident_id == incident_id
        assert app.focused is screen.query_one("#pm-form")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is room, "the war room")


async def test_opened_straight_from_the_command_line(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        header = str(screen.query_one("#pm-heading").render())
        assert "PM-2024-001" in header
        assert "INC-1 Checkout down" in header
        assert "▶ draft" in str(screen.query_one("#pm-status").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WarRoomScreen), "its war room")


async def test_typing_is_saved(make_app: AppFactory, store: Store, incident_id: int) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        summary = screen.query_one("#summary", TextArea)
        screen.set_focus(summary)
        await pilot.press(*"Checkout")
        summary.insert(" was down for 47 minutes.")
        await until(
            pilot,
            lambda: stored(store, incident_id).summary == "Checkout was down for 47 minutes.",
            "the save",
        )
        await until(pilot, lambda: "saved ✓" in save_state(screen), "saved shown")
        assert summary.text == "Checkout was down for 47 minutes."
        assert app.focused is summary  # still typing: saving never takes the field away


async def test_leaving_a_field_saves_at_once(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#root-cause", TextArea)
        screen.set_focus(area)
        area.insert("The deploy tool accepted a migration without an index check.")
        await until(pilot, lambda: "editing" in save_state(screen), "unsaved shown")
        assert stored(store, incident_id).root_cause == ""
        await pilot.press("tab")
        await until(
            pilot,
            lambda: stored(store, incident_id).root_cause.startswith("The deploy tool"),
            "the save on leaving",
        )


async def test_every_one_line_field(make_app: AppFactory, store: Store, incident_id: int) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)

        async def type_into(field_id: str, text: str) -> None:
            field = screen.query_one(f"#{field_id}", Input)
            screen.set_focus(field)
            field.value = text
            await pilot.pause()

        assert screen.query_one("#report-id", Input).value == "PM-2024-001"  # derived
        assert screen.query_one("#duration", Input).value == "47 minutes (14:23 - 15:10 UTC)"
        await type_into("title", "Checkout Service Outage")
        await type_into("report-id", "PM-2024-007")
        await type_into("report-date", "2024-03-16")
        await type_into("duration", "about 47 minutes")
        await type_into("users", "12,500")
        await type_into("revenue", "Estimated $85,000 in lost orders")
        select = screen.query_one("#sla", Select)
        select.value = "yes"

        def saved() -> bool:
            pm = stored(store, incident_id)
            return (pm.revenue_impact, pm.sla_breached) == (
                "Estimated $85,000 in lost orders",
                True,
            )

        await until(pilot, saved, "the saves")
        pm = stored(store, incident_id)
        assert (pm.report_id, pm.report_date.isoformat() if pm.report_date else None) == (
            "PM-2024-007",
            "2024-03-16",
        )
        assert (pm.impact_duration, pm.users_affected) == ("about 47 minutes", 12500)
        assert store.get_incident(incident_id).title == "Checkout Service Outage"
        assert "Checkout Service Outage" in str(screen.query_one("#pm-heading").render())
        # back to the defaults: an empty field is computed again
        await type_into("duration", "")
        await type_into("report-id", "")
        select.value = "auto"
        await until(
            pilot,
            lambda: stored(store, incident_id).sla_breached is None,
            "the defaults",
        )
        pm = stored(store, incident_id)
        assert (pm.impact_duration, pm.report_id) == ("", "")


async def test_bad_numbers_and_dates_keep_the_text_and_save_nothing(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        users = screen.query_one("#users", Input)
        screen.set_focus(users)
        users.value = "12k"
        hint = screen.query_one("#users-hint")
        await until(pilot, lambda: "whole number" in str(hint.render()), "the complaint")
        assert users.value == "12k"
        assert "NOT SAVED: Users affected" in save_state(screen)
        date_field = screen.query_one("#report-date", Input)
        date_field.value = "15/03/2024"
        date_hint = screen.query_one("#report-date-hint")
        await until(pilot, lambda: "YYYY-MM-DD" in str(date_hint.render()), "the complaint")
        await pilot.press("tab")
        await pilot.pause()
        assert stored(store, incident_id).version == 0  # nothing was written
        users.value = "12500"
        await until(pilot, lambda: stored(store, incident_id).users_affected == 12500, "save")
        assert str(hint.render()) == ""
        assert "NOT SAVED: Date" in save_state(screen)


async def test_users_affected_may_be_answered_unknown(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    from warroom.domain.model import UNKNOWN

    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        users = screen.query_one("#users", Input)
        screen.set_focus(users)
        users.value = "Unknown"
        await until(pilot, lambda: stored(store, incident_id).users_affected is UNKNOWN, "save")
        assert str(screen.query_one("#users-hint").render()) == ""
        panel = screen.query_one(ChecksPanel)
        await until(
            pilot,
            lambda: all(p.where != "impact.usersAffected" for p in panel.problems),
            "the check answered",
        )


async def test_a_complaint_stays_while_others_changes_arrive(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """A date that cannot be saved keeps saying why when someone else's save is shown."""
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        date_field = screen.query_one("#report-date", Input)
        screen.set_focus(date_field)
        date_field.value = "15/03/2024"
        date_hint = screen.query_one("#report-date-hint")
        await until(pilot, lambda: "YYYY-MM-DD" in str(date_hint.render()), "the complaint")
        base = stored(store, incident_id)
        store.save_postmortem(replace(base, lucky_breaks=("Low traffic",)), base=base)
        lucky = screen.query_one("#lucky-breaks", ListEditor)
        await eventually(pilot, lambda: lucky.rows[0].input.value == "Low traffic", "theirs")
        assert "YYYY-MM-DD" in str(date_hint.render())
        assert date_field.value == "15/03/2024"


async def test_a_list_add_edit_reorder_remove(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)

    def went_well() -> tuple[str, ...]:
        return stored(store, incident_id).what_went_well

    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        editor = screen.query_one("#went-well", ListEditor)
        screen.go_to("whatWentWell")
        assert app.focused is editor.rows[0].input
        editor.rows[0].input.insert_text_at_cursor("Alert fired fast")
        await pilot.press("enter")
        await until(pilot, lambda: went_well() == ("Alert fired fast",), "the first item")
        assert app.focused is editor.rows[1].input  # the line for the next one
        editor.rows[1].input.insert_text_at_cursor("War room in 5 minutes")
        await until(pilot, lambda: len(went_well()) == 2, "the second item")
        await pilot.press("ctrl+up")
        await until(
            pilot,
            lambda: went_well() == ("War room in 5 minutes", "Alert fired fast"),
            "the move",
        )
        assert app.focused is editor.rows[0].input  # the cursor moved with the item
        await pilot.press("down")
        editor.rows[1].input.insert_text_at_cursor(" (3 min)")
        await until(
            pilot,
            lambda: went_well() == ("War room in 5 minutes", "Alert fired fast (3 min)"),
            "the edit",
        )
        await pilot.press("up", "ctrl+r")
        await until(pilot, lambda: went_well() == ("Alert fired fast (3 min)",), "removal")
        assert [row.input.value for row in editor.rows] == ["Alert fired fast (3 min)", ""]
        # backspace in an empty line removes the line, not an item
        await pilot.press("enter")
        assert app.focused is editor.rows[1].input
        await pilot.press("backspace")
        assert app.focused is editor.rows[0].input
        assert went_well() == ("Alert fired fast (3 min)",)


async def test_contributing_factors_carry_a_category(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        screen.go_to("contributingFactors")
        editor = screen.query_one("#factors", ListEditor)
        editor.rows[0].input.insert_text_at_cursor("No index check in CI")
        await pilot.press("ctrl+t", "ctrl+t")
        await until(
            pilot,
            lambda: (
                stored(store, incident_id).contributing_factors
                == (ContributingFactor("No index check in CI", FishboneCategory.PROCESS),)
            ),
            "the factor",
        )
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # Technology, Environment, none
        await until(
            pilot,
            lambda: (
                stored(store, incident_id).contributing_factors
                == (ContributingFactor("No index check in CI", None),)
            ),
            "the category cleared",
        )


async def test_five_whys_as_a_guided_chain(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)

    def whys() -> tuple[Why, ...]:
        return stored(store, incident_id).five_whys

    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        editor = screen.query_one(FiveWhysEditor)
        screen.go_to("fiveWhys")
        first = editor.levels[0]
        assert first.question.value == "Why did this happen: Checkout down?"
        assert app.focused is first.answer
        assert whys() == ()  # a proposed question alone is not a level
        first.answer.insert_text_at_cursor("Database connection pool was exhausted.")
        await until(pilot, lambda: len(whys()) == 1, "the first level")
        await pilot.press("enter")
        second = editor.levels[1]
        assert second.question.value == "Why was database connection pool exhausted?"
        assert app.focused is second.answer
        second.answer.insert_text_at_cursor("Queries held connections for seconds.")
        await until(pilot, lambda: len(whys()) == 2, "the second level")
        # while only proposed, a question follows the answer it asks about
        first.answer.value = "The connection pool was exhausted."
        await until(
            pilot,
            lambda: whys()[1].question == "Why was the connection pool exhausted?",
            "the proposal to follow",
        )
        # once edited, it is the person's own
        second.question.value = "Why did the pool run dry?"
        await until(pilot, lambda: whys()[1].question == "Why did the pool run dry?", "save")
        first.answer.value = "The pool was exhausted."
        await until(pilot, lambda: whys()[0].answer == "The pool was exhausted.", "save")
        assert whys()[1].question == "Why did the pool run dry?"
        screen.set_focus(second.answer)
        for answer in ("A full table scan on orders.", "The migration had no index.", "x"):
            await pilot.press("end", "enter")
            editor.levels[-1].answer.insert_text_at_cursor(answer)
        await until(pilot, lambda: len(whys()) == 5, "five levels")
        assert whys()[3].question == "Why was there a full table scan on orders?"
        await pilot.press("enter")  # five is as deep as the chain goes
        assert len(editor.levels) == 5
        assert "5 levels" in str(editor.query_one(".why-hint").render())
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(whys()) == 4, "a level removed")
        assert [level.number for level in editor.levels] == [1, 2, 3, 4]


async def test_status_forward_and_back(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        await pilot.press("p")
        await until(
            pilot,
            lambda: stored(store, incident_id).status is ReportStatus.IN_REVIEW,
            "in review",
        )
        status = screen.query_one("#pm-status")
        await until(pilot, lambda: "▶ in review" in str(status.render()), "shown")
        await pilot.press("P")
        await until(pilot, lambda: stored(store, incident_id).status is ReportStatus.DRAFT, "draft")


async def test_publishing_is_refused_then_forced_on_the_record(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        await pilot.press("p")
        await until(
            pilot, lambda: stored(store, incident_id).status is ReportStatus.IN_REVIEW, "review"
        )
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ForcePublishDialog), "the refusal")
        dialog = app.screen
        assert isinstance(dialog, ForcePublishDialog)
        assert [p.where for p in dialog.problems][:3] == [
            "summary",
            "impact.usersAffected",
            "impact.revenueImpact",
        ]
        await pilot.press("enter")  # not an answer: only y publishes
        assert app.screen is dialog
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, "back to the report")
        assert stored(store, incident_id).status is ReportStatus.IN_REVIEW
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ForcePublishDialog), "asked again")
        await pilot.press("y")
        await until(
            pilot, lambda: stored(store, incident_id).status is ReportStatus.PUBLISHED, "forced"
        )
        [note] = store.postmortem_notes(incident_id)
        assert note.text.startswith("Post-mortem published by tester despite")
        assert "summary: empty" in note.text
        assert store.last_event_of_kind(incident_id, EventKind.DECISION) is None
        history = screen.query_one("#pm-history", Label)
        await until(pilot, lambda: history.display, "the record in the header")
        assert "On the record (1 note, in the export), last: tester: Post-mortem published" in (
            str(history.render())
        )


async def test_publishing_a_ready_report(make_app: AppFactory, store: Store) -> None:
    incident = store.import_incident(read_postmortem(LESSON))
    pm = store.postmortem(incident.id)
    store.set_postmortem_status(
        incident.id, ReportStatus.IN_REVIEW, version=pm.version, actor="bob"
    )
    app = make_app(incident.id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        assert screen.query_one(ChecksPanel).problems == ()
        assert "ready to publish" in str(screen.query_one("#pm-ready").render())
        await pilot.press("p")
        await until(
            pilot,
            lambda: store.postmortem(incident.id).status is ReportStatus.PUBLISHED,
            "published",
        )
        assert store.last_event_of_kind(incident.id, EventKind.DECISION) is None


async def test_checks_follow_the_typing_and_lead_to_the_field(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        panel = screen.query_one(ChecksPanel)
        assert "rootCause" in [p.where for p in panel.problems]
        area = screen.query_one("#root-cause", TextArea)
        screen.set_focus(area)
        area.insert("Bob forgot to add the index.")

        def blame() -> list[tuple[str, str]]:
            return [(p.phrase, p.suggestion) for p in panel.problems if p.phrase]

        await until(pilot, lambda: blame(), "the blame finding")
        assert blame()[1] == (
            "forgot to add the index",
            'try "the process had no step to add the index"',
        )
        assert blame()[0][0] == "Bob forgot"
        await pilot.press("escape", "c")  # the checks, full width at 80 columns
        assert screen.showing_checks
        assert app.focused is panel
        index = next(i for i, p in enumerate(panel.problems) if p.where == "impact.usersAffected")
        panel.highlighted = index
        await pilot.press("enter")
        assert not screen.showing_checks
        assert app.focused is screen.query_one("#users")


async def test_the_checks_sit_beside_the_form_when_wide(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await pm_loaded(pilot)
        assert screen.wide
        assert screen.query_one("#pm-side").display
        assert screen.query_one("#pm-form").display


async def test_a_conflict_shows_both_versions_and_mine_is_kept(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        area.insert("Checkout was down (mine).")
        await until(pilot, lambda: screen.dirty, "the edit")
        base = store.postmortem(incident_id)
        store.save_postmortem(replace(base, summary="Checkout was down (theirs)."), base=base)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict")
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert (dialog.field, dialog.theirs, dialog.mine) == (
            "Summary",
            "Checkout was down (theirs).",
            "Checkout was down (mine).",
        )
        assert stored(store, incident_id).summary == "Checkout was down (theirs)."
        await pilot.press("y")
        await until(
            pilot,
            lambda: stored(store, incident_id).summary == "Checkout was down (mine).",
            "mine saved",
        )
        assert area.text == "Checkout was down (mine)."


async def test_a_conflict_resolved_with_theirs_or_an_edit(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#root-cause", TextArea)
        revenue = screen.query_one("#revenue", Input)
        screen.set_focus(area)
        area.insert("mine")
        revenue.value = "none"  # a field only I changed: kept whatever is chosen
        await until(pilot, lambda: screen.dirty, "the edit")
        base = store.postmortem(incident_id)
        store.save_postmortem(replace(base, root_cause="theirs"), base=base)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict")
        await pilot.press("t")
        await until(pilot, lambda: stored(store, incident_id).revenue_impact == "none", "save")
        assert stored(store, incident_id).root_cause == "theirs"
        await until(pilot, lambda: area.text == "theirs", "theirs shown")
        # again, merging the two by hand
        screen.set_focus(area)
        area.move_cursor((0, 0))  # (theirs came in as an edit: the cursor after it)
        area.insert("mine: ")
        await until(pilot, lambda: screen.dirty, "the edit")
        base = store.postmortem(incident_id)
        store.save_postmortem(replace(base, root_cause="theirs, again"), base=base)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict")
        await pilot.press("e")
        merged = app.screen.query_one("#conflict-edit", TextArea)
        assert merged.text == "theirs, again\nmine: theirs"
        merged.text = "merged by hand"
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: stored(store, incident_id).root_cause == "merged by hand", "merged"
        )


async def test_others_edits_of_other_fields_are_kept_and_shown(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        summary = screen.query_one("#summary", TextArea)
        screen.set_focus(summary)
        summary.insert("mine")
        await until(pilot, lambda: screen.dirty, "the edit")
        base = store.postmortem(incident_id)
        store.save_postmortem(replace(base, root_cause="theirs"), base=base)
        area = screen.query_one("#root-cause", TextArea)
        await eventually(pilot, lambda: area.text == "theirs", "their edit shown live")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: stored(store, incident_id).summary == "mine", "mine saved")
        assert stored(store, incident_id).root_cause == "theirs"
        assert not isinstance(app.screen, ConflictDialog)


async def test_keys_that_arrive_together_are_applied_in_order_in_a_text_area(
    make_app: AppFactory, incident_id: int
) -> None:
    """A text area runs its bound keys (Backspace, the arrows) when they reach it, in order
    with the characters around them (Textual ran them after the characters that followed)."""
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        await pilot.pause()
        burst(app, "ba⌫c←x⏎y")
        await until(pilot, lambda: "y" in area.text, "the keys")
        assert area.text == "bx\nyc"


async def test_a_failed_save_keeps_the_text_says_so_and_retries(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    notes = Notes()
    async with app.run_test(size=(100, 30), message_hook=notes.hook) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        with failing_writes() as fault:
            area.insert("Typed while the disk was full.")
            await until(pilot, lambda: "NOT SAVED" in save_state(screen), "the failure shown")
            await eventually(pilot, lambda: len(fault.failures) >= 2, "a retry")
            assert any("Could not save the post-mortem" in n for n in notes.texts())
            assert any("disk is full" in n for n in notes.texts())
            assert area.text == "Typed while the disk was full."
            assert stored(store, incident_id).summary == ""
        await eventually(
            pilot,
            lambda: stored(store, incident_id).summary == "Typed while the disk was full.",
            "the retry to succeed",
        )
        await until(pilot, lambda: "saved ✓" in save_state(screen), "saved shown")
        # (The notification is a message to the app: it may come a moment after the header.)
        await until(pilot, lambda: any("Saved again" in n for n in notes.texts()), "told so")


async def test_leaving_with_unsaved_text_asks_first(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "RETRY_DELAYS", (60.0,))
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        with failing_writes():
            area.insert("not saved yet")
            await until(pilot, lambda: "NOT SAVED" in save_state(screen), "the failure")
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            assert "Summary" in str(app.screen.query_one(".dialog-detail").render())
            await pilot.press("n")
            await until(pilot, lambda: app.screen is screen, "staying")
        await pilot.press("escape")  # saved on the way out now
        await until(pilot, lambda: isinstance(app.screen, WarRoomScreen), "the war room")
        assert stored(store, incident_id).summary == "not saved yet"


async def test_quitting_saves_first(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        area.insert("last words")
        await pilot.press("escape", "q")
        await until(pilot, lambda: not app.is_running, "the app to quit")
    assert stored(store, incident_id).summary == "last words"


async def test_star_and_hide_events_for_the_report(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    event = store.log_event(incident_id, "found the missing index", actor="Dave")
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        timeline = screen.query_one(ReportTimeline)
        await until(pilot, lambda: timeline.row_count > 0, "the timeline")
        screen.set_focus(timeline)
        timeline.move_cursor([e.id for e in timeline.events].index(event.id))
        await pilot.press("asterisk")
        await until(pilot, lambda: store.get_event(event.id).starred, "the star")
        await pilot.press("h")
        await until(pilot, lambda: store.get_event(event.id).hidden, "hidden")
        await until(pilot, lambda: "⊘" in str(timeline.row_cells(timeline.cursor_row)[3]), "⊘")
        await pilot.press("e", "d")  # editing and deleting stay in the war room
        await pilot.pause()
        assert app.screen is screen
        assert store.get_event(event.id).deleted_at is None


async def test_home_and_end_in_its_timeline_reach_the_ends_of_a_long_incident(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """The post-mortem's timeline is the war room's, with its Home and End: it asked for an
    end of the incident that nobody read, and paged no more."""
    for n in range(FIRST_PAGE + 50):
        store.log_event(incident_id, f"alert {n}", actor="monitor")
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        timeline = screen.query_one(ReportTimeline)
        await until(pilot, lambda: timeline.row_count == FIRST_PAGE, "the newest page")
        screen.set_focus(timeline)
        await pilot.press("home")
        await until(pilot, lambda: not timeline.has_older, "the first page")
        assert timeline.selected == timeline.events[0]
        await pilot.press("end")
        await until(pilot, lambda: not timeline.has_newer, "the newest page")
        assert timeline.selected is not None
        assert timeline.selected.text == f"alert {FIRST_PAGE + 49}"
        await pilot.press("pageup", "pageup", "pageup")  # and it pages on
        await until(pilot, lambda: timeline.row_count > FIRST_PAGE, "an older page")


async def test_action_items_added_and_edited_here(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: app.screen is not screen, "the form")
        app.screen.query_one("#description", Input).insert_text_at_cursor("Add index checks")
        await pilot.press("enter")
        await until(pilot, lambda: store.action_items(incident_id), "the item")
        actions = screen.query_one(ActionItemList)
        await until(pilot, lambda: len(actions.items) == 1, "the item shown")
        assert "actionItems[0].owner" in [p.where for p in screen.query_one(ChecksPanel).problems]
        screen.set_focus(actions)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not screen, "the edit form")
        app.screen.query_one("#owner", Input).value = "Dave"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: store.action_items(incident_id)[0].owner == "Dave", "edit")
        await until(
            pilot,
            lambda: (
                "actionItems[0].owner"
                not in [p.where for p in screen.query_one(ChecksPanel).problems]
            ),
            "the check to clear",
        )


async def test_an_action_item_saved_by_someone_else_meanwhile_is_asked_about(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    """As on the war room's board: both changed the owner, so the user chooses; what one side
    alone changed (their priority, my ticket) is kept whatever the choice."""
    item = store.add_action_item(incident_id, "Add index checks", actor="bob", owner="Dave")
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        actions = screen.query_one(ActionItemList)
        await until(pilot, lambda: len(actions.items) == 1, "the item")
        screen.set_focus(actions)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionItemForm), "the form")
        app.screen.query_one("#owner", Input).value = "Erin"
        app.screen.query_one("#ticket", Input).value = "PLAT-1"
        store.update_action_item(
            replace(item, owner="Carol", priority=Priority.P1), actor="carol", base=item
        )
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ActionItemConflict), "the question")
        await pilot.press("y")
        await until(pilot, lambda: store.action_items(incident_id)[0].owner == "Erin", "mine")
        (saved,) = store.action_items(incident_id)
        assert (saved.ticket, saved.priority) == ("PLAT-1", Priority.P1)
        await until(pilot, lambda: actions.items[0].owner == "Erin", "shown")


async def test_user_text_is_shown_literally(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    hostile = "[red]x[/red] [link=http://e.example]y[/link] \x1b[31mz"
    store.rename_incident(incident_id, hostile)
    pm = store.postmortem(incident_id)
    store.save_postmortem(replace(pm, summary=hostile, what_went_well=(hostile,)))
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await pm_loaded(pilot)
        heading = screen.query_one("#pm-heading").render()
        assert "[red]x[/red] [link=http://e.example]y[/link] \\x1b[31mz" in str(heading)
        assert screen.query_one("#summary", TextArea).text == hostile
        assert screen.query_one("#went-well", ListEditor).rows[0].input.value == hostile


async def test_every_action_is_in_the_command_palette(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        commands = {command.title: command for command in app.get_system_commands(screen)}
        assert {
            "Advance the post-mortem",
            "Move the post-mortem back",
            "Show the checks",
            "Add an action item",
            "Save now",
            "Back to the war room",
            "Go to Five whys",
            "Go to Timeline",
        } <= set(commands)
        commands["Go to Five whys"].callback()
        assert app.focused is screen.query_one(FiveWhysEditor).levels[0].answer


async def test_the_war_room_offers_it_in_the_palette(
    make_app: AppFactory, incident_id: int
) -> None:
    app = make_app(incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        room = await loaded(pilot)
        commands = {command.title: command for command in app.get_system_commands(room)}
        commands["Open the post-mortem"].callback()
        await pm_loaded(pilot)


async def test_help_lists_the_keys(make_app: AppFactory, incident_id: int) -> None:
    from warroom.screens.dialogs.help import HelpScreen

    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await pm_loaded(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["p"].startswith("Move the report on")
        assert keys["c"].startswith("The checks")
        assert "Five whys" in app.screen.notes
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "help to close")


async def test_letters_are_typed_in_fields_not_taken_as_keys(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        await pilot.press("tab")  # into the first field: the title
        assert app.focused is screen.query_one("#title")
        await pilot.press("end", *" pacq")
        await until(
            pilot, lambda: store.get_incident(incident_id).title == "Checkout down pacq", "save"
        )
        assert app.screen is screen
        assert stored(store, incident_id).status is ReportStatus.DRAFT


async def test_full_report_opens_with_every_field(make_app: AppFactory, store: Store) -> None:
    incident = store.import_incident(read_postmortem(LESSON))
    app = make_app(incident.id, postmortem=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await pm_loaded(pilot)
        editor = screen.query_one(FiveWhysEditor)
        assert [level.answer.value for level in editor.levels][-1].startswith("No automated")
        assert len(screen.query_one("#factors", ListEditor).entries) == 4
        items = screen.query_one(ActionItemList).items
        assert [item.type for item in items][:2] == [ActionType.PREVENT, ActionType.MITIGATE]
        assert items[0].priority is Priority.P0
        assert screen.query_one("#users", Input).value == "12500"
        assert not screen.dirty  # showing it changed nothing
        assert stored(store, incident.id).version == 1


async def test_a_title_changed_by_both_asks_which(
    make_app: AppFactory, store: Store, incident_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        title = screen.query_one("#title", Input)
        screen.set_focus(title)
        title.value = "Checkout outage (mine)"
        await until(pilot, lambda: screen.dirty, "the edit")
        store.rename_incident(incident_id, "Checkout outage (theirs)")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict")
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert (dialog.theirs, dialog.mine) == (
            "Checkout outage (theirs)",
            "Checkout outage (mine)",
        )
        await pilot.press("escape")  # later: nothing saved meanwhile, nothing lost
        await until(pilot, lambda: app.screen is screen, "back")
        assert "a version to choose" in save_state(screen)
        assert title.value == "Checkout outage (mine)"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "asked again")
        await pilot.press("t")
        await until(pilot, lambda: title.value == "Checkout outage (theirs)", "theirs shown")
        await until(pilot, lambda: "saved ✓" in save_state(screen), "nothing left to save")
        assert store.get_incident(incident_id).title == "Checkout outage (theirs)"


async def test_the_editor_is_drawn_before_the_store_is_open(
    store: Store, incident_id: int, config: Config, clock: FrozenClock, db_path: Path
) -> None:
    """Drawn from the quick read; what is typed meanwhile is saved once the store is up."""
    import threading

    from warroom.app import WarroomApp
    from warroom.store import preview

    store.save_postmortem(replace(store.postmortem(incident_id), summary="Written before."))
    quick = preview.postmortem(
        str(db_path), incident_id, schedule=config.schedule, tz=config.tz, now=clock.now()
    )
    assert quick is not None
    release = threading.Event()

    def open_store() -> Store:
        release.wait(timeout=30)
        return store

    app = WarroomApp(
        config,
        clock,
        open_store=open_store,
        incident_id=incident_id,
        postmortem=True,
        report=quick,
        blink=False,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        # Not `pm_loaded`: it would wait for every worker, the editor's read of the store too.
        for _ in range(200):
            screen = app.screen
            if isinstance(screen, PostMortemScreen) and screen.loaded and not screen.checking:
                break
            await pilot.pause(0.01)
        assert isinstance(screen, PostMortemScreen)
        assert screen.loaded
        assert screen.query_one("#summary", TextArea).text == "Written before."
        assert "problems block publishing" in str(screen.query_one("#pm-ready").render())
        revenue = screen.query_one("#revenue", Input)
        screen.set_focus(revenue)
        revenue.value = "none"
        await pilot.press("ctrl+s")
        assert stored(store, incident_id).revenue_impact == ""  # the store is not up yet
        release.set()
        await until(pilot, lambda: stored(store, incident_id).revenue_impact == "none", "saved")
        assert stored(store, incident_id).summary == "Written before."


async def test_lines_pasted_into_a_one_line_field_are_joined_not_cut(
    make_app: AppFactory, store: Store, incident_id: int
) -> None:
    from textual import events

    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await pm_loaded(pilot)
        revenue = screen.query_one("#revenue", Input)
        screen.set_focus(revenue)
        revenue.post_message(events.Paste("about $40k\r\n  in lost orders\n\nrefunds pending\n"))
        await until(pilot, lambda: revenue.value != "", "the paste")
        assert revenue.value == "about $40k in lost orders refunds pending"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: stored(store, incident_id).revenue_impact == revenue.value,
            "saved whole",
        )


async def test_the_editors_looks_stay_in_the_editor(make_app: AppFactory, incident_id: int) -> None:
    """The editor's list of action items and the war room's board columns share a class name:
    the editor's rules for its own must not restyle the board once the editor has opened."""
    app = make_app(incident_id)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await loaded(pilot)
        column = room.query_one(BoardColumn)
        before = (column.styles.height, column.styles.max_height, column.styles.border)
        await pilot.press("w")
        await pm_loaded(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is room, "the war room")
        assert (column.styles.height, column.styles.max_height, column.styles.border) == before


async def test_quitting_while_its_first_frame_is_awaited(
    make_app: AppFactory, incident_id: int
) -> None:
    """ctrl+q the moment the first screen shows: the wait for that frame is cancelled, and
    the frame that then comes must not fail the app (it did, one time in two, in a terminal)."""
    app = make_app(incident_id, postmortem=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pm_loaded(pilot)
        waiting = asyncio.create_task(screen._drawn_and_checked())
        await asyncio.sleep(0)  # it waits for the frame now
        waiting.cancel()
        screen.refresh()
        await pilot.pause()
        assert app.is_running
