"""The inbox from the command line: alerts no incident took, and what a person does with them
(declare an incident for them, or attach them to one)."""

from __future__ import annotations

import argparse

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json
from warroom.domain.alerts import Alert, Receipt, parse_alert_ref
from warroom.domain.errors import BadInput
from warroom.domain.model import event_key, parse_incident_ref
from warroom.domain.severity import parse_severity
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time


def cmd_inbox(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.store import MissingDatabase

    try:
        with ctx.open_store(create=False) as store:
            alerts = store.inbox()
    except MissingDatabase:
        if ctx.chosen_database:
            raise
        alerts = []  # the default database, before its first use
    if args.json:
        from warroom.exporters.views import alert_record

        out_json([alert_record(alert) for alert in alerts])
        return EXIT_OK
    tz = ctx.config.tz
    for alert in alerts:
        service = f"  [{one_line(alert.service)}]" if alert.service else ""
        out(
            f"{alert.key:<7} {date_time(alert.occurred_at, tz)}  {alert.status:<12} "
            f"{alert.source.value:<12}{service}  {one_line(alert.text)}"
        )
    return EXIT_OK


def _alert_ids(args: argparse.Namespace, ctx: Context) -> list[int]:
    if args.all and args.alerts:
        raise BadInput("--all takes every alert in the inbox: leave out ALERT")
    if not args.all and not args.alerts:
        raise BadInput("which alerts? give their ids (AL-3 AL-4) or --all")
    if not args.all:
        return [parse_alert_ref(alert) for alert in args.alerts]
    with ctx.open_store(create=False) as store:
        ids = [alert.id for alert in store.inbox()]
    if not ids:
        raise BadInput("the inbox is empty: nothing to take")
    return ids


def cmd_attach(args: argparse.Namespace, ctx: Context) -> int:
    incident_id = parse_incident_ref(args.id)
    alert_ids = _alert_ids(args, ctx)
    with ctx.open_store(create=False) as store:
        receipts = store.attach_alerts(incident_id, alert_ids)
    _print_receipts(receipts)
    return EXIT_OK


def cmd_declare(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.services.alerts import declare_from_alerts

    severity = parse_severity(args.severity)
    alert_ids = _alert_ids(args, ctx)
    config = ctx.config
    with ctx.open_store(create=False) as store:
        incident, _receipts = declare_from_alerts(
            store,
            alert_ids,
            title=args.title,
            severity=severity,
            commander=args.commander or config.user,
            actor=config.user,
        )
    out(incident.key)
    return EXIT_OK


def _print_receipts(receipts: list[Receipt]) -> None:
    for receipt in receipts:
        alert: Alert = receipt.alert
        event = event_key(alert.event_id) if alert.event_id is not None else "-"
        out(f"{alert.key} {event}" + (" (already there)" if receipt.duplicate else ""))
