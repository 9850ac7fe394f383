"""Rows to domain objects. Plain functions: the rest of warroom never sees a row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from warroom.domain.labels import LabelKind
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    UNKNOWN,
    ActionItem,
    ActionStatus,
    ActionType,
    ContributingFactor,
    Event,
    EventKind,
    EventRevision,
    FishboneCategory,
    Incident,
    PostMortem,
    Priority,
    ReportNote,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
    Why,
)
from warroom.store.tables import (
    ActionItemRow,
    EventRevisionRow,
    EventRow,
    IncidentLabelRow,
    IncidentRow,
    MilestoneRow,
    PostMortemNoteRow,
    PostMortemRow,
    RoleRow,
    SeverityChangeRow,
)


def _id(value: int | None) -> int:
    if value is None:
        raise ValueError("row has no id yet (not flushed)")
    return value


def incident(
    row: IncidentRow,
    milestones: list[MilestoneRow],
    commander: str | None,
    labels: Iterable[IncidentLabelRow] = (),
) -> Incident:
    ordered = sorted(labels, key=lambda label: label.position)
    return Incident(
        id=_id(row.id),
        title=row.title,
        severity=row.severity,
        phase=Phase(row.phase),
        milestones={Milestone(m.name): m.at for m in milestones},
        commander=commander,
        version=row.version,
        services=tuple(label.name for label in ordered if label.kind == LabelKind.SERVICE.value),
        tags=tuple(label.name for label in ordered if label.kind == LabelKind.TAG.value),
    )


def event(row: EventRow) -> Event:
    return Event(
        id=_id(row.id),
        incident_id=row.incident_id,
        kind=EventKind(row.kind),
        actor=row.actor,
        text=row.text,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
        starred=row.starred,
        hidden=row.hidden,
    )


def revision(row: EventRevisionRow) -> EventRevision:
    return EventRevision(
        event_id=row.event_id,
        kind=EventKind(row.kind),
        actor=row.actor,
        text=row.text,
        occurred_at=row.occurred_at,
        replaced_at=row.replaced_at,
        replaced_by=row.replaced_by,
    )


def report_note(row: PostMortemNoteRow) -> ReportNote:
    return ReportNote(row.at, row.actor, row.text)


def severity_change(row: SeverityChangeRow) -> SeverityChange:
    return SeverityChange(
        incident_id=row.incident_id, old=row.old, new=row.new, at=row.at, actor=row.actor
    )


def role(row: RoleRow) -> RoleAssignment:
    return RoleAssignment(
        id=_id(row.id),
        incident_id=row.incident_id,
        role=Role(row.role),
        person=row.person,
        assigned_at=row.assigned_at,
        released_at=row.released_at,
    )


def action_item(row: ActionItemRow) -> ActionItem:
    return ActionItem(
        id=_id(row.id),
        incident_id=row.incident_id,
        description=row.description,
        type=ActionType(row.type) if row.type else None,
        owner=row.owner,
        priority=Priority(row.priority) if row.priority else None,
        due_date=row.due_date,
        status=ActionStatus(row.status),
        ticket=row.ticket,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        follow_up=row.follow_up,
    )


def postmortem(row: PostMortemRow) -> PostMortem:
    return PostMortem(
        incident_id=row.incident_id,
        report_id=row.report_id,
        report_date=row.report_date,
        authors=tuple(row.authors),
        status=ReportStatus(row.status),
        summary=row.summary,
        impact_duration=row.impact_duration,
        users_affected=UNKNOWN if row.users_affected_unknown else row.users_affected,
        revenue_impact=row.revenue_impact,
        sla_breached=row.sla_breached,
        root_cause=row.root_cause,
        contributing_factors=tuple(
            ContributingFactor(
                item["text"],
                FishboneCategory(item["category"]) if item.get("category") else None,
            )
            for item in row.contributing_factors
        ),
        what_went_well=tuple(row.what_went_well),
        what_went_poorly=tuple(row.what_went_poorly),
        lucky_breaks=tuple(row.lucky_breaks),
        five_whys=tuple(Why(item["question"], item["answer"]) for item in row.five_whys),
        version=row.version,
    )


def postmortem_values(report: PostMortem) -> dict[str, Any]:
    """The columns a post-mortem is saved as (everything but the key and version)."""
    return {
        "report_id": report.report_id,
        "report_date": report.report_date,
        "authors": list(report.authors),
        "status": report.status.value,
        "summary": report.summary,
        "impact_duration": report.impact_duration,
        "users_affected": None if report.users_affected is UNKNOWN else report.users_affected,
        "users_affected_unknown": report.users_affected is UNKNOWN,
        "revenue_impact": report.revenue_impact,
        "sla_breached": report.sla_breached,
        "root_cause": report.root_cause,
        "contributing_factors": [
            {"text": f.text, "category": f.category.value if f.category else None}
            for f in report.contributing_factors
        ],
        "what_went_well": list(report.what_went_well),
        "what_went_poorly": list(report.what_went_poorly),
        "lucky_breaks": list(report.lucky_breaks),
        "five_whys": [{"question": w.question, "answer": w.answer} for w in report.five_whys],
    }
