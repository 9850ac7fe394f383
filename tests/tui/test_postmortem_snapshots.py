"""The post-mortem editor, pixel for pixel (SVGs under __snapshots__, reviewed by eye).

Every snapshot runs on a frozen clock, with the cursor not blinking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from tests.tui.conftest import LESSON, AppFactory, pm_loaded, until
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.model import ContributingFactor, FishboneCategory, Why
from warroom.exporters.importer import read_postmortem
from warroom.screens.dialogs.report import ConflictDialog, ForcePublishDialog
from warroom.screens.postmortem import PostMortemScreen
from warroom.store import Store

SnapCompare = Callable[..., bool]


def when_loaded(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run_before(pilot: Pilot[object]) -> None:
        screen = await pm_loaded(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        assert not screen.dirty

    return run_before


def lesson(store: Store, clock: FrozenClock) -> int:
    """The lesson's full example, imported as a file would be, read a day later."""
    incident = store.import_incident(read_postmortem(LESSON))
    clock.set(clock.now() + timedelta(days=1))
    return incident.id


def draft_with_problems(store: Store, clock: FrozenClock) -> int:
    """A resolved incident whose draft blames a person and leaves fields empty."""
    incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="Bob Chen")
    store.log_event(incident.id, "found the missing index", actor="Dave")
    clock.advance(timedelta(minutes=10))
    store.advance_phase(incident.id, actor="Bob Chen")
    clock.advance(timedelta(minutes=37))
    store.resolve(incident.id, actor="Bob Chen")
    base = store.postmortem(incident.id)
    store.save_postmortem(
        replace(
            base,
            summary="Checkout failed for 47 minutes.",
            root_cause="Dave forgot to add an index to the migration: human error.",
            contributing_factors=(
                ContributingFactor("No index check in CI", FishboneCategory.PROCESS),
            ),
            five_whys=(Why("Why was checkout down?", "The connection pool was exhausted."),),
        )
    )
    clock.advance(timedelta(hours=1))
    return incident.id


def test_empty_draft_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Search slow", 3, commander="Alice Kim", actor="alice")
    clock.advance(timedelta(minutes=5))
    assert snap_compare(
        make_app(incident.id, postmortem=True), terminal_size=(80, 24), run_before=when_loaded()
    )


def test_empty_draft_160x50(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("Search slow", 3, commander="Alice Kim", actor="alice")
    clock.advance(timedelta(minutes=5))
    assert snap_compare(
        make_app(incident.id, postmortem=True), terminal_size=(160, 50), run_before=when_loaded()
    )


def test_lesson_example_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = lesson(store, clock)
    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(80, 24), run_before=when_loaded()
    )


def test_lesson_example_160x50(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = lesson(store, clock)
    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(160, 50), run_before=when_loaded()
    )


def test_lesson_example_analysis_160x50(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """Further down: contributing factors, the five whys, the retrospective lists."""
    incident_id = lesson(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await pm_loaded(pilot)
        screen.go_to("contributingFactors")
        await pilot.pause()
        screen.query_one("#pm-form").scroll_to_widget(
            screen.query_one("#factors"), top=True, animate=False
        )
        await pilot.pause()

    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(160, 50), run_before=run_before
    )


def test_light_theme(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    config: Config,
) -> None:
    incident_id = draft_with_problems(store, clock)
    app = make_app(incident_id, config=replace(config, theme="textual-light"), postmortem=True)
    assert snap_compare(app, terminal_size=(130, 30), run_before=when_loaded())


def test_checks_with_problems_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = draft_with_problems(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await pm_loaded(pilot)
        await pilot.press("c")
        panel = screen.query_one("#checks")
        # down to the blame findings: the quoted phrase and the systems phrasing
        index = next(i for i, p in enumerate(screen.checks.problems) if p.phrase)
        panel.highlighted = index  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(80, 24), run_before=run_before
    )


def test_checks_beside_the_form_160x50(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = draft_with_problems(store, clock)
    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(160, 50), run_before=when_loaded()
    )


def test_force_publish_dialog(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    incident_id = draft_with_problems(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await _refused_publishing(pilot)
        await pilot.pause()

    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(100, 30), run_before=run_before
    )


def test_forced_publish_on_the_record(
    snap_compare: SnapCompare, make_app: AppFactory, store: Store, clock: FrozenClock
) -> None:
    """Published past its checks: the header says so, and where the whole record is."""
    incident_id = draft_with_problems(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await _refused_publishing(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "▶ published" in _status(pilot), "published")
        history = pilot.app.screen.query_one("#pm-history")
        await until(pilot, lambda: history.display, "the note")
        await pilot.pause()

    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(100, 30), run_before=run_before
    )


def test_conflict_dialog(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: Store,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PostMortemScreen, "SAVE_DELAY", 60.0)
    incident_id = draft_with_problems(store, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        screen = await pm_loaded(pilot)
        area = screen.query_one("#summary", TextArea)
        screen.set_focus(area)
        area.move_cursor(area.document.end)
        area.insert(" Users saw errors at payment.")
        await until(pilot, lambda: screen.dirty, "the edit")
        base = store.postmortem(incident_id)
        theirs = "Checkout was down for 47 minutes; 12,500 users could not pay."
        store.save_postmortem(replace(base, summary=theirs), base=base)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConflictDialog), "conflict")
        await pilot.pause()

    assert snap_compare(
        make_app(incident_id, postmortem=True), terminal_size=(100, 30), run_before=run_before
    )


async def _refused_publishing(pilot: Pilot[object]) -> None:
    """In review, then `p` again: the dialog that lists the problems and asks to force it."""
    await pm_loaded(pilot)
    await pilot.press("p")
    await until(pilot, lambda: "in review" in _status(pilot), "in review")
    await pilot.press("p")
    await until(pilot, lambda: isinstance(pilot.app.screen, ForcePublishDialog), "refusal")


def _status(pilot: Pilot[object]) -> str:
    return str(pilot.app.screen.query_one("#pm-status").render())
