"""Building post-mortem reports from plain values, for tests that need no database."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    ActionItem,
    ActionStatus,
    ActionType,
    EventKind,
    Incident,
    PostMortem,
    Priority,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
    Why,
)
from warroom.domain.postmortem import Report, TimelineEntry, build_report

DETECTED = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)
RESOLVED = DETECTED + timedelta(minutes=47)

READY = PostMortem(
    incident_id=7,
    report_id="PM-2024-007",
    authors=("Bob Chen", "Alice Kim"),
    status=ReportStatus.IN_REVIEW,
    summary="Checkout was unavailable for 47 minutes.",
    users_affected=12500,
    revenue_impact="Estimated $85,000 in lost orders",
    root_cause="The process allowed a migration without index verification.",
    five_whys=(
        Why("Why was checkout down?", "The connection pool was exhausted."),
        Why("Why was the pool exhausted?", "Queries held connections for seconds."),
        Why("Why were queries slow?", "A full table scan on orders."),
    ),
)

ITEM = ActionItem(
    id=1,
    incident_id=7,
    description="Add index verification to migration CI checks",
    type=ActionType.PREVENT,
    owner="Dave",
    priority=Priority.P0,
    due_date=date(2024, 3, 22),
    status=ActionStatus.OPEN,
    ticket="PLAT-1234",
    follow_up=True,
)

TIMELINE = (
    TimelineEntry(DETECTED - timedelta(minutes=8), "Migration deployed", "CI/CD pipeline"),
    TimelineEntry(DETECTED, "Alert: p99 latency > 10s", "Monitoring", EventKind.ALERT),
    TimelineEntry(DETECTED + timedelta(minutes=12), "Found missing index", "Dave", starred=True),
    TimelineEntry(DETECTED + timedelta(minutes=20), "Update posted", "Bob", EventKind.UPDATE),
)


def incident(*, resolved: bool = True, level: int = 1) -> Incident:
    milestones = {
        Milestone.DETECTED: DETECTED,
        Milestone.ACKNOWLEDGED: DETECTED + timedelta(minutes=2),
        Milestone.MITIGATED: DETECTED + timedelta(minutes=42),
    }
    if resolved:
        milestones[Milestone.RESOLVED] = RESOLVED
    phase = Phase.POSTMORTEM if resolved else Phase.RESOLUTION
    return Incident(7, "Checkout down", level, phase, milestones, "Bob Chen")


def make_report(
    *,
    stored: PostMortem = READY,
    items: tuple[ActionItem, ...] = (ITEM,),
    timeline: tuple[TimelineEntry, ...] = TIMELINE,
    now: datetime = RESOLVED + timedelta(hours=1),
    **changes: Any,
) -> Report:
    """A report ready to publish, unless `stored`, `items` or `changes` say otherwise."""
    subject = changes.pop("incident", None) or incident()
    if changes:
        stored = replace(stored, **changes)
    return build_report(
        subject,
        stored,
        timeline,
        severity_history=[SeverityChange(7, None, subject.severity, DETECTED, "Bob Chen")],
        action_items=items,
        roles=[RoleAssignment(1, 7, Role.COMMANDER, "Bob Chen", DETECTED)],
        schedule=UpdateSchedule(),
        tz=UTC,
        now=now,
    )
