"""The Markdown document: user text can never change its structure."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.reports import ITEM, TIMELINE, make_report
from warroom.domain.postmortem import TimelineEntry
from warroom.domain.text import printable
from warroom.exporters.markdown import NEWLINE, block, escape_line, inline, to_markdown

PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

SECTIONS = [
    "Summary",
    "Impact",
    "Timeline",
    "Root Cause",
    "Contributing Factors",
    "What Went Well",
    "What Went Poorly",
    "Lucky Breaks",
    "Action Items",
    "Five Whys",
    "Response Metrics",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words, 95% and $85,000", "plain words, 95% and $85,000"),
        ("a | b", "a \\| b"),
        ("# not a heading", "\\# not a heading"),
        ("title #", "title \\#"),
        ("C# code", "C# code"),
        ("> not a quote", "\\> not a quote"),
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("1. not a list", "1\\. not a list"),
        ("2) not a list", "2\\) not a list"),
        ("=== not a heading underline", "\\=== not a heading underline"),
        ("`code` and ``more``", "\\`code\\` and \\`\\`more\\`\\`"),
        ("*bold* __under__ ~strike~", "\\*bold\\* \\_\\_under\\_\\_ \\~strike\\~"),
        ("orders.user_id stays", "orders.user_id stays"),
        ("_leading and trailing_", "\\_leading and trailing\\_"),
        ("[link](http://x) ![img](y)", "\\[link\\](http://x) !\\[img\\](y)"),
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
        ("&amp; &#42; R&D", "\\&amp; \\&#42; R&D"),
        ("back\\slash", "back\\\\slash"),
        ("\x1b[31mred\x1b[0m", "\\\\x1b\\[31mred\\\\x1b\\[0m"),
        ("p99 latency > 10s", "p99 latency > 10s"),
        ("    indented code", "indented code"),
    ],
)
def test_escape_line(text: str, expected: str) -> None:
    assert escape_line(text) == expected


def test_newlines() -> None:
    assert inline("first\nsecond\r\nthird") == "first ⏎ second ⏎ third"
    assert block("para one\n- not a list\n\n\n\npara two") == (
        "para one\n\\- not a list\n\npara two"
    )


def text_of(inline_token: Token) -> str:
    """What a reader sees in an inline token: text (a soft break as a newline); no HTML."""
    parts = []
    for child in inline_token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append("\n")
        else:
            raise AssertionError(f"user text became markup: {child.type} {child.content!r}")
    return "".join(parts)


def expected_text(text: str) -> str:
    """Each line shown literally (control characters as `\\x1b`), trimmed, joined by ` ⏎ `
    (a cell or list item has one line); no blank lines at the start or end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    shown = [printable(line.replace("\t", " ")).strip() for line in lines]
    while shown and not shown[0]:
        shown.pop(0)
    while shown and not shown[-1]:
        shown.pop()
    return NEWLINE.join(shown)


def tables(tokens: list[Token]) -> list[list[list[Token]]]:
    """Each table as rows of cells' inline tokens."""
    found: list[list[list[Token]]] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type == "inline" and tokens[index - 1].type in ("td_open", "th_open"):
            found[-1][-1].append(token)
    return found


# Any text, with Markdown's and HTML's special characters (and a few words) much more likely.
MARKUP = [*"#>|-+=*_`~[]()<>!&;:\\/ \n\r\t1.x", "&amp;", "<br>", "http://", "1. ", "- "]
user_text = st.lists(
    st.one_of(st.sampled_from(MARKUP), st.characters(exclude_categories=("Cs",))), max_size=40
).map("".join)


