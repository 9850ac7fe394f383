"""Import, export, import again: every interface field comes back unchanged (HH:MM times as
full timestamps), through JSON and through TOML."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import T0, Database
from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.model import EventKind
from warroom.exporters import render
from warroom.exporters.importer import parse_postmortem
from warroom.services.reporting import ReportSettings, load_report
from warroom.store import Store

SETTINGS = ReportSettings(UpdateSchedule(), UTC)
LESSON = Path(__file__).parent.parent / "data" / "checkout-outage.json"

characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
text = st.text(characters, max_size=25)
name = text.map(str.strip).filter(bool)  # fields kept trimmed and never empty
optional = st.none()


@st.composite
def timelines(draw: st.DrawFn, day: date) -> tuple[list[dict[str, str]], list[str]]:
    """Entries in time order, some written as HH:MM; and the times the export must give."""
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 1439))
    )
    entries, expected = [], []
    previous = moment
    for index in range(draw(st.integers(0, 6))):
        if index:
            moment += timedelta(seconds=draw(st.integers(0, 30 * 3600)))
        gap_ok = moment - previous < timedelta(days=1)
        as_clock = moment.second == 0 and gap_ok and draw(st.booleans())
        time = moment.strftime("%H:%M") if as_clock else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        entries.append({"time": time, "event": draw(name), "actor": draw(name)})
        expected.append(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
        previous = moment
    return entries, expected


@st.composite
def postmortems(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    day = draw(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
    timeline, times = draw(timelines(day))
    dates = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat)
    items = st.fixed_dictionaries(
        {
            "description": name,
            "type": st.none() | st.sampled_from(["prevent", "detect", "mitigate"]),
            "owner": text.map(str.strip),
            "priority": st.none() | st.sampled_from(["P0", "P1", "P2"]),
            "dueDate": st.none() | dates,
            "status": st.sampled_from(["open", "in-progress", "done"]),
            "jiraTicket": text.map(str.strip),
        }
    )
    factors = draw(st.lists(name, max_size=4))
    document = {
        "id": draw(name),
        "title": draw(name),
        "date": day.isoformat(),
        "severity": draw(st.sampled_from(["SEV-1", "SEV-2", "SEV-3", "SEV-4"])),
        "incidentCommander": draw(name),
        "authors": draw(st.lists(name, max_size=3)),
        "status": draw(st.sampled_from(["draft", "in-review", "published"])),
        "summary": draw(text),
        "impact": {
            "duration": draw(name),  # empty would be filled from the milestones
            "usersAffected": draw(st.none() | st.integers(0, 10**12)),
            "revenueImpact": draw(text),
            "slaBreached": draw(st.none() | st.booleans()),
        },
        "timeline": timeline,
        "rootCause": draw(text),
        "contributingFactors": factors,
        "whatWentWell": draw(st.lists(name, max_size=3)),
        "whatWentPoorly": draw(st.lists(name, max_size=3)),
        "luckyBreaks": draw(st.lists(name, max_size=3)),
        "actionItems": draw(st.lists(items, max_size=3)),
        "fiveWhys": draw(
            st.lists(st.fixed_dictionaries({"question": name, "answer": text}), max_size=6)
        ),
    }
    if factors and draw(st.booleans()):
        categories = st.sampled_from(["People", "Process", "Technology", "Environment", ""])
        document["warroom"] = {
            "factorCategories": draw(
                st.lists(categories, min_size=len(factors), max_size=len(factors))
            )
        }
    if document["impact"]["usersAffected"] is None and draw(st.booleans()):
        document.setdefault("warroom", {})["usersAffectedUnknown"] = True
    if draw(st.booleans()):
        document.setdefault("warroom", {})["postmortemNotes"] = [
            {"at": f"{day.isoformat()}T23:59:00Z", "actor": draw(name), "text": draw(name)}
        ]
    return document, times


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("round-trip") / "warroom.db"
    with Store.open(str(path), FrozenClock(T0)) as opened:
        yield opened


def exported(store: Store, raw: bytes, suffix: str, *, as_format: str = "json") -> str:
    incident = store.import_incident(parse_postmortem(raw, "pm" + suffix, suffix=suffix))
    return render(load_report(store, incident.id, SETTINGS), as_format)


def interface(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "warroom"}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=postmortems())
def test_any_valid_postmortem_survives_a_round_trip(
    shared_store: Store, case: tuple[dict[str, Any], list[str]]
) -> None:
    document, times = case
    first = json.loads(exported(shared_store, json.dumps(document).encode(), ".json"))
    expected = {
        **document,
        "timeline": [{**e, "time": t} for e, t in zip(document["timeline"], times, strict=True)],
    }
    assert interface(first) == interface(expected)
    extra = document.get("warroom", {})
    if "factorCategories" in extra:
        assert first["warroom"]["factorCategories"] == extra["factorCategories"]
    assert first["warroom"]["usersAffectedUnknown"] is extra.get("usersAffectedUnknown", False)
    assert first["warroom"]["postmortemNotes"] == extra.get("postmortemNotes", [])
    again = json.loads(exported(shared_store, json.dumps(first).encode(), ".json"))
    toml = exported(shared_store, json.dumps(first).encode(), ".json", as_format="toml")
    through_toml = json.loads(exported(shared_store, toml.encode(), ".toml"))
    for result in (again, through_toml):
        result["warroom"].pop("incident")
    first["warroom"].pop("incident")
    assert again == first
    assert through_toml == first


def test_the_lessons_example_comes_back_unchanged(shared_store: Store) -> None:
    original = json.loads(LESSON.read_text())
    result = json.loads(exported(shared_store, LESSON.read_bytes(), ".json"))
    assert [entry["time"] for entry in result["timeline"]][:2] == [
        "2024-03-15T14:15:00Z",
        "2024-03-15T14:20:00Z",
    ]
    for entry in original["timeline"]:
        entry["time"] = f"2024-03-15T{entry['time']}:00Z"
    assert interface(result) == original


def test_a_live_incident_round_trips_with_everything_warroom_keeps(tmp_path: Path) -> None:
    from dataclasses import replace

    from warroom.domain.model import ContributingFactor, EventKind, FishboneCategory, Role

    clock = FrozenClock(T0)
    with Store.open(str(tmp_path / "live.db"), clock) as store:
        incident = store.create_incident(
            "Checkout down",
            3,
            commander="Bob Chen",
            actor="bob",
            services=["checkout", "payments"],
            tags=["postgres"],
        )
        clock.advance(timedelta(minutes=2))
        store.advance_phase(incident.id, actor="bob")
        store.assign_role(incident.id, Role.SCRIBE, "Carol", actor="bob")
        clock.advance(timedelta(minutes=3))
        store.change_severity(incident.id, 1, actor="bob")
        found = store.log_event(incident.id, "found the index | `orders`", actor="Dave")
        store.flag_event(found.id, starred=True)
        hidden = store.log_event(incident.id, "lunch order", actor="Dave")
        store.flag_event(hidden.id, hidden=True)
        deleted = store.log_event(incident.id, "typo", actor="Dave")
        store.delete_event(deleted.id)
        clock.advance(timedelta(minutes=40))
        store.log_event(incident.id, "Update: fixed", actor="Bob Chen", kind=EventKind.UPDATE)
        store.assign_role(incident.id, Role.COMMANDER, "Alice Kim", actor="bob")
        clock.advance(timedelta(minutes=2))
        store.resolve(incident.id, actor="bob")
        report = store.postmortem(incident.id)
        store.save_postmortem(
            replace(
                report,
                contributing_factors=(
                    ContributingFactor("No index check", FishboneCategory.PROCESS),
                    ContributingFactor("Pool too small"),
                ),
            )
        )
        first = json.loads(render(load_report(store, incident.id, SETTINGS), "json"))
        extra = first["warroom"]
        assert first["severity"] == "SEV-1"
        assert first["incidentCommander"] == "Alice Kim"
        assert "lunch order" not in json.dumps(first)
        assert "typo" not in json.dumps(first)
        assert extra["factorCategories"] == ["Process", ""]
        assert (extra["services"], extra["tags"]) == (["checkout", "payments"], ["postgres"])
        kinds = {entry["index"]: (entry["kind"], entry["starred"]) for entry in extra["timeline"]}
        events = [entry["event"] for entry in first["timeline"]]
        assert kinds[events.index("found the index | `orders`")] == ("note", True)
        assert kinds[events.index("Update: fixed")] == ("update", False)
        assert [(c["from"], c["to"]) for c in extra["severityHistory"]] == [
            (None, "SEV-3"),
            ("SEV-3", "SEV-1"),
        ]
        assert [(r["role"], r["person"], r["releasedAt"] is None) for r in extra["roles"]] == [
            ("commander", "Bob Chen", False),
            ("scribe", "Carol", True),
            ("commander", "Alice Kim", True),
        ]
        assert extra["milestones"]["acknowledged"] == "2024-03-15T14:25:00Z"
        assert extra["metrics"]["secondsAtSeverity"] == {"SEV-1": 2520, "SEV-3": 300}
        assert extra["metrics"]["updatesPosted"] == 1
        again = json.loads(exported(store, json.dumps(first).encode(), ".json"))
        through_toml = json.loads(
            exported(
                store, render(load_report(store, incident.id, SETTINGS), "toml").encode(), ".toml"
            )
        )
        imported = store.list_incidents()[0]
        assert (imported.services, imported.tags) == (("checkout", "payments"), ("postgres",))
    for result in (first, again, through_toml):
        result["warroom"].pop("incident")
    assert again == first
    assert through_toml == first


def test_times_with_a_fraction_of_a_second_round_trip(database: Database) -> None:
    """Events logged a few milliseconds apart keep their times, and so their order, through
    export and import, in JSON and TOML, on both databases."""
    clock = FrozenClock(T0 + timedelta(microseconds=250_000))
    with Store.open(database.location, clock) as store:
        incident = store.create_incident("Checkout down", 2, commander="Bob Chen", actor="bob")
        for n in range(3):
            clock.advance(timedelta(microseconds=1_500))
            store.log_event(incident.id, f"alert {n}", actor="Monitoring", kind=EventKind.ALERT)
        clock.advance(timedelta(seconds=90, microseconds=7))
        store.resolve(incident.id, actor="bob")
        first = json.loads(render(load_report(store, incident.id, SETTINGS), "json"))
        toml = render(load_report(store, incident.id, SETTINGS), "toml")
        again = json.loads(exported(store, json.dumps(first).encode(), ".json"))
        through_toml = json.loads(exported(store, toml.encode(), ".toml"))
    times = [entry["time"] for entry in first["timeline"]]
    assert times[1:4] == [
        "2024-03-15T14:23:00.251500Z",
        "2024-03-15T14:23:00.253000Z",
        "2024-03-15T14:23:00.254500Z",
    ]
    assert first["warroom"]["milestones"]["resolved"] == "2024-03-15T14:24:30.254507Z"
    assert "time = 2024-03-15 14:23:00.251500+00:00" in toml
    for result in (first, again, through_toml):
        result["warroom"].pop("incident")
    assert again == first
    assert through_toml == first
