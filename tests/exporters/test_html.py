"""The HTML page: self-contained, printable, and no user text becomes markup."""

from html.parser import HTMLParser

from hypothesis import given, settings

from tests.exporters.test_markdown import user_text
from tests.reports import TIMELINE, make_report
from warroom.domain.postmortem import TimelineEntry
from warroom.domain.text import printable
from warroom.exporters.html_page import to_html


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def page_with(event: str, title: str = "Checkout down") -> str:
    timeline = (*TIMELINE[:2], TimelineEntry(TIMELINE[2].at, event, event), *TIMELINE[3:])
    return to_html(make_report(timeline=timeline, summary=event, root_cause=event))


def test_self_contained_and_printable() -> None:
    page = to_html(make_report())
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    assert "@media print" in page
    assert "<script" not in page
    assert "src=" not in page
    assert "href=" not in page
    assert '<tr class="starred">' in page


def test_markup_in_user_text_is_shown_literally() -> None:
    page = page_with('<script>alert("x")</script> & \x1b[31m')
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; \\x1b[31m" in page
    assert "\x1b" not in page


@settings(max_examples=100, deadline=None)
@given(event=user_text)
def test_no_user_text_adds_or_removes_tags(event: str) -> None:
    plain = parse(page_with("plain"))
    parsed = parse(page_with(event))
    assert parsed.tags == plain.tags
    shown = printable(event.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    assert parsed.cells[7:9] == [shown, shown]  # the third timeline row: event, actor
