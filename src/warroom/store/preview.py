"""The quick read the first screen is drawn from, while SQLAlchemy and SQLModel load.

Start-up is mostly imports: Textual's, then SQLModel's. The first screen does not wait for the
second: this module reads what it shows straight from the SQLite file with the standard
library, read-only, and the full store opens behind it (on the app's store thread) for
everything after. It reads only a database that is plainly fine (an existing SQLite file at
this warroom's schema); for anything else it returns None and the caller opens the store the
usual way, with all its checks and messages. A test checks these reads against the store's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.labels import LabelKind
from warroom.domain.lifecycle import Milestone, Phase
from warroom.domain.model import (
    UNKNOWN,
    ActionItem,
    ActionStatus,
    ActionType,
    ContributingFactor,
    Event,
    EventKind,
    FishboneCategory,
    Incident,
    PostMortem,
    Priority,
    ReportNote,
    ReportStatus,
    Role,
    RoleAssignment,
    SeverityChange,
    Why,
)
from warroom.domain.postmortem import PostmortemPreview, TimelineEntry, build_report
from warroom.domain.room import FIRST_PAGE, RoomPreview, RoomState
from warroom.store.sqlite_file import at_current_schema

_POSTGRES = ("postgresql://", "postgresql+psycopg://", "postgres://")


class NotFound(LookupError):
    """The database is fine, but has no such incident."""


@contextmanager
def _reading(location: str) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to a plainly fine warroom SQLite file, or None."""
    if location.startswith(_POSTGRES) or "://" in location:
        yield None
        return
    path = Path(location).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        yield None
        return
    try:
        connection = sqlite3.connect(f"file:{path.absolute()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        yield None
        return
    with closing(connection):
        try:
            connection.execute("BEGIN")  # one snapshot for everything read
            current = at_current_schema(connection)
        except sqlite3.Error:
            yield None
            return
        # Anything but a plainly current warroom file is left to the store's full checks.
        yield connection if current else None


def room(location: str, incident_id: int) -> RoomPreview | None:
    """The first screen of a war room; None when the store should be opened instead.
    Raises NotFound for an incident the (fine) database does not have."""
    try:
        with _reading(location) as connection:
            if connection is None:
                return None
            incident = _known_incident(connection, incident_id)
            last_update = connection.execute(
                f"SELECT {_EVENT} FROM event WHERE incident_id = ? AND kind = ? "
                "AND deleted_at IS NULL ORDER BY occurred_at DESC, id DESC LIMIT 1",
                (incident_id, EventKind.UPDATE.value),
            ).fetchone()
            state = RoomState(
                incident=incident,
                severity_changes=_severity_changes(connection, incident_id),
                last_update=_event(last_update) if last_update else None,
                action_items=_action_items(connection, incident_id),
                roles=tuple(
                    RoleAssignment(id_, incident_id, Role(role), person, _time(assigned), None)
                    for id_, role, person, assigned in connection.execute(
                        "SELECT id, role, person, assigned_at FROM role_assignment "
                        "WHERE incident_id = ? AND released_at IS NULL ORDER BY id",
                        (incident_id,),
                    )
                ),
            )
            return RoomPreview(state, _newest_events(connection, incident_id))
    except sqlite3.Error:
        return None  # busy, damaged, changed under us: the store will say what is wrong


def postmortem(
    location: str, incident_id: int, *, schedule: UpdateSchedule, tz: tzinfo, now: datetime
) -> PostmortemPreview | None:
    """The post-mortem editor's first screen, as `load_report` reads it; None when the store
    should be opened instead. Raises NotFound for an incident the (fine) database lacks."""
    try:
        with _reading(location) as connection:
            if connection is None:
                return None
            incident = _known_incident(connection, incident_id)
            timeline = (
                TimelineEntry(_time(at), text, actor, EventKind(kind), bool(starred))
                for at, text, actor, kind, starred in connection.execute(
                    "SELECT occurred_at, text, actor, kind, starred FROM event "
                    "WHERE incident_id = ? AND deleted_at IS NULL AND NOT hidden "
                    "ORDER BY occurred_at, id",
                    (incident_id,),
                )
            )
            report = build_report(
                incident,
                _stored_postmortem(connection, incident_id),
                timeline,
                severity_history=_severity_changes(connection, incident_id),
                action_items=_action_items(connection, incident_id),
                roles=[
                    RoleAssignment(
                        id_, incident_id, Role(role), person, _time(at), _maybe_time(out)
                    )
                    for id_, role, person, at, out in connection.execute(
                        "SELECT id, role, person, assigned_at, released_at FROM role_assignment "
                        "WHERE incident_id = ? ORDER BY id",
                        (incident_id,),
                    )
                ],
                schedule=schedule,
                tz=tz,
                now=now,
                notes=[
                    ReportNote(_time(at), actor, text)
                    for at, actor, text in connection.execute(
                        "SELECT at, actor, text FROM postmortem_note WHERE incident_id = ? "
                        "ORDER BY at, id",
                        (incident_id,),
                    )
                ],
            )
            return PostmortemPreview(report, _newest_events(connection, incident_id))
    except sqlite3.Error:
        return None  # busy, damaged, changed under us: the store will say what is wrong


def _stored_postmortem(connection: sqlite3.Connection, incident_id: int) -> PostMortem:
    row = connection.execute(
        "SELECT report_id, report_date, authors, status, summary, impact_duration, "
        "users_affected, users_affected_unknown, revenue_impact, sla_breached, root_cause, "
        "contributing_factors, what_went_well, what_went_poorly, lucky_breaks, five_whys, "
        "version FROM postmortem WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    if row is None:
        return PostMortem(incident_id=incident_id)
    (report_id, report_date, authors, status, summary, duration, users, unknown, revenue, sla) = (
        row[:10]
    )
    (root_cause, factors, well, poorly, lucky, whys, version) = row[10:]
    return PostMortem(
        incident_id=incident_id,
        report_id=report_id,
        report_date=date.fromisoformat(report_date) if report_date else None,
        authors=tuple(json.loads(authors)),
        status=ReportStatus(status),
        summary=summary,
        impact_duration=duration,
        users_affected=UNKNOWN if unknown else users,
        revenue_impact=revenue,
        sla_breached=None if sla is None else bool(sla),
        root_cause=root_cause,
        contributing_factors=tuple(
            ContributingFactor(
                item["text"], FishboneCategory(item["category"]) if item.get("category") else None
            )
            for item in json.loads(factors)
        ),
        what_went_well=tuple(json.loads(well)),
        what_went_poorly=tuple(json.loads(poorly)),
        lucky_breaks=tuple(json.loads(lucky)),
        five_whys=tuple(Why(item["question"], item["answer"]) for item in json.loads(whys)),
        version=version,
    )


def incidents(location: str, *, first: int | None = None) -> list[Incident] | None:
    """Every incident, newest first, for the home screen; None: open the store instead.
    `first`: only the first so many the home screen lists, none withdrawn: the active ones,
    then the others, each newest first: a screenful (with 10,000 incidents, reading them all
    took 0.3 s; the active ones and a page of the others, 11 ms; a screenful, under 1)."""
    try:
        with _reading(location) as connection:
            if connection is None:
                return None
            columns = "SELECT id, title, severity, phase, version FROM incident"
            if first is None:
                rows = connection.execute(f"{columns} ORDER BY id DESC").fetchall()
            else:
                # Each incident's milestones looked up by its key, newest first, until there
                # are enough: `id NOT IN (SELECT ...)` read every milestone (3 ms of 10,000).
                reached = (
                    "EXISTS (SELECT 1 FROM milestone WHERE incident_id = incident.id AND name = ?)"
                )
                ends = (Milestone.RESOLVED.value, Milestone.WITHDRAWN.value)
                rows = connection.execute(
                    f"{columns} WHERE NOT {reached} AND NOT {reached} ORDER BY id DESC LIMIT ?",
                    (*ends, first),
                ).fetchall()
                if len(rows) < first:
                    rows += connection.execute(
                        f"{columns} WHERE {reached} AND NOT {reached} ORDER BY id DESC LIMIT ?",
                        (*ends, first - len(rows)),
                    ).fetchall()
            ids = json.dumps([row[0] for row in rows])
            chosen = "incident_id IN (SELECT value FROM json_each(?))"
            # Four reads for them all, not four an incident.
            milestones: dict[int, dict[Milestone, datetime]] = {}
            for incident_id, name, at in connection.execute(
                f"SELECT incident_id, name, at FROM milestone WHERE {chosen}", (ids,)
            ):
                milestones.setdefault(incident_id, {})[Milestone(name)] = _time(at)
            commanders = dict(
                connection.execute(
                    f"SELECT incident_id, person FROM role_assignment WHERE {chosen} "
                    "AND role = ? AND released_at IS NULL ORDER BY id",
                    (ids, Role.COMMANDER.value),
                ).fetchall()
            )  # (the newest assignment last: it wins)
            labels: dict[tuple[int, str], list[str]] = {}
            for incident_id, kind, name in connection.execute(
                f"SELECT incident_id, kind, name FROM incident_label WHERE {chosen} "
                "ORDER BY incident_id, position",
                (ids,),
            ):
                labels.setdefault((incident_id, kind), []).append(name)
            service, tag = LabelKind.SERVICE.value, LabelKind.TAG.value
            return [
                Incident(
                    id=incident_id,
                    title=title,
                    severity=severity,
                    phase=Phase(phase),
                    milestones=milestones.get(incident_id, {}),
                    commander=commanders.get(incident_id),
                    version=version,
                    services=tuple(labels.get((incident_id, service), ())),
                    tags=tuple(labels.get((incident_id, tag), ())),
                )
                for incident_id, title, severity, phase, version in rows
            ]
    except sqlite3.Error:
        return None


# ---- rows to domain objects ----------------------------------------------------------------

_EVENT = (
    "id, incident_id, kind, actor, text, occurred_at, recorded_at, edited_at, deleted_at, "
    "starred, hidden"
)


def _newest_events(connection: sqlite3.Connection, incident_id: int) -> list[Event]:
    """The timeline's newest page, in timeline order."""
    newest = connection.execute(
        f"SELECT {_EVENT} FROM event WHERE incident_id = ? AND deleted_at IS NULL "
        "ORDER BY occurred_at DESC, id DESC LIMIT ?",
        (incident_id, FIRST_PAGE),
    ).fetchall()
    return [_event(row) for row in reversed(newest)]


def _severity_changes(
    connection: sqlite3.Connection, incident_id: int
) -> tuple[SeverityChange, ...]:
    return tuple(
        SeverityChange(incident_id, old, new, _time(at), actor)
        for old, new, at, actor in connection.execute(
            "SELECT old, new, at, actor FROM severity_change WHERE incident_id = ? ORDER BY at, id",
            (incident_id,),
        )
    )


def _action_items(connection: sqlite3.Connection, incident_id: int) -> tuple[ActionItem, ...]:
    return tuple(
        _action_item(row)
        for row in connection.execute(
            "SELECT id, incident_id, description, type, owner, priority, due_date, status, "
            "ticket, created_at, updated_at, version, follow_up FROM action_item "
            "WHERE incident_id = ? ORDER BY position, id",
            (incident_id,),
        )
    )


def _time(value: str) -> datetime:
    """A timestamp as SQLAlchemy keeps it in SQLite: UTC, without an offset."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _maybe_time(value: str | None) -> datetime | None:
    return _time(value) if value is not None else None


def _known_incident(connection: sqlite3.Connection, incident_id: int) -> Incident:
    incident = _incident(connection, incident_id)
    if incident is None:
        raise NotFound(incident_id)
    return incident


def _incident(connection: sqlite3.Connection, incident_id: int) -> Incident | None:
    row = connection.execute(
        "SELECT title, severity, phase, version FROM incident WHERE id = ?", (incident_id,)
    ).fetchone()
    if row is None:
        return None
    title, severity, phase, version = row
    milestones = {
        Milestone(name): _time(at)
        for name, at in connection.execute(
            "SELECT name, at FROM milestone WHERE incident_id = ?", (incident_id,)
        )
    }
    commander = connection.execute(
        "SELECT person FROM role_assignment WHERE incident_id = ? AND role = ? "
        "AND released_at IS NULL ORDER BY id DESC LIMIT 1",
        (incident_id, Role.COMMANDER.value),
    ).fetchone()
    named: dict[str, list[str]] = {LabelKind.SERVICE.value: [], LabelKind.TAG.value: []}
    for kind, name in connection.execute(
        "SELECT kind, name FROM incident_label WHERE incident_id = ? ORDER BY position",
        (incident_id,),
    ):
        named.setdefault(kind, []).append(name)
    return Incident(
        id=incident_id,
        title=title,
        severity=severity,
        phase=Phase(phase),
        milestones=milestones,
        commander=commander[0] if commander else None,
        version=version,
        services=tuple(named[LabelKind.SERVICE.value]),
        tags=tuple(named[LabelKind.TAG.value]),
    )


def _event(row: tuple[object, ...]) -> Event:
    (id_, incident_id, kind, actor, text, occurred, recorded, edited, deleted, starred, hidden) = (
        row
    )
    return Event(
        id=int(str(id_)),
        incident_id=int(str(incident_id)),
        kind=EventKind(kind),
        actor=str(actor),
        text=str(text),
        occurred_at=_time(str(occurred)),
        recorded_at=_time(str(recorded)),
        edited_at=_maybe_time(edited if isinstance(edited, str) else None),
        deleted_at=_maybe_time(deleted if isinstance(deleted, str) else None),
        starred=bool(starred),
        hidden=bool(hidden),
    )


def _action_item(row: tuple[object, ...]) -> ActionItem:
    (
        id_,
        incident_id,
        description,
        type_,
        owner,
        priority,
        due,
        status,
        ticket,
        created,
        updated,
        version,
        follow_up,
    ) = row
    return ActionItem(
        id=int(str(id_)),
        incident_id=int(str(incident_id)),
        description=str(description),
        type=ActionType(type_) if type_ else None,
        owner=str(owner),
        priority=Priority(priority) if priority else None,
        due_date=date.fromisoformat(due) if isinstance(due, str) else None,
        status=ActionStatus(status),
        ticket=str(ticket),
        created_at=_time(str(created)),
        updated_at=_time(str(updated)),
        version=int(str(version)),
        follow_up=bool(follow_up),
    )
