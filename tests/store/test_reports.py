"""What a trends report reads from the store, and follow-ups across incidents (SQLite and
PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path

from tests.conftest import T0
from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import ActionStatus, EventKind, PostMortem, ReportStatus
from warroom.domain.trends import ItemCounts
from warroom.exporters.importer import read_postmortem
from warroom.services.trends import TrendSettings, load_trends
from warroom.store import Store

LESSON = Path(__file__).parents[1] / "data" / "checkout-outage.json"
M = timedelta(minutes=1)
TODAY = T0.date()


def test_report_facts_of_the_period(store: Store, clock: FrozenClock) -> None:
    before = store.create_incident("Before the period", 2, commander="Bob", actor="bob")
    clock.advance(timedelta(days=10))
    since = clock.now()
    first = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    clock.advance(4 * M)
    store.advance_phase(first.id, actor="bob")  # acknowledged
    update = store.log_event(first.id, "rolling back", actor="bob", kind=EventKind.UPDATE)
    deleted = store.log_event(first.id, "wrong room", actor="bob", kind=EventKind.UPDATE)
    store.delete_event(deleted.id)
    store.log_event(first.id, "a note is not an update", actor="bob")
    store.change_severity(first.id, 2, actor="bob")
    store.add_action_item(first.id, "late", actor="bob", due_date=TODAY + timedelta(days=9))
    done = store.add_action_item(first.id, "done", actor="bob", due_date=TODAY)
    store.update_action_item(replace(done, status=ActionStatus.DONE), actor="bob")
    going = store.add_action_item(first.id, "going", actor="bob")
    store.update_action_item(replace(going, status=ActionStatus.IN_PROGRESS), actor="bob")
    clock.advance(40 * M)
    store.resolve(first.id, actor="bob")
    clock.advance(timedelta(hours=1))
    store.set_postmortem_status(first.id, ReportStatus.PUBLISHED, version=0, actor="bob")
    mistaken = store.create_incident("Declared by mistake", 3, commander="Bob", actor="bob")
    store.withdraw(mistaken.id, "a test page", actor="bob")
    clock.advance(timedelta(days=10))

    facts = store.report_facts(since, clock.now(), TODAY + timedelta(days=20))
    assert [fact.incident.id for fact in facts] == [first.id]
    (fact,) = facts
    assert fact.incident.milestones.keys() == {
        Milestone.DETECTED,
        Milestone.ACKNOWLEDGED,
        Milestone.RESOLVED,
    }
    assert fact.update_times == (update.occurred_at,)
    assert [(change.old, change.new) for change in fact.severity_changes] == [(None, 1), (1, 2)]
    assert fact.items == ItemCounts(open=1, in_progress=1, done=1, overdue=1)
    assert fact.postmortem is ReportStatus.PUBLISHED
    assert fact.published_at == T0 + timedelta(days=10, minutes=44, hours=1)
    assert before.id not in [f.incident.id for f in store.report_facts(since, clock.now(), TODAY)]


def test_a_post_mortem_imported_as_published_has_no_known_publishing_time(
    store: Store, clock: FrozenClock
) -> None:
    imported = store.import_incident(read_postmortem(LESSON))
    own = store.create_incident("Our own", 2, commander="Bob", actor="bob")
    clock.advance(timedelta(minutes=30))
    store.resolve(own.id, actor="bob")
    clock.advance(timedelta(hours=2))
    store.save_postmortem(PostMortem(own.id, summary="It broke."))
    pm = store.postmortem(own.id)
    store.set_postmortem_status(own.id, ReportStatus.IN_REVIEW, version=pm.version, actor="bob")
    pm = store.postmortem(own.id)
    store.set_postmortem_status(own.id, ReportStatus.PUBLISHED, version=pm.version, actor="bob")
    since = imported.detected_at - timedelta(days=1)
    facts = {f.incident.id: f for f in store.report_facts(since, clock.now(), TODAY)}
    assert facts[imported.id].postmortem is ReportStatus.PUBLISHED
    assert facts[imported.id].published_at is None
    assert facts[own.id].published_at == clock.now()
    report = load_trends(store, since, TrendSettings(UpdateSchedule(), UTC))
    assert report.overall.incidents == 2
    overall = report.overall
    assert (
        overall.postmortems_published,
        overall.published_within_48h,
        overall.published_when_unknown,
    ) == (2, 1, 1)
    # The lesson's incident: detected 14:23, resolved 15:10.
    assert report.overall.time_to_resolve.counted == 2


def test_report_facts_carry_the_services(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("Payments slow", 2, commander="Bob", actor="bob")
    store.set_labels(incident.id, services=["payments", "checkout"], tags=["db"])
    (fact,) = store.report_facts(T0, clock.now(), TODAY)
    assert fact.services == ("payments", "checkout")


def test_an_empty_period(store: Store, clock: FrozenClock) -> None:
    store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    clock.advance(timedelta(days=1))
    assert store.report_facts(clock.now(), clock.now(), TODAY) == []
    report = load_trends(store, clock.now() - M, TrendSettings(UpdateSchedule(), UTC))
    assert report.overall.incidents == 0
    assert report.overall.time_to_resolve.median is None


def test_follow_ups_leave_out_withdrawn_incidents_and_take_a_limit(
    store: Store, clock: FrozenClock
) -> None:
    kept = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    mistaken = store.create_incident("Declared by mistake", 3, commander="Bob", actor="bob")
    for day in (3, 1, 2):
        store.add_action_item(
            kept.id, f"day {day}", actor="bob", follow_up=True, due_date=date(2024, 3, day)
        )
    store.add_action_item(
        mistaken.id, "never", actor="bob", follow_up=True, due_date=date(2024, 3, 1)
    )
    store.withdraw(mistaken.id, "a test page", actor="bob")
    overdue = store.follow_ups(overdue_on=TODAY)
    assert [item.description for item in overdue] == ["day 1", "day 2", "day 3"]
    assert [item.description for item in store.follow_ups(overdue_on=TODAY, limit=2)] == [
        "day 1",
        "day 2",
    ]
