"""Every field of the post-mortem, in every format, with any text a person (or an alert) can put
there: the document keeps its structure, the text comes back exactly (JSON, TOML) or is shown
literally (Markdown, HTML), and nothing a terminal would obey is written raw, since `warroom
export` writes to stdout.

Each hostile document is compared with the same report where every field holds a plain word:
user text may change what a cell says, never the shape of the document around it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from tests.exporters.test_markdown import PARSER, SECTIONS, expected_text, tables, text_of
from tests.reports import DETECTED, ITEM, READY, RESOLVED, TIMELINE, incident
from warroom.cli.main import main
from warroom.domain.cadence import UpdateSchedule
from warroom.domain.clock import FrozenClock
from warroom.domain.model import (
    ContributingFactor,
    EventKind,
    FishboneCategory,
    Role,
    RoleAssignment,
    SeverityChange,
    Why,
)
from warroom.domain.postmortem import Report, TimelineEntry, build_report
from warroom.domain.text import is_control, printable
from warroom.exporters import FORMATS, render
from warroom.store import Store

# Every field of the report a person (or a tool calling `warroom log`) writes.
FIELDS = (
    "title",
    "commander",
    "report_id",
    "author",
    "summary",
    "duration",
    "revenue",
    "event",
    "actor",
    "root_cause",
    "factor",
    "well",
    "poorly",
    "lucky",
    "description",
    "owner",
    "ticket",
    "question",
    "answer",
    "person",
    "changed_by",
)

# What has broken documents and terminals before, and anything else.
PIECES = [
    *"#>|-+=*_`~[]()<>!&;:\\/\"' \n\r\t1.",
    "&amp;",
    "<br>",
    "</td>",
    '<a href="x">',
    "<!--",
    "]]>",
    "http://",
    "1. ",
    "- ",
    "```",
    "---",
    "| --- |",
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]52;c;cm0gLXJmIH4K\x07",
    "\x1b]0;title\x1b\\",
    "\x1b]8;;https://evil.example\x1b\\",
    "\x9b6n",
    "\x9d0;t\x9c",
    "\x85",
    "\x7f",
    "\x07",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
    '"""',
    "'''",
    "key = 1",
    "[table]",
    "数据库",
    "👩\u200d💻",
    "e\u0301",
]
hostile = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    ),
    max_size=12,
).map("".join)


def report_with(texts: dict[str, str]) -> Report:
    """A resolved incident's report with `texts` in every field a person writes."""
    t = texts
    subject = replace(incident(), title=t["title"], commander=t["commander"])
    stored = replace(
        READY,
        report_id=t["report_id"],
        authors=(t["author"], "Alice Kim"),
        summary=t["summary"],
        impact_duration=t["duration"],
        revenue_impact=t["revenue"],
        root_cause=t["root_cause"],
        contributing_factors=(
            ContributingFactor(t["factor"], FishboneCategory.PROCESS),
            ContributingFactor(t["factor"]),
        ),
        what_went_well=(t["well"],),
        what_went_poorly=(t["poorly"], "second"),
        lucky_breaks=(t["lucky"],),
        five_whys=(
            Why(t["question"], t["answer"]),
            *READY.five_whys[1:],
            Why(t["question"], ""),
        ),
    )
    timeline = (
        *TIMELINE[:2],
        TimelineEntry(TIMELINE[2].at, t["event"], t["actor"], EventKind.DECISION, starred=True),
        TimelineEntry(TIMELINE[2].at + timedelta(minutes=1), t["event"], t["actor"]),
        *TIMELINE[3:],
    )
    item = replace(ITEM, description=t["description"], owner=t["owner"], ticket=t["ticket"])
    return build_report(
        subject,
        stored,
        timeline,
        severity_history=[
            SeverityChange(7, None, 2, DETECTED, t["changed_by"]),
            SeverityChange(7, 2, 1, DETECTED + timedelta(minutes=5), t["changed_by"]),
        ],
        action_items=(item, replace(ITEM, id=2)),
        roles=[
            RoleAssignment(1, 7, Role.COMMANDER, t["commander"], DETECTED),
            RoleAssignment(2, 7, Role.SCRIBE, t["person"], DETECTED),
        ],
        schedule=UpdateSchedule(),
        tz=UTC,
        now=RESOLVED + timedelta(hours=1),
    )


def plain(texts: dict[str, str]) -> dict[str, str]:
    """The same fields as plain words; a field that is blank stays blank as it was, so that the
    document has the same parts (`—`, *None.*) in the same places."""
    return {name: text if not text.strip() else "word" for name, text in texts.items()}


def obeyed(output: str) -> list[str]:
    """What a terminal would obey rather than print: controls (but the line ending), bidi."""
    return [repr(char) for char in output if char != "\n" and is_control(char)]


