"""The record stays true (issue 14): warroom's own records of a change keep their text, their
time can be corrected (the declaration's moves detection), changes are corrected by a new
change rather than deleted, an edited published report goes back to review, the report's
severity is the peak. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, timedelta

import pytest

from tests.conftest import T0, Database
from warroom.config import Config
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import EventKind, ReportStatus
from warroom.services.reporting import ReportSettings, load_report
from warroom.store import Store


@pytest.fixture
def store(database: Database, clock: FrozenClock) -> Iterator[Store]:
    with Store.open(database.location, clock) as opened:
        yield opened


def first(store: Store, kind: EventKind):  # type: ignore[no-untyped-def]
    return next(event for event in store.iter_events(1) if event.kind is kind)


def test_warroom_records_keep_their_text_and_kind(store: Store, clock: FrozenClock) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    clock.advance(timedelta(minutes=5))
    store.change_severity(1, 1, actor="bob")
    severity = first(store, EventKind.SEVERITY)
    with pytest.raises(BadInput, match="only its time can be corrected"):
        store.edit_event(severity.id, actor="ann", text="severity: Severity raised")
    with pytest.raises(BadInput, match="only its time can be corrected"):
        store.edit_event(severity.id, actor="ann", kind=EventKind.NOTE)
    note = store.log_event(1, "db cpu 95%", actor="ann")
    with pytest.raises(BadInput, match="only its time can be corrected"):
        store.edit_event(note.id, actor="ann", kind=EventKind.SEVERITY)
    moved = store.edit_event(severity.id, actor="ann", occurred_at=T0 + timedelta(minutes=4))
    assert (moved.text, moved.kind) == (severity.text, EventKind.SEVERITY)
    assert [r.occurred_at for r in store.event_revisions(severity.id)] == [severity.occurred_at]


def test_correcting_the_declarations_time_moves_detection(store: Store, clock: FrozenClock) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    declared = first(store, EventKind.PHASE)
    assert declared.text.startswith("Incident declared")
    clock.advance(timedelta(minutes=10))
    store.acknowledge(1, actor="bob")
    earlier = T0 - timedelta(minutes=20)
    store.edit_event(declared.id, actor="bob", occurred_at=earlier)
    incident = store.get_incident(1)
    assert incident.detected_at == earlier
    assert store.severity_changes(1)[0].at == earlier
    with pytest.raises(BadInput, match="detection cannot come after"):
        store.edit_event(declared.id, actor="bob", occurred_at=T0 + timedelta(minutes=11))
    assert store.get_incident(1).detected_at == earlier
    # Another phase record's time is only its own.
    acknowledged = [e for e in store.iter_events(1) if e.kind is EventKind.PHASE][1]
    store.edit_event(acknowledged.id, actor="bob", occurred_at=T0 + timedelta(minutes=9))
    assert store.get_incident(1).detected_at == earlier


def test_changes_are_corrected_not_deleted(store: Store, clock: FrozenClock) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    store.change_severity(1, 1, actor="bob")
    for kind in (EventKind.SEVERITY, EventKind.PHASE):
        with pytest.raises(BadInput, match="cannot be deleted"):
            store.delete_event(first(store, kind).id)
    note = store.log_event(1, "typo", actor="bob")
    assert store.delete_event(note.id).deleted_at is not None


def test_far_before_detection_is_refused(store: Store, clock: FrozenClock) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    with pytest.raises(BadInput, match="400 days before INC-1 was detected"):
        store.log_event(1, "x", actor="bob", occurred_at=T0 - timedelta(days=400))
    store.log_event(1, "the deploy the day before", actor="bob", occurred_at=T0 - timedelta(days=1))


def test_editing_a_published_report_moves_it_back_to_review(
    store: Store, clock: FrozenClock
) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    report = store.save_postmortem(replace(store.postmortem(1), summary="first"))
    report = store.set_postmortem_status(
        1, ReportStatus.IN_REVIEW, version=report.version, actor="bob"
    )
    report = store.set_postmortem_status(
        1, ReportStatus.PUBLISHED, version=report.version, actor="bob"
    )
    same = store.save_postmortem(report, base=report)  # a save that changes nothing
    assert same.status is ReportStatus.PUBLISHED
    edited = store.save_postmortem(replace(same, summary="second thoughts"), base=same)
    assert edited.status is ReportStatus.IN_REVIEW
    assert [note.text for note in store.postmortem_notes(1)] == [
        "Edited after publishing: back in review"
    ]
    assert store.last_event_of_kind(1, EventKind.DECISION) is None  # not the incident's timeline


def test_the_reports_severity_is_the_highest_reached(store: Store, clock: FrozenClock) -> None:
    store.create_incident("x", 2, commander="Bob", actor="bob")
    clock.advance(timedelta(minutes=5))
    store.change_severity(1, 1, actor="bob")
    clock.advance(timedelta(minutes=5))
    store.change_severity(1, 3, actor="bob")
    config = Config(user="bob", timezone_name="UTC")
    report = load_report(store, 1, ReportSettings(config.schedule, UTC))
    assert report.severity == 1
    assert store.get_incident(1).severity == 3


def test_skipped_steps_stay_not_recorded_and_a_slow_clock_never_reorders(
    store: Store, clock: FrozenClock
) -> None:
    store.create_incident("x", 1, commander="Bob", actor="bob")
    clock.set(T0 - timedelta(minutes=30))  # this machine's clock is behind the detection
    store.resolve(1, actor="bob")
    assert store.get_incident(1).milestones == {Milestone.DETECTED: T0, Milestone.RESOLVED: T0}
