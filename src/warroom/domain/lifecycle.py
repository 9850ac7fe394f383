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
    WITHDRAWN = "withdrawn"  # declared by mistake: kept, out of lists and reports

    @property
    def order(self) -> int:
        """Where it comes in a response: a milestone is never recorded before an earlier one."""
        return _MILESTONE_ORDER.index(self)


# The milestones of a response, which the metrics and the export's `milestones` are made of.
RESPONSE_MILESTONES = (
    Milestone.DETECTED,
    Milestone.ACKNOWLEDGED,
    Milestone.MITIGATED,
    Milestone.RESOLVED,
)
_MILESTONE_ORDER = (*RESPONSE_MILESTONES, Milestone.WITHDRAWN)


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


# "Within 48 hours, conduct a blameless retrospective."
POSTMORTEM_WITHIN = timedelta(hours=48)


def postmortem_due(resolved_at: datetime) -> datetime:
    return resolved_at + POSTMORTEM_WITHIN
