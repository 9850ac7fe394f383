"""The post-mortem report: every field of the lesson's `PostMortem`, assembled from the incident.

Pure domain: it is given plain values (the incident, its severity history, timeline, action
items, roles and the stored post-mortem fields) and computes what is not stored:

- the report id: the stored one, else `PM-<year>-<incident number, 3 digits at least>` (the
  year of the report date), e.g. `PM-2024-007` for INC-7;
- the date: the stored one, else the detection date (UTC);
- the severity: the highest level the incident reached (PRODUCT.md §8; the whole history is
  kept beside it);
- the incident commander: the current IC;
- the impact duration: the stored text, else from detection to resolution,
  e.g. `47 minutes (14:23 - 15:10 UTC)`;
- whether the SLA was breached: the stored answer, else suggested (`sla_suggestion`) from the
  response target and from how long the incident was at SEV-1 or SEV-2 against that level's
  update interval;
- the timeline: live events that are not hidden from the report, starred ones marked;
- the action items: the follow-ups (the live response's tasks kept apart, as `live_tasks`);
- the metrics (`warroom.domain.metrics`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import NamedTuple

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.errors import BadInput
from warroom.domain.metrics import Metrics, compute_metrics
from warroom.domain.model import (
    UNKNOWN,
    ActionItem,
    ContributingFactor,
    Event,
    EventKind,
    Incident,
    PostMortem,
    ReportNote,
    ReportStatus,
    RoleAssignment,
    SeverityChange,
    Unknown,
    Why,
)
from warroom.domain.severity import SEVERITIES, format_interval
from warroom.domain.timefmt import duration as how_long


class TimelineEntry(NamedTuple):
    """One line of the report's timeline (a named tuple: a timeline can have 100,000)."""

    at: datetime
    text: str
    actor: str
    kind: EventKind = EventKind.NOTE
    starred: bool = False


@dataclass(frozen=True, slots=True)
class Impact:
    duration: str
    users_affected: int | Unknown | None  # None: not answered yet
    revenue_impact: str
    sla_breached: bool | None  # None: not stored and nothing to suggest it from
    duration_computed: bool = False  # the duration came from the milestones
    sla_suggested: bool = False  # sla_breached is the suggestion (`sla_suggestion`)


@dataclass(frozen=True, slots=True)
class Report:
    incident: Incident
    stored: PostMortem  # the fields as stored (its version is what an edit starts from)
    report_id: str
    title: str
    date: date
    severity: int
    commander: str
    authors: tuple[str, ...]
    status: ReportStatus
    summary: str
    impact: Impact
    timeline: tuple[TimelineEntry, ...]
    root_cause: str
    contributing_factors: tuple[ContributingFactor, ...]
    what_went_well: tuple[str, ...]
    what_went_poorly: tuple[str, ...]
    lucky_breaks: tuple[str, ...]
    action_items: tuple[ActionItem, ...]
    five_whys: tuple[Why, ...]
    severity_history: tuple[SeverityChange, ...]
    roles: tuple[RoleAssignment, ...]
    metrics: Metrics
    actors: frozenset[str]  # everyone who appears as an actor in the timeline
    # The live response's tasks: on the board, exported beside the report (`action_items`
    # are the follow-ups, which the checks and the report count).
    live_tasks: tuple[ActionItem, ...] = ()
    notes: tuple[ReportNote, ...] = ()  # the report's own history (a forced publish, ...)

    @property
    def people(self) -> frozenset[str]:
        """Every name the incident knows: IC, roles, actors, authors, action item owners."""
        names = {self.commander, *self.authors, *self.actors}
        names.update(role.person for role in self.roles)
        names.update(item.owner for item in (*self.action_items, *self.live_tasks))
        return frozenset(name for name in names if name.strip())


@dataclass(frozen=True, slots=True)
class PostmortemPreview:
    """Everything the post-mortem editor's first screen needs (store/preview.py reads it)."""

    report: Report
    newest_events: list[Event]  # the timeline's newest page, in timeline order


def derive_report_id(incident_id: int, report_date: date) -> str:
    return f"PM-{report_date.year}-{incident_id:03d}"


def build_report(
    incident: Incident,
    stored: PostMortem,
    timeline: Iterable[TimelineEntry],
    *,
    severity_history: Sequence[SeverityChange],
    action_items: Sequence[ActionItem],
    roles: Sequence[RoleAssignment],
    schedule: UpdateSchedule,
    tz: tzinfo,
    now: datetime,
    notes: Sequence[ReportNote] = (),
) -> Report:
    """The report. `timeline` is consumed once (it may stream from the database)."""
    entries: list[TimelineEntry] = []
    updates: list[datetime] = []
    actors: set[str] = set()
    for entry in timeline:
        entries.append(entry)
        actors.add(entry.actor)
        if entry.kind is EventKind.UPDATE:
            updates.append(entry.at)
    metrics = compute_metrics(incident, severity_history, updates, schedule, tz, now)
    report_date = stored.report_date or incident.detected_at.astimezone(UTC).date()
    return Report(
        incident=incident,
        stored=stored,
        report_id=stored.report_id or derive_report_id(incident.id, report_date),
        title=incident.title,
        date=report_date,
        # The highest level reached (1 is the highest), as the lesson's reports classify.
        severity=min([incident.severity, *(change.new for change in severity_history)]),
        commander=incident.commander or "",
        authors=stored.authors,
        status=stored.status,
        summary=stored.summary,
        impact=_impact(incident, stored, metrics),
        timeline=tuple(entries),
        root_cause=stored.root_cause,
        contributing_factors=stored.contributing_factors,
        what_went_well=stored.what_went_well,
        what_went_poorly=stored.what_went_poorly,
        lucky_breaks=stored.lucky_breaks,
        action_items=tuple(item for item in action_items if item.follow_up),
        live_tasks=tuple(item for item in action_items if not item.follow_up),
        five_whys=stored.five_whys,
        severity_history=tuple(severity_history),
        roles=tuple(roles),
        metrics=metrics,
        actors=frozenset(actors),
        notes=tuple(notes),
    )


