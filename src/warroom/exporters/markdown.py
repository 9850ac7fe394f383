"""The post-mortem as a Markdown document, to paste into a wiki as it is.

Sections in the lesson's order (summary, impact, timeline, root cause, contributing factors,
what went well / poorly, lucky breaks, action items, five whys), then the response metrics.
Times are UTC.

User text is data: it is escaped so that it shows literally and can never change the
document's structure (CommonMark + GitHub tables): Markdown punctuation is backslash-escaped
where it could mean something (`*`, `` ` ``, `[`, `|`, `<`, `~`, `\\`, `_` at a word's edge,
`&` before an entity, a leading `#`, `>`, `-`, `+`, `=` or `1.`), control characters and ANSI
escapes are shown as `\\x1b`, and a newline inside a table cell, list item or heading becomes
` ⏎ ` (as the war room shows it on one line): a `<br>` is HTML, which many wikis show as typed
or strip, and Markdown has no line break of its own inside a table cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from warroom.domain.model import Role
from warroom.domain.postmortem import Report
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import printable
from warroom.exporters.wording import STATUS_TITLES, metric_rows, noted_at, users, yes_no

NEWLINE = " ⏎ "  # a line break where Markdown allows none (see the module's docstring)
_PUNCTUATION = str.maketrans({char: "\\" + char for char in "\\`*[]<|~"})  # always escaped
_UNDERSCORES = re.compile(r"_+")  # escaped unless inside a word
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_LEADERS = frozenset("#>+=-0123456789")
_LEADING = re.compile(r"^(?:[#>+=-]|\d+(?=[.)]))")
_TRAILING_HASHES = re.compile(r"(?<= )#+$")


def visible(text: str) -> str:
    """Control characters (and ANSI escapes, bidi controls) shown as `\\x1b`, tabs as spaces."""
    text = text.replace("\t", " ")
    return text if text.isprintable() else printable(text)


def _underscores(match: re.Match[str]) -> str:
    # An underscore run inside a word (`user_id`) cannot start or end emphasis: keep it.
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
        return match.group()
    return "\\_" * (end - start)


# A character escape_line may escape anywhere: a line without one, without a leader first and a
# # last (most lines), is taken as it is. (One class to search for: the alternation with
# anchors it replaces was a third of a 100,000-event export's escaping.)
_MAY_ESCAPE = re.compile(r"[\\`*\[\]<|~_&]")


def escape_line(line: str) -> str:
    """One line of user text, safe anywhere inline."""
    escaped = visible(line).strip()
    if (
        escaped[:1] not in _LEADERS
        and not escaped.endswith("#")
        and _MAY_ESCAPE.search(escaped) is None
    ):
        return escaped
    escaped = escaped.translate(_PUNCTUATION)
    if "_" in escaped:
        escaped = _UNDERSCORES.sub(_underscores, escaped)
    if "&" in escaped:
        escaped = _ENTITY.sub(r"\\&", escaped)
    leading = _LEADING.match(escaped) if escaped[:1] in _LEADERS else None
    if leading:
        end = leading.end()
        if leading.group()[0].isdigit():
            escaped = escaped[:end] + "\\" + escaped[end:]
        else:
            escaped = "\\" + escaped
    if escaped.endswith("#"):
        escaped = _TRAILING_HASHES.sub(lambda match: "\\" + match.group(), escaped)
    return escaped


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def inline(text: str) -> str:
    """User text for a table cell, list item or heading: one line, newlines as ` ⏎ `."""
    if "\n" not in text and "\r" not in text:
        return escape_line(text)
    return NEWLINE.join(_trimmed([escape_line(line) for line in _lines(text)]))


def _trimmed(lines: list[str]) -> list[str]:
    """Without the blank lines at the start and end."""
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def block(text: str) -> str:
    """User text as paragraphs: its lines kept, blank lines separating paragraphs."""
    lines = _trimmed([escape_line(line) for line in _lines(text)])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def to_markdown(report: Report) -> str:
    return "".join(_document(report))


def _document(report: Report) -> Iterator[str]:
    yield f"# {inline(report.title)}\n\n"
    yield from _header(report)
    yield "## Summary\n\n"
    yield _paragraphs(report.summary)
    yield from _impact(report)
    yield from _timeline(report)
    yield "## Root Cause\n\n"
    yield _paragraphs(report.root_cause)
    yield "## Contributing Factors\n\n"
    yield _bullets(
        inline(factor.text) + (f" *({factor.category.value})*" if factor.category else "")
        for factor in report.contributing_factors
    )
    for title, items in (
        ("What Went Well", report.what_went_well),
        ("What Went Poorly", report.what_went_poorly),
        ("Lucky Breaks", report.lucky_breaks),
    ):
        yield f"## {title}\n\n"
        yield _bullets(inline(item) for item in items)
    yield from _action_items(report)
    yield from _five_whys(report)
    yield from _metrics(report)
    if report.notes:  # on the record: a publish forced past the checks, an edit after it
        yield "## Post-mortem History\n\n"
        yield _bullets(
            f"{noted_at(note.at)}, {inline(note.actor)}: {inline(note.text)}"
            for note in report.notes
        )


_NONE = "*None.*\n\n"


def _field(label: str, value: str) -> str:
    return f"- **{label}:** {value}\n"


def _header(report: Report) -> Iterator[str]:
    level = SEVERITIES[report.severity]
    yield _field("ID", inline(report.report_id))
    yield _field("Date", report.date.isoformat())
    yield _field("Severity", f"{level.label} ({level.name})")
    yield _field("Incident Commander", inline(report.commander) or "—")
    yield _field("Authors", ", ".join(inline(author) for author in report.authors) or "—")
    others = [
        f"{role.role.title}: {inline(role.person)}"
        for role in report.roles
        if role.role is not Role.COMMANDER and role.released_at is None
    ]
    if others:
        yield _field("Roles", "; ".join(others))
    yield _field("Status", STATUS_TITLES[report.status])
    yield "\n"


def _paragraphs(text: str) -> str:
    return block(text) + "\n\n" if text.strip() else _NONE


def _bullets(items: Iterable[str]) -> str:
    lines = [f"- {item}\n" for item in items]
    return "".join(lines) + "\n" if lines else _NONE


def _impact(report: Report) -> Iterator[str]:
    impact = report.impact
    yield "## Impact\n\n"
    yield _field("Duration", inline(impact.duration) or "not known")
    yield _field("Users affected", users(impact.users_affected))
    yield _field("Revenue impact", inline(impact.revenue_impact) or "not known")
    yield _field("SLA breached", yes_no(impact.sla_breached))
    yield "\n"


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |\n"


def _timeline(report: Report) -> Iterator[str]:
    yield "## Timeline\n\n"
    if not report.timeline:
        yield _NONE
        return
    same_day = all(entry.at.astimezone(UTC).date() == report.date for entry in report.timeline)
    yield _row(["Time (UTC)", "Event", "Actor"])
    yield _row(["---"] * 3)
    starred = False
    actors: dict[str, str] = {}  # a few people and tools write most of a long timeline
    for entry in report.timeline:
        event = inline(entry.text)
        if entry.starred:
            starred = True
            event = f"★ **{event}**"
        actor = actors.get(entry.actor)
        if actor is None:
            actor = actors[entry.actor] = inline(entry.actor)
        yield _row([clock(entry.at, same_day), event, actor])
    yield "\n"
    if starred:
        yield "★ marks the key moments.\n\n"


def clock(moment: datetime, same_day: bool) -> str:
    """`14:15`, or `2024-03-16 00:10` when the timeline spans days (UTC)."""
    stamp = moment.astimezone(UTC).isoformat(sep=" ", timespec="minutes")
    return stamp[11:16] if same_day else stamp[:16]


def _action_items(report: Report) -> Iterator[str]:
    yield "## Action Items\n\n"
    if not report.action_items:
        yield _NONE
        return
    yield _row(["#", "Action", "Type", "Owner", "Priority", "Due", "Status", "Ticket"])
    yield _row(["---"] * 8)
    for number, item in enumerate(report.action_items, start=1):
        yield _row(
            [
                str(number),
                inline(item.description),
                item.type.value if item.type else "—",
                inline(item.owner) or "—",
                item.priority.value if item.priority else "—",
                item.due_date.isoformat() if item.due_date else "—",
                item.status.value,
                inline(item.ticket) or "—",
            ]
        )
    yield "\n"


def _five_whys(report: Report) -> Iterator[str]:
    yield "## Five Whys\n\n"
    if not report.five_whys:
        yield _NONE
        return
    for number, why in enumerate(report.five_whys, start=1):
        indent = " " * (len(str(number)) + 2)
        answer = inline(why.answer) or "*Not answered yet.*"
        yield f"{number}. **{inline(why.question)}**\n\n{indent}{answer}\n\n"


def _metrics(report: Report) -> Iterator[str]:
    yield "## Response Metrics\n\n"
    yield _row(["Metric", "Value"])
    yield _row(["---"] * 2)
    for metric, value in metric_rows(report):
        yield _row([metric, value])
