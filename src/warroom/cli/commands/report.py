"""`warroom report`: trends across incidents over a period, as text, Markdown or JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from datetime import timedelta, tzinfo

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out, out_json
from warroom.domain.errors import BadInput
from warroom.domain.severity import severity_label
from warroom.domain.text import one_line
from warroom.domain.timefmt import duration, iso_utc
from warroom.domain.trends import (
    GROUPINGS,
    Figures,
    Spread,
    Trends,
    figure_rows,
    parse_since,
    period_text,
)

FORMATS = ("text", "md", "json")


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.services.trends import TrendSettings, load_trends

    by = args.by.strip().lower() if args.by else None
    if by is not None and by not in GROUPINGS:
        raise BadInput(f"bad --by {args.by!r}: use {' or '.join(GROUPINGS)}")
    form = "json" if args.json else (args.format or "text").strip().lower()
    if form == "markdown":
        form = "md"
    if form not in FORMATS:
        raise BadInput(f"bad format {args.format!r}: use text, md or json")
    if args.json and args.format and args.format.strip().lower() != "json":
        raise BadInput("--json and --format name two formats: give one")
    tz = ctx.config.tz
    since = parse_since(args.since, ctx.clock.now(), tz)
    settings = TrendSettings(ctx.config.schedule, tz)
    with ctx.open_store(create=False) as store:
        report = load_trends(store, since, settings, by=by)
    if form == "json":
        out_json(report_record(report))
    elif form == "md":
        from warroom.exporters.markdown import inline

        lines = list(_markdown(report, tz, inline))
        out("\n".join(lines))
    else:
        for line in _text(report, tz):
            out(line)
    return EXIT_OK


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def _spread(spread: Spread) -> dict[str, object]:
    return {
        "incidents": spread.counted,
        "medianSeconds": _seconds(spread.median),
        "p90Seconds": _seconds(spread.p90),
    }


def figures_record(figures: Figures) -> dict[str, object]:
    items = figures.action_items
    return {
        "incidents": figures.incidents,
        "active": figures.active,
        "resolved": figures.resolved,
        "timeToAcknowledge": _spread(figures.time_to_acknowledge),
        "timeToMitigate": _spread(figures.time_to_mitigate),
        "timeToResolve": _spread(figures.time_to_resolve),
        "secondsAtSeverity": {
            severity_label(level): _seconds(spent) for level, spent in figures.time_at_severity
        },
        "lateUpdates": figures.late_updates,
        "incidentsWithLateUpdates": figures.incidents_with_late_updates,
        "actionItems": {
            "open": items.open,
            "inProgress": items.in_progress,
            "done": items.done,
            "overdue": items.overdue,
        },
        "postmortems": {
            "due": figures.postmortems_due,
            "published": figures.postmortems_published,
            "publishedWithin48h": figures.published_within_48h,
            "publishedWhenUnknown": figures.published_when_unknown,
        },
    }


def report_record(report: Trends) -> dict[str, object]:
    """The report as one JSON object: the period, the figures over all its incidents, then
    per group (with --by) and per month."""
    return {
        "since": iso_utc(report.since),
        "until": iso_utc(report.until),
        "by": report.by,
        **figures_record(report.overall),
        "groups": [
            {report.by or "group": key, **figures_record(figures)} for key, figures in report.groups
        ],
        "months": [
            {
                "month": month.month,
                "incidents": month.incidents,
                "timeToResolve": _spread(month.time_to_resolve),
            }
            for month in report.months
        ],
    }


def _group_title(report: Trends, key: str) -> str:
    return key if report.by == "severity" else f"service {key}"


def _text(report: Trends, tz: tzinfo) -> Iterator[str]:
    yield f"Incidents detected {period_text(report, tz)}"
    blocks = [("all", report.overall)] + [
        (_group_title(report, one_line(key)), figures) for key, figures in report.groups
    ]
    for title, figures in blocks:
        yield ""
        if report.groups:
            yield f"{title}:"
        rows = figure_rows(figures)
        width = max(len(label) for label, _ in rows)
        indent = "  " if report.groups else ""
        for label, value in rows:
            yield f"{indent}{label:<{width}}  {value}"


def _markdown(report: Trends, tz: tzinfo, escape: Callable[[str], str]) -> Iterator[str]:
    """Group names are user text (services): escaped as the post-mortem's Markdown is."""
    yield "# Incident trends"
    yield ""
    yield f"Incidents detected {period_text(report, tz)}."
    blocks = [("All incidents", report.overall)] + [
        (escape(_group_title(report, key)), figures) for key, figures in report.groups
    ]
    for title, figures in blocks:
        yield ""
        yield f"## {title}"
        yield ""
        yield "| Figure | Value |"
        yield "| --- | --- |"
        for label, value in figure_rows(figures):
            yield f"| {label} | {value} |"
    yield ""
    yield "## Per month"
    yield ""
    yield "| Month | Incidents | Time to resolve (median) | p90 |"
    yield "| --- | --- | --- | --- |"
    for month in report.months:
        spread = month.time_to_resolve
        median = duration(spread.median) if spread.median is not None else "—"
        p90 = duration(spread.p90) if spread.p90 is not None else "—"
        yield f"| {month.month} | {month.incidents} | {median} | {p90} |"
