"""The search box: results as you type, best first; Enter opens the hit under the cursor.

Across incidents (the home screen's `/`) or in one incident's timeline (the war room's `/`,
with a kind filter, ctrl+t). Each query runs on the store thread through the `search` the
screen hands in; a query typed while another runs makes the answer to the older one moot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from warroom.domain.errors import BadInput, StorageError
from warroom.domain.model import EventKind
from warroom.domain.search import MAX_QUERY, SearchCursor, SearchHit, parse_query
from warroom.screens.dialogs.base import prepare_fields
from warroom.widgets.search_results import SearchResults

PAGE = 50  # hits read at a time

# What the screen runs for a query: (text, event kind or None, after) -> one page of hits.
Search = Callable[[str, EventKind | None, SearchCursor | None], Awaitable[Sequence[SearchHit]]]

# The kind filter's steps in the war room (ctrl+t): every kind, then each one.
KINDS: tuple[EventKind | None, ...] = (None, *EventKind)


class SearchDialog(ModalScreen[SearchHit | None]):
    DEFAULT_CSS = """
    #search-dialog { height: 90%; max-height: 40; }
    #search-line { height: 1; }
    #search-query { width: 1fr; }
    #search-kind { width: auto; padding: 0 1; color: $text-muted; }
    #search-results { height: 1fr; border: none; padding: 0; }
    #search-status { color: $text-muted; height: 1; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+t", "next_kind", "Kind", show=False),
        Binding("down", "to_results", "Results", show=False),
    ]

    def __init__(
        self,
        search: Search,
        tz: tzinfo,
        *,
        title: str,
        in_incident: bool = False,
        blink: bool = True,
    ) -> None:
        super().__init__()
        self._search = search
        self._tz = tz
        self._title = title
        self._in_incident = in_incident
        self._blink = blink
        self._kind_at = 0
        self._asked = 0  # the number of the latest query: older answers are dropped

    @property
    def kind(self) -> EventKind | None:
        return KINDS[self._kind_at] if self._in_incident else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Label(self._title, classes="dialog-title")
            with Horizontal(id="search-line"):
                yield Input(
                    id="search-query",
                    placeholder="words to find, e.g. pool exhausted",
                    max_length=MAX_QUERY,
                )
                if self._in_incident:
                    yield Label(self._kind_label(), id="search-kind")
            yield SearchResults(self._tz, in_incident=self._in_incident, id="search-results")
            yield Label("", id="search-status")
            kinds = " · ctrl+t kind" if self._in_incident else ""
            yield Label(f"Enter open · ↓ the results{kinds} · Escape close", classes="dialog-help")

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self._status(
            "Type to search titles, timelines, action items and post-mortems."
            if not self._in_incident
            else "Type to search this timeline."
        )
        self.set_focus(self.query_one("#search-query", Input))

    def _kind_label(self) -> str:
        return f"kind: {self.kind.value if self.kind else 'all'}"

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Label).update(Text(text))

    @property
    def results(self) -> SearchResults:
        return self.query_one(SearchResults)

    @on(Input.Changed, "#search-query")
    def _typed(self) -> None:
        self._run()

    def _run(self) -> None:
        self._asked += 1
        number = self._asked

        async def latest() -> None:
            await self._first_page(number)

        # A function, not a coroutine: a query replaced before it started is never begun.
        # (Textual 8.2.8 runs an async function; its annotation names only coroutines.)
        self.run_worker(latest, group="search", exclusive=True)  # type: ignore[arg-type]

    async def _first_page(self, number: int) -> None:
        text = self.query_one("#search-query", Input).value
        try:
            query = parse_query(text)
        except BadInput as error:
            self._status(str(error))
            return
        if query.empty:
            self.results.show([], query, more=False)
            self._status("")
            return
        self._status("Searching…")
        hits = await self._read(text, None)
        if hits is None or number != self._asked:
            return
        self.results.show(hits, query, more=len(hits) == PAGE)
        if not hits:
            self._status("Nothing found.")
        else:
            self._status(f"{len(hits)}{'+' if len(hits) == PAGE else ''} found, best first")

    async def _read(self, text: str, after: SearchCursor | None) -> Sequence[SearchHit] | None:
        try:
            return await self._search(text, self.kind, after)
        except (BadInput, StorageError) as error:
            self._status(f"Could not search: {error}")
            return None

    async def on_search_results_more_wanted(self, message: SearchResults.MoreWanted) -> None:
        number = self._asked
        text = self.query_one("#search-query", Input).value
        hits = await self._read(text, (message.last.rank, message.last.entry_id))
        if hits is None or number != self._asked:
            return
        self.results.add_page(hits, more=len(hits) == PAGE)
        self._status(f"{len(self.results.hits)}{'+' if len(hits) == PAGE else ''} found")

    def on_search_results_chosen(self, message: SearchResults.Chosen) -> None:
        self.dismiss(message.hit)

    @on(Input.Submitted, "#search-query")
    def _open_first(self, message: Input.Submitted) -> None:
        message.stop()
        results = self.results
        index = results.highlighted
        if results.hits and index is not None:
            self.dismiss(results.hits[index])

    def action_to_results(self) -> None:
        if self.results.hits and isinstance(self.focused, Input):
            self.results.focus()

    def action_next_kind(self) -> None:
        if not self._in_incident:
            return
        self._kind_at = (self._kind_at + 1) % len(KINDS)
        self.query_one("#search-kind", Label).update(self._kind_label())
        self._run()

    def action_cancel(self) -> None:
        self.dismiss(None)
