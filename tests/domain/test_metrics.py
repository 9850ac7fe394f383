"""Metrics from milestones, severity history and posted updates: table-driven."""

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.metrics import LateUpdate, compute_metrics, late_updates, time_in_severity
from warroom.domain.model import Incident, SeverityChange

DETECTED = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)  # a Friday


def at(minutes: float) -> datetime:
    return DETECTED + timedelta(minutes=minutes)


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def incident(level: int, **marks: float) -> Incident:
    milestones = {Milestone.DETECTED: DETECTED}
    milestones.update({Milestone(name): at(offset) for name, offset in marks.items()})
    phase = Phase.POSTMORTEM if "resolved" in marks else Phase.INVESTIGATION
    return Incident(1, "t", level, phase, milestones, "IC")


def history(declared: int, *changes: tuple[float, int]) -> list[SeverityChange]:
    result = [SeverityChange(1, None, declared, DETECTED, "a")]
    level = declared
    for offset, new in changes:
        result.append(SeverityChange(1, level, new, at(offset), "a"))
        level = new
    return result


def test_times_to_each_milestone() -> None:
    metrics = compute_metrics(
        incident(1, acknowledged=2, mitigated=42, resolved=47),
        history(1),
        [],
        UpdateSchedule(),
        UTC,
        at(100),
    )
    assert metrics.time_to_acknowledge == minutes(2)
    assert metrics.time_to_mitigate == minutes(42)
    assert metrics.time_to_resolve == minutes(47)
    assert metrics.response.met is True


def test_unrecorded_milestones_are_none() -> None:
    metrics = compute_metrics(incident(2), history(2), [], UpdateSchedule(), UTC, at(10))
    assert (metrics.time_to_acknowledge, metrics.time_to_mitigate, metrics.time_to_resolve) == (
        None,
        None,
        None,
    )
    assert metrics.response.met is None


@pytest.mark.parametrize(
    ("declared", "changes", "end", "expected"),
    [
        (1, [], 47, [(1, 47)]),
        (3, [(10, 1)], 47, [(1, 37), (3, 10)]),
        (2, [(10, 1), (30, 2)], 60, [(1, 20), (2, 40)]),  # back at SEV-2: adds up
        (2, [(10, 3), (20, 2), (25, 4)], 25, [(2, 15), (3, 10), (4, 0)]),
    ],
)
def test_time_in_each_severity(
    declared: int,
    changes: list[tuple[float, int]],
    end: float,
    expected: list[tuple[int, float]],
) -> None:
    spent = time_in_severity(incident(declared), history(declared, *changes), at(end))
    assert spent == tuple((level, minutes(value)) for level, value in expected)


def test_time_in_severity_without_history_is_the_current_level() -> None:
    assert time_in_severity(incident(2), [], at(30)) == ((2, minutes(30)),)


@pytest.mark.parametrize(
    ("declared", "changes", "updates", "end", "expected"),
    [
        # SEV-1 every 30 minutes: updates at 25 and 50 keep the cadence until 60.
        (1, [], [25, 50], 60, []),
        # the first update came at 40: 10 minutes late; the next due at 70, resolved at 60.
        (1, [], [40], 60, [(30, 40, 10)]),
        # no update at all in 75 minutes: the 30-minute deadline passed, 45 minutes before the end
        (1, [], [], 75, [(30, None, 45)]),
        # resolved before the first update was due: nothing missed
        (1, [], [], 29, []),
        # SEV-3 (daily) raised to SEV-1 at 10: the clock restarts at 10, due at 40; update at 50
        (3, [(10, 1)], [50], 60, [(40, 50, 10)]),
        # overdue when the severity changed: that deadline was missed, no update posted for it
        (1, [(45, 2)], [], 100, [(30, None, 15)]),
        # two late updates, then on time
        (1, [], [35, 70, 95], 100, [(30, 35, 5), (65, 70, 5)]),
    ],
)
def test_update_cadence_replayed(
    declared: int,
    changes: list[tuple[float, int]],
    updates: list[float],
    end: float,
    expected: list[tuple[float, float | None, float]],
) -> None:
    missed = late_updates(
        incident(declared),
        history(declared, *changes),
        [at(offset) for offset in updates],
        UpdateSchedule(),
        UTC,
        at(end),
    )
    assert [(late.due, late.posted_at, late.late_by) for late in missed] == [
        (at(due), at(posted) if posted is not None else None, minutes(late))
        for due, posted, late in expected
    ]


def test_late_update_records_the_level_whose_cadence_applied() -> None:
    (late,) = late_updates(incident(2), history(2, (5, 1)), [at(50)], UpdateSchedule(), UTC, at(50))
    assert late == LateUpdate(1, at(35), at(50), minutes(15))


def test_sev4_updates_follow_the_standup() -> None:
    # Friday 14:23 -> the next standup is Monday 09:30; an update on Monday 10:00 is 30m late.
    monday_ten = datetime(2024, 3, 18, 10, 0, tzinfo=UTC)
    metrics = compute_metrics(
        incident(4), history(4), [monday_ten], UpdateSchedule(), UTC, monday_ten
    )
    assert [late.late_by for late in metrics.late_updates] == [minutes(30)]
    assert metrics.updates_posted == 1
    assert not metrics.cadence_kept
    assert metrics.worst_late_by == minutes(30)