def with_fields(report: Report, stored: PostMortem, *, title: str | None = None) -> Report:
    """The report as it reads with `stored` in place of its stored fields (and `title` in
    place of the incident's): an editor's unsaved text, checked as it is typed. Everything
    computed from the stored fields (the id, the date, the impact defaults) follows them."""
    incident = report.incident
    report_date = stored.report_date or incident.detected_at.astimezone(UTC).date()
    return replace(
        report,
        stored=stored,
        report_id=stored.report_id or derive_report_id(incident.id, report_date),
        title=report.title if title is None else title,
        date=report_date,
        authors=stored.authors,
        status=stored.status,
        summary=stored.summary,
        impact=_impact(incident, stored, report.metrics),
        root_cause=stored.root_cause,
        contributing_factors=stored.contributing_factors,
        what_went_well=stored.what_went_well,
        what_went_poorly=stored.what_went_poorly,
        lucky_breaks=stored.lucky_breaks,
        five_whys=stored.five_whys,
    )


def parse_report_date(text: str) -> date | None:
    """A report date as typed: `YYYY-MM-DD`; empty means the default (the detection date)."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise BadInput(f"bad date {text!r}: use YYYY-MM-DD, e.g. 2024-03-15") from None


def parse_users_affected(text: str) -> int | Unknown | None:
    """A count of users as typed: `12500`, `12,500`, `12 500` or `12_500`; `unknown` when
    nobody can count them; empty means not answered yet. Never negative."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.casefold() == UNKNOWN.value:
        return UNKNOWN
    digits = stripped.replace(",", "").replace("_", "").replace(" ", "").replace("\u202f", "")
    if not digits.isascii() or not digits.isdigit():
        raise BadInput(
            f'users affected must be a whole number, e.g. 12500, or "unknown" (not {text!r})'
        )
    if len(digits) > 15:
        raise BadInput("users affected: that is more users than there are people")
    return int(digits)


def _impact(incident: Incident, stored: PostMortem, metrics: Metrics) -> Impact:
    duration, computed = stored.impact_duration, False
    if not duration.strip() and incident.resolved_at is not None:
        duration, computed = outage_duration(incident.detected_at, incident.resolved_at), True
    sla, suggested = stored.sla_breached, False
    suggestion = sla_suggestion(metrics)
    if sla is None and suggestion is not None:
        sla, suggested = suggestion.breached, True
    return Impact(
        duration=duration,
        users_affected=stored.users_affected,
        revenue_impact=stored.revenue_impact,
        sla_breached=sla,
        duration_computed=computed,
        sla_suggested=suggested,
    )


class SlaSuggestion(NamedTuple):
    breached: bool
    reason: str  # `SEV-1 for 55m: longer than its 30m update interval`


def sla_suggestion(metrics: Metrics) -> SlaSuggestion | None:
    """Whether the SLA was likely breached, and why. A missed response target is a breach; so
    is a user-facing incident (SEV-1 or SEV-2) that stayed at that level longer than the
    level's update interval (stakeholders waited more than one update for it). None: nothing
    to go by yet (not resolved, or never acknowledged)."""
    response = metrics.response
    if response.met is False:
        return SlaSuggestion(True, f"{SEVERITIES[response.level].label} response target missed")
    if response.met is None or metrics.time_to_resolve is None:
        return None  # never acknowledged (an imported report), or still going on
    for level, spent in metrics.time_in_severity:
        interval = SEVERITIES[level].update.interval
        if level <= 2 and interval is not None and spent > interval:
            label = SEVERITIES[level].label
            return SlaSuggestion(
                True,
                f"{label} for {how_long(spent)}: longer than its "
                f"{format_interval(interval)} update interval",
            )
    return SlaSuggestion(False, "response target met, resolved within an update interval")


def outage_duration(start: datetime, end: datetime) -> str:
    """`47 minutes (14:23 - 15:10 UTC)`; the dates are shown when it spans days."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if start.date() == end.date():
        window = f"{start:%H:%M} - {end:%H:%M} UTC"
    else:
        window = f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M} UTC"
    return f"{spelled_duration(end - start)} ({window})"


def spelled_duration(delta: timedelta) -> str:
    """`47 minutes`, `1 hour 5 minutes`, `2 days 3 hours` (whole minutes)."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    if days:
        parts = parts[:2]  # minutes do not matter once it is days
    return " ".join(parts) or "0 minutes"