@settings(max_examples=100, deadline=None)
@given(event=user_text, actor=user_text, description=user_text, owner=user_text, well=user_text)
def test_no_user_text_can_break_the_document(
    event: str, actor: str, description: str, owner: str, well: str
) -> None:
    timeline = (*TIMELINE[:2], TimelineEntry(TIMELINE[2].at, event, actor), *TIMELINE[3:])
    report = make_report(
        timeline=timeline,
        items=(replace(ITEM, description=description, owner=owner), ITEM),
        what_went_well=(well, "second"),
        summary=event,
        root_cause=description,
    )
    tokens = PARSER.parse(to_markdown(report))
    assert not [t for t in tokens if t.type in ("html_block", "code_block", "fence", "hr")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Checkout down", *SECTIONS]
    timeline_table, items_table, metrics_table = tables(tokens)
    assert [len(row) for row in timeline_table] == [3] * (len(timeline) + 1)
    assert text_of(timeline_table[3][1]) == expected_text(event)
    assert text_of(timeline_table[3][2]) == expected_text(actor)
    assert [len(row) for row in items_table] == [8, 8, 8]
    assert text_of(items_table[1][1]) == expected_text(description)
    assert text_of(items_table[1][3]) == (expected_text(owner) or "—")
    assert len(metrics_table) > 1
    assert [t.type for t in tokens].count("bullet_list_open") == 3  # fields, impact, went well
    assert section_items(tokens, "What Went Well") == [expected_text(well), "second"]


def section_items(tokens: list[Token], title: str) -> list[str]:
    """The text of each list item in a section."""
    start = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == title)
    items: list[str] = []
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.type == "heading_open":
            break
        if token.type == "list_item_open":
            items.append("")
        elif token.type == "inline" and items:
            items[-1] = text_of(token)
    return items


def test_the_lessons_whole_document_shape() -> None:
    starred = make_report()
    text = to_markdown(starred)
    assert "| 14:35 | ★ **Found missing index** | Dave |" in text
    assert "★ marks the key moments." in text
    assert "1. **Why was checkout down?**\n\n   The connection pool was exhausted." in text


def test_a_multi_line_cell_has_no_html_a_wiki_would_show_as_typed() -> None:
    timeline = (*TIMELINE[:2], TimelineEntry(TIMELINE[2].at, "rolled back\nerrors falling", "Dave"))
    report = make_report(
        timeline=timeline,
        items=(replace(ITEM, description="add index\nand a CI check"), ITEM),
        what_went_well=("paged fast\nrunbook helped",),
    )
    document = to_markdown(report)
    assert "<br>" not in document
    assert "| rolled back ⏎ errors falling | Dave |" in document
    assert "add index ⏎ and a CI check" in document
    assert "- paged fast ⏎ runbook helped\n" in document
    tokens = PARSER.parse(document)
    assert not [t for t in tokens if t.type.startswith("html")]


def test_users_affected_unknown_reads_as_an_answer() -> None:
    from warroom.domain.model import UNKNOWN
    from warroom.exporters.html_page import to_html

    report = make_report(users_affected=UNKNOWN)
    assert "**Users affected:** unknown (they could not be counted)" in to_markdown(report)
    assert "unknown (they could not be counted)" in to_html(report)


def test_the_reports_own_history_is_on_the_record_in_every_format() -> None:
    import json

    from tests.reports import RESOLVED
    from warroom.domain.model import ReportNote
    from warroom.exporters.document import to_document
    from warroom.exporters.html_page import to_html

    note = ReportNote(RESOLVED, "Ann <b>", "Post-mortem published by Ann despite 1 problem: *x*")
    report = replace(make_report(), notes=(note,))
    markdown = to_markdown(report)
    assert markdown.endswith(
        "## Post-mortem History\n\n- 2024-03-15 15:10 UTC, Ann \\<b>: Post-mortem published by "
        "Ann despite 1 problem: \\*x\\*\n\n"
    )
    assert "Ann &lt;b&gt;: Post-mortem published by Ann despite 1 problem: *x*" in to_html(report)
    assert json.loads(json.dumps(to_document(report)))["warroom"]["postmortemNotes"] == [
        {"at": "2024-03-15T15:10:00Z", "actor": "Ann <b>", "text": note.text}
    ]
    assert "Post-mortem History" not in to_markdown(make_report())
