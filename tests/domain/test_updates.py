from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import ActionItem, ActionStatus, Event, EventKind, Incident
from warroom.domain.updates import MAX_DEVELOPMENTS, UpdateContext, compose_update

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
        "Status: active, Investigation (10m since detection). IC: Bob Chen.\n"
        "Impact: Critical: complete outage or data breach.\n"
        "\n"
        "What we know so far:\n"
        "- 14:25 Severity raised: SEV-2 → SEV-1 (Critical)\n"
        "- 14:30 Identified database as bottleneck\n"
        "- 14:32 Action item opened: add index\n"
        "\n"
        "Open action items: 1.\n"
        "\n"
        "Next update by 2024-03-15 15:03 UTC."
    )


def test_later_update_counts_from_the_last_and_caps_a_flood() -> None:
    events = [event(20 + n, f"alert {n}", EventKind.ALERT) for n in range(MAX_DEVELOPMENTS + 5)]
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
    assert "- ... 5 earlier events, see the timeline" in text
    assert "alert 4\n" not in text
    assert f"alert {MAX_DEVELOPMENTS + 4}" in text
    assert "Open action items" not in text


def test_nothing_new() -> None:
    text = compose_update(
        UpdateContext(INCIDENT, T0, [], [], T0 + timedelta(minutes=30), T0), UTC_ZONE
    )
    assert "- No new developments." in text


def test_events_and_the_last_update_on_another_day_have_their_date() -> None:
    """A time alone reads as today's: one from another day (yesterday's deploy, a war room
    open past midnight) says which day."""
    now = datetime(2024, 3, 16, 0, 20, tzinfo=UTC)
    text = compose_update(
        UpdateContext(
            INCIDENT,
            datetime(2024, 3, 15, 23, 50, tzinfo=UTC),
            [
                event(-1440, "Migration deployed"),
                Event(99, 1, EventKind.NOTE, "bob", "x", now, now),
            ],
            [],
            now + timedelta(minutes=30),
            now,
        ),
        UTC_ZONE,
    )
    assert "Since the last update (03-15 23:50):" in text
    assert "- 03-14 14:23 Migration deployed\n- 00:20 x\n" in text