all_fields = st.fixed_dictionaries({name: hostile for name in FIELDS})
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORST = dict.fromkeys(FIELDS, "".join(PIECES))


# ---- JSON and TOML: exactly the same text back -------------------------------------------


def user_text(document: dict[str, Any]) -> dict[str, Any]:
    """Every user-written value of an exported document, by where it is."""
    extra = document["warroom"]
    return {
        "title": document["title"],
        "id": document["id"],
        "commander": document["incidentCommander"],
        "authors": document["authors"],
        "summary": document["summary"],
        "duration": document["impact"]["duration"],
        "revenue": document["impact"]["revenueImpact"],
        "timeline": [(entry["event"], entry["actor"]) for entry in document["timeline"]],
        "rootCause": document["rootCause"],
        "factors": document["contributingFactors"],
        "well": document["whatWentWell"],
        "poorly": document["whatWentPoorly"],
        "lucky": document["luckyBreaks"],
        "items": [
            (item["description"], item["owner"], item["jiraTicket"])
            for item in document["actionItems"]
        ],
        "whys": [(why["question"], why["answer"]) for why in document["fiveWhys"]],
        "roles": [role["person"] for role in extra["roles"]],
        "changes": [change["actor"] for change in extra["severityHistory"]],
    }


def expected_user_text(report: Report) -> dict[str, Any]:
    return {
        "title": report.title,
        "id": report.report_id,
        "commander": report.commander,
        "authors": list(report.authors),
        "summary": report.summary,
        "duration": report.impact.duration,
        "revenue": report.impact.revenue_impact,
        "timeline": [(entry.text, entry.actor) for entry in report.timeline],
        "rootCause": report.root_cause,
        "factors": [factor.text for factor in report.contributing_factors],
        "well": list(report.what_went_well),
        "poorly": list(report.what_went_poorly),
        "lucky": list(report.lucky_breaks),
        "items": [(item.description, item.owner, item.ticket) for item in report.action_items],
        "whys": [(why.question, why.answer) for why in report.five_whys],
        "roles": [role.person for role in report.roles],
        "changes": [change.actor for change in report.severity_history],
    }


@SETTINGS
@given(texts=all_fields)
@example(texts=WORST)
def test_json_and_toml_give_back_exactly_the_text_and_nothing_a_terminal_obeys(
    texts: dict[str, str],
) -> None:
    report = report_with(texts)
    expected = expected_user_text(report)
    for name, load in (("json", json.loads), ("toml", tomllib.loads)):
        output = render(report, name)
        assert obeyed(output) == [], name
        assert user_text(load(output)) == expected, name


def test_json_and_toml_escape_what_a_terminal_would_obey() -> None:
    """C0 controls were always escaped by both encoders; C1 controls (CSI, OSC), DEL and bidi
    controls went out raw."""
    texts = {**plain(WORST), "summary": "a\x9b2J b\x9d0;title\x9c c\u202eevil\x7f d\x1b[31m"}
    report = report_with(texts)
    assert '"summary": "a\\u009b2J b\\u009d0;title\\u009c c\\u202eevil\\u007f d\\u001b[31m"' in (
        render(report, "json")
    )
    assert 'summary = "a\\u009b2J b\\u009d0;title\\u009c c\\u202eevil\\u007f d\\u001b[31m"' in (
        render(report, "toml")
    )


# ---- Markdown: the same document, the text shown literally -------------------------------

ALLOWED_INLINE = {"text", "softbreak"}


def shape(tokens: list[Token]) -> list[object]:
    """The document's structure: every block, and the markup inside each inline run (without
    the text, and the line breaks that user text brings). Consecutive top-level paragraphs
    count as one: user text keeps its own paragraphs."""
    found: list[object] = []
    for token in tokens:
        if token.type in ("paragraph_open", "paragraph_close") and token.level == 0:
            continue
        if token.type == "inline":
            markup = tuple(
                child.type
                for child in token.children or []
                if child.type not in ALLOWED_INLINE
                and not (child.type == "html_inline" and child.content == "<br>")
            )
            if token.level == 1 and found and isinstance(found[-1], tuple):  # the same text
                found[-1] = found[-1] + markup
            else:
                found.append(markup)
            continue
        found.append((token.type, token.tag, token.level))
    return found


def section_items(tokens: list[Token], title: str) -> list[str]:
    start = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == title)
    items: list[str] = []
    for token in tokens[start + 1 :]:
        if token.type == "heading_open":
            break
        if token.type == "list_item_open":
            items.append("")
        elif token.type == "inline" and items:
            items[-1] = text_of(token)
    return items


