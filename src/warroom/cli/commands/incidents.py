"""Incidents from the command line: list and show them, change severity, resolve, roles."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json, warn
from warroom.domain.cadence import Standup, response_status
from warroom.domain.errors import BadInput
from warroom.domain.lifecycle import MILESTONE_ON_ENTER, PHASES, Milestone, Phase, postmortem_due
from warroom.domain.model import (
    ActionStatus,
    Event,
    Incident,
    Role,
    action_key,
    kind_of,
    parse_incident_ref,
)
from warroom.domain.room import RoomState, deadline
from warroom.domain.severity import SEVERITIES, parse_severity, severity_label
from warroom.domain.text import one_line
from warroom.domain.timefmt import countdown, date_time, day_time, duration, iso_utc

# How `role` names them on the command line.
ROLE_NAMES = {
    "ic": Role.COMMANDER,
    "scribe": Role.SCRIBE,
    "comms": Role.COMMS,
    "expert": Role.EXPERT,
}


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.store import MissingDatabase

    try:
        with ctx.open_store(create=False) as store:
            incidents = store.list_incidents()
    except MissingDatabase:
        if ctx.chosen_database:
            raise
        incidents = []  # the default database, before its first use
    if not args.all:
        incidents = [incident for incident in incidents if not incident.withdrawn]
    incidents.sort(key=lambda incident: (not incident.is_active, -incident.id))
    if args.json:
        from warroom.exporters.views import incident_record

        out_json([incident_record(incident) for incident in incidents])
        return EXIT_OK
    tz = ctx.config.tz
    for incident in incidents:
        out(
            f"{incident.key:<8} {severity_label(incident.severity):<6} {incident.status:<8} "
            f"{incident.phase.title:<13} {date_time(incident.detected_at, tz)}  "
            f"{one_line(incident.title)}  (IC {one_line(incident.commander or '-')})"
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.services.room import read_state

    incident_id = parse_incident_ref(args.id)
    if args.events < 0:
        raise BadInput(f"--events {args.events}: give a number of events, 0 or more")
    with ctx.open_store(create=False) as store:
        state = read_state(store, incident_id)
        events = store.events_before(incident_id, None, limit=args.events) if args.events else []
        now = ctx.clock.now()
    config = ctx.config
    view = RoomView(
        state,
        events,
        due=deadline(state, config.schedule, config.tz),
        now=now,
        tz=config.tz,
        standup=config.standup,
        cadence={level: policy.describe() for level, policy in config.cadence.items()},
    )
    if args.json:
        out_json(_room_record(view))
    else:
        for line in _room_text(view):
            out(line)
    return EXIT_OK


@dataclass(frozen=True, slots=True)
class RoomView:
    """What `show` prints, read and worked out once."""

    state: RoomState
    events: list[Event]
    due: datetime
    now: datetime
    tz: tzinfo
    standup: Standup
    cadence: dict[int, str]  # each severity's cadence, as the countdown says it


def _room_record(view: RoomView) -> dict[str, Any]:
    from warroom.exporters.views import (
        action_item_record,
        event_record,
        incident_record,
        role_records,
    )

    state, now, due = view.state, view.now, view.due
    incident = state.incident
    response = response_status(incident, state.severity_changes, now, view.standup, view.tz)
    return {
        **incident_record(incident),
        "definition": SEVERITIES[incident.severity].definition,
        "response": {
            "severity": severity_label(response.level),
            "deadline": iso_utc(response.deadline),
            "met": response.met,
            "missed": response.missed_by(now),
        },
        "nextUpdate": None
        if not incident.is_active
        else {
            "due": iso_utc(due),
            "overdueSeconds": max(0, int((now - due).total_seconds())),
            "cadence": view.cadence[incident.severity],
            "audience": SEVERITIES[incident.severity].audience,
        },
        "postmortemDue": iso_utc(due) if not incident.is_active else None,
        "lastUpdateAt": iso_utc(state.last_update.occurred_at) if state.last_update else None,
        "roles": role_records(state.roles),
        "events": [event_record(event, incident) for event in view.events],
        "actionItems": [action_item_record(item, incident.key) for item in state.action_items],
    }


def _room_text(view: RoomView) -> list[str]:
    state, now, due, tz = view.state, view.now, view.due, view.tz
    incident = state.incident
    level = SEVERITIES[incident.severity]
    response = response_status(incident, state.severity_changes, now, view.standup, tz)
    elapsed = (incident.resolved_at or now) - incident.detected_at
    if response.met is True:
        verdict = "met"
    elif response.missed_by(now):
        verdict = "MISSED"
    else:
        verdict = "waiting for acknowledgement"
    holders = {role: [one_line(r.person) for r in state.roles if r.role is role] for role in Role}
    crew = " · ".join(
        f"{name} {', '.join(holders[role]) or '—'}"
        for name, role in (("IC", Role.COMMANDER), ("scribe", Role.SCRIBE), ("comms", Role.COMMS))
    )
    if holders[Role.EXPERT]:
        crew += f" · experts {', '.join(holders[Role.EXPERT])}"
    lines = [
        f"{level.label} {level.name.upper()}  {incident.key} {one_line(incident.title)}",
        f"{incident.status} · {incident.phase.title} · "
        f"{'lasted' if incident.resolved_at else 'elapsed'} {duration(elapsed)} · "
        f"respond within {SEVERITIES[response.level].response_target}: {verdict}",
        crew,
    ]
    if incident.services or incident.tags:
        lines.append(
            " · ".join(
                f"{name} {', '.join(one_line(label) for label in named)}"
                for name, named in (("services", incident.services), ("tags", incident.tags))
                if named
            )
        )
    if incident.is_active:
        left = due - now
        state_of_update = (
            f"UPDATE OVERDUE +{countdown(-left)}"
            if left.total_seconds() < 0
            else f"Next update in {countdown(left)}"
        )
        lines.append(
            f"{state_of_update} (due {date_time(due, tz)} · {view.cadence[incident.severity]} · "
            f"{level.audience})"
        )
    else:
        lines.append(f"Resolved: post-mortem due by {date_time(due, tz)}")
    if view.events:
        lines += ["", "Timeline (newest last):"]
        lines += [
            f"  {day_time(event.occurred_at, tz)}  {event.kind.value:<8}  "
            f"{one_line(event.actor)}: {one_line(event.text)}"
            for event in view.events
        ]
    items = state.action_items
    counts = {status: sum(item.status is status for item in items) for status in ActionStatus}
    lines += [
        "",
        f"Action items: {counts[ActionStatus.OPEN]} open, "
        f"{counts[ActionStatus.IN_PROGRESS]} in progress, {counts[ActionStatus.DONE]} done",
    ]
    for item in items:
        details = [
            value
            for value in (
                kind_of(item),  # as `action list` says it
                item.priority.value if item.priority else "",
                item.type.value if item.type else "",
                one_line(item.owner),
                f"due {item.due_date.isoformat()}" if item.due_date else "",
            )
            if value
        ]
        lines.append(
            f"  {action_key(item.id):<6} {item.status.value:<11} {one_line(item.description)}"
            f"  ({', '.join(details)})"
        )
    return lines


def cmd_severity(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    level = parse_severity(args.level)
    from warroom.domain.cadence import next_update_due
    from warroom.domain.model import EventKind

    with ctx.open_store(create=False) as store:
        change = store.change_severity(incident_id, level, actor=ctx.config.user)
        incident = store.get_incident(incident_id)
        last_update = store.last_event_of_kind(incident_id, EventKind.UPDATE)
        changes = store.severity_changes(incident_id)
    old = severity_label(change.old) if change.old else "?"
    due = next_update_due(
        incident,
        last_update.occurred_at if last_update else None,
        changes,
        ctx.config.schedule,
        ctx.config.tz,
    )
    out(
        f"{incident.key}: {old} → {severity_label(change.new)}; "
        f"next update due {date_time(due, ctx.config.tz)}"
    )
    return EXIT_OK


def cmd_ack(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.acknowledge(incident_id, actor=ctx.config.user)
        changes = store.severity_changes(incident_id)
    acknowledged = incident.milestones[Milestone.ACKNOWLEDGED]
    config = ctx.config
    response = response_status(incident, changes, acknowledged, config.standup, config.tz)
    verdict = "met" if response.met else "missed"
    out(
        f"{incident.key} acknowledged after {duration(acknowledged - incident.detected_at)}: "
        f"response target ({severity_label(response.level)}, "
        f"{SEVERITIES[response.level].response_target}) {verdict}"
    )
    _warn_if_held(incident, Milestone.ACKNOWLEDGED, ctx)
    return EXIT_OK


def cmd_step(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    wanted = _parse_step(args.step) if args.step is not None else None
    with ctx.open_store(create=False) as store:
        if wanted is None:
            incident = store.advance_phase(incident_id, actor=ctx.config.user)
        else:
            incident = store.step_to(incident_id, wanted, actor=ctx.config.user)
    out(f"{incident.key}: {incident.phase.title}")
    milestone = MILESTONE_ON_ENTER.get(incident.phase)
    if milestone is not None:
        _warn_if_held(incident, milestone, ctx)
    return EXIT_OK


def _parse_step(text: str) -> Phase:
    wanted = text.strip().lower().replace("_", "-")
    for phase in PHASES:
        if wanted in (phase.value, phase.value.replace("-", "")):
            return phase
    raise BadInput(f"bad step {text!r}: use {', '.join(phase.value for phase in PHASES)}")


def _warn_if_held(incident: Incident, milestone: Milestone, ctx: Context) -> None:
    """Said when this machine's clock read before an earlier milestone: the new one was held
    at that time rather than recorded out of order."""
    at = incident.milestones.get(milestone)
    now = ctx.clock.now()
    if at is not None and at > now:
        warn(
            f"this machine's clock ({date_time(now, ctx.config.tz)}) is behind the incident's "
            f"record: {milestone.value} taken as {date_time(at, ctx.config.tz)}; check the clock"
        )


def cmd_reopen(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.reopen(incident_id, actor=ctx.config.user)
    out(f"{incident.key} reopened: {incident.phase.title}")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.withdraw(incident_id, args.reason, actor=ctx.config.user)
    out(f"{incident.key} withdrawn: kept, out of lists and reports (warroom list --all)")
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    with ctx.open_store(create=False) as store:
        incident = store.resolve(incident_id, actor=ctx.config.user)
    resolved = incident.resolved_at or ctx.clock.now()
    out(
        f"{incident.key} resolved after {duration(resolved - incident.detected_at)}; "
        f"post-mortem due by {date_time(postmortem_due(resolved), ctx.config.tz)}"
    )
    _warn_if_held(incident, Milestone.RESOLVED, ctx)
    return EXIT_OK


def cmd_role(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    role = ROLE_NAMES.get(args.role.strip().lower())
    if role is None:
        raise BadInput(f"bad role {args.role!r}: use ic, scribe, comms or expert")
    person = args.name.strip()
    if not person:
        raise BadInput("the name must not be empty")
    actor = ctx.config.user
    with ctx.open_store(create=False) as store:
        holding = [r for r in store.roles(incident_id) if r.role is role and r.person == person]
        key = store.get_incident(incident_id).key
        if args.remove:
            if not holding:  # a retried removal: nothing to take back
                out(f"{key}: {person} does not hold {role.title}: nothing changed")
                return EXIT_OK
            store.release_role(holding[0].id, actor=actor)
            out(f"{key}: {person} is no longer {role.title}")
            return EXIT_OK
        if holding:  # a retried assignment
            out(f"{key}: {person} is already {role.title}: nothing changed")
            return EXIT_OK
        store.assign_role(incident_id, role, person, actor=actor)
    out(f"{key}: {person} is {role.title}")
    return EXIT_OK
