"""Search hits, best first: each with its incident, the field it is in and a snippet with the
query's words marked. Enter on one asks the screen to open it; the cursor near the end of the
list asks for the next page.

User text is Rich `Text` appended as plain strings: markup in a title or an event is shown as
typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.search import Query, SearchHit, snippet
from warroom.domain.severity import severity_label
from warroom.domain.text import one_line
from warroom.domain.timefmt import date_time, day_time
from warroom.widgets.palette import severity_style

# How near the end of the list the cursor is when the next page is asked for.
NEAR_THE_END = 5


def hit_prompt(hit: SearchHit, query: Query, tz: tzinfo, *, width: int, in_incident: bool) -> Text:
    """Two lines: the incident (or, searching one incident, the event's time and kind), then
    the field and the snippet."""
    head = Text(no_wrap=True, overflow="ellipsis")
    if in_incident:
        if hit.occurred_at is not None:
            head.append(date_time(hit.occurred_at, tz), style="dim")
            head.append("  ")
        head.append(hit.field_title, style="bold")
    else:
        head.append(f" {severity_label(hit.severity)} ", style=severity_style(hit.severity))
        head.append(" ")
        head.append(hit.incident_key, style="bold")
        head.append(" ")
        head.append(one_line(hit.incident_title))
        if hit.withdrawn:
            head.append("  withdrawn", style="italic dim")
    body = Text(no_wrap=True, overflow="ellipsis")
    body.append("  ")
    if not in_incident:  # an event by its kind and time, short: the snippet needs the room
        if hit.event_kind is not None and hit.occurred_at is not None:
            body.append(f"{hit.event_kind.value} {day_time(hit.occurred_at, tz)}", style="dim")
        else:
            body.append(hit.field_title, style="dim")
        body.append("  ")
    room = max(20, width - body.cell_len - 2)
    shown = snippet(hit.text, query, width=room)
    at = 0
    for begin, end in shown.marks:  # each piece made safe to show on its own
        body.append(one_line(shown.text[at:begin]))
        body.append(one_line(shown.text[begin:end]), style="bold reverse")
        at = end
    body.append(one_line(shown.text[at:]))
    return Text("\n").join([head, body])


class SearchResults(OptionList):
    """The hits the screen hands it (`show`, then `add_page` for each page after)."""

    @dataclass
    class Chosen(Message):
        """Open this hit (Enter)."""

        results: SearchResults
        hit: SearchHit

        @property
        def control(self) -> SearchResults:
            return self.results

    @dataclass
    class MoreWanted(Message):
        """The cursor is near the end and there is more: the page after `last`."""

        results: SearchResults
        last: SearchHit

        @property
        def control(self) -> SearchResults:
            return self.results

    def __init__(self, tz: tzinfo, *, in_incident: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="search-results")
        self._tz = tz
        self._in_incident = in_incident
        self.hits: list[SearchHit] = []
        self.more = False
        self._asked = False  # the next page is being read
        self._query: Query | None = None

    def show(self, hits: Sequence[SearchHit], query: Query, *, more: bool) -> None:
        self.hits = list(hits)
        self._query = query
        self.more = more
        self._asked = False
        self.clear_options()
        self.add_options(self._option(hit) for hit in self.hits)
        if self.hits:
            self.highlighted = 0

    def add_page(self, hits: Sequence[SearchHit], *, more: bool) -> None:
        self.hits += hits
        self.more = more
        self._asked = False
        self.add_options(self._option(hit) for hit in hits)

    def _option(self, hit: SearchHit) -> Option:
        assert self._query is not None
        width = max(40, self.scrollable_content_region.width - 2)
        prompt = hit_prompt(hit, self._query, self._tz, width=width, in_incident=self._in_incident)
        return Option(prompt)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        near = highlighted is not None and highlighted >= len(self.hits) - NEAR_THE_END
        if near and self.more and not self._asked and self.hits:
            self._asked = True
            self.post_message(self.MoreWanted(self, self.hits[-1]))

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        if 0 <= message.option_index < len(self.hits):
            self.post_message(self.Chosen(self, self.hits[message.option_index]))
