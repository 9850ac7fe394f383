"""warroom's domain objects: plain, immutable, free of SQL and of Textual.

The store converts its rows to these; screens, exporters and the command line use only these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import Milestone, Phase


class EventKind(Enum):
    NOTE = "note"
    ALERT = "alert"
    ACTION = "action"
    DECISION = "decision"
    UPDATE = "update"
    SEVERITY = "severity"
    PHASE = "phase"
    ROLE = "role"

    @classmethod
    def parse(cls, text: str) -> EventKind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise BadInput(f"bad kind {text!r}: use one of {names}") from None


class ActionType(Enum):
    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"


class Priority(Enum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class ActionStatus(Enum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"


class Role(Enum):
    COMMANDER = "commander"
    SCRIBE = "scribe"
    COMMS = "comms"
    EXPERT = "expert"

    @property
    def title(self) -> str:
        return _ROLE_TITLES[self]


_ROLE_TITLES = {
    Role.COMMANDER: "Incident Commander",
    Role.SCRIBE: "Scribe",
    Role.COMMS: "Communications liaison",
    Role.EXPERT: "Subject-matter expert",
}


class ReportStatus(Enum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"


class FishboneCategory(Enum):
    PEOPLE = "People"
    PROCESS = "Process"
    TECHNOLOGY = "Technology"
    ENVIRONMENT = "Environment"


_INCIDENT_REF = re.compile(r"^\s*(?:inc-?)?(\d{1,18})\s*$", re.IGNORECASE)


def incident_key(incident_id: int) -> str:
    return f"INC-{incident_id}"


def parse_incident_ref(text: str) -> int:
    """`INC-7`, `inc-7` or `7` to 7."""
    match = _INCIDENT_REF.match(text)
    if not match or int(match.group(1)) == 0:
        raise BadInput(f"bad incident id {text!r}: use e.g. INC-1")
    return int(match.group(1))


def event_key(event_id: int) -> str:
    return f"EV-{event_id}"


_ACTION_REF = re.compile(r"^\s*(?:ai-?)?(\d{1,18})\s*$", re.IGNORECASE)


def action_key(item_id: int) -> str:
    return f"AI-{item_id}"


def parse_action_ref(text: str) -> int:
    """`AI-3`, `ai-3` or `3` to 3."""
    match = _ACTION_REF.match(text)
    if not match or int(match.group(1)) == 0:
        raise BadInput(f"bad action item id {text!r}: use e.g. AI-1 (warroom action list)")
    return int(match.group(1))


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    title: str
    severity: int
    phase: Phase
    milestones: dict[Milestone, datetime]
    commander: str | None
    version: int = 1
    services: tuple[str, ...] = ()  # what it affects, as alerts' `service` label names them
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return incident_key(self.id)

    @property
    def detected_at(self) -> datetime:
        return self.milestones[Milestone.DETECTED]

    @property
    def resolved_at(self) -> datetime | None:
        return self.milestones.get(Milestone.RESOLVED)

    @property
    def is_active(self) -> bool:
        return Milestone.RESOLVED not in self.milestones and not self.withdrawn

    @property
    def withdrawn(self) -> bool:
        return Milestone.WITHDRAWN in self.milestones

    @property
    def status(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        return "active" if Milestone.RESOLVED not in self.milestones else "resolved"


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    incident_id: int
    kind: EventKind
    actor: str
    text: str
    occurred_at: datetime
    recorded_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    starred: bool = False
    hidden: bool = False

    @property
    def key(self) -> str:
        return event_key(self.id)


@dataclass(frozen=True, slots=True)
class EventRevision:
    """What an event said before an edit replaced it."""

    event_id: int
    kind: EventKind
    actor: str
    text: str
    occurred_at: datetime
    replaced_at: datetime
    replaced_by: str


@dataclass(frozen=True, slots=True)
class SeverityChange:
    incident_id: int
    old: int | None  # None: the severity the incident was declared with
    new: int
    at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int
    incident_id: int
    description: str
    type: ActionType | None = None
    owner: str = ""
    priority: Priority | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    ticket: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    # A follow-up from the post-mortem (what the report's checks and exports count), not a
    # task of the live response.
    follow_up: bool = False


def kind_of(item: ActionItem) -> str:
    """How an item's kind is written: `follow-up` or `task` (of the live response)."""
    return "follow-up" if item.follow_up else "task"


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    id: int
    incident_id: int
    role: Role
    person: str
    assigned_at: datetime
    released_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Presence:
    """Someone with the war room open: since when, and their latest heartbeat."""

    person: str
    since: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ContributingFactor:
    text: str
    category: FishboneCategory | None = None


@dataclass(frozen=True, slots=True)
class Why:
    question: str
    answer: str


class Unknown(Enum):
    """An answer that says it cannot be known (users affected: nobody can count them), which is
    not the same as no answer yet (None)."""

    UNKNOWN = "unknown"


UNKNOWN = Unknown.UNKNOWN


@dataclass(frozen=True, slots=True)
class PostMortem:
    """The post-mortem fields warroom keeps beside the incident (one per incident)."""

    incident_id: int
    report_id: str = ""  # e.g. PM-2024-007; empty: derived from the incident
    report_date: date | None = None  # None: the detection date
    authors: tuple[str, ...] = ()
    status: ReportStatus = ReportStatus.DRAFT
    summary: str = ""
    impact_duration: str = ""  # empty: computed from the milestones
    users_affected: int | Unknown | None = None  # None: not answered yet
    revenue_impact: str = ""
    sla_breached: bool | None = None
    root_cause: str = ""
    contributing_factors: tuple[ContributingFactor, ...] = ()
    what_went_well: tuple[str, ...] = ()
    what_went_poorly: tuple[str, ...] = ()
    lucky_breaks: tuple[str, ...] = ()
    five_whys: tuple[Why, ...] = ()
    version: int = 0  # 0: never saved


@dataclass(frozen=True, slots=True)
class ReportNote:
    """A record of what happened to the post-mortem itself (forced past its checks, back in
    review after an edit): the report's history, kept out of the incident's timeline."""

    at: datetime
    actor: str
    text: str


class DraftKind(Enum):
    """What a person typed in a war room and did not send, kept for them (store/drafts.py)."""

    LOG = "log"  # the log line's unsent lines, one a line
    UPDATE = "update"  # the stakeholder update being composed
