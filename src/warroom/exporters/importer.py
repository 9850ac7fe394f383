"""Reading a post-mortem file (the JSON or TOML export format) into an incident to store.

The file, read and decoded by `reading.py`, is validated whole: every problem is collected,
each named by its path (`actionItems[0].type: must be one of prevent, detect, mitigate`), and
`InvalidPostMortem` carries them all. Nothing is returned, so nothing is written, unless there
are none.

Timeline times are ISO 8601 date-times or `HH:MM` (UTC). An `HH:MM` time is on the day of the
entry before it (the `date` for the first); if that is earlier than the entry before it, it is
on the next day (a timeline from 23:50 to 00:10 crosses midnight). Entries must be in time order.

Without the `warroom` key (a post-mortem written elsewhere): the incident was detected at its
first timeline entry and resolved at its last (at `date`, 00:00 UTC, without a timeline); its
severity history is the declared severity; its IC is `incidentCommander`; every entry is a note.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from warroom.domain.errors import BadInput
from warroom.domain.incident_record import IncidentRecord
from warroom.domain.labels import LabelKind, check_label, labels
from warroom.domain.lifecycle import Milestone
from warroom.domain.model import (
    UNKNOWN,
    ActionItem,
    ActionStatus,
    ActionType,
    ContributingFactor,
    Event,
    EventKind,
    FishboneCategory,
    PostMortem,
    Priority,
    ReportNote,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
    Why,
)
from warroom.domain.severity import parse_severity
from warroom.exporters.reading import HugeNumber, InvalidPostMortem, decode, read_capped
from warroom.exporters.schema import (
    LATEST,
    ActionItemIn,
    PostMortemIn,
    SeverityChangeIn,
)


def read_postmortem(path: Path) -> IncidentRecord:
    return parse_postmortem(read_capped(path), str(path), suffix=path.suffix.lower())


def parse_postmortem(raw: bytes, source: str, *, suffix: str = "") -> IncidentRecord:
    data = decode(raw, source, suffix)
    try:
        parsed = PostMortemIn.model_validate(data)
    except ValidationError as error:
        raise InvalidPostMortem(source, [_problem(item) for item in error.errors()]) from None
    problems: list[str] = []
    record = _record(parsed, problems)
    if problems:
        raise InvalidPostMortem(source, problems)
    return record


# ---- problems, as people read them --------------------------------------------------------

_MESSAGES = {
    "missing": "missing",
    "extra_forbidden": "unknown key",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object (a table in TOML)",
    "dict_type": "must be an object (a table in TOML)",
    "model_attributes_type": "must be an object (a table in TOML)",
    "greater_than_equal": "must not be negative",
    "less_than_equal": "is too large",
}


def _problem(error: Any) -> str:
    where = path_of(error["loc"])
    kind = error["type"]
    if isinstance(error["input"], HugeNumber) and kind == "int_type":
        return f"{where}: is too large ({error['input']})"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = expected.replace("''", '""').replace("'", "").replace(" or ", ", ")
        message = f"must be one of {choices} (not {_shown(error['input'])})"
    elif kind in _MESSAGES:
        message = _MESSAGES[kind]
    else:
        message = str(error["msg"])
    if kind not in ("missing", "extra_forbidden", "literal_error") and _is_scalar(error["input"]):
        message += f" (not {_shown(error['input'])})"
    return f"{where}: {message}"


def path_of(location: Sequence[int | str]) -> str:
    """`("actionItems", 0, "type")` -> `actionItems[0].type`."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + ("from" if part == "from_" else part)
    return path or "(file)"


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool | HugeNumber) or value is None


def _shown(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:39] + "…", ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) > 20:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    if isinstance(value, HugeNumber):
        return str(value)
    return type(value).__name__


# ---- from the validated file to an incident -----------------------------------------------


