"""A whole incident as plain values, ready to be stored in one go (importing a post-mortem file).

The ids and incident ids inside (`Event.id`, `ActionItem.incident_id`, ...) are placeholders:
the store gives the new incident and its rows their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    ActionItem,
    Event,
    PostMortem,
    ReportNote,
    RoleAssignment,
    SeverityChange,
)


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    title: str
    severity: int  # the current level: the last entry of `severity_history`
    milestones: dict[Milestone, datetime]  # DETECTED at least
    severity_history: tuple[SeverityChange, ...]  # the declaration (old None) first
    roles: tuple[RoleAssignment, ...]  # one unreleased COMMANDER at least
    events: tuple[Event, ...]  # in timeline order
    action_items: tuple[ActionItem, ...]
    postmortem: PostMortem
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    postmortem_notes: tuple[ReportNote, ...] = ()

    @property
    def phase(self) -> Phase:
        """The lifecycle step its milestones imply."""
        if Milestone.RESOLVED in self.milestones:
            return Phase.POSTMORTEM
        if Milestone.MITIGATED in self.milestones:
            return Phase.RESOLUTION
        if Milestone.ACKNOWLEDGED in self.milestones:
            return Phase.TRIAGE
        return Phase.DETECTION
