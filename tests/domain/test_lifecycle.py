from datetime import UTC, datetime

from warroom.domain.lifecycle import (
    MILESTONE_ON_ENTER,
    PHASES,
    Milestone,
    Phase,
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


def test_each_milestone_is_marked_by_entering_one_step() -> None:
    """Only the step entered marks a milestone: one skipped stays not recorded (§8)."""
    assert MILESTONE_ON_ENTER == {
        Phase.DETECTION: Milestone.DETECTED,
        Phase.TRIAGE: Milestone.ACKNOWLEDGED,
        Phase.RESOLUTION: Milestone.MITIGATED,
        Phase.POSTMORTEM: Milestone.RESOLVED,
    }


def test_milestones_come_in_the_order_of_a_response() -> None:
    assert sorted(Milestone, key=lambda milestone: milestone.order) == [
        Milestone.DETECTED,
        Milestone.ACKNOWLEDGED,
        Milestone.MITIGATED,
        Milestone.RESOLVED,
        Milestone.WITHDRAWN,
    ]


def test_postmortem_due_48_hours_after_resolution() -> None:
    resolved = datetime(2024, 3, 15, 15, 10, tzinfo=UTC)
    assert postmortem_due(resolved) == datetime(2024, 3, 17, 15, 10, tzinfo=UTC)
