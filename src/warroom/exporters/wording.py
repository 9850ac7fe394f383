"""Words shared by the document formats (Markdown, HTML): never user text, so never escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.model import ReportStatus, Unknown
from warroom.domain.postmortem import Report
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.timefmt import duration

STATUS_TITLES = {
    ReportStatus.DRAFT: "Draft",
    ReportStatus.IN_REVIEW: "In review",
    ReportStatus.PUBLISHED: "Published",
}


def yes_no(value: bool | None) -> str:
    return "not set" if value is None else ("Yes" if value else "No")


def noted_at(at: datetime) -> str:
    """When a note of the report's history was made: UTC, to the minute."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def users(count: int | Unknown | None) -> str:
    if isinstance(count, Unknown):
        return "unknown (they could not be counted)"
    return "not known" if count is None else f"{count:,}"


def _spent(value: timedelta | None) -> str:
    return "not recorded" if value is None else duration(value)


def metric_rows(report: Report) -> list[tuple[str, str]]:
    """(metric, value) for the response metrics table."""
    metrics = report.metrics
    response = metrics.response
    level = SEVERITIES[response.level]
    if response.met is None:
        kept = "not recorded"
    elif response.met:
        kept = "met"
    else:
        late = (response.acknowledged_at or response.deadline) - response.deadline
        kept = f"missed by {duration(late)}"
    missed = len(metrics.late_updates)
    worst = metrics.worst_late_by
    posted = f"{metrics.updates_posted} posted" if metrics.updates_posted else "none recorded"
    if missed == 0 or worst is None:
        updates = "none needed" if metrics.updates_posted == 0 else f"{posted}, all on time"
    else:
        deadlines = f"{missed} deadline{'' if missed == 1 else 's'} missed"
        by = "by" if missed == 1 else "worst by"
        updates = f"{posted}; {deadlines} ({by} {duration(worst)})"
    rows = [
        ("Time to acknowledge", _spent(metrics.time_to_acknowledge)),
        ("Time to mitigate", _spent(metrics.time_to_mitigate)),
        ("Time to resolve", _spent(metrics.time_to_resolve)),
        (f"Response target ({level.label}: within {level.response_target})", kept),
        ("Stakeholder updates", updates),
    ]
    rows += [
        (f"Time at {severity_label(at_level)}", duration(spent))
        for at_level, spent in metrics.time_in_severity
    ]
    return rows
