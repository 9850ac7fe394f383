"""Full-text search on each database's own index (SQLite FTS5, PostgreSQL tsvector), kept in
step with every write: on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.conftest import T0
from warroom.domain.errors import BadInput
from warroom.domain.model import EventKind
from warroom.domain.search import SearchKind
from warroom.store import Store
from warroom.store.timeline import NewEvent


def _declare(store: Store, title: str) -> int:
    return store.create_incident(title, 2, commander="Bob Chen", actor="bob").id


def _found(store: Store, query: str, **options: object) -> list[tuple[str, int, str]]:
    return [(hit.kind.value, hit.ref_id, hit.text) for hit in store.search(query, **options)]


def test_an_event_is_found_once_logged_by_its_new_text_once_edited_and_not_once_deleted(
    store: Store,
) -> None:
    incident = _declare(store, "Checkout down")
    event = store.log_event(incident, "connection pool exhausted on orders-db", actor="Alice")
    assert _found(store, "pool exhausted") == [("event", event.id, event.text)]
    store.edit_event(event.id, text="replica lag on orders-db", actor="Alice")
    assert _found(store, "exhausted") == []
    assert _found(store, "replica lag") == [("event", event.id, "replica lag on orders-db")]
    store.flag_event(event.id, starred=True)
    assert len(_found(store, "replica")) == 1  # re-indexed, not indexed twice
    store.delete_event(event.id)
    assert _found(store, "replica") == []
    store.delete_event(event.id, deleted=False)
    assert _found(store, "replica") == [("event", event.id, "replica lag on orders-db")]


def test_titles_action_items_and_postmortems_are_found_and_follow_their_edits(
    store: Store,
) -> None:
    incident = _declare(store, "Payments queue backed up")
    assert _found(store, "payments") == [("incident", incident, "Payments queue backed up")]
    store.rename_incident(incident, "Ledger consumers stalled")
    assert _found(store, "payments") == []
    assert [hit.field for hit in store.search("ledger")] == ["title"]
    item = store.add_action_item(incident, "Alert on consumer lag", actor="bob")
    actions = [SearchKind.ACTION]  # (opening it is also a timeline event)
    assert _found(store, "consumer lag", kinds=actions) == [
        ("action", item.id, "Alert on consumer lag")
    ]
    store.update_action_item(replace(item, description="Page on partition skew"), actor="bob")
    assert _found(store, "consumer lag", kinds=actions) == []
    assert _found(store, "skew", kinds=actions) == [("action", item.id, "Page on partition skew")]
    report = store.postmortem(incident)
    store.save_postmortem(
        replace(
            report,
            summary="Consumers stopped for 40 minutes.",
            root_cause="A rebalance storm after a deploy",
            what_went_poorly=("paging was slow", "no dashboard"),
        )
    )
    assert [(hit.kind, hit.field) for hit in store.search("rebalance storm")] == [
        (SearchKind.POSTMORTEM, "rootCause")
    ]
    assert [hit.field for hit in store.search("dashboard")] == ["whatWentPoorly"]
    store.save_postmortem(replace(store.postmortem(incident), root_cause="a config push"))
    assert _found(store, "rebalance") == []


def test_bulk_appends_and_imports_are_indexed(store: Store) -> None:
    incident = _declare(store, "Alert flood")
    store.log_event(incident, "first by hand", actor="bob")
    stored = store.log_many(
        incident,
        [
            NewEvent(f"disk full on node-{n}", "Monitoring", T0 + timedelta(seconds=n))
            for n in range(30)
        ],
    )
    assert stored == 30
    hits = store.search("disk full", limit=100)
    assert len(hits) == 30
    assert len({hit.ref_id for hit in hits}) == 30
    assert len(store.search("hand")) == 1


def test_more_of_the_query_ranks_higher_and_titles_count_double(store: Store) -> None:
    lag = _declare(store, "Replica lag")
    other = _declare(store, "Search slow")
    once = store.log_event(other, "some replica lag seen", actor="bob")
    ranked = store.search("replica lag")
    assert [(hit.kind, hit.ref_id) for hit in ranked] == [
        (SearchKind.INCIDENT, lag),
        (SearchKind.EVENT, once.id),
    ]
    assert ranked[0].rank < ranked[1].rank


def test_kinds_incident_and_event_kinds_narrow_the_search(store: Store) -> None:
    checkout = _declare(store, "Checkout errors")
    other = _declare(store, "Search errors")
    alert = store.log_event(checkout, "errors above 5%", actor="Grafana", kind=EventKind.ALERT)
    note = store.log_event(checkout, "errors are from one pod", actor="Alice")
    store.log_event(other, "errors in the indexer", actor="Alice")
    assert {hit.kind for hit in store.search("errors", kinds=[SearchKind.INCIDENT])} == {
        SearchKind.INCIDENT
    }
    in_checkout = store.search("errors", incident_id=checkout, kinds=[SearchKind.EVENT])
    assert {hit.ref_id for hit in in_checkout} == {alert.id, note.id}
    alerts = store.search("errors", incident_id=checkout, event_kinds=[EventKind.ALERT])
    assert [(hit.event_id, hit.event_kind) for hit in alerts] == [(alert.id, EventKind.ALERT)]
    assert alerts[0].occurred_at == alert.occurred_at


def test_pages_follow_on_without_repeats(store: Store) -> None:
    incident = _declare(store, "Flapping health check")
    for n in range(12):
        store.log_event(incident, f"health check flapped {'again ' * n}", actor="bob")
    everything = store.search("flapped", limit=100)
    pages, after = [], None
    while True:
        page = store.search("flapped", limit=5, after=after)
        if not page:
            break
        pages += page
        after = (page[-1].rank, page[-1].entry_id)
    assert [hit.entry_id for hit in pages] == [hit.entry_id for hit in everything]
    assert len(pages) == 12


def test_withdrawn_incidents_are_found_and_marked(store: Store) -> None:
    incident = _declare(store, "Test page, not an incident")
    store.withdraw(incident, "declared by mistake", actor="bob")
    (hit,) = store.search("test page")
    assert hit.withdrawn


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unclosed phrase',
        "*",
        "db*",
        "NEAR(a b)",
        "a AND OR NOT b",
        "col:value",
        "-minus +plus",
        "^start",
        "a & b | !c <-> d:*",
        "'single' \\back",
        "()[]{}",
        "95%",
        "😀 emoji",
    ],
)
def test_query_syntax_typed_by_a_person_is_only_text(store: Store, query: str) -> None:
    incident = _declare(store, "Checkout down")
    store.log_event(incident, "db cpu 95% NEAR(a b) col:value", actor="bob")
    store.search(query)  # no error, whatever the characters
    store.search(query, incident_id=incident, event_kinds=[EventKind.NOTE])


def test_an_empty_query_finds_nothing_and_bad_limits_are_refused(store: Store) -> None:
    _declare(store, "Checkout down")
    assert store.search("") == []
    assert store.search("  ... !! ") == []
    with pytest.raises(BadInput, match="bad limit 0"):
        store.search("checkout", limit=0)
    with pytest.raises(BadInput, match="too long"):
        store.search("x" * 501)


def test_short_words_match_whole_longer_ones_also_as_a_start(store: Store) -> None:
    incident = _declare(store, "Checkout down")
    whole = store.log_event(incident, "db is slow", actor="bob")
    store.log_event(incident, "dbs are fine", actor="bob")
    longer = store.log_event(incident, "migration deployed", actor="bob")
    assert [hit.ref_id for hit in store.search("db", kinds=[SearchKind.EVENT])] == [whole.id]
    assert [hit.ref_id for hit in store.search("migr", kinds=[SearchKind.EVENT])] == [longer.id]


def test_a_huge_event_is_stored_whole_and_found_by_its_beginning(store: Store) -> None:
    """A pasted log of 2 MB of distinct words: PostgreSQL indexes its first 100,000
    characters (a tsvector holds at most 1 MB), SQLite all of it; the event is kept whole."""
    incident = _declare(store, "Log flood")
    text = "stacktrace begins " + " ".join(f"{n:x}q" for n in range(300_000))
    event = store.log_event(incident, text, actor="bob")
    assert store.get_event(event.id).text == text
    assert [hit.ref_id for hit in store.search("stacktrace begins")] == [event.id]
