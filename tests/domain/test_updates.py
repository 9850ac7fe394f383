from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    ActionItem,
    ActionStatus,
    ActionType,
    Event,
    EventKind,
    Incident,
)
from warroom.domain.updates import UpdateContext, compose_update, update_heading

T0 = datetime(2024, 3, 15, 14, 23, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
INCIDENT = Incident(
    1, "Checkout down", 1, Phase.INVESTIGATION, {Milestone.DETECTED: T0}, "Bob Chen"
)


def event(minute: int, text: str, kind: EventKind = EventKind.NOTE) -> Event:
    at = T0 + timedelta(minutes=minute)
    return Event(minute, 1, kind, "bob", text, at, at)


def test_first_update_lists_what_we_know() -> None:
    text = compose_update(
        UpdateContext(
            INCIDENT,
            None,
            [
                event(2, "Severity raised: SEV-2 → SEV-1 (Critical)", EventKind.SEVERITY),
                event(7, "Identified database as bottleneck"),
                event(8, "Roll back the migration", EventKind.DECISION),
                event(9, "Action item opened: add index", EventKind.ACTION),
            ],
            [ActionItem(1, 1, "add index", status=ActionStatus.OPEN)],
            T0 + timedelta(minutes=40),
            T0 + timedelta(minutes=10),
        ),
        UTC_ZONE,
    )
    assert text == (
        "[SEV-1] INC-1 Checkout down\n"
        "Impact: ongoing for 10m (since 14:23 UTC).\n"
        "Status: Investigation, at SEV-1 (Critical). IC: Bob Chen.\n"
        "\n"
        "What we know so far:\n"
        "- 14:25 Severity raised: SEV-2 → SEV-1 (Critical)\n"
        "- 14:31 Decided: Roll back the migration\n"
        "- Also 1 note logged by the team.\n"
        "\n"
        "Next update by 2024-03-15 15:03 UTC."
    )


def test_the_impact_is_the_incidents_not_the_severitys_definition() -> None:
    context = UpdateContext(
        INCIDENT, None, [], [], T0 + timedelta(minutes=30), T0 + timedelta(minutes=5)
    )
    text = compose_update(
        replace(context, users_affected=12500, revenue_impact="~$50k"), ZoneInfo("US/Pacific")
    )
    assert "outage or data breach" not in text.lower()
    assert "Impact: ongoing for 5m (since 07:23 PDT); 12,500 users affected; revenue: ~$50k.\n" in (
        text
    )
    resolved = replace(
        INCIDENT, milestones={Milestone.DETECTED: T0, Milestone.RESOLVED: T0 + timedelta(hours=1)}
    )
    done = compose_update(replace(context, incident=resolved), UTC_ZONE)
    assert "Impact: lasted 1h 00m (from 14:23 UTC).\n" in done
    assert "Status: resolved, at SEV-1" in done


def test_what_matters_to_stakeholders_and_what_does_not() -> None:
    """The severity, the step, decisions and actions, mitigations on the board, an ETA; not
    the board's other moves, role changes, or the responders' notes and alerts one by one."""
    events = [
        event(1, "Alice is Scribe", EventKind.ROLE),
        event(2, "Action item opened: add index verification", EventKind.ACTION),
        event(3, "Action item in progress: raise the pool to 200", EventKind.ACTION),
        event(4, "Action item done: raise the pool to 200", EventKind.ACTION),
        event(5, "Rolled back the migration", EventKind.ACTION),
        event(6, "Moved to Mitigation", EventKind.PHASE),
        event(7, "ETA for the fix 15:30"),
        event(8, "db cpu 95%", EventKind.ALERT),
        event(9, "db cpu 97%", EventKind.ALERT),
        event(10, "looking at the slow query log"),
    ]
    items = [
        ActionItem(1, 1, "add index verification", type=ActionType.PREVENT),
        ActionItem(2, 1, "raise the pool to 200", type=ActionType.MITIGATE),
    ]
    text = compose_update(
        UpdateContext(
            INCIDENT, T0, events, items, T0 + timedelta(hours=1), T0 + timedelta(minutes=11)
        ),
        UTC_ZONE,
    )
    assert text.split("\n")[4:11] == [
        "Since the last update (14:23):",
        "- 14:26 Mitigation under way: raise the pool to 200",
        "- 14:27 Mitigation in place: raise the pool to 200",
        "- 14:28 Rolled back the migration",
        "- 14:29 Moved to Mitigation",
        "- 14:30 ETA for the fix 15:30",
        "- Also 1 note and 2 alerts logged by the team.",
    ]
    assert "Scribe" not in text
    assert "verification" not in text


def test_a_flood_is_counted_and_nothing_is_cut() -> None:
    events = [event(20 + n, f"alert {n}", EventKind.ALERT) for n in range(500)]
    events += [event(30 + n, f"decision {n} " + "x" * 300, EventKind.DECISION) for n in range(20)]
    text = compose_update(
        UpdateContext(
            INCIDENT,
            T0 + timedelta(minutes=15),
            events,
            [],
            T0 + timedelta(hours=1),
            T0 + timedelta(minutes=45),
        ),
        UTC_ZONE,
    )
    assert "Since the last update (14:38):" in text
    assert "see the timeline" not in text
    assert "…" not in text
    assert all(f"decision {n} " + "x" * 300 in text for n in range(20))
    assert "- Also 500 alerts logged by the team." in text


def test_nothing_new() -> None:
    text = compose_update(
        UpdateContext(INCIDENT, T0, [], [], T0 + timedelta(minutes=30), T0), UTC_ZONE
    )
    assert "- No new developments." in text
    chatter = [event(1, "still looking")]
    text = compose_update(
        UpdateContext(INCIDENT, T0, chatter, [], T0 + timedelta(minutes=30), T0), UTC_ZONE
    )
    assert "- No change yet; the team is working on it (1 note logged)." in text


@pytest.mark.parametrize(
    ("level", "heading"),
    [
        (1, "Update to the exec team"),
        (2, "Update to stakeholders"),
        (3, "Daily update"),
        (4, "Update for the standup"),
    ],
)
def test_the_heading_reads_right_for_each_audience(level: int, heading: str) -> None:
    assert update_heading(level) == heading


def test_events_and_the_last_update_on_another_day_have_their_date() -> None:
    """A time alone reads as today's: one from another day (yesterday's deploy, a war room
    open past midnight) says which day."""
    now = datetime(2024, 3, 16, 0, 20, tzinfo=UTC)
    text = compose_update(
        UpdateContext(
            INCIDENT,
            datetime(2024, 3, 15, 23, 50, tzinfo=UTC),
            [
                event(-1440, "Migration deployed", EventKind.ACTION),
                Event(99, 1, EventKind.ACTION, "bob", "x", now, now),
            ],
            [],
            now + timedelta(minutes=30),
            now,
        ),
        UTC_ZONE,
    )
    assert "Since the last update (03-15 23:50):" in text
    assert "- 03-14 14:23 Migration deployed\n- 00:20 x\n" in text
