"""Assembling the report: what is stored, and what is derived when it is not."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.reports import DETECTED, READY, RESOLVED, TIMELINE, incident, make_report
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import UNKNOWN
from warroom.domain.postmortem import (
    derive_report_id,
    outage_duration,
    parse_report_date,
    parse_users_affected,
    sla_suggestion,
    spelled_duration,
    with_fields,
)


def test_stored_fields_are_used_as_they_are() -> None:
    report = make_report(
        report_date=date(2024, 3, 16), impact_duration="about an hour", sla_breached=False
    )
    assert report.report_id == "PM-2024-007"
    assert report.date == date(2024, 3, 16)
    assert report.title == "Checkout down"
    assert report.severity == 1
    assert report.commander == "Bob Chen"
    assert report.authors == ("Bob Chen", "Alice Kim")
    assert report.impact.duration == "about an hour"
    assert not report.impact.duration_computed
    assert report.impact.sla_breached is False
    assert not report.impact.sla_suggested


def test_derived_fields_when_nothing_is_stored() -> None:
    report = make_report(report_id="", report_date=None, impact_duration="", sla_breached=None)
    assert report.report_id == "PM-2024-007"  # INC-7 in 2024
    assert report.date == date(2024, 3, 15)  # the detection date
    assert report.impact.duration == "47 minutes (14:23 - 15:10 UTC)"
    assert report.impact.duration_computed
    # acknowledged after 2 of the 15 minutes allowed, but down at SEV-1 for 47 minutes
    assert report.impact.sla_breached is True
    assert report.impact.sla_suggested


def test_sla_suggested_breached_when_the_response_target_was_missed() -> None:
    late = incident()
    late.milestones[Milestone.ACKNOWLEDGED] = DETECTED + timedelta(minutes=20)
    assert make_report(incident=late, sla_breached=None).impact.sla_breached is True


@pytest.mark.parametrize(
    ("level", "ack_after", "breached", "reason"),
    [
        (1, 2, True, "SEV-1 for 47m: longer than its 30m update interval"),
        (2, 2, False, "response target met, resolved within an update interval"),
        (3, 2, False, "response target met, resolved within an update interval"),
        (2, 70, True, "SEV-2 response target missed"),
    ],
)
def test_the_sla_suggestion_weighs_the_duration_against_the_severity(
    level: int, ack_after: int, breached: bool, reason: str
) -> None:
    subject = incident(level=level)
    subject.milestones[Milestone.ACKNOWLEDGED] = DETECTED + timedelta(minutes=ack_after)
    report = make_report(incident=subject, sla_breached=None)
    assert sla_suggestion(report.metrics) == (breached, reason)
    assert report.impact.sla_breached is breached


def test_no_sla_suggestion_before_there_is_anything_to_go_by() -> None:
    subject = incident(resolved=False)
    del subject.milestones[Milestone.ACKNOWLEDGED]
    report = make_report(incident=subject, sla_breached=None, now=DETECTED + timedelta(minutes=5))
    assert sla_suggestion(report.metrics) is None


def test_duration_unknown_while_the_incident_is_active() -> None:
    report = make_report(incident=incident(resolved=False), impact_duration="")
    assert report.impact.duration == ""


def test_timeline_marks_and_people() -> None:
    report = make_report()
    assert report.timeline == TIMELINE
    assert [entry.starred for entry in report.timeline] == [False, False, True, False]
    assert report.metrics.updates_posted == 1
    assert report.actors == {"CI/CD pipeline", "Monitoring", "Dave", "Bob"}
    assert {"Bob Chen", "Alice Kim", "Dave", "Monitoring"} <= report.people
    assert report.stored == READY


@pytest.mark.parametrize(
    ("incident_id", "expected"),
    [(7, "PM-2024-007"), (42, "PM-2024-042"), (1234, "PM-2024-1234")],
)
def test_derived_report_ids(incident_id: int, expected: str) -> None:
    assert derive_report_id(incident_id, date(2024, 3, 15)) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (47, "47 minutes"),
        (60, "1 hour"),
        (65, "1 hour 5 minutes"),
        (125, "2 hours 5 minutes"),
        (24 * 60 + 61, "1 day 1 hour"),
        (2 * 24 * 60 + 5, "2 days 5 minutes"),
    ],
)
def test_spelled_durations(minutes: int, expected: str) -> None:
    assert spelled_duration(timedelta(minutes=minutes)) == expected


def test_outage_duration_across_midnight_shows_dates() -> None:
    start = datetime(2024, 3, 15, 23, 50, tzinfo=UTC)
    assert outage_duration(start, start + timedelta(minutes=30)) == (
        "30 minutes (2024-03-15 23:50 - 2024-03-16 00:20 UTC)"
    )
    assert outage_duration(DETECTED, RESOLVED) == "47 minutes (14:23 - 15:10 UTC)"


def test_with_fields_follows_an_unsaved_edit() -> None:
    report = make_report(stored=replace(READY, report_id="", impact_duration=""))
    edited = with_fields(
        report,
        replace(report.stored, summary="typed", report_date=date(2025, 1, 2), sla_breached=None),
        title="New title",
    )
    assert (edited.summary, edited.title, edited.date) == ("typed", "New title", date(2025, 1, 2))
    assert edited.report_id == "PM-2025-007"  # the derived id follows the date
    assert edited.impact.duration_computed
    assert edited.impact.duration == report.impact.duration
    assert edited.impact.sla_suggested  # the response target decides while none is stored
    assert edited.metrics is report.metrics
    assert with_fields(report, report.stored) == report


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("12500", 12500),
        ("12,500", 12500),
        (" 12 500 ", 12500),
        ("12_500", 12500),
        ("0", 0),
        ("", None),
    ],
)
def test_users_affected_as_typed(text: str, count: int | None) -> None:
    assert parse_users_affected(text) == count


@pytest.mark.parametrize("text", ["-3", "12k", "1.5", "many", "٣"])
def test_users_affected_refused(text: str) -> None:
    with pytest.raises(BadInput, match=r'whole number, e\.g\. 12500, or "unknown"'):
        parse_users_affected(text)


@pytest.mark.parametrize("text", ["unknown", " Unknown ", "UNKNOWN"])
def test_users_affected_may_be_unknown(text: str) -> None:
    assert parse_users_affected(text) is UNKNOWN


def test_report_date_as_typed() -> None:
    assert parse_report_date(" 2024-03-15 ") == date(2024, 3, 15)
    assert parse_report_date("") is None
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        parse_report_date("03-15")
