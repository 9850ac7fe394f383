"""Trends across incidents (PRODUCT.md §10, `warroom report`): how the response went over a
period, from what each incident recorded.

- An incident counts in the period it was detected in; withdrawn ones count nowhere.
- Times to acknowledge, mitigate and resolve come only from recorded milestones: an incident
  without the milestone does not count toward that figure (a skipped step is not a zero).
- The median is the middle value (the mean of the two middle ones for an even count); p90 is
  the nearest rank: the time 90% of the counted incidents took at most.
- Time at each severity and late updates replay each incident as its post-mortem does
  (`metrics.py`): an active incident runs until now.
- An incident is grouped under the highest severity it reached, as its post-mortem is.
- A post-mortem counts as published within 48 hours when it is published now and was published
  no later than 48 hours after resolution; one imported as published has no known publishing
  time and counts as published only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone, postmortem_due
from warroom.domain.metrics import late_updates, time_in_severity
from warroom.domain.model import Incident, ReportStatus, SeverityChange
from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.timefmt import duration

GROUPINGS = ("severity", "service")
NO_SERVICE = "(no service)"

_PERIOD_RE = re.compile(r"^(\d{1,5})([dw])$", re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_since(text: str, now: datetime, tz: tzinfo) -> datetime:
    """`90d`, `12w` (that long before now), or a date `2026-09-01` (its midnight, local)."""
    stripped = text.strip()
    period = _PERIOD_RE.match(stripped)
    if period:
        days = int(period.group(1)) * (7 if period.group(2).lower() == "w" else 1)
        if days == 0:
            raise BadInput(f"bad period {text!r}: it must be longer than nothing")
        return now - timedelta(days=days)  # at most 99,999 weeks: never before year 1
    if _DATE_RE.match(stripped):
        try:
            day = date.fromisoformat(stripped)
        except ValueError:
            raise BadInput(f"bad date {text!r}: no such day") from None
        since = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        if since > now:
            raise BadInput(f"bad date {text!r}: it is in the future")
        return since
    raise BadInput(f"bad period {text!r}: use e.g. 90d, 12w or a date (2026-09-01)")


@dataclass(frozen=True, slots=True)
class ItemCounts:
    """Action items by where they stand; `overdue` are open or in progress past their date."""

    open: int = 0
    in_progress: int = 0
    done: int = 0
    overdue: int = 0

    def __add__(self, other: ItemCounts) -> ItemCounts:
        return ItemCounts(
            self.open + other.open,
            self.in_progress + other.in_progress,
            self.done + other.done,
            self.overdue + other.overdue,
        )


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the store read of one incident for a report."""

    incident: Incident
    severity_changes: tuple[SeverityChange, ...] = ()
    update_times: tuple[datetime, ...] = ()  # posted stakeholder updates
    items: ItemCounts = ItemCounts()
    postmortem: ReportStatus | None = None  # None: never written
    published_at: datetime | None = None  # known only for a post-mortem published here

    @property
    def services(self) -> tuple[str, ...]:
        return self.incident.services

    @property
    def highest_severity(self) -> int:
        levels = [self.incident.severity, *(change.new for change in self.severity_changes)]
        return min(levels)  # SEV-1 is the highest


@dataclass(frozen=True, slots=True)
class Spread:
    """A duration over the incidents that recorded it."""

    counted: int
    median: timedelta | None
    p90: timedelta | None


def spread(durations: Iterable[timedelta]) -> Spread:
    values = sorted(durations)
    if not values:
        return Spread(0, None, None)
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    rank = max(1, math.ceil(0.9 * len(values)))
    return Spread(len(values), median, values[rank - 1])


@dataclass(frozen=True, slots=True)
class Figures:
    """The report's figures for one set of incidents."""

    incidents: int
    active: int
    resolved: int
    time_to_acknowledge: Spread
    time_to_mitigate: Spread
    time_to_resolve: Spread
    time_at_severity: tuple[tuple[int, timedelta], ...]  # (level, total), most severe first
    late_updates: int
    incidents_with_late_updates: int
    action_items: ItemCounts
    postmortems_due: int  # resolved incidents: each owes a post-mortem
    postmortems_published: int
    published_within_48h: int
    published_when_unknown: int  # imported as published: neither within 48 hours nor late


