"""The post-mortem as one self-contained, printable HTML page (inline CSS, print styles, no
scripts, nothing fetched). Same sections as the Markdown document.

All user text goes through `html.escape` (quotes too); control characters and ANSI escapes are
shown as `\\x1b`, newlines kept as line breaks by CSS (`white-space: pre-wrap`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC
from html import escape

from warroom.domain.model import ContributingFactor, Role
from warroom.domain.postmortem import Report
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import printable
from warroom.exporters.markdown import clock
from warroom.exporters.wording import STATUS_TITLES, metric_rows, noted_at, users, yes_no

_STYLE = """
:root { color-scheme: light; --ink: #1d2329; --muted: #5b6670; --rule: #d5dbe0; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 1px solid var(--rule); }
.text, td, li, dd { white-space: pre-wrap; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f4f6; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.starred td { background: #fff8e1; font-weight: 600; }
.sev { display: inline-block; padding: 0 .5rem; border-radius: .25rem; color: #fff;
  font-weight: 700; }
.sev-1 { background: #c62828; } .sev-2 { background: #e65100; }
.sev-3 { background: #b28704; } .sev-4 { background: #1565c0; }
.none { color: var(--muted); font-style: italic; }
.category { color: var(--muted); }
ol.whys li { margin-bottom: .6rem; } ol.whys .q { font-weight: 600; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  th { background: #eee !important; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .sev, tr.starred td { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def text(value: str) -> str:
    """User text, shown literally: escaped for HTML, control characters made visible."""
    shown = value if value.isprintable() else printable(_newlines(value), keep_newlines=True)
    return escape(shown, quote=True)


def _newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def to_html(report: Report) -> str:
    return "".join(_page(report))


def _page(report: Report) -> Iterator[str]:
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(report.report_id)}: {text(report.title)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
    )
    yield f"<h1>{text(report.title)}</h1>\n"
    yield from _header(report)
    yield _section("Summary", _paragraph(report.summary))
    yield from _impact(report)
    yield from _timeline(report)
    yield _section("Root Cause", _paragraph(report.root_cause))
    yield _section(
        "Contributing Factors",
        _list(text(factor.text) + _category(factor) for factor in report.contributing_factors),
    )
    for title, items in (
        ("What Went Well", report.what_went_well),
        ("What Went Poorly", report.what_went_poorly),
        ("Lucky Breaks", report.lucky_breaks),
    ):
        yield _section(title, _list(text(item) for item in items))
    yield from _action_items(report)
    yield from _five_whys(report)
    yield from _metrics(report)
    if report.notes:  # on the record: a publish forced past the checks, an edit after it
        yield _section(
            "Post-mortem History",
            _list(
                f"{noted_at(note.at)}, {text(note.actor)}: {text(note.text)}"
                for note in report.notes
            ),
        )
    yield "</body>\n</html>\n"


_NONE = '<p class="none">None.</p>\n'


def _category(factor: ContributingFactor) -> str:
    if factor.category is None:
        return ""
    return f' <span class="category">({factor.category.value})</span>'


def _section(title: str, body: str) -> str:
    return f"<h2>{title}</h2>\n{body}"


def _paragraph(value: str) -> str:
    return f'<p class="text">{text(value.strip())}</p>\n' if value.strip() else _NONE


def _list(items: Iterable[str]) -> str:
    lines = [f"<li>{item}</li>\n" for item in items]
    return "<ul>\n" + "".join(lines) + "</ul>\n" if lines else _NONE


def _facts(pairs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>\n" for label, value in pairs)
    return f'<dl class="facts">\n{rows}</dl>\n'


def _header(report: Report) -> Iterator[str]:
    level = SEVERITIES[report.severity]
    facts = [
        ("ID", text(report.report_id)),
        ("Date", report.date.isoformat()),
        ("Severity", f'<span class="sev sev-{level.level}">{level.label}</span> {level.name}'),
        ("Incident Commander", text(report.commander) or "—"),
        ("Authors", ", ".join(text(author) for author in report.authors) or "—"),
    ]
    others = [
        f"{role.role.title}: {text(role.person)}"
        for role in report.roles
        if role.role is not Role.COMMANDER and role.released_at is None
    ]
    if others:
        facts.append(("Roles", "; ".join(others)))
    facts.append(("Status", STATUS_TITLES[report.status]))
    yield _facts(facts)


def _impact(report: Report) -> Iterator[str]:
    impact = report.impact
    yield _section(
        "Impact",
        _facts(
            [
                ("Duration", text(impact.duration) or "not known"),
                ("Users affected", users(impact.users_affected)),
                ("Revenue impact", text(impact.revenue_impact) or "not known"),
                ("SLA breached", yes_no(impact.sla_breached)),
            ]
        ),
    )


def _head(cells: Iterable[str]) -> str:
    return "<thead><tr>" + "".join(f"<th>{cell}</th>" for cell in cells) + "</tr></thead>\n"


def _timeline(report: Report) -> Iterator[str]:
    yield "<h2>Timeline</h2>\n"
    if not report.timeline:
        yield _NONE
        return
    same_day = all(entry.at.astimezone(UTC).date() == report.date for entry in report.timeline)
    yield "<table>\n" + _head(["Time (UTC)", "Event", "Actor"]) + "<tbody>\n"
    for entry in report.timeline:
        star = ' class="starred"' if entry.starred else ""
        mark = "★ " if entry.starred else ""
        yield (
            f'<tr{star}><td class="time">{clock(entry.at, same_day)}</td>'
            f"<td>{mark}{text(entry.text)}</td><td>{text(entry.actor)}</td></tr>\n"
        )
    yield "</tbody>\n</table>\n"


def _action_items(report: Report) -> Iterator[str]:
    yield "<h2>Action Items</h2>\n"
    if not report.action_items:
        yield _NONE
        return
    yield (
        "<table>\n"
        + _head(["#", "Action", "Type", "Owner", "Priority", "Due", "Status", "Ticket"])
        + "<tbody>\n"
    )
    for number, item in enumerate(report.action_items, start=1):
        cells = [
            str(number),
            text(item.description),
            item.type.value if item.type else "—",
            text(item.owner) or "—",
            item.priority.value if item.priority else "—",
            item.due_date.isoformat() if item.due_date else "—",
            item.status.value,
            text(item.ticket) or "—",
        ]
        yield "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>\n"
    yield "</tbody>\n</table>\n"


_UNANSWERED = '<span class="none">Not answered yet.</span>'


def _five_whys(report: Report) -> Iterator[str]:
    yield "<h2>Five Whys</h2>\n"
    if not report.five_whys:
        yield _NONE
        return
    yield '<ol class="whys">\n'
    for why in report.five_whys:
        answer = text(why.answer) if why.answer.strip() else _UNANSWERED
        yield f'<li><div class="q">{text(why.question)}</div><div>{answer}</div></li>\n'
    yield "</ol>\n"


def _metrics(report: Report) -> Iterator[str]:
    yield "<h2>Response Metrics</h2>\n<table>\n" + _head(["Metric", "Value"]) + "<tbody>\n"
    for metric, value in metric_rows(report):
        yield f"<tr><td>{escape(metric)}</td><td>{escape(value)}</td></tr>\n"
    yield "</tbody>\n</table>\n"
