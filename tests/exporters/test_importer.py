"""Reading post-mortem files: every problem listed by its path, HH:MM times placed in order."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from warroom.domain.lifecycle import Milestone
from warroom.domain.model import ActionType, EventKind, FishboneCategory, ReportStatus, Role
from warroom.exporters.importer import InvalidPostMortem, parse_postmortem, read_postmortem

LESSON = Path(__file__).parent.parent / "data" / "checkout-outage.json"


def lesson() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LESSON.read_text())
    return data


def problems(document: object, *, suffix: str = ".json") -> list[str]:
    raw = json.dumps(document).encode() if suffix == ".json" else tomli_w.dumps(document).encode()  # type: ignore[arg-type]
    with pytest.raises(InvalidPostMortem) as invalid:
        parse_postmortem(raw, "pm" + suffix, suffix=suffix)
    count = len(invalid.value.details)
    assert (
        str(invalid.value)
        == f"pm{suffix} is not a valid post-mortem ({count} problem{'s' if count > 1 else ''})"
    )
    return invalid.value.details


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_lessons_example_reads_whole() -> None:
    record = read_postmortem(LESSON)
    assert record.title == "Checkout Service Outage - March 15, 2024"
    assert record.severity == 1
    assert record.postmortem.report_id == "PM-2024-007"
    assert record.postmortem.report_date == date(2024, 3, 15)
    assert record.postmortem.status is ReportStatus.PUBLISHED
    assert record.postmortem.users_affected == 12500
    assert record.postmortem.sla_breached is True
    assert len(record.events) == 12
    assert record.events[0].occurred_at == utc(2024, 3, 15, 14, 15)
    assert record.events[-1].occurred_at == utc(2024, 3, 15, 15, 10)
    assert record.action_items[0].type is ActionType.PREVENT
    assert record.action_items[1].due_date == date(2024, 3, 18)
    # Without warroom data: detected at the first entry, resolved at the last.
    assert record.milestones == {
        Milestone.DETECTED: utc(2024, 3, 15, 14, 15),
        Milestone.RESOLVED: utc(2024, 3, 15, 15, 10),
    }
    assert [(r.role, r.person) for r in record.roles] == [(Role.COMMANDER, "Bob Chen")]
    assert [(c.old, c.new) for c in record.severity_history] == [(None, 1)]


def test_every_problem_is_listed_by_its_path() -> None:
    document = lesson()
    del document["title"]
    document["severity"] = 1
    document["incidentComander"] = "typo"
    document["impact"]["usersAffected"] = "12500"
    document["timeline"][2]["time"] = "25:00"
    document["timeline"][3]["actor"] = " "
    document["actionItems"][0]["type"] = "fix"
    document["actionItems"][1]["dueDate"] = "2024-13-01"
    document["fiveWhys"][0] = "Why?"
    assert problems(document) == [
        "title: missing",
        "severity: must be one of SEV-1, SEV-2, SEV-3, SEV-4 (not 1)",
        'impact.usersAffected: must be a whole number (not "12500")',
        'timeline[2].time: no such time of day (not "25:00")',
        'timeline[3].actor: must not be empty (not " ")',
        'actionItems[0].type: must be one of prevent, detect, mitigate (not "fix")',
        'actionItems[1].dueDate: must be a date, YYYY-MM-DD (not "2024-13-01")',
        'fiveWhys[0]: must be an object (a table in TOML) (not "Why?")',
        "incidentComander: unknown key",
    ]


def test_numbers_too_large_to_store_and_an_empty_choice_are_problems_too() -> None:
    document = lesson()
    document["impact"]["usersAffected"] = 2**63  # one past SQL's BIGINT
    document["warroom"] = {"factorCategories": ["Process", "Bogus", "", "People"]}
    assert problems(document) == [
        "impact.usersAffected: is too large (not 9223372036854775808)",
        "warroom.factorCategories[1]: must be one of People, Process, Technology, Environment, "
        '"" (not "Bogus")',
    ]
    document = lesson()
    document["impact"]["usersAffected"] = 2**63 - 1
    assert parse_postmortem(json.dumps(document).encode(), "pm.json").postmortem.users_affected


@pytest.mark.parametrize(
    ("raw", "suffix", "expected"),
    [
        (
            b"{ not json",
            ".json",
            "(file): not valid JSON: Expecting property name enclosed in "
            "double quotes (line 1 column 3)",
        ),
        (b'{"title": "a", "title": "b"}', ".json", '(file): not valid JSON: duplicate key "title"'),
        (b"[1, 2]", ".json", "(file): must be an object of post-mortem fields"),
        (b"title = ", ".toml", "(file): not valid TOML: Invalid value (at end of document)"),
        (b"\xff\xfe", ".json", "(file): not UTF-8 text (byte 0)"),
        (b'{"title": "\\ud800"}', "", None),
        (b"[" * 100_000 + b"]" * 100_000, ".json", "(file): nested too deeply"),
    ],
)
def test_unreadable_files(raw: bytes, suffix: str, expected: str | None) -> None:
    with pytest.raises(InvalidPostMortem) as invalid:
        parse_postmortem(raw, "pm", suffix=suffix)
    if expected is not None:
        assert invalid.value.details == [expected]
    else:
        assert invalid.value.details[0].startswith("title: must not contain unpaired surrogates")


def test_hh_mm_times_roll_over_midnight() -> None:
    document = lesson()
    document["date"] = "2024-03-15"
    document["timeline"] = [
        {"time": "23:50", "event": "alert", "actor": "Monitoring"},
        {"time": "23:55", "event": "paged", "actor": "Bob"},
        {"time": "00:10", "event": "rolled back", "actor": "Dave"},
        {"time": "00:10", "event": "same minute", "actor": "Dave"},
        {"time": "2024-03-16T06:00:00+01:00", "event": "iso with an offset", "actor": "Dave"},
        {"time": "05:30", "event": "the next morning", "actor": "Bob"},
        {"time": "04:00:30", "event": "a day later", "actor": "Bob"},
    ]
    moments = [
        event.occurred_at for event in parse_postmortem(json.dumps(document).encode(), "x").events
    ]
    assert moments == [
        utc(2024, 3, 15, 23, 50),
        utc(2024, 3, 15, 23, 55),
        utc(2024, 3, 16, 0, 10),
        utc(2024, 3, 16, 0, 10),
        utc(2024, 3, 16, 5, 0),
        utc(2024, 3, 16, 5, 30),
        utc(2024, 3, 17, 4, 0, 30),
    ]


def test_iso_times_must_be_in_order() -> None:
    document = lesson()
    document["timeline"][5]["time"] = "2024-03-15T14:00:00Z"
    assert problems(document) == [
        "timeline[5].time: earlier than the entry before it (the timeline must be in time order)"
    ]


def test_toml_with_native_dates_and_missing_nulls() -> None:
    document = lesson()
    document["date"] = date(2024, 3, 15)
    document["actionItems"][0]["dueDate"] = date(2024, 3, 22)
    del document["actionItems"][1]["dueDate"]  # TOML: absent means null
    del document["impact"]["usersAffected"]
    document["timeline"][0]["time"] = utc(2024, 3, 15, 14, 15)
    raw = tomli_w.dumps(document).encode()
    record = parse_postmortem(raw, "pm.toml", suffix=".toml")
    assert record.action_items[0].due_date == date(2024, 3, 22)
    assert record.action_items[1].due_date is None
    assert record.postmortem.users_affected is None
    assert record.events[0].occurred_at == utc(2024, 3, 15, 14, 15)
    # TOML is recognised by its content too
    assert parse_postmortem(raw, "pm", suffix="").title == record.title


def test_warroom_data_is_read_back() -> None:
    document = lesson()
    document["warroom"] = {
        "incident": "INC-9",
        "factorCategories": ["Process", "", "Technology", "Process"],
        "timeline": [{"index": 2, "kind": "alert"}, {"index": 5, "starred": True}],
        "milestones": {
            "detected": "2024-03-15T14:23:00Z",
            "acknowledged": "2024-03-15T14:25:00Z",
            "mitigated": None,
            "resolved": "2024-03-15T15:10:00Z",
        },
        "severityHistory": [
            {"at": "2024-03-15T14:23:00Z", "from": None, "to": "SEV-2", "actor": "Bob"},
            {"at": "2024-03-15T14:30:00Z", "from": "SEV-2", "to": "SEV-1", "actor": "Bob"},
        ],
        "roles": [
            {"role": "commander", "person": "Bob Chen", "assignedAt": "2024-03-15T14:25:00Z"},
            {
                "role": "scribe",
                "person": "Carol",
                "assignedAt": "2024-03-15T14:26:00Z",
                "releasedAt": "2024-03-15T15:00:00Z",
            },
        ],
        "metrics": {"anything": "ignored"},
    }
    record = parse_postmortem(json.dumps(document).encode(), "x")
    factors = record.postmortem.contributing_factors
    assert [f.category for f in factors] == [
        FishboneCategory.PROCESS,
        None,
        FishboneCategory.TECHNOLOGY,
        FishboneCategory.PROCESS,
    ]
    assert record.events[2].kind is EventKind.ALERT
    assert record.events[5].starred
    assert record.events[0].kind is EventKind.NOTE
    assert record.milestones == {
        Milestone.DETECTED: utc(2024, 3, 15, 14, 23),
        Milestone.ACKNOWLEDGED: utc(2024, 3, 15, 14, 25),
        Milestone.RESOLVED: utc(2024, 3, 15, 15, 10),
    }
    assert [(c.old, c.new) for c in record.severity_history] == [(None, 2), (2, 1)]
    assert [r.person for r in record.roles] == ["Bob Chen", "Carol"]


def test_warroom_cross_references_are_checked() -> None:
    document = lesson()
    document["warroom"] = {
        "factorCategories": ["Process"],
        "timeline": [{"index": 40}, {"index": 1}, {"index": 1, "kind": "alert"}],
        "milestones": {"detected": "2024-03-15T14:23:00Z", "resolved": "2024-03-15T14:00:00Z"},
        "severityHistory": [
            {"at": "2024-03-15T14:23:00Z", "from": "SEV-3", "to": "SEV-2", "actor": "Bob"},
            {"at": "2024-03-15T14:20:00Z", "from": "SEV-3", "to": "SEV-1", "actor": "Bob"},
        ],
        "roles": [{"role": "commander", "person": "Alice", "assignedAt": "2024-03-15T14:25:00Z"}],
    }
    assert problems(document) == [
        "warroom.timeline[0].index: no timeline entry 40",
        "warroom.timeline[2].index: entry 1 is described twice",
        "warroom.factorCategories: 1 categories for 4 contributing factors",
        "warroom.milestones.resolved: earlier than the milestone before it",
        "warroom.severityHistory[0].from: the first entry is the declaration: no from",
        "warroom.severityHistory[1].from: must be SEV-2, the severity before it",
        "warroom.severityHistory[1].at: earlier than the change before it",
        'warroom.roles: the one current commander must be "Bob Chen" (incidentCommander), '
        'not "Alice"',
    ]


def test_a_minimal_file_is_a_draft() -> None:
    minimal = {
        "title": "Search slow",
        "date": "2024-05-02",
        "severity": "SEV-3",
        "incidentCommander": "Alice",
    }
    record = parse_postmortem(json.dumps(minimal).encode(), "x")
    assert record.postmortem.status is ReportStatus.DRAFT
    assert record.postmortem.report_id == ""
    assert record.events == ()
    assert record.milestones == {
        Milestone.DETECTED: utc(2024, 5, 2),
        Milestone.RESOLVED: utc(2024, 5, 2),
    }


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    from warroom.domain.errors import BadInput

    with pytest.raises(BadInput, match=r"cannot read .*nope\.json: No such file or directory"):
        read_postmortem(tmp_path / "nope.json")


# ---- numbers and times out of range: refused where they are --------------------------------

HUGE = "9" * 5001  # more digits than Python converts to an int by default (4,300)


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_number_of_thousands_of_digits_is_too_large_where_it_is(suffix: str) -> None:
    document = lesson()
    document["impact"]["usersAffected"] = 12500
    document["warroom"] = {"timeline": [{"index": 7, "kind": "alert"}]}
    if suffix == ".json":
        raw = json.dumps(document).replace("12500", HUGE).replace(": 7,", f": -{HUGE},")
    else:
        raw = tomli_w.dumps(document).replace("12500", HUGE).replace("= 7,", f"= -{HUGE},")
    with pytest.raises(InvalidPostMortem) as invalid:
        parse_postmortem(raw.encode(), "pm" + suffix, suffix=suffix)
    assert invalid.value.details == [
        "impact.usersAffected: is too large (a number of 5,001 digits)",
        "warroom.timeline[0].index: is too large (a number of 5,001 digits)",
    ]


def test_huge_numbers_are_shown_by_their_length_wherever_they_are_refused() -> None:
    raw = json.dumps({**lesson(), "title": 1}).replace('"title": 1', f'"title": {HUGE}')
    with pytest.raises(InvalidPostMortem) as invalid:
        parse_postmortem(raw.encode(), "pm.json")
    assert invalid.value.details == ["title: must be text (not a number of 5,001 digits)"]
    document = lesson()
    document["impact"]["usersAffected"] = 10**30
    assert problems(document) == ["impact.usersAffected: is too large (not a number of 31 digits)"]


def test_a_huge_number_in_toml_text_that_is_not_a_value_is_not_valid_toml() -> None:
    raw = f'title = "x"\nsummary = "{HUGE}"\nusersAffected = {HUGE}\n'
    with pytest.raises(InvalidPostMortem) as invalid:
        parse_postmortem(raw.encode(), "pm.toml", suffix=".toml")
    assert invalid.value.details == ["(file): not valid TOML: an integer of more than 4,300 digits"]


OUT_OF_RANGE = "is out of range: dates and times must be from 1900-01-01 to 9998-12-31 (UTC)"


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+01:00",  # the year 0 in UTC
        "9999-12-31T23:59:59-01:00",  # the year 10000 in UTC
        "9999-12-31T23:00:00Z",  # no room for a deadline 48 hours on
        "1899-12-31T23:59:59Z",
    ],
)
def test_times_out_of_range_are_refused_where_they_are(moment: str) -> None:
    document = lesson()
    document["timeline"][3]["time"] = moment
    document["warroom"] = {"milestones": {"detected": moment}}
    assert problems(document) == [
        f'timeline[3].time: {OUT_OF_RANGE} (not "{moment}")',
        f'warroom.milestones.detected: {OUT_OF_RANGE} (not "{moment}")',
    ]


def test_toml_times_and_dates_out_of_range_are_refused_too() -> None:
    document = lesson()
    document["date"] = date(9999, 12, 31)
    document["timeline"] = [
        {"time": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "event": "a", "actor": "b"}
    ]
    document["actionItems"][0]["dueDate"] = date(1, 1, 1)
    assert problems(document, suffix=".toml") == [
        f"date: {OUT_OF_RANGE}",
        f"timeline[0].time: {OUT_OF_RANGE}",
        f"actionItems[0].dueDate: {OUT_OF_RANGE}",
    ]


def test_a_timeline_that_rolls_over_past_the_last_day_is_refused() -> None:
    document = {**lesson(), "date": "9998-12-31"}
    document["timeline"] = [
        {"time": "23:50", "event": "late", "actor": "Bob"},
        {"time": "00:10", "event": "later", "actor": "Bob"},
    ]
    assert problems(document) == [
        "timeline[1].time: on the next day, after 9998-12-31, the last day an import may hold"
    ]
    document["date"] = "9998-12-30"
    record = parse_postmortem(json.dumps(document).encode(), "pm.json")
    assert record.events[1].occurred_at == utc(9998, 12, 31, 0, 10)


def test_times_keep_their_fraction_of_a_second() -> None:
    document = lesson()
    document["timeline"][0]["time"] = "2024-03-15T14:15:00.25Z"
    document["timeline"][1]["time"] = "2024-03-15T15:20:00.000001+01:00"
    record = parse_postmortem(json.dumps(document).encode(), "pm.json")
    assert record.events[0].occurred_at == datetime(2024, 3, 15, 14, 15, 0, 250000, tzinfo=UTC)
    assert record.events[1].occurred_at == datetime(2024, 3, 15, 14, 20, 0, 1, tzinfo=UTC)
    assert record.milestones[Milestone.DETECTED] == record.events[0].occurred_at


# ---- what import reads: a regular file, at most 64 MiB ------------------------------------


def test_a_directory_is_not_read_and_a_link_is_followed(tmp_path: Path) -> None:
    """(FIFOs and devices: tests/reliability/test_import_limits.py, in processes of their own.)"""
    from warroom.domain.errors import BadInput

    with pytest.raises(BadInput, match=r"is a directory: import reads a post-mortem file"):
        read_postmortem(tmp_path)
    link = tmp_path / "link.json"
    link.symlink_to(LESSON)
    assert read_postmortem(link).title == "Checkout Service Outage - March 15, 2024"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from warroom.domain.errors import BadInput

    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)  # sparse: nothing is written
    with pytest.raises(BadInput, match=r"big\.json is larger than 64 MiB, the most import reads"):
        read_postmortem(big)
    with big.open("wb") as handle:
        handle.write(LESSON.read_bytes().ljust(64 * 1024 * 1024))  # at the limit: read
    assert read_postmortem(big).title == "Checkout Service Outage - March 15, 2024"


def test_services_and_tags_are_read_from_the_warroom_key() -> None:
    document = lesson()
    document["warroom"] = {"services": [" checkout ", "orders-db", "Checkout"], "tags": ["db"]}
    record = parse_postmortem(json.dumps(document).encode(), "pm.json", suffix=".json")
    assert (record.services, record.tags) == (("checkout", "orders-db"), ("db",))
    assert (read_postmortem(LESSON).services, read_postmortem(LESSON).tags) == ((), ())


def test_a_bad_service_or_tag_is_a_problem_by_its_path() -> None:
    document = lesson()
    document["warroom"] = {"services": ["ok", "a,b"], "tags": ["x" * 81], "extra": 1}
    assert problems(document) == ["warroom.extra: unknown key"]
    del document["warroom"]["extra"]
    assert problems(document) == [
        "warroom.services[1]: bad service 'a,b': a comma separates services",
        f"warroom.tags[0]: bad tag '{'x' * 20}'…: at most 80 characters",
    ]
    document["warroom"] = {"services": [""]}
    assert problems(document) == ['warroom.services[0]: must not be empty (not "")']


def test_users_affected_unknown_is_imported_and_never_beside_a_count() -> None:
    from warroom.domain.model import UNKNOWN

    document = lesson()
    document["impact"]["usersAffected"] = None
    document["warroom"] = {"usersAffectedUnknown": True}
    record = parse_postmortem(json.dumps(document).encode(), "pm.json")
    assert record.postmortem.users_affected is UNKNOWN
    document["impact"]["usersAffected"] = 12500
    assert problems(document) == [
        "warroom.usersAffectedUnknown: true, yet impact.usersAffected is 12500: one or the other"
    ]
