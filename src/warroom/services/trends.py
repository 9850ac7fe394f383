"""Trends across incidents: read the period's facts from the store, compute the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.trends import Trends, trends

if TYPE_CHECKING:
    from warroom.store import Store


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """What a report needs from the config: the update cadence (late updates) and the display
    timezone (months, "today" for overdue action items)."""

    schedule: UpdateSchedule
    tz: tzinfo


def load_trends(
    store: Store, since: datetime, settings: TrendSettings, *, by: str | None = None
) -> Trends:
    """The report from `since` to the store clock's now."""
    now = store.clock.now()
    today = now.astimezone(settings.tz).date()
    facts = store.report_facts(since, now, today)
    return trends(facts, since=since, now=now, by=by, schedule=settings.schedule, tz=settings.tz)