@SETTINGS
@given(texts=all_fields)
@example(texts=WORST)
def test_markdown_keeps_its_structure_and_shows_every_field_literally(
    texts: dict[str, str],
) -> None:
    report = report_with(texts)
    output = render(report, "md")
    assert obeyed(output) == []
    tokens = PARSER.parse(output)
    baseline = PARSER.parse(render(report_with(plain(texts)), "md"))
    assert shape(tokens) == shape(baseline)

    headings = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [text_of(h) for h in headings[1:]] == SECTIONS
    assert text_of(headings[0]) == expected_text(texts["title"])

    timeline, items, metrics = tables(tokens)
    assert [len(row) for row in timeline] == [3] * (len(report.timeline) + 1)
    assert [len(row) for row in items] == [8] * 3
    assert len(metrics) > 1
    assert {len(row) for row in metrics} == {2}
    starred, unstarred = timeline[3], timeline[4]
    starred[1].children = [  # the star and the bold are the document's own
        child for child in starred[1].children or [] if not child.type.startswith("strong_")
    ]
    for row in (starred, unstarred) if texts["event"].strip() else ():  # events are never blank
        assert text_of(row[1]).removeprefix("★ ") == expected_text(texts["event"])
        assert text_of(row[2]) == expected_text(texts["actor"])
    assert [text_of(cell) for cell in items[1][1:2] + items[1][3:4] + items[1][7:8]] == [
        expected_text(texts["description"]),
        expected_text(texts["owner"]) or "—",
        expected_text(texts["ticket"]) or "—",
    ]
    for section, field in (
        ("What Went Well", "well"),
        ("What Went Poorly", "poorly"),
        ("Lucky Breaks", "lucky"),
    ):
        assert section_items(tokens, section)[0] == expected_text(texts[field])


# ---- HTML: the same elements and attributes, the text shown literally ---------------------


class Page(HTMLParser):
    """Every element with its attributes, and the text of each table cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
        self.cells: list[str] = []
        self.title = ""
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(attrs)))
        if tag in ("td", "title"):
            self._inside = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag + "/", tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.elements.append(("/" + tag, ()))
        if self._inside is not None and tag in ("td", "title"):
            text = "".join(self._inside)
            if tag == "td":
                self.cells.append(text)
            else:
                self.title = text
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside.append(data)

    def handle_comment(self, data: str) -> None:
        self.elements.append(("<!--", ()))

    def handle_pi(self, data: str) -> None:
        self.elements.append(("<?", ()))

    def unknown_decl(self, data: str) -> None:
        self.elements.append(("<!", ()))


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def shown(text: str) -> str:
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)


@SETTINGS
@given(texts=all_fields)
@example(texts=WORST)
def test_html_has_no_element_or_attribute_from_user_text(texts: dict[str, str]) -> None:
    report = report_with(texts)
    output = render(report, "html")
    assert obeyed(output) == []
    page = parse(output)
    assert page.elements == parse(render(report_with(plain(texts)), "html")).elements
    assert page.title == f"{shown(report.report_id)}: {shown(texts['title'])}"
    event, actor = shown(texts["event"]), shown(texts["actor"])
    assert page.cells[6:12] == [page.cells[6], f"★ {event}", actor, page.cells[9], event, actor]
    assert shown(texts["description"]) in page.cells


# ---- through the command line: `warroom export` to a terminal ----------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_export_to_stdout_sends_nothing_a_terminal_obeys(
    name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    evil = "".join(PIECES)
    clock = FrozenClock(DETECTED)
    db = tmp_path / "w.db"
    with Store.open(str(db), clock) as store:
        subject = store.create_incident(evil, 1, commander=evil, actor=evil)
        store.log_event(subject.id, evil, actor=evil)
        store.assign_role(subject.id, Role.SCRIBE, evil, actor=evil)
        store.add_action_item(subject.id, evil, actor=evil, owner=evil, ticket=evil, follow_up=True)
        clock.advance(timedelta(minutes=30))
        store.resolve(subject.id, actor=evil)
        stored = store.postmortem(subject.id)
        store.save_postmortem(
            replace(
                stored,
                authors=(evil,),
                summary=evil,
                impact_duration=evil,
                revenue_impact=evil,
                root_cause=evil,
                contributing_factors=(ContributingFactor(evil),),
                what_went_well=(evil,),
                what_went_poorly=(evil,),
                lucky_breaks=(evil,),
                five_whys=(Why(evil, evil),) * 3,
                report_date=date(2024, 3, 15),
            )
        )
    assert main(["--db", str(db), "export", "INC-1", "--format", name], clock=clock) == 0
    out, err = capsysbinary.readouterr()
    assert obeyed(out.decode("utf-8")) == []
    assert obeyed(err.decode("utf-8")) == []
    if name == "json":
        assert json.loads(out)["rootCause"] == evil
    if name == "toml":
        assert tomllib.loads(out.decode())["rootCause"] == evil
