"""The response lifecycle (PRODUCT.md §2) and the milestones it records."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum


class Phase(Enum):
    DETECTION = "detection"
    TRIAGE = "triage"
    COMMUNICATION = "communication"
    INVESTIGATION = "investigation"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    POSTMORTEM = "post-mortem"

    @property
    def title(self) -> str:
        return "Post-Mortem" if self is Phase.POSTMORTEM else self.value.capitalize()

    @property
    def index(self) -> int:
        return PHASES.index(self)

    @property
    def next(self) -> Phase | None:
        position = self.index + 1
        return PHASES[position] if position < len(PHASES) else None


PHASES: tuple[Phase, ...] = tuple(Phase)


class Milestone(Enum):
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


# Entering a phase marks a milestone:
# - leaving Detection means someone picked the incident up (Triage begins);
# - reaching Resolution means a fix or workaround is in place (now confirming it);
# - reaching Post-Mortem means the fix was confirmed: the incident is resolved.
MILESTONE_ON_ENTER: dict[Phase, Milestone] = {
    Phase.DETECTION: Milestone.DETECTED,
    Phase.TRIAGE: Milestone.ACKNOWLEDGED,
    Phase.RESOLUTION: Milestone.MITIGATED,
    Phase.POSTMORTEM: Milestone.RESOLVED,
}


def milestones_reached(phase: Phase) -> list[Milestone]:
    """Every milestone a phase implies, in order (resolving also means mitigated...)."""
    return [m for p, m in MILESTONE_ON_ENTER.items() if p.index <= phase.index]


# "Within 48 hours, conduct a blameless retrospective."
POSTMORTEM_WITHIN = timedelta(hours=48)


def postmortem_due(resolved_at: datetime) -> datetime:
    return resolved_at + POSTMORTEM_WITHIN