def _record(parsed: PostMortemIn, problems: list[str]) -> IncidentRecord:
    extra = parsed.warroom
    times = _timeline_times(parsed, problems)
    extras = _event_extras(parsed, problems)
    categories = extra.factorCategories if extra is not None else []
    if categories and len(categories) != len(parsed.contributingFactors):
        problems.append(
            f"warroom.factorCategories: {len(categories)} categories for "
            f"{len(parsed.contributingFactors)} contributing factors"
        )
    users_unknown = extra is not None and extra.usersAffectedUnknown
    if users_unknown and parsed.impact.usersAffected is not None:
        problems.append(
            "warroom.usersAffectedUnknown: true, yet impact.usersAffected is "
            f"{parsed.impact.usersAffected}: one or the other"
        )
    severity = parse_severity(parsed.severity)
    milestones = _milestones(parsed, times, problems)
    detected = milestones[Milestone.DETECTED]
    history = _severity_history(parsed, severity, detected, problems)
    roles = _roles(parsed, detected, problems)
    services = _labels(extra.services if extra else [], LabelKind.SERVICE, problems)
    tags = _labels(extra.tags if extra else [], LabelKind.TAG, problems)
    events = tuple(
        Event(
            id=0,
            incident_id=0,
            kind=extras[index][0] if index in extras else EventKind.NOTE,
            actor=entry.actor,
            text=entry.event,
            occurred_at=moment,
            recorded_at=moment,
            starred=extras[index][1] if index in extras else False,
        )
        for index, (entry, moment) in enumerate(zip(parsed.timeline, times, strict=True))
    )
    return IncidentRecord(
        title=parsed.title,
        severity=severity,
        milestones=milestones,
        severity_history=history,
        roles=roles,
        events=events,
        action_items=(
            *(_action_item(item, follow_up=True) for item in parsed.actionItems),
            *(_action_item(item, follow_up=False) for item in _live_tasks(parsed)),
        ),
        postmortem=PostMortem(
            incident_id=0,
            report_id=parsed.id,
            report_date=parsed.date,
            authors=tuple(parsed.authors),
            status=ReportStatus(parsed.status),
            summary=parsed.summary,
            impact_duration=parsed.impact.duration,
            users_affected=UNKNOWN if users_unknown else parsed.impact.usersAffected,
            revenue_impact=parsed.impact.revenueImpact,
            sla_breached=parsed.impact.slaBreached,
            root_cause=parsed.rootCause,
            contributing_factors=tuple(
                ContributingFactor(
                    text,
                    FishboneCategory(categories[index])
                    if index < len(categories) and categories[index]
                    else None,
                )
                for index, text in enumerate(parsed.contributingFactors)
            ),
            what_went_well=tuple(parsed.whatWentWell),
            what_went_poorly=tuple(parsed.whatWentPoorly),
            lucky_breaks=tuple(parsed.luckyBreaks),
            five_whys=tuple(Why(why.question, why.answer) for why in parsed.fiveWhys),
        ),
        services=services,
        postmortem_notes=tuple(
            ReportNote(note.at, note.actor, note.text)
            for note in (extra.postmortemNotes if extra else [])
        ),
        tags=tags,
    )


def _labels(names: list[str], kind: LabelKind, problems: list[str]) -> tuple[str, ...]:
    for index, name in enumerate(names):
        try:
            check_label(name, kind)
        except BadInput as error:
            problems.append(f"warroom.{kind.value}s[{index}]: {error}")
            return ()
    return labels(names, kind)


def _timeline_times(parsed: PostMortemIn, problems: list[str]) -> list[datetime]:
    """Each entry's moment: `HH:MM` placed after the entry before it, ISO kept as it is."""
    times: list[datetime] = []
    previous: datetime | None = None
    for index, entry in enumerate(parsed.timeline):
        value = entry.time
        if isinstance(value, datetime):
            moment = value
            if previous is not None and moment < previous:
                problems.append(
                    f"timeline[{index}].time: earlier than the entry before it "
                    "(the timeline must be in time order)"
                )
        else:
            day = previous.date() if previous is not None else parsed.date
            moment = _at(day, value)
            if previous is not None and moment < previous:
                if day >= LATEST.date():
                    problems.append(f"timeline[{index}].time: on the next day, {_PAST_LATEST}")
                    moment = previous
                else:
                    moment = _at(day + timedelta(days=1), value)
        times.append(moment)
        previous = max(previous, moment) if previous is not None else moment
    return times


_PAST_LATEST = f"after {LATEST:%Y-%m-%d}, the last day an import may hold"


