from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.cadence import (
    Standup,
    UpdateSchedule,
    next_update_due,
    response_status,
    severity_at,
)
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import Incident, SeverityChange
from warroom.domain.severity import Cadence, UpdatePolicy

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def incident(level: int, detected: datetime, **milestones: datetime) -> Incident:
    marks = {Milestone.DETECTED: detected}
    marks.update({Milestone(name): at for name, at in milestones.items()})
    return Incident(1, "t", level, Phase.INVESTIGATION, marks, "IC")


def declared(level: int, at: datetime) -> SeverityChange:
    return SeverityChange(1, None, level, at, "x")


DETECTED = utc(2024, 3, 15, 14, 23)  # a Friday


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (1, utc(2024, 3, 15, 14, 53)),
        (2, utc(2024, 3, 15, 15, 23)),
        (3, utc(2024, 3, 16, 14, 23)),
        # SEV-4: the next standup on a business day, Friday afternoon -> Monday 09:30
        (4, utc(2024, 3, 18, 9, 30)),
    ],
)
def test_first_update_due_per_severity(level: int, expected: datetime) -> None:
    due = next_update_due(
        incident(level, DETECTED), None, [declared(level, DETECTED)], UpdateSchedule(), UTC_ZONE
    )
    assert due == expected


def test_posting_an_update_restarts_the_clock() -> None:
    posted = DETECTED + timedelta(minutes=20)
    due = next_update_due(incident(1, DETECTED), posted, [], UpdateSchedule(), UTC_ZONE)
    assert due == posted + timedelta(minutes=30)


def test_severity_change_restarts_the_clock_at_the_new_cadence() -> None:
    changed = DETECTED + timedelta(minutes=10)
    changes = [declared(1, DETECTED), SeverityChange(1, 1, 2, changed, "x")]
    due = next_update_due(incident(2, DETECTED), None, changes, UpdateSchedule(), UTC_ZONE)
    assert due == changed + timedelta(hours=1)


def test_cadence_overrides() -> None:
    schedule = UpdateSchedule(
        {
            1: UpdatePolicy(Cadence.INTERVAL, timedelta(minutes=15)),
            2: UpdatePolicy(Cadence.STANDUP),
            3: UpdatePolicy(Cadence.INTERVAL, timedelta(hours=4)),
            4: UpdatePolicy(Cadence.INTERVAL, timedelta(days=7)),
        },
        Standup(at=time(10, 0), days=frozenset({0, 2, 4})),
    )
    assert schedule.due_after(1, DETECTED, UTC_ZONE) == DETECTED + timedelta(minutes=15)
    # Friday 14:23 -> the next standup day is Monday (0), at 10:00
    assert schedule.due_after(2, DETECTED, UTC_ZONE) == utc(2024, 3, 18, 10, 0)
    assert schedule.due_after(4, DETECTED, UTC_ZONE) == DETECTED + timedelta(days=7)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (utc(2024, 3, 18, 9, 29), utc(2024, 3, 18, 9, 30)),  # Monday, just before standup
        (utc(2024, 3, 18, 9, 30), utc(2024, 3, 19, 9, 30)),  # at standup: the next one
        (utc(2024, 3, 16, 12, 0), utc(2024, 3, 18, 9, 30)),  # Saturday
        (utc(2024, 3, 17, 23, 59), utc(2024, 3, 18, 9, 30)),  # Sunday, a minute to midnight
    ],
)
def test_next_standup(reference: datetime, expected: datetime) -> None:
    assert Standup().next_after(reference, UTC_ZONE) == expected


def test_standup_is_local_time_across_dst() -> None:
    # Berlin 09:30 is 08:30 UTC before 2024-03-31 and 07:30 UTC after it.
    standup = Standup()
    assert standup.next_after(utc(2024, 3, 29, 12, 0), BERLIN) == utc(2024, 4, 1, 7, 30)
    assert standup.next_after(utc(2024, 3, 28, 12, 0), BERLIN) == utc(2024, 3, 29, 8, 30)


def test_standup_in_a_dst_gap_happens_after_the_gap() -> None:
    standup = Standup(at=time(2, 30), days=frozenset(range(7)))
    moment = standup.next_after(utc(2024, 3, 30, 12, 0), BERLIN)
    assert moment == utc(2024, 3, 31, 1, 30)  # 03:30 CEST


def test_severity_at_follows_the_history() -> None:
    changes = [
        declared(3, DETECTED),
        SeverityChange(1, 3, 1, DETECTED + timedelta(minutes=10), "x"),
        SeverityChange(1, 1, 2, DETECTED + timedelta(minutes=40), "x"),
    ]
    inc = incident(2, DETECTED)
    assert severity_at(DETECTED, inc, changes) == 3
    assert severity_at(DETECTED + timedelta(minutes=15), inc, changes) == 1
    assert severity_at(DETECTED + timedelta(hours=1), inc, changes) == 2


def test_response_target_met_and_missed() -> None:
    ack = DETECTED + timedelta(minutes=10)
    met = response_status(
        incident(1, DETECTED, acknowledged=ack),
        [declared(1, DETECTED)],
        DETECTED + timedelta(hours=1),
        Standup(),
        UTC_ZONE,
    )
    assert met.deadline == DETECTED + timedelta(minutes=15)
    assert met.met is True

    late = response_status(
        incident(1, DETECTED, acknowledged=DETECTED + timedelta(minutes=16)),
        [declared(1, DETECTED)],
        DETECTED + timedelta(hours=1),
        Standup(),
        UTC_ZONE,
    )
    assert late.met is False

    waiting = response_status(
        incident(1, DETECTED),
        [declared(1, DETECTED)],
        DETECTED + timedelta(minutes=5),
        Standup(),
        UTC_ZONE,
    )
    assert waiting.met is None
    assert not waiting.missed_by(DETECTED + timedelta(minutes=5))
    assert waiting.missed_by(DETECTED + timedelta(minutes=16))


def test_sev4_response_target_is_the_next_business_days_standup() -> None:
    status = response_status(
        incident(4, DETECTED), [declared(4, DETECTED)], DETECTED, Standup(), UTC_ZONE
    )
    assert status.deadline == utc(2024, 3, 18, 9, 30)  # Friday -> Monday
