"""The store's post-mortem workflow section: importing a whole incident, the report timeline,
status changes."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import T0
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import BadInput, Conflict
from warroom.domain.incident_record import IncidentRecord
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    UNKNOWN,
    ActionItem,
    ActionType,
    Event,
    EventKind,
    PostMortem,
    Priority,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
)
from warroom.domain.postmortem import TimelineEntry
from warroom.store import Store


def record(**changes: object) -> IncidentRecord:
    base = IncidentRecord(
        title="Checkout down",
        severity=2,
        milestones={Milestone.DETECTED: T0, Milestone.RESOLVED: T0 + timedelta(minutes=47)},
        severity_history=(
            SeverityChange(0, None, 1, T0, "Bob"),
            SeverityChange(0, 1, 2, T0 + timedelta(minutes=30), "Bob"),
        ),
        roles=(
            RoleAssignment(0, 0, Role.COMMANDER, "Bob Chen", T0),
            RoleAssignment(0, 0, Role.SCRIBE, "Carol", T0, T0 + timedelta(minutes=5)),
        ),
        events=(
            Event(0, 0, EventKind.ALERT, "Monitoring", "p99 > 10s", T0, T0),
            Event(
                0,
                0,
                EventKind.NOTE,
                "Dave",
                "found it",
                T0 + timedelta(minutes=12),
                T0,
                starred=True,
            ),
        ),
        action_items=(
            ActionItem(
                0, 0, "Add index checks", ActionType.PREVENT, "Dave", Priority.P0, date(2024, 3, 22)
            ),
            ActionItem(0, 0, "Test rollbacks"),
        ),
        postmortem=PostMortem(0, report_id="PM-2024-007", summary="Down 47 minutes."),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_import_stores_everything_in_one_go(store: Store, clock: FrozenClock) -> None:
    clock.advance(timedelta(days=30))
    incident = store.import_incident(record())
    assert incident.key == "INC-1"
    assert (incident.title, incident.severity, incident.phase) == (
        "Checkout down",
        2,
        Phase.POSTMORTEM,
    )
    assert incident.milestones == {
        Milestone.DETECTED: T0,
        Milestone.RESOLVED: T0 + timedelta(minutes=47),
    }
    assert incident.commander == "Bob Chen"
    assert [(c.old, c.new) for c in store.severity_changes(incident.id)] == [(None, 1), (1, 2)]
    roles = store.roles(incident.id, include_released=True)
    assert [(r.role, r.person, r.released_at is not None) for r in roles] == [
        (Role.COMMANDER, "Bob Chen", False),
        (Role.SCRIBE, "Carol", True),
    ]
    events = list(store.iter_events(incident.id))
    assert [(e.kind, e.actor, e.text, e.starred) for e in events] == [
        (EventKind.ALERT, "Monitoring", "p99 > 10s", False),
        (EventKind.NOTE, "Dave", "found it", True),
    ]
    assert all(e.recorded_at == T0 + timedelta(days=30) for e in events)  # recorded on import
    items = store.action_items(incident.id)
    assert [(i.description, i.type, i.owner) for i in items] == [
        ("Add index checks", ActionType.PREVENT, "Dave"),
        ("Test rollbacks", None, ""),
    ]
    stored = store.postmortem(incident.id)
    assert (stored.report_id, stored.summary, stored.version) == (
        "PM-2024-007",
        "Down 47 minutes.",
        1,
    )


def test_users_affected_beyond_32_bits_are_kept(store: Store) -> None:
    """More users than PostgreSQL's INTEGER holds (a fuzzed import found it): a 64-bit count."""
    many = 2**31 + 1
    incident = store.import_incident(
        record(postmortem=PostMortem(0, report_id="PM-1", users_affected=many))
    )
    assert store.postmortem(incident.id).users_affected == many


def test_users_affected_unknown_is_kept_apart_from_not_answered(store: Store) -> None:
    incident = store.import_incident(
        record(postmortem=PostMortem(0, report_id="PM-1", users_affected=UNKNOWN))
    )
    stored = store.postmortem(incident.id)
    assert stored.users_affected is UNKNOWN
    store.save_postmortem(replace(stored, users_affected=None))
    assert store.postmortem(incident.id).users_affected is None


