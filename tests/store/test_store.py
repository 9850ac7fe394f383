"""The store against a real database (SQLite, and PostgreSQL when there is a server): every
field goes in and comes back."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import T0
from warroom.domain.clock import FrozenClock
from warroom.domain.errors import AlreadyDone, BadInput, Conflict, UnknownIncident
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    ActionStatus,
    ActionType,
    ContributingFactor,
    EventKind,
    FishboneCategory,
    PostMortem,
    Priority,
    ReportStatus,
    Role,
    Why,
)
from warroom.store import Store


def test_create_incident_round_trip(store: Store) -> None:
    incident = store.create_incident("Checkout down", 1, commander="Bob Chen", actor="bob")
    assert incident.key == "INC-1"
    again = store.get_incident(incident.id)
    assert again == incident
    assert again.title == "Checkout down"
    assert again.severity == 1
    assert again.phase is Phase.DETECTION
    assert again.commander == "Bob Chen"
    assert again.milestones == {Milestone.DETECTED: T0}
    assert again.detected_at.tzinfo is not None
    assert again.is_active
    changes = store.severity_changes(incident.id)
    assert [(c.old, c.new, c.at) for c in changes] == [(None, 1, T0)]
    (declared,) = store.events_after(incident.id)
    assert declared.kind is EventKind.PHASE
    assert "SEV-1" in declared.text
    assert "Bob Chen" in declared.text


def test_ids_count_up(store: Store) -> None:
    keys = [store.create_incident(f"i{n}", 2, commander="a", actor="a").key for n in range(3)]
    assert keys == ["INC-1", "INC-2", "INC-3"]
    assert [i.key for i in store.list_incidents()] == ["INC-3", "INC-2", "INC-1"]


def test_event_round_trip_every_field(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    clock.advance(timedelta(minutes=5))
    backdated = T0 + timedelta(minutes=1)
    text = "[red]literal[/red] \x1b[31m | `code` <b>html</b>\nline two 日本語"
    event = store.log_event(
        incident.id, text, actor="Alice", kind=EventKind.ALERT, occurred_at=backdated
    )
    stored = store.get_event(event.id)
    assert stored == event
    assert stored.text == text
    assert stored.actor == "Alice"
    assert stored.kind is EventKind.ALERT
    assert stored.occurred_at == backdated
    assert stored.recorded_at == T0 + timedelta(minutes=5)
    assert stored.occurred_at.tzinfo is not None
    assert (stored.edited_at, stored.deleted_at, stored.starred, stored.hidden) == (
        None,
        None,
        False,
        False,
    )


def test_log_refuses_unknown_incident_and_empty_text(store: Store) -> None:
    with pytest.raises(UnknownIncident, match="INC-9"):
        store.log_event(9, "text", actor="a")
    incident = store.create_incident("x", 2, commander="a", actor="a")
    with pytest.raises(BadInput):
        store.log_event(incident.id, "   ", actor="a")
    assert store.count_events(incident.id) == 1  # only the declaration


def test_the_newest_moment_is_the_latest_live_event(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    other = store.create_incident("y", 2, commander="a", actor="a")
    assert store.newest_moment(incident.id) == T0  # the declaration
    later = store.log_event(incident.id, "later", actor="a", occurred_at=T0 + timedelta(minutes=9))
    store.log_event(incident.id, "between", actor="a", occurred_at=T0 + timedelta(minutes=3))
    store.log_event(other.id, "elsewhere", actor="a", occurred_at=T0 + timedelta(minutes=20))
    newest = store.newest_moment(incident.id)
    assert newest == T0 + timedelta(minutes=9)
    assert newest is not None
    assert newest.tzinfo is not None
    store.delete_event(later.id)
    assert store.newest_moment(incident.id) == T0 + timedelta(minutes=3)
    assert store.newest_moment(99) is None


def test_timeline_order_and_keyset_paging(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    for minute in range(1, 11):
        clock.set(T0 + timedelta(minutes=minute))
        store.log_event(incident.id, f"e{minute}", actor="a")
    # a backdated event slots in by when it happened, not when it was typed
    store.log_event(incident.id, "late", actor="a", occurred_at=T0 + timedelta(seconds=150))
    texts = [e.text for e in store.iter_events(incident.id, page=3)]
    assert texts[1:5] == ["e1", "e2", "late", "e3"]
    assert len(texts) == 12
    first = store.events_after(incident.id, limit=4)
    following = store.events_after(incident.id, (first[-1].occurred_at, first[-1].id), limit=4)
    assert [e.text for e in first + following] == texts[:8]
    newest = store.events_before(incident.id, limit=3)
    assert [e.text for e in newest] == ["e8", "e9", "e10"]
    older = store.events_before(incident.id, (newest[0].occurred_at, newest[0].id), limit=2)
    assert [e.text for e in older] == ["e6", "e7"]
    assert store.count_events(incident.id) == 12


def test_edit_keeps_history_and_delete_is_soft(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    event = store.log_event(incident.id, "db cpu 59%", actor="alice")
    clock.advance(timedelta(minutes=1))
    edited = store.edit_event(
        event.id,
        actor="bob",
        text="db cpu 95%",
        kind=EventKind.ALERT,
        occurred_at=T0 - timedelta(minutes=2),
    )
    assert (edited.text, edited.kind, edited.edited_at) == (
        "db cpu 95%",
        EventKind.ALERT,
        T0 + timedelta(minutes=1),
    )
    (revision,) = store.event_revisions(event.id)
    assert (revision.text, revision.kind, revision.actor, revision.replaced_by) == (
        "db cpu 59%",
        EventKind.NOTE,
        "alice",
        "bob",
    )
    assert revision.occurred_at == T0
    store.delete_event(event.id)
    assert event.id not in [e.id for e in store.events_after(incident.id)]
    assert event.id in [e.id for e in store.events_after(incident.id, include_deleted=True)]
    assert store.get_event(event.id).deleted_at == T0 + timedelta(minutes=1)
    with pytest.raises(BadInput, match="deleted"):
        store.edit_event(event.id, actor="bob", text="again")
    store.delete_event(event.id, deleted=False)
    assert store.get_event(event.id).deleted_at is None


def test_flags_for_the_report(store: Store) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    event = store.log_event(incident.id, "found it", actor="a")
    store.flag_event(event.id, starred=True)
    store.flag_event(event.id, hidden=True)
    stored = store.get_event(event.id)
    assert (stored.starred, stored.hidden) == (True, True)


def test_severity_change_is_recorded(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 3, commander="a", actor="a")
    clock.advance(timedelta(minutes=7))
    change = store.change_severity(incident.id, 1, actor="bob")
    assert (change.old, change.new, change.at, change.actor) == (
        3,
        1,
        T0 + timedelta(minutes=7),
        "bob",
    )
    assert store.get_incident(incident.id).severity == 1
    event = store.last_event_of_kind(incident.id, EventKind.SEVERITY)
    assert event is not None
    assert "SEV-3 → SEV-1" in event.text
    with pytest.raises(AlreadyDone, match="already SEV-1"):  # a retry records nothing
        store.change_severity(incident.id, 1, actor="bob")
    with pytest.raises(BadInput):
        store.change_severity(incident.id, 7, actor="bob")
    assert len(store.severity_changes(incident.id)) == 2


def test_lifecycle_and_milestones(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    expected = {Milestone.DETECTED: T0}
    for minute, milestone in [
        (5, Milestone.ACKNOWLEDGED),  # -> Triage
        (6, None),  # -> Communication
        (7, None),  # -> Investigation
        (8, None),  # -> Mitigation
        (30, Milestone.MITIGATED),  # -> Resolution
    ]:
        clock.set(T0 + timedelta(minutes=minute))
        advanced = store.advance_phase(incident.id, actor="a")
        if milestone:
            expected[milestone] = T0 + timedelta(minutes=minute)
        assert advanced.milestones == expected
    assert advanced.phase is Phase.RESOLUTION
    clock.set(T0 + timedelta(minutes=47))
    resolved = store.resolve(incident.id, actor="a")
    assert resolved.phase is Phase.POSTMORTEM
    assert resolved.resolved_at == T0 + timedelta(minutes=47)
    assert not resolved.is_active
    with pytest.raises(AlreadyDone, match="already resolved"):
        store.resolve(incident.id, actor="a")
    with pytest.raises(BadInput, match="resolved: reopen it first"):
        store.advance_phase(incident.id, actor="a")
    phases = [e.text for e in store.iter_events(incident.id) if e.kind is EventKind.PHASE]
    assert phases[1:] == [
        "Moved to Triage (acknowledged)",
        "Moved to Communication",
        "Moved to Investigation",
        "Moved to Mitigation",
        "Moved to Resolution (mitigated)",
        "Incident resolved",
    ]


def test_resolving_early_records_resolution_only(store: Store, clock: FrozenClock) -> None:
    """What happened, nothing back-filled: the skipped steps stay not recorded (§8)."""
    incident = store.create_incident("x", 1, commander="a", actor="a")
    clock.advance(timedelta(minutes=20))
    resolved = store.resolve(incident.id, actor="a")
    assert resolved.milestones == {
        Milestone.DETECTED: T0,
        Milestone.RESOLVED: T0 + timedelta(minutes=20),
    }


def test_roles_and_ic_handover(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="Bob", actor="bob")
    store.assign_role(incident.id, Role.SCRIBE, "Carol", actor="bob")
    store.assign_role(incident.id, Role.EXPERT, "Dave", actor="bob")
    expert = store.assign_role(incident.id, Role.EXPERT, "Erin", actor="bob")
    clock.advance(timedelta(minutes=3))
    store.assign_role(incident.id, Role.COMMANDER, "Alice", actor="bob")
    assert store.get_incident(incident.id).commander == "Alice"
    current = {(r.role, r.person) for r in store.roles(incident.id)}
    assert current == {
        (Role.COMMANDER, "Alice"),
        (Role.SCRIBE, "Carol"),
        (Role.EXPERT, "Dave"),
        (Role.EXPERT, "Erin"),
    }
    history = store.roles(incident.id, include_released=True)
    bob = next(r for r in history if r.person == "Bob")
    assert bob.released_at == T0 + timedelta(minutes=3)
    handover = store.last_event_of_kind(incident.id, EventKind.ROLE)
    assert handover is not None
    assert handover.text == "Incident Commander handover: Bob → Alice"
    store.release_role(expert.id, actor="bob")
    assert (Role.EXPERT, "Erin") not in {(r.role, r.person) for r in store.roles(incident.id)}
    with pytest.raises(BadInput, match="already"):
        store.assign_role(incident.id, Role.EXPERT, "Dave", actor="bob")


def test_action_item_round_trip_and_conflict(store: Store, clock: FrozenClock) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    item = store.add_action_item(
        incident.id,
        "Add index verification to migration CI checks",
        actor="bob",
        type=ActionType.PREVENT,
        owner="Dave",
        priority=Priority.P0,
        due_date=date(2024, 3, 22),
        status=ActionStatus.IN_PROGRESS,
        ticket="PLAT-1234",
    )
    (stored,) = store.action_items(incident.id)
    assert stored == item
    assert (stored.type, stored.owner, stored.priority, stored.due_date, stored.status) == (
        ActionType.PREVENT,
        "Dave",
        Priority.P0,
        date(2024, 3, 22),
        ActionStatus.IN_PROGRESS,
    )
    assert stored.ticket == "PLAT-1234"
    minimal = store.add_action_item(incident.id, "Test rollbacks", actor="bob")
    assert (minimal.type, minimal.owner, minimal.priority, minimal.due_date) == (
        None,
        "",
        None,
        None,
    )
    clock.advance(timedelta(minutes=1))
    done = store.update_action_item(replace(item, status=ActionStatus.DONE), actor="bob")
    assert done.version == item.version + 1
    assert done.status is ActionStatus.DONE
    event = store.last_event_of_kind(incident.id, EventKind.ACTION)
    assert event is not None
    assert event.text.startswith("Action item done")
    # a second save from the old version is refused and shown what is stored now
    with pytest.raises(Conflict) as conflict:
        store.update_action_item(replace(item, owner="Someone else"), actor="carol")
    assert conflict.value.current == done
    assert store.action_items(incident.id)[0].owner == "Dave"


def test_postmortem_round_trip_and_conflict(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    empty = store.postmortem(incident.id)
    assert empty == PostMortem(incident_id=incident.id)
    report = PostMortem(
        incident_id=incident.id,
        report_id="PM-2024-007",
        report_date=date(2024, 3, 15),
        authors=("Bob Chen", "Alice Kim"),
        status=ReportStatus.IN_REVIEW,
        summary="The checkout service was unavailable for 47 minutes.",
        impact_duration="47 minutes (14:23 - 15:10 UTC)",
        users_affected=12500,
        revenue_impact="Estimated $85,000 in lost orders",
        sla_breached=True,
        root_cause="A migration added a column without an index.",
        contributing_factors=(
            ContributingFactor("No query performance testing", FishboneCategory.PROCESS),
            ContributingFactor("Pool limits too low"),
        ),
        what_went_well=("Alert fired within 3 minutes",),
        what_went_poorly=("Rollback plan failed",),
        lucky_breaks=("Business hours",),
        five_whys=(Why("Why was checkout down?", "Pool exhausted."),),
        version=0,
    )
    saved = store.save_postmortem(report)
    assert saved.version == 1
    assert store.postmortem(incident.id) == replace(report, version=1)
    second = store.save_postmortem(replace(saved, summary="Edited."))
    assert second.version == 2
    with pytest.raises(Conflict) as conflict:
        store.save_postmortem(replace(saved, summary="Stale edit."))
    assert isinstance(conflict.value.current, PostMortem)
    assert conflict.value.current.summary == "Edited."


def test_change_feed_grows_with_every_write(store: Store) -> None:
    start = store.last_change()
    incident = store.create_incident("x", 1, commander="a", actor="a")
    store.log_event(incident.id, "y", actor="a")
    changes = store.changes_since(start)
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert {c.entity for c in changes} >= {"incident", "event"}
    assert all(c.incident_id == incident.id for c in changes)
    assert store.last_change() == changes[-1].seq


def test_timestamps_are_utc_aware_even_from_another_zone(store: Store) -> None:
    from zoneinfo import ZoneInfo

    incident = store.create_incident("x", 1, commander="a", actor="a")
    berlin = datetime(2024, 3, 15, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    event = store.log_event(incident.id, "y", actor="a", occurred_at=berlin)
    stored = store.get_event(event.id)
    assert stored.occurred_at == datetime(2024, 3, 15, 14, 0, tzinfo=UTC)
    assert stored.occurred_at.utcoffset() == timedelta(0)


def test_log_many_is_all_or_nothing(store: Store) -> None:
    from warroom.store import NewEvent

    incident = store.create_incident("x", 1, commander="a", actor="a")
    stored = store.log_many(
        incident.id,
        (
            NewEvent(f"alert {n}", "monitor", T0 + timedelta(seconds=n), EventKind.ALERT)
            for n in range(12)
        ),
        batch=5,
    )
    assert stored == 12
    events = list(store.iter_events(incident.id))
    assert [e.text for e in events[1:]] == [f"alert {n}" for n in range(12)]
    assert all(e.kind is EventKind.ALERT for e in events[1:])
    with pytest.raises(BadInput):
        store.log_many(
            incident.id,
            [NewEvent("fine", "m", T0), NewEvent("  ", "m", T0)],
        )
    assert store.count_events(incident.id) == 13


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("before\x00after", r"contains a NUL character \(\\x00\), which cannot be stored"),
        ("bytes \udcff that were not UTF-8", "is not valid UTF-8"),
    ],
)
def test_text_no_database_can_keep_is_refused_everywhere(
    store: Store, bad: str, message: str
) -> None:
    """PostgreSQL refuses NUL in text; rather than keep it on SQLite only, or store something
    else than was typed, every database refuses it, and nothing is written."""
    incident = store.create_incident("x", 2, commander="a", actor="a")
    item = store.add_action_item(incident.id, "item", actor="a")
    before = store.last_change()
    writes = [
        lambda: store.create_incident(bad, 2, commander="a", actor="a"),
        lambda: store.create_incident("x", 2, commander=bad, actor="a"),
        lambda: store.log_event(incident.id, bad, actor="a"),
        lambda: store.log_event(incident.id, "ok", actor=bad),
        lambda: store.add_action_item(incident.id, "ok", actor="a", owner=bad),
        lambda: store.update_action_item(replace(item, ticket=bad), actor="a"),
        lambda: store.assign_role(incident.id, Role.SCRIBE, bad, actor="a"),
        lambda: store.save_postmortem(PostMortem(incident.id, lucky_breaks=("ok", bad))),
        lambda: store.save_postmortem(PostMortem(incident.id, five_whys=(Why("why?", bad),))),
        lambda: store.heartbeat(incident.id, bad, "session"),
    ]
    for write in writes:
        with pytest.raises(BadInput, match=message):
            write()
    assert store.last_change() == before
    assert len(store.list_incidents()) == 1


def test_control_characters_other_than_nul_are_kept(store: Store) -> None:
    incident = store.create_incident("x", 2, commander="a", actor="a")
    text = "bell \x07 escape \x1b[2J tab\t del \x7f rtl \u202e"
    assert store.get_event(store.log_event(incident.id, text, actor="a").id).text == text


def test_action_item_fields_edited_by_two_people_merge(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    loaded = store.add_action_item(incident.id, "Add index checks", actor="a")
    # Alice moves it to in-progress; Bob, from the same version, gives it an owner.
    alice = store.update_action_item(
        replace(loaded, status=ActionStatus.IN_PROGRESS), actor="alice", base=loaded
    )
    bob = store.update_action_item(replace(loaded, owner="Bob"), actor="bob", base=loaded)
    assert (bob.status, bob.owner, bob.version) == (ActionStatus.IN_PROGRESS, "Bob", 3)
    assert store.action_items(incident.id) == [bob]
    assert alice.version == 2
    # Carol, still from the first version, sets a different owner: that is a conflict.
    with pytest.raises(Conflict) as conflict:
        store.update_action_item(replace(loaded, owner="Carol"), actor="carol", base=loaded)
    assert conflict.value.fields == ("owner",)
    assert conflict.value.current == bob
    assert isinstance(conflict.value.mine, type(loaded))
    assert conflict.value.mine.owner == "Carol"
    assert "owner" in str(conflict.value)
    assert store.action_items(incident.id) == [bob]
    # Carol decides, from what is stored now.
    decided = store.update_action_item(replace(bob, owner="Carol"), actor="carol", base=bob)
    assert (decided.owner, decided.status, decided.version) == (
        "Carol",
        ActionStatus.IN_PROGRESS,
        4,
    )


def test_postmortem_fields_edited_by_two_people_merge(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    base = store.save_postmortem(PostMortem(incident.id, summary="Checkout was down."))
    alice = store.save_postmortem(replace(base, root_cause="A missing index."), base=base)
    bob = store.save_postmortem(
        replace(base, what_went_well=("Alert fired in 3 minutes",)), base=base
    )
    stored = store.postmortem(incident.id)
    assert stored == bob
    assert (stored.summary, stored.root_cause, stored.what_went_well, stored.version) == (
        "Checkout was down.",
        "A missing index.",
        ("Alert fired in 3 minutes",),
        3,
    )
    assert alice.version == 2
    # Carol, who loaded the first version too, writes a different root cause: the same field,
    # edited differently. Her save is told, gets both versions, and nothing is written.
    with pytest.raises(Conflict) as conflict:
        store.save_postmortem(replace(base, root_cause="Pool limits too low."), base=base)
    assert conflict.value.fields == ("root_cause",)
    assert conflict.value.current == stored
    assert isinstance(conflict.value.mine, PostMortem)
    assert conflict.value.mine.root_cause == "Pool limits too low."
    assert store.postmortem(incident.id) == stored


def test_first_saves_of_a_postmortem_from_two_editors_merge(store: Store) -> None:
    incident = store.create_incident("x", 1, commander="a", actor="a")
    empty = store.postmortem(incident.id)
    assert store.save_postmortem(replace(empty, summary="S"), base=empty).version == 1
    second = store.save_postmortem(replace(empty, root_cause="R"), base=empty)
    assert (second.summary, second.root_cause, second.version) == ("S", "R", 2)
    with pytest.raises(Conflict):  # without a base, any save in between is a conflict
        store.save_postmortem(replace(empty, lucky_breaks=("L",)))


def test_a_draft_is_kept_per_incident_person_and_kind_until_cleared(store: Store) -> None:
    from warroom.domain.model import DraftKind

    first = store.create_incident("Checkout down", 1, commander="Bob", actor="bob").id
    second = store.create_incident("Search slow", 3, commander="Ann", actor="ann").id
    assert store.draft(first, "bob", DraftKind.LOG) is None
    store.keep_draft(first, "bob", DraftKind.LOG, "db cpu 95%\npool exhausted")
    store.keep_draft(first, "bob", DraftKind.UPDATE, "Checkout is degraded.")
    store.keep_draft(first, "ann", DraftKind.LOG, "ann's line")
    store.keep_draft(second, "bob", DraftKind.LOG, "elsewhere")
    assert store.draft(first, "bob", DraftKind.LOG) == "db cpu 95%\npool exhausted"
    assert store.draft(first, "bob", DraftKind.UPDATE) == "Checkout is degraded."
    assert store.draft(first, "ann", DraftKind.LOG) == "ann's line"
    assert store.draft(second, "bob", DraftKind.LOG) == "elsewhere"
    store.keep_draft(first, "bob", DraftKind.LOG, "replaced")
    assert store.draft(first, "bob", DraftKind.LOG) == "replaced"
    store.keep_draft(first, "bob", DraftKind.LOG, "  ")
    assert store.draft(first, "bob", DraftKind.LOG) is None
    assert store.draft(first, "bob", DraftKind.UPDATE) == "Checkout is degraded."
