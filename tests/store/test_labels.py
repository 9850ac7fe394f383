"""Services and tags on incidents, and which active incidents a service names: on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from warroom.domain.errors import BadInput
from warroom.domain.incident_filter import parse_filter
from warroom.store import Store


def _declare(store: Store, title: str, *, services=(), tags=()) -> int:
    return store.create_incident(
        title, 2, commander="Bob Chen", actor="bob", services=services, tags=tags
    ).id


def test_services_and_tags_are_kept_in_order_each_once(store: Store) -> None:
    incident = _declare(
        store, "Checkout down", services=[" payments ", "checkout", "Payments"], tags=["db"]
    )
    got = store.get_incident(incident)
    assert (got.services, got.tags) == (("payments", "checkout"), ("db",))
    (listed,) = store.list_incidents()
    assert (listed.services, listed.tags) == (("payments", "checkout"), ("db",))


def test_setting_labels_replaces_only_what_is_given(store: Store) -> None:
    incident = _declare(store, "Checkout down", services=["payments"], tags=["db"])
    before = store.get_incident(incident).version
    changed = store.set_labels(incident, tags=["postgres", "index"])
    assert (changed.services, changed.tags) == (("payments",), ("postgres", "index"))
    assert changed.version == before + 1
    assert store.set_labels(incident, services=["payments"]).version == before + 1  # no change
    cleared = store.set_labels(incident, services=[], tags=[])
    assert (cleared.services, cleared.tags) == ((), ())


@pytest.mark.parametrize(
    ("services", "reason"),
    [
        (["  "], "a service must not be empty"),
        (["a,b"], "a comma separates services"),
        (["x" * 81], "at most 80 characters"),
        (["pay\x1b[31m"], "control character"),
    ],
)
def test_bad_labels_are_refused_and_nothing_is_written(
    store: Store, services: list[str], reason: str
) -> None:
    incident = _declare(store, "Checkout down", services=["payments"])
    before = store.last_change()
    with pytest.raises(BadInput, match=reason):
        store.set_labels(incident, services=services)
    with pytest.raises(BadInput, match=reason):
        _declare(store, "Another", services=services)
    assert store.last_change() == before
    assert store.get_incident(incident).services == ("payments",)
    assert len(store.list_incidents()) == 1


def test_active_incidents_by_service_leave_out_resolved_and_withdrawn_ones(
    store: Store,
) -> None:
    checkout = _declare(store, "Checkout down", services=["checkout", "payments"])
    search = _declare(store, "Search slow", services=["Search"])
    resolved = _declare(store, "Old checkout outage", services=["checkout"])
    store.resolve(resolved, actor="bob")
    mistaken = _declare(store, "Declared by mistake", services=["payments"])
    store.withdraw(mistaken, "a test page", actor="bob")
    assert store.active_incidents_by_service(["checkout", "SEARCH", "ledger"]) == {
        "checkout": [checkout],
        "SEARCH": [search],
    }
    other = _declare(store, "Payments errors", services=["payments"])
    assert store.active_incidents_by_service(["payments"]) == {"payments": [checkout, other]}
    assert store.active_incidents_by_service([]) == {}


# The home screen's list: filtered and paged by the store, as the domain's filter says.
HOME_FILTERS = (
    "",
    "sev:1",
    "sev:1,3 status:active",
    "status:resolved",
    "service:PAYMENTS",
    "tag:db status:active",
    "service:ledger,payments tag:kafka",
    "tag:nothing",
)


@pytest.mark.parametrize("text", HOME_FILTERS)
def test_the_home_list_is_what_the_filter_lets_through_active_first_then_a_page(
    store: Store, text: str
) -> None:
    labels = [(["Payments"], ["db"]), (["ledger"], ["kafka"]), ([], []), (["payments"], ["kafka"])]
    for n in range(16):
        services, tags = labels[n % 4]
        incident = store.create_incident(
            f"Incident {n}",
            1 + n % 4,
            commander="Bob Chen",
            actor="bob",
            services=services,
            tags=tags,
        )
        if n % 3 == 0:
            store.resolve(incident.id, actor="bob")
        if n == 7:
            store.withdraw(incident.id, "declared twice", actor="bob")
    wanted = parse_filter(text)
    every = [incident for incident in store.list_incidents() if not incident.withdrawn]
    matching = [incident for incident in every if wanted.matches(incident)]
    active = [incident.id for incident in matching if incident.is_active]
    ended = [incident.id for incident in matching if not incident.is_active]

    page = store.home_incidents(wanted, past=2)

    assert [incident.id for incident in page.incidents] == active + ended[:2]
    assert (page.matching, page.total) == (len(matching), len(every))
    listed = {incident.id: incident for incident in every}
    assert all(incident == listed[incident.id] for incident in page.incidents)  # read whole
