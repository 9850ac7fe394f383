"""Action items from the command line: add one, list them (one incident's, or every follow-up
across incidents, for cron and CI), move one across the board."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from typing import TypeVar

from warroom.cli.context import EXIT_OK, EXIT_PROBLEMS, Context
from warroom.cli.output import out, out_json
from warroom.domain.errors import BadInput
from warroom.domain.model import (
    ActionItem,
    ActionStatus,
    ActionType,
    Priority,
    action_key,
    incident_key,
    kind_of,
    parse_action_ref,
    parse_incident_ref,
)
from warroom.domain.text import one_line

Choice = TypeVar("Choice", ActionType, Priority, ActionStatus)


def _choice(enum: type[Choice], text: str, what: str) -> Choice:
    wanted = text.strip().lower()
    for member in enum:
        if member.value.lower() == wanted:
            return member
    names = ", ".join(member.value for member in enum)
    raise BadInput(f"bad {what} {text!r}: use {names}")


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.domain.timeparse import parse_date

    incident_id = parse_incident_ref(args.id)
    if not args.description.strip():
        raise BadInput("the description must not be empty")
    kind = _choice(ActionType, args.type, "type") if args.type else None
    priority = _choice(Priority, args.priority, "priority") if args.priority else None
    today = ctx.clock.now().astimezone(ctx.config.tz).date()
    due = parse_date(args.due, today) if args.due else None
    with ctx.open_store(create=False) as store:
        item = store.add_action_item(
            incident_id,
            args.description,
            actor=ctx.config.user,
            type=kind,
            owner=args.owner or "",
            priority=priority,
            due_date=due,
            ticket=args.ticket or "",
            follow_up=args.follow_up,
        )
    out(action_key(item.id))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    today = ctx.clock.now().astimezone(ctx.config.tz).date()
    owner = args.owner.strip() if args.owner else None
    with ctx.open_store(create=False) as store:
        if args.id is not None:
            incident_id = parse_incident_ref(args.id)
            store.get_incident(incident_id)  # an unknown id is said, not an empty list
            items = [
                item
                for item in store.action_items(incident_id)
                if (not args.overdue or _overdue(item, today))
                and (owner is None or item.owner == owner)
            ]
        else:
            items = store.follow_ups(overdue_on=today if args.overdue else None, owner=owner)
    if args.json:
        from warroom.exporters.views import action_item_record

        out_json(
            [
                _with_overdue(action_item_record(item, incident_key(item.incident_id)), item, today)
                for item in items
            ]
        )
    else:
        for item in items:
            out(_line(item, today))
    return EXIT_PROBLEMS if args.overdue and items else EXIT_OK


def _overdue(item: ActionItem, today: date) -> bool:
    return (
        item.status is not ActionStatus.DONE and item.due_date is not None and item.due_date < today
    )


def _with_overdue(record: dict[str, object], item: ActionItem, today: date) -> dict[str, object]:
    return {**record, "overdue": _overdue(item, today)}


def _line(item: ActionItem, today: date) -> str:
    due = item.due_date.isoformat() if item.due_date else "no due date"
    late = (
        f" OVERDUE {(today - item.due_date).days}d"
        if _overdue(item, today) and item.due_date
        else ""
    )
    details = ", ".join(
        part
        for part in (
            kind_of(item),
            item.priority.value if item.priority else "",
            item.type.value if item.type else "",
            one_line(item.owner) if item.owner else "no owner",
            one_line(item.ticket),
        )
        if part
    )
    return (
        f"{action_key(item.id):<7} {incident_key(item.incident_id):<8} {item.status.value:<11} "
        f"{due}{late}  {one_line(item.description)}  ({details})"
    )


def cmd_move(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    item_id = parse_action_ref(args.item)
    status = _choice(ActionStatus, args.status, "status")
    with ctx.open_store(create=False) as store:
        current = next(
            (item for item in store.action_items(incident_id) if item.id == item_id), None
        )
        if current is None:
            raise BadInput(f"{incident_key(incident_id)} has no action item {action_key(item_id)}")
        if current.status is status:  # a retried move
            out(f"{action_key(item_id)} is already {status.value}: nothing changed")
            return EXIT_OK
        store.update_action_item(
            replace(current, status=status), actor=ctx.config.user, base=current
        )
    out(f"{action_key(item_id)}: {current.status.value} → {status.value}")
    return EXIT_OK