@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month (display timezone) of the period, for the time-to-resolve chart."""

    month: str  # 2026-09
    incidents: int
    time_to_resolve: Spread


@dataclass(frozen=True, slots=True)
class Trends:
    since: datetime
    until: datetime
    by: str | None
    overall: Figures
    groups: tuple[tuple[str, Figures], ...] = ()  # with `by`: each group, in order
    months: tuple[Month, ...] = ()
    per_severity: tuple[tuple[int, int], ...] = ()  # (level, incidents)


def _after(incident: Incident, milestone: Milestone) -> timedelta | None:
    moment = incident.milestones.get(milestone)
    return None if moment is None else moment - incident.detected_at


def _durations(facts: Sequence[IncidentFacts], milestone: Milestone) -> Spread:
    return spread(
        elapsed for fact in facts if (elapsed := _after(fact.incident, milestone)) is not None
    )


def figures(
    facts: Sequence[IncidentFacts], schedule: UpdateSchedule, tz: tzinfo, now: datetime
) -> Figures:
    spent: dict[int, timedelta] = {}
    late = with_late = 0
    items = ItemCounts()
    published = within = unknown = 0
    for fact in facts:
        incident = fact.incident
        end = incident.resolved_at or now
        for level, time_spent in time_in_severity(incident, fact.severity_changes, end):
            spent[level] = spent.get(level, timedelta()) + time_spent
        missed = late_updates(
            incident, fact.severity_changes, sorted(fact.update_times), schedule, tz, end
        )
        late += len(missed)
        with_late += bool(missed)
        items += fact.items
        if fact.postmortem is ReportStatus.PUBLISHED:
            published += 1
            resolved = incident.resolved_at
            at = fact.published_at
            unknown += at is None
            within += resolved is not None and at is not None and at <= postmortem_due(resolved)
    resolved_count = sum(1 for fact in facts if fact.incident.resolved_at is not None)
    return Figures(
        incidents=len(facts),
        active=sum(1 for fact in facts if fact.incident.is_active),
        resolved=resolved_count,
        time_to_acknowledge=_durations(facts, Milestone.ACKNOWLEDGED),
        time_to_mitigate=_durations(facts, Milestone.MITIGATED),
        time_to_resolve=_durations(facts, Milestone.RESOLVED),
        time_at_severity=tuple(sorted(spent.items())),
        late_updates=late,
        incidents_with_late_updates=with_late,
        action_items=items,
        postmortems_due=resolved_count,
        postmortems_published=published,
        published_within_48h=within,
        published_when_unknown=unknown,
    )


def _group_keys(by: str) -> Callable[[IncidentFacts], Iterable[str]]:
    if by == "severity":
        return lambda fact: (severity_label(fact.highest_severity),)
    if by == "service":
        return lambda fact: fact.services or (NO_SERVICE,)
    raise BadInput(f"bad grouping {by!r}: use {' or '.join(GROUPINGS)}")


def months_between(start: datetime, end: datetime, tz: tzinfo) -> list[str]:
    """Every calendar month from `start`'s to `end`'s, in the display timezone: a month
    without incidents is on the chart too."""
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    year, month = first.year, first.month
    months = []
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def trends(
    facts: Sequence[IncidentFacts],
    *,
    since: datetime,
    now: datetime,
    by: str | None,
    schedule: UpdateSchedule,
    tz: tzinfo,
) -> Trends:
    """The report over `facts` (the incidents detected from `since` to `now`)."""
    counted = [
        fact
        for fact in facts
        if not fact.incident.withdrawn and since <= fact.incident.detected_at <= now
    ]
    groups: tuple[tuple[str, Figures], ...] = ()
    if by is not None:
        keys = _group_keys(by)
        # A service in another case is the same service: the first spelling met names it.
        names: dict[str, str] = {}
        members: dict[str, list[IncidentFacts]] = {}
        for fact in counted:
            for key in keys(fact):
                folded = key.casefold()
                names.setdefault(folded, key)
                members.setdefault(folded, []).append(fact)
        # Severity groups most severe first; services by name, "no service" last.
        order = sorted(members, key=lambda folded: (names[folded] == NO_SERVICE, folded))
        groups = tuple(
            (names[folded], figures(members[folded], schedule, tz, now)) for folded in order
        )
    per_month: dict[str, list[IncidentFacts]] = {}
    for fact in counted:
        month = fact.incident.detected_at.astimezone(tz).strftime("%Y-%m")
        per_month.setdefault(month, []).append(fact)
    months = tuple(
        Month(
            month,
            len(per_month.get(month, [])),
            _durations(per_month.get(month, []), Milestone.RESOLVED),
        )
        for month in months_between(since, now, tz)
    )
    levels = [fact.highest_severity for fact in counted]
    return Trends(
        since=since,
        until=now,
        by=by,
        overall=figures(counted, schedule, tz, now),
        groups=groups,
        months=months,
        per_severity=tuple((level, levels.count(level)) for level in SEVERITIES),
    )


# ---- the figures as people read them (the terminal, Markdown, the report screen) ---------


def _spread_text(spread: Spread, incidents: int) -> str:
    if spread.median is None or spread.p90 is None:
        return "not recorded"
    return (
        f"median {duration(spread.median)} · p90 {duration(spread.p90)} "
        f"({spread.counted} of {incidents})"
    )


def figure_rows(figures: Figures) -> list[tuple[str, str]]:
    """(what, value) a line: the same figures everywhere a report is shown."""
    items = figures.action_items
    rows = [
        (
            "incidents",
            f"{figures.incidents} ({figures.active} active, {figures.resolved} resolved)",
        ),
        ("time to acknowledge", _spread_text(figures.time_to_acknowledge, figures.incidents)),
        ("time to mitigate", _spread_text(figures.time_to_mitigate, figures.incidents)),
        ("time to resolve", _spread_text(figures.time_to_resolve, figures.incidents)),
    ]
    rows += [
        (f"time at {severity_label(level)}", duration(spent))
        for level, spent in figures.time_at_severity
    ]
    rows += [
        (
            "late updates",
            f"{figures.late_updates} (in {figures.incidents_with_late_updates} "
            f"incident{'' if figures.incidents_with_late_updates == 1 else 's'})",
        ),
        (
            "action items",
            f"{items.open} open · {items.in_progress} in progress · {items.done} done · "
            f"{items.overdue} overdue",
        ),
        (
            "post-mortems",
            f"{figures.postmortems_published} of {figures.postmortems_due} published · "
            f"{figures.published_within_48h} within 48 hours"
            + (
                f" ({figures.published_when_unknown} imported: when not known)"
                if figures.published_when_unknown
                else ""
            ),
        ),
    ]
    return rows


def period_text(report: Trends, tz: tzinfo) -> str:
    """`2026-08-30 05:05 to 2026-11-28 05:05 UTC`."""
    start = report.since.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    end = report.until.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return f"{start} to {end}"
