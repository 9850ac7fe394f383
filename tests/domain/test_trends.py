"""Trends across incidents, computed from plain facts (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import Incident, ReportStatus, SeverityChange
from warroom.domain.trends import (
    NO_SERVICE,
    IncidentFacts,
    ItemCounts,
    figure_rows,
    months_between,
    parse_since,
    spread,
    trends,
)

NOW = datetime(2026, 11, 28, 5, 5, tzinfo=UTC)
SCHEDULE = UpdateSchedule()
M = timedelta(minutes=1)


def incident(
    number: int,
    detected: datetime,
    *,
    severity: int = 2,
    acknowledged: timedelta | None = None,
    mitigated: timedelta | None = None,
    resolved: timedelta | None = None,
    withdrawn: bool = False,
    services: tuple[str, ...] = (),
) -> Incident:
    milestones = {Milestone.DETECTED: detected}
    for milestone, after in (
        (Milestone.ACKNOWLEDGED, acknowledged),
        (Milestone.MITIGATED, mitigated),
        (Milestone.RESOLVED, resolved),
    ):
        if after is not None:
            milestones[milestone] = detected + after
    if withdrawn:
        milestones[Milestone.WITHDRAWN] = detected + M
    phase = Phase.POSTMORTEM if resolved is not None else Phase.TRIAGE
    return Incident(
        number, f"incident {number}", severity, phase, milestones, "Bob", services=services
    )


def declared(number: int, level: int, at: datetime) -> SeverityChange:
    return SeverityChange(number, None, level, at, "Bob")


@pytest.mark.parametrize(
    ("minutes", "median", "p90"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([1, 3], 2, 3),
        ([5, 1, 3], 3, 5),
        (list(range(1, 11)), 5.5, 9),
        (list(range(1, 21)), 10.5, 18),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 100], 1, 1),
        ([1, 1, 1, 1, 1, 1, 1, 1, 100, 100], 1, 100),
    ],
)
def test_median_and_p90_nearest_rank(
    minutes: list[int], median: float | None, p90: int | None
) -> None:
    result = spread(timedelta(minutes=m) for m in minutes)
    assert result.counted == len(minutes)
    assert result.median == (None if median is None else timedelta(minutes=median))
    assert result.p90 == (None if p90 is None else timedelta(minutes=p90))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", NOW - timedelta(days=90)),
        ("12w", NOW - timedelta(weeks=12)),
        (" 1D ", NOW - timedelta(days=1)),
        ("2026-09-01", datetime(2026, 9, 1, tzinfo=UTC)),
    ],
)
def test_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW, UTC) == expected


def test_since_a_date_is_its_local_midnight() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_since("2026-09-01", NOW, berlin) == datetime(2026, 8, 31, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0d", "longer than nothing"),
        ("90", "use e.g. 90d"),
        ("3m", "use e.g. 90d"),
        ("2026-02-30", "no such day"),
        ("2027-01-01", "in the future"),
        ("999999d", "use e.g. 90d"),
        ("", "use e.g. 90d"),
    ],
)
def test_since_refuses(text: str, says: str) -> None:
    with pytest.raises(BadInput, match=says):
        parse_since(text, NOW, UTC)


def test_only_recorded_milestones_count() -> None:
    start = NOW - timedelta(days=10)
    facts = [
        IncidentFacts(incident(1, start, acknowledged=4 * M, resolved=60 * M)),
        IncidentFacts(incident(2, start, acknowledged=10 * M, mitigated=20 * M, resolved=30 * M)),
        IncidentFacts(incident(3, start, resolved=90 * M)),  # acknowledged: not recorded
        IncidentFacts(incident(4, start)),  # still active: nothing but detection
    ]
    report = trends(facts, since=start, now=NOW, by=None, schedule=SCHEDULE, tz=UTC)
    figures = report.overall
    assert (figures.incidents, figures.active, figures.resolved) == (4, 1, 3)
    assert figures.time_to_acknowledge == spread([4 * M, 10 * M])
    assert figures.time_to_acknowledge.counted == 2
    assert figures.time_to_mitigate == spread([20 * M])
    assert figures.time_to_resolve == spread([30 * M, 60 * M, 90 * M])
    assert figures.time_to_resolve.median == 60 * M
    rows = dict(figure_rows(figures))
    assert rows["time to acknowledge"] == "median 7m · p90 10m (2 of 4)"
    assert rows["time to mitigate"] == "median 20m · p90 20m (1 of 4)"


def test_withdrawn_and_out_of_period_incidents_are_left_out() -> None:
    since = NOW - timedelta(days=90)
    facts = [
        IncidentFacts(incident(1, since + M, resolved=M)),
        IncidentFacts(incident(2, since - M, resolved=M)),  # detected before the period
        IncidentFacts(incident(3, since + M, withdrawn=True)),
    ]
    report = trends(facts, since=since, now=NOW, by=None, schedule=SCHEDULE, tz=UTC)
    assert report.overall.incidents == 1
    assert report.per_severity == ((1, 0), (2, 1), (3, 0), (4, 0))


def test_time_at_each_severity_and_late_updates() -> None:
    start = NOW - timedelta(days=2)
    first = incident(1, start, severity=2, resolved=150 * M)
    # SEV-1 for 40 minutes (updates due every 30: one posted at 25, none at 55), then SEV-2.
    changes = (
        declared(1, 1, start),
        SeverityChange(1, 1, 2, start + 40 * M, "Bob"),
    )
    updates = (start + 25 * M,)
    second = incident(2, start, severity=3, resolved=10 * M)
    facts = [
        IncidentFacts(first, changes, updates),
        IncidentFacts(second, (declared(2, 3, start),)),
    ]
    report = trends(facts, since=start, now=NOW, by=None, schedule=SCHEDULE, tz=UTC)
    figures = report.overall
    assert figures.time_at_severity == ((1, 40 * M), (2, 110 * M), (3, 10 * M))
    # SEV-2 hourly from the change at 40: due at 100, not posted before resolution at 150.
    assert (figures.late_updates, figures.incidents_with_late_updates) == (1, 1)
    assert dict(figure_rows(figures))["time at SEV-2"] == "1h 50m"


def test_an_active_incident_runs_until_now() -> None:
    start = NOW - 90 * M
    facts = [IncidentFacts(incident(1, start, severity=1), (declared(1, 1, start),))]
    figures = trends(facts, since=start, now=NOW, by=None, schedule=SCHEDULE, tz=UTC).overall
    assert figures.time_at_severity == ((1, 90 * M),)
    assert figures.late_updates == 1  # due at 30 minutes, nothing posted since


def test_action_items_and_post_mortems() -> None:
    start = NOW - timedelta(days=20)
    resolved_at = start + 60 * M
    facts = [
        IncidentFacts(
            incident(1, start, resolved=60 * M),
            items=ItemCounts(open=2, in_progress=1, done=3, overdue=1),
            postmortem=ReportStatus.PUBLISHED,
            published_at=resolved_at + timedelta(hours=47),
        ),
        IncidentFacts(
            incident(2, start, resolved=60 * M),
            items=ItemCounts(open=1, overdue=1),
            postmortem=ReportStatus.PUBLISHED,
            published_at=resolved_at + timedelta(hours=49),  # late
        ),
        IncidentFacts(  # imported as published: when is not known
            incident(3, start, resolved=60 * M), postmortem=ReportStatus.PUBLISHED
        ),
        IncidentFacts(incident(4, start, resolved=60 * M), postmortem=ReportStatus.IN_REVIEW),
        IncidentFacts(incident(5, start)),
    ]
    figures = trends(facts, since=start, now=NOW, by=None, schedule=SCHEDULE, tz=UTC).overall
    assert figures.action_items == ItemCounts(open=3, in_progress=1, done=3, overdue=2)
    assert (
        figures.postmortems_due,
        figures.postmortems_published,
        figures.published_within_48h,
    ) == (4, 3, 1)
    rows = dict(figure_rows(figures))
    assert rows["action items"] == "3 open · 1 in progress · 3 done · 2 overdue"
    assert figures.published_when_unknown == 1
    assert rows["post-mortems"] == (
        "3 of 4 published · 1 within 48 hours (1 imported: when not known)"
    )


def test_by_severity_groups_under_the_highest_level_reached() -> None:
    start = NOW - timedelta(days=5)
    escalated = incident(1, start, severity=3, resolved=30 * M)
    changes = (declared(1, 2, start), SeverityChange(1, 2, 1, start + M, "Bob"))
    facts = [
        IncidentFacts(escalated, changes),  # SEV-2, then SEV-1, then lowered to SEV-3
        IncidentFacts(incident(2, start, severity=3, resolved=10 * M)),
    ]
    report = trends(facts, since=start, now=NOW, by="severity", schedule=SCHEDULE, tz=UTC)
    assert [(key, group.incidents) for key, group in report.groups] == [("SEV-1", 1), ("SEV-3", 1)]
    assert report.per_severity == ((1, 1), (2, 0), (3, 1), (4, 0))


def test_by_service_counts_an_incident_in_each_of_its_services() -> None:
    start = NOW - timedelta(days=5)
    facts = [
        IncidentFacts(incident(1, start, services=("payments", "checkout"))),
        IncidentFacts(incident(2, start, services=("Payments",))),  # the same service
        IncidentFacts(incident(3, start)),
    ]
    report = trends(facts, since=start, now=NOW, by="service", schedule=SCHEDULE, tz=UTC)
    assert [(key, group.incidents) for key, group in report.groups] == [
        ("checkout", 1),
        ("payments", 2),
        (NO_SERVICE, 1),
    ]
    assert report.overall.incidents == 3


def test_bad_grouping() -> None:
    with pytest.raises(BadInput, match="use severity or service"):
        trends([], since=NOW, now=NOW, by="owner", schedule=SCHEDULE, tz=UTC)


def test_months_cover_the_period_in_the_display_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    assert months_between(datetime(2026, 10, 31, 16, 0, tzinfo=UTC), NOW, tokyo) == [
        "2026-11"
    ]  # 01:00 on 1 November in Tokyo
    assert months_between(datetime(2025, 12, 15, tzinfo=UTC), NOW, UTC) == [
        "2025-12",
        *(f"2026-{month:02d}" for month in range(1, 12)),
    ]
    start = datetime(2026, 9, 10, tzinfo=UTC)
    facts = [
        IncidentFacts(incident(1, start, resolved=30 * M)),
        IncidentFacts(incident(2, start, resolved=90 * M)),
        IncidentFacts(incident(3, datetime(2026, 11, 2, tzinfo=UTC))),
    ]
    report = trends(facts, since=start, now=NOW, by=None, schedule=SCHEDULE, tz=UTC)
    assert [(m.month, m.incidents, m.time_to_resolve.median) for m in report.months] == [
        ("2026-09", 2, 60 * M),
        ("2026-10", 0, None),
        ("2026-11", 1, None),
    ]