def test_import_is_all_or_nothing(store: Store) -> None:
    bad = record(events=(*record().events, Event(0, 0, EventKind.NOTE, "x", "  ", T0, T0)))
    with pytest.raises(BadInput):
        store.import_incident(bad)
    assert store.list_incidents() == []


def test_phase_follows_the_milestones() -> None:
    assert record(milestones={Milestone.DETECTED: T0}).phase is Phase.DETECTION
    marks = {Milestone.DETECTED: T0, Milestone.ACKNOWLEDGED: T0}
    assert record(milestones=marks).phase is Phase.TRIAGE
    assert record(milestones={**marks, Milestone.MITIGATED: T0}).phase is Phase.RESOLUTION


def test_report_timeline_leaves_out_deleted_and_hidden_events(
    store: Store, clock: FrozenClock
) -> None:
    incident = store.create_incident("x", 1, commander="Bob", actor="bob")
    kept = store.log_event(incident.id, "kept", actor="a", kind=EventKind.UPDATE)
    deleted = store.log_event(incident.id, "deleted", actor="a")
    hidden = store.log_event(incident.id, "hidden", actor="a")
    backdated = store.log_event(
        incident.id, "earlier", actor="a", occurred_at=T0 - timedelta(minutes=5)
    )
    store.delete_event(deleted.id)
    store.flag_event(hidden.id, hidden=True)
    store.flag_event(kept.id, starred=True)
    timeline = list(store.iter_timeline(incident.id, page=2))
    texts = [entry.text for entry in timeline]
    assert texts[0] == "earlier"
    assert texts[1].startswith("Incident declared")
    assert texts[2] == "kept"
    assert timeline[0] == TimelineEntry(
        backdated.occurred_at, "earlier", "a", EventKind.NOTE, False
    )
    assert timeline[2] == TimelineEntry(kept.occurred_at, "kept", "a", EventKind.UPDATE, True)
    assert timeline[2].at.tzinfo is not None
    assert len(timeline) == 3


def test_status_change_with_a_note_is_one_transaction(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="Bob", actor="bob")
    first = store.set_postmortem_status(incident.id, ReportStatus.IN_REVIEW, version=0, actor="bob")
    assert (first.status, first.version) == (ReportStatus.IN_REVIEW, 1)
    published = store.set_postmortem_status(
        incident.id,
        ReportStatus.PUBLISHED,
        version=1,
        actor="bob",
        note="Published despite 1 problem",
    )
    assert published.version == 2
    [note] = store.postmortem_notes(incident.id)
    assert (note.text, note.actor, note.at) == (
        "Published despite 1 problem",
        "bob",
        store.clock.now(),
    )
    assert store.last_event_of_kind(incident.id, EventKind.DECISION) is None  # not the incident's
    with pytest.raises(Conflict):
        store.set_postmortem_status(incident.id, ReportStatus.DRAFT, version=1, actor="bob")
    assert store.postmortem(incident.id).status is ReportStatus.PUBLISHED


def test_rename_an_incident(store: Store) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob", actor="bob")
    renamed = store.rename_incident(incident.id, "Checkout outage", base="Checkout down")
    assert renamed.title == store.get_incident(incident.id).title == "Checkout outage"
    assert renamed.version == incident.version + 1
    # someone else renamed it meanwhile: refused, with both titles
    with pytest.raises(Conflict) as raised:
        store.rename_incident(incident.id, "Checkout broken", base="Checkout down")
    assert (raised.value.current, raised.value.mine, raised.value.fields) == (
        "Checkout outage",
        "Checkout broken",
        ("title",),
    )
    assert store.get_incident(incident.id).title == "Checkout outage"
    # the same title as theirs is no conflict
    assert (
        store.rename_incident(incident.id, "Checkout outage", base="x").title == "Checkout outage"
    )
    with pytest.raises(BadInput, match="title must not be empty"):
        store.rename_incident(incident.id, "  ")
