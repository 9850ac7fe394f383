"""The post-mortem workflow against the store: gather the report, check it, move its status.

Status moves draft → in-review → published, one step forward at a time; it can always go back
to draft (or from published back to in-review) to be reworked. Publishing is refused while
blocking problems remain (`checks.py`) unless forced; a forced publish is recorded in the
report's own history (not the incident's timeline), naming who overrode which problems, in
the same transaction as the status change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.checks import Problem, blocking, check_report
from warroom.domain.errors import BadInput
from warroom.domain.model import PostMortem, ReportStatus
from warroom.domain.postmortem import Report, build_report

if TYPE_CHECKING:
    from warroom.store import Store

_ORDER = (ReportStatus.DRAFT, ReportStatus.IN_REVIEW, ReportStatus.PUBLISHED)


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """What the report needs from the config: the update cadence and the display timezone
    (a standup-based cadence is in local time)."""

    schedule: UpdateSchedule
    tz: tzinfo


def load_report(store: Store, incident_id: int, settings: ReportSettings) -> Report:
    """The whole report as stored now; the timeline is streamed, never loaded as rows."""
    incident = store.get_incident(incident_id)
    return build_report(
        incident,
        store.postmortem(incident_id),
        store.iter_timeline(incident_id),
        severity_history=store.severity_changes(incident_id),
        action_items=store.action_items(incident_id),
        roles=store.roles(incident_id, include_released=True),
        notes=store.postmortem_notes(incident_id),
        schedule=settings.schedule,
        tz=settings.tz,
        now=store.clock.now(),
    )


def check(store: Store, incident_id: int, settings: ReportSettings) -> list[Problem]:
    return check_report(load_report(store, incident_id, settings), store.clock.now())


class NotReady(BadInput):
    """Publishing was refused: `problems` stand in the way (force to override)."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(
            f"not published: {count} problem{'' if count == 1 else 's'} to fix first (or force it)"
        )
        self.problems = problems
        self.details = [str(problem) for problem in problems]


def change_status(
    store: Store,
    incident_id: int,
    status: ReportStatus,
    settings: ReportSettings,
    *,
    actor: str,
    force: bool = False,
) -> PostMortem:
    report = load_report(store, incident_id, settings)
    current = report.status
    if status is current:
        raise BadInput(f"the post-mortem is already {status.value}")
    step = _ORDER.index(status) - _ORDER.index(current)
    if step > 1:
        raise BadInput(f"the post-mortem goes to {_ORDER[_ORDER.index(current) + 1].value} first")
    note = None
    if status is ReportStatus.PUBLISHED:
        problems = blocking(check_report(report, store.clock.now()))
        if problems and not force:
            raise NotReady(problems)
        if problems:
            listed = "; ".join(str(problem) for problem in problems)
            count = len(problems)
            note = (
                f"Post-mortem published by {actor} despite {count} "
                f"problem{'' if count == 1 else 's'}: {listed}"
            )
    return store.set_postmortem_status(
        incident_id, status, version=report.stored.version, actor=actor, note=note
    )
