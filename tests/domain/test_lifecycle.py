from datetime import UTC, datetime

from warroom.domain.lifecycle import (
    PHASES,
    Milestone,
    Phase,
    milestones_reached,
    postmortem_due,
)


def test_phases_in_the_lessons_order() -> None:
    assert [phase.title for phase in PHASES] == [
        "Detection",
        "Triage",
        "Communication",
        "Investigation",
        "Mitigation",
        "Resolution",
        "Post-Mortem",
    ]


def test_next_phase_walks_the_lifecycle_and_stops() -> None:
    phase: Phase | None = Phase.DETECTION
    walked = []
    while phase is not None:
        walked.append(phase)
        phase = phase.next
    assert walked == list(PHASES)


def test_milestones_implied_by_each_phase() -> None:
    assert milestones_reached(Phase.DETECTION) == [Milestone.DETECTED]
    assert milestones_reached(Phase.INVESTIGATION) == [Milestone.DETECTED, Milestone.ACKNOWLEDGED]
    assert milestones_reached(Phase.POSTMORTEM) == list(Milestone)


def test_postmortem_due_48_hours_after_resolution() -> None:
    resolved = datetime(2024, 3, 15, 15, 10, tzinfo=UTC)
    assert postmortem_due(resolved) == datetime(2024, 3, 17, 15, 10, tzinfo=UTC)