def _event_extras(parsed: PostMortemIn, problems: list[str]) -> dict[int, tuple[EventKind, bool]]:
    """Timeline position -> (kind, starred), from `warroom.timeline`."""
    given = parsed.warroom.timeline if parsed.warroom is not None else None
    extras: dict[int, tuple[EventKind, bool]] = {}
    for position, extra in enumerate(given or []):
        where = f"warroom.timeline[{position}].index"
        if extra.index >= len(parsed.timeline):
            problems.append(f"{where}: no timeline entry {extra.index}")
        elif extra.index in extras:
            problems.append(f"{where}: entry {extra.index} is described twice")
        else:
            extras[extra.index] = (EventKind(extra.kind), extra.starred)
    return extras


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=UTC)


def _milestones(
    parsed: PostMortemIn, times: Sequence[datetime], problems: list[str]
) -> dict[Milestone, datetime]:
    given = parsed.warroom.milestones if parsed.warroom is not None else None
    if given is None:
        start = times[0] if times else _at(parsed.date, time())
        return {Milestone.DETECTED: start, Milestone.RESOLVED: times[-1] if times else start}
    marks = {
        Milestone.DETECTED: given.detected,
        Milestone.ACKNOWLEDGED: given.acknowledged,
        Milestone.MITIGATED: given.mitigated,
        Milestone.RESOLVED: given.resolved,
    }
    reached = {milestone: at for milestone, at in marks.items() if at is not None}
    ordered = list(reached.items())
    for (_, before), (milestone, at) in pairwise(ordered):
        if at < before:
            problems.append(
                f"warroom.milestones.{milestone.value}: earlier than the milestone before it"
            )
    return reached


def _severity_history(
    parsed: PostMortemIn, severity: int, detected: datetime, problems: list[str]
) -> tuple[SeverityChange, ...]:
    given: list[SeverityChangeIn] | None = (
        parsed.warroom.severityHistory if parsed.warroom is not None else None
    )
    if not given:
        if given is not None:
            problems.append("warroom.severityHistory: empty: the declared severity comes first")
        return (SeverityChange(0, None, severity, detected, parsed.incidentCommander),)
    history: list[SeverityChange] = []
    for index, change in enumerate(given):
        where = f"warroom.severityHistory[{index}]"
        old = parse_severity(change.from_) if change.from_ else None
        new = parse_severity(change.to)
        if index == 0 and old is not None:
            problems.append(f"{where}.from: the first entry is the declaration: no from")
        if index > 0 and old != history[-1].new:
            expected = f"SEV-{history[-1].new}"
            problems.append(f"{where}.from: must be {expected}, the severity before it")
        if index > 0 and change.at < history[-1].at:
            problems.append(f"{where}.at: earlier than the change before it")
        history.append(SeverityChange(0, old, new, change.at, change.actor))
    if history[-1].new != severity:
        problems.append(
            f"warroom.severityHistory: ends at SEV-{history[-1].new}, "
            f"but severity is SEV-{severity}"
        )
    return tuple(history)


def _roles(
    parsed: PostMortemIn, detected: datetime, problems: list[str]
) -> tuple[RoleAssignment, ...]:
    commander = parsed.incidentCommander
    given = parsed.warroom.roles if parsed.warroom is not None else None
    if given is None:
        return (RoleAssignment(0, 0, Role.COMMANDER, commander, detected),)
    roles = tuple(
        RoleAssignment(0, 0, Role(role.role), role.person, role.assignedAt, role.releasedAt)
        for role in given
    )
    current = [r.person for r in roles if r.role is Role.COMMANDER and r.released_at is None]
    if current != [commander]:
        problems.append(
            f"warroom.roles: the one current commander must be {json.dumps(commander)} "
            f"(incidentCommander), not {', '.join(map(json.dumps, current)) or 'nobody'}"
        )
    return roles


def _live_tasks(parsed: PostMortemIn) -> list[ActionItemIn]:
    tasks = parsed.warroom.liveTasks if parsed.warroom is not None else None
    return tasks or []


def _action_item(item: ActionItemIn, *, follow_up: bool) -> ActionItem:
    return ActionItem(
        id=0,
        incident_id=0,
        description=item.description,
        type=ActionType(item.type) if item.type else None,
        owner=item.owner,
        priority=Priority(item.priority) if item.priority else None,
        due_date=item.dueDate,
        status=ActionStatus(item.status),
        ticket=item.jiraTicket,
        follow_up=follow_up,
    )
