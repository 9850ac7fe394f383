"""What a post-mortem file may contain: the export format (`document.py`), as pydantic models.

Strict: a string is a string, a number a whole number, true/false a boolean; unknown keys are
refused (a typo such as `incidentComander` is a problem, not silently ignored). Keys whose value
may be unknown (null in JSON, absent in TOML) default to null; lists default to empty, text to
empty, `status` to draft, `id` to derived. `title`, `date`, `severity` and `incidentCommander`
are required.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator
from pydantic_core import PydanticCustomError

_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("text", "must not contain NUL characters")
    if _SURROGATE.search(value):
        raise PydanticCustomError("text", "must not contain unpaired surrogates")
    return value


def _filled(value: str) -> str:
    value = _clean(value).strip()
    if not value:
        raise PydanticCustomError("blank", "must not be empty")
    return value


Text = Annotated[str, AfterValidator(_clean)]
Name = Annotated[str, AfterValidator(_filled)]  # stored stripped, and never empty
Trimmed = Annotated[str, AfterValidator(lambda value: _clean(value).strip())]

_EXAMPLE = "2024-03-15T14:15:00Z"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

# The dates and times an import may hold, in UTC: room on both sides for what is computed from
# them (a deadline 48 hours on, a time shown in another zone) without leaving the calendar.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
OUT_OF_RANGE = "is out of range: dates and times must be from 1900-01-01 to 9998-12-31 (UTC)"


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _in_range(value)
    if isinstance(value, str) and _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass  # shaped like a date but none (2024-02-30): the same complaint, below
        else:
            return _in_range(day)
    raise PydanticCustomError("date", "must be a date, YYYY-MM-DD")


def _in_range(day: date) -> date:
    if not EARLIEST.date() <= day <= LATEST.date():
        raise PydanticCustomError("range", OUT_OF_RANGE)
    return day


def _instant(value: Any) -> datetime:
    """ISO 8601 (a TOML date-time too); without an offset it is UTC. Kept to the microsecond."""
    parsed: datetime | None = value if isinstance(value, datetime) else None
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] in "Tt ":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise PydanticCustomError("instant", f"must be an ISO 8601 date-time, e.g. {_EXAMPLE}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        moment = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC
        raise PydanticCustomError("range", OUT_OF_RANGE) from None
    if not EARLIEST <= moment <= LATEST:
        raise PydanticCustomError("range", OUT_OF_RANGE)
    return moment


def _moment(value: Any) -> datetime | time:
    """A timeline time: `HH:MM` or `HH:MM:SS` (UTC, placed later) or an ISO 8601 date-time."""
    if isinstance(value, str) and (clock := _CLOCK.match(value.strip())):
        hour, minute, second = (int(part or 0) for part in clock.groups())
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
        raise PydanticCustomError("time", "no such time of day")
    if isinstance(value, time) and not isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return _instant(value)
    except PydanticCustomError as error:
        if error.type == "range":
            raise
        raise PydanticCustomError(
            "time", f"must be HH:MM (UTC) or an ISO 8601 date-time, e.g. {_EXAMPLE}"
        ) from None


Day = Annotated[date, PlainValidator(_date)]
Instant = Annotated[datetime, PlainValidator(_instant)]
Moment = Annotated[datetime | time, PlainValidator(_moment)]

SeverityLabel = Literal["SEV-1", "SEV-2", "SEV-3", "SEV-4"]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ImpactIn(_Strict):
    duration: Text = ""
    usersAffected: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None  # SQL's BIGINT
    revenueImpact: Text = ""
    slaBreached: bool | None = None


class TimelineIn(_Strict):
    time: Moment
    event: Name
    actor: Name


class ActionItemIn(_Strict):
    description: Name
    type: Literal["prevent", "detect", "mitigate"] | None = None
    owner: Trimmed = ""
    priority: Literal["P0", "P1", "P2"] | None = None
    dueDate: Day | None = None
    status: Literal["open", "in-progress", "done"] = "open"
    jiraTicket: Trimmed = ""


class WhyIn(_Strict):
    question: Name
    answer: Text = ""


class EventExtraIn(_Strict):
    index: Annotated[int, Field(ge=0)]
    kind: Literal["note", "alert", "action", "decision", "update", "severity", "phase", "role"] = (
        "note"
    )
    starred: bool = False


class MilestonesIn(_Strict):
    detected: Instant
    acknowledged: Instant | None = None
    mitigated: Instant | None = None
    resolved: Instant | None = None


class ReportNoteIn(_Strict):
    at: Instant
    actor: Name
    text: Name


class SeverityChangeIn(_Strict):
    model_config = ConfigDict(populate_by_name=False)

    at: Instant
    from_: SeverityLabel | None = Field(default=None, alias="from")
    to: SeverityLabel
    actor: Name


class RoleIn(_Strict):
    role: Literal["commander", "scribe", "comms", "expert"]
    person: Name
    assignedAt: Instant
    releasedAt: Instant | None = None


class WarroomIn(_Strict):
    incident: Text | None = None  # where it was exported from: informational
    services: list[Name] = []
    tags: list[Name] = []
    factorCategories: list[Literal["People", "Process", "Technology", "Environment", ""]] = []
    timeline: list[EventExtraIn] | None = None
    milestones: MilestonesIn | None = None
    severityHistory: list[SeverityChangeIn] | None = None
    roles: list[RoleIn] | None = None
    liveTasks: list[ActionItemIn] | None = None  # the response's tasks, beside the follow-ups
    usersAffectedUnknown: bool = False  # answered "unknown" (usersAffected is then null)
    postmortemNotes: list[ReportNoteIn] = []  # the report's own history
    metrics: dict[str, Any] | None = None  # computed on export; recomputed, never imported


class PostMortemIn(_Strict):
    id: Trimmed = ""
    title: Name
    date: Day
    severity: SeverityLabel
    incidentCommander: Name
    authors: list[Name] = []
    status: Literal["draft", "in-review", "published"] = "draft"
    summary: Text = ""
    impact: ImpactIn = ImpactIn()
    timeline: list[TimelineIn] = []
    rootCause: Text = ""
    contributingFactors: list[Name] = []
    whatWentWell: list[Name] = []
    whatWentPoorly: list[Name] = []
    luckyBreaks: list[Name] = []
    actionItems: list[ActionItemIn] = []
    fiveWhys: list[WhyIn] = []
    warroom: WarroomIn | None = None
