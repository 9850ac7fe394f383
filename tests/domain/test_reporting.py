"""The post-mortem workflow against a real store: gather, check, move the status, publish."""

from datetime import UTC, date, timedelta

import pytest

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput
from warroom.domain.model import ActionType, EventKind, PostMortem, Priority, ReportStatus, Why
from warroom.services.reporting import NotReady, ReportSettings, change_status, check, load_report
from warroom.store import Store

SETTINGS = ReportSettings(UpdateSchedule(), UTC)


def resolved_incident(store: Store, clock: FrozenClock) -> int:
    incident = store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    clock.advance(timedelta(minutes=2))
    store.advance_phase(incident.id, actor="bob")
    clock.advance(timedelta(minutes=45))
    store.resolve(incident.id, actor="bob")
    return incident.id


def ready(store: Store, incident_id: int) -> None:
    store.add_action_item(
        incident_id,
        "Add index verification",
        actor="bob",
        type=ActionType.PREVENT,
        owner="Dave",
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
    )
    store.save_postmortem(
        PostMortem(
            incident_id,
            summary="Checkout was down.",
            users_affected=100,
            revenue_impact="none",
            root_cause="The process allowed a migration without index verification.",
            five_whys=(Why("a?", "b."),) * 3,
        )
    )


def test_load_report_from_the_store(store: Store, clock: FrozenClock) -> None:
    incident_id = resolved_incident(store, clock)
    store.log_event(incident_id, "posted", actor="bob", kind=EventKind.UPDATE)
    report = load_report(store, incident_id, SETTINGS)
    assert report.report_id == f"PM-2024-{incident_id:03d}"
    assert report.impact.duration == "47 minutes (14:23 - 15:10 UTC)"
    assert report.impact.sla_breached is True  # acknowledged in time, down at SEV-1 for 47m
    assert report.metrics.time_to_acknowledge == timedelta(minutes=2)
    assert report.metrics.updates_posted == 1
    assert [entry.text for entry in report.timeline][-2:] == ["Incident resolved", "posted"]


def test_status_moves_one_step_at_a_time(store: Store, clock: FrozenClock) -> None:
    incident_id = resolved_incident(store, clock)
    ready(store, incident_id)
    with pytest.raises(BadInput, match="goes to in-review first"):
        change_status(store, incident_id, ReportStatus.PUBLISHED, SETTINGS, actor="bob")
    with pytest.raises(BadInput, match="already draft"):
        change_status(store, incident_id, ReportStatus.DRAFT, SETTINGS, actor="bob")
    change_status(store, incident_id, ReportStatus.IN_REVIEW, SETTINGS, actor="bob")
    back = change_status(store, incident_id, ReportStatus.DRAFT, SETTINGS, actor="bob")
    assert back.status is ReportStatus.DRAFT
    change_status(store, incident_id, ReportStatus.IN_REVIEW, SETTINGS, actor="bob")
    published = change_status(store, incident_id, ReportStatus.PUBLISHED, SETTINGS, actor="bob")
    assert published.status is ReportStatus.PUBLISHED
    assert store.last_event_of_kind(incident_id, EventKind.DECISION) is None  # nothing forced


def test_publishing_is_refused_while_problems_remain(store: Store, clock: FrozenClock) -> None:
    incident_id = resolved_incident(store, clock)
    change_status(store, incident_id, ReportStatus.IN_REVIEW, SETTINGS, actor="bob")
    problems = check(store, incident_id, SETTINGS)
    with pytest.raises(NotReady) as refused:
        change_status(store, incident_id, ReportStatus.PUBLISHED, SETTINGS, actor="bob")
    assert refused.value.problems == problems
    assert refused.value.details[0] == (
        "summary: empty: say what happened, to whom, and why, in a few sentences"
    )
    assert store.postmortem(incident_id).status is ReportStatus.IN_REVIEW


def test_a_forced_publish_is_recorded(store: Store, clock: FrozenClock) -> None:
    incident_id = resolved_incident(store, clock)
    ready(store, incident_id)
    store.save_postmortem(
        PostMortem(
            incident_id,
            summary="Checkout was down.",
            users_affected=100,
            revenue_impact="none",
            root_cause="Dave forgot to add an index.",
            five_whys=(Why("a?", "b."),) * 3,
            version=1,
        )
    )
    change_status(store, incident_id, ReportStatus.IN_REVIEW, SETTINGS, actor="alice")
    published = change_status(
        store, incident_id, ReportStatus.PUBLISHED, SETTINGS, actor="Alice Kim", force=True
    )
    assert published.status is ReportStatus.PUBLISHED
    [note] = store.postmortem_notes(incident_id)
    assert note.actor == "Alice Kim"
    assert note.text.startswith("Post-mortem published by Alice Kim despite 2 problems: ")
    assert 'rootCause: blame language "Dave forgot"' in note.text
    assert 'rootCause: blame language "forgot to add an index"' in note.text
    # The report's history, not the incident's: the timeline ends where the incident did.
    assert store.last_event_of_kind(incident_id, EventKind.DECISION) is None
    assert load_report(store, incident_id, SETTINGS).notes == (note,)


def test_overdue_alone_does_not_block_publishing(store: Store, clock: FrozenClock) -> None:
    incident_id = resolved_incident(store, clock)
    ready(store, incident_id)
    clock.advance(timedelta(days=5))
    change_status(store, incident_id, ReportStatus.IN_REVIEW, SETTINGS, actor="bob")
    problems = check(store, incident_id, SETTINGS)
    assert [(p.where, p.blocking) for p in problems] == [("status", False)]
    change_status(store, incident_id, ReportStatus.PUBLISHED, SETTINGS, actor="bob")
    assert check(store, incident_id, SETTINGS) == []
