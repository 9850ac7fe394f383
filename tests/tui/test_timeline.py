"""The timeline widget on its own: the cursor, scrolling, the mouse, and rows drawn once and
drawn again when what they show changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from tests.tui.conftest import Redraws
from warroom.domain.model import Event, EventKind
from warroom.widgets.timeline import WINDOW, Timeline

T0 = datetime(2024, 3, 15, 14, 0, tzinfo=UTC)


def event(n: int, text: str | None = None) -> Event:
    return Event(
        id=n,
        incident_id=1,
        kind=EventKind.NOTE,
        actor="bob",
        text=text if text is not None else f"line {n}",
        occurred_at=T0 + timedelta(seconds=n),
        recorded_at=T0 + timedelta(seconds=n),
    )


class Host(App[None]):
    CSS = "Timeline { height: 12; border: round $primary; }"  # a header and 9 rows in view

    def compose(self) -> ComposeResult:
        yield Timeline(UTC)


@asynccontextmanager
async def showing(
    count: int, *, has_older: bool = False, has_newer: bool = False
) -> AsyncIterator[tuple[Pilot[None], Timeline]]:
    """A timeline in an app of its own, showing events 0 to `count` - 1."""
    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([event(n) for n in range(count)], has_older=has_older, has_newer=has_newer)
        yield pilot, timeline


def in_view(timeline: Timeline, row: int) -> bool:
    top = round(timeline.scroll_y)
    return top <= row < top + timeline.scrollable_content_region.height - 1


def shown(timeline: Timeline, y: int) -> str:
    """The text of line `y` of the timeline as drawn (0: the header)."""
    return timeline.render_line(y).text


async def test_each_new_line_is_in_view_also_when_the_rows_first_overflow() -> None:
    async with showing(1) as (pilot, timeline):
        for n in range(1, 25):
            timeline.upsert(event(n))
            assert timeline.cursor_row == n
            assert in_view(timeline, n), f"line {n} scrolled out of view"
            await pilot.pause()
            assert in_view(timeline, n), f"line {n} out of view once drawn"
        assert "line 24" in shown(timeline, 9)  # the bottom line
        assert "what" in shown(timeline, 0)  # the header stays


async def test_keys_move_the_cursor_and_the_view() -> None:
    async with showing(30) as (pilot, timeline):
        timeline.focus()
        await pilot.pause()
        assert timeline.cursor_row == 29
        await pilot.press("up")
        assert timeline.cursor_row == 28
        await pilot.press("pageup")
        assert timeline.cursor_row == 28 - 9  # a page: the rows in view
        await pilot.press("home")
        assert timeline.cursor_row == 0
        assert in_view(timeline, 0)
        await pilot.pause()
        assert "line 0" in shown(timeline, 1)
        await pilot.press("pagedown", "down")
        assert timeline.cursor_row == 10
        await pilot.press("end")
        assert timeline.cursor_row == 29
        assert in_view(timeline, 29)


async def test_a_click_selects_the_row_under_it() -> None:
    async with showing(5) as (pilot, timeline):
        await pilot.pause()
        # The border (y 0), the header (y 1), then rows 0, 1, 2: the third row down.
        await pilot.click(Timeline, offset=(10, 4))
        assert timeline.selected == timeline.events[2]
        await pilot.click(Timeline, offset=(10, 1))  # the header: nothing to select
        assert timeline.cursor_row == 2


async def test_a_row_drawn_is_drawn_again_when_its_event_changes() -> None:
    async with showing(3) as (pilot, timeline):
        await pilot.pause()
        assert "line 0" in shown(timeline, 1)
        edited = replace(event(0, "line zero"), edited_at=T0)
        timeline.upsert(edited)
        await pilot.pause()
        assert "line zero (edited)" in shown(timeline, 1)
        timeline.upsert(replace(edited, starred=True))
        await pilot.pause()
        assert "★ line zero" in shown(timeline, 1)
        timeline.upsert(replace(edited, deleted_at=T0))
        await pilot.pause()
        assert "line 1" in shown(timeline, 1)
        assert [e.id for e in timeline.events] == [1, 2]


async def test_rows_take_the_new_look_when_the_theme_changes() -> None:
    async with showing(3) as (pilot, timeline):
        await pilot.pause()
        dark = timeline.render_line(1)
        pilot.app.theme = "textual-light"
        await pilot.pause()
        light = timeline.render_line(1)
        assert light.text == dark.text
        assert [s.style for s in light] != [s.style for s in dark]


async def test_the_window_keeps_its_size_and_the_cursor_its_event() -> None:
    async with showing(WINDOW) as (pilot, timeline):
        timeline.move_cursor(WINDOW - 5)
        on = timeline.selected
        for n in range(WINDOW, WINDOW + 10):
            timeline.upsert(event(n))
        await pilot.pause()
        assert len(timeline.events) == WINDOW
        assert timeline.events[0].id == 10
        assert timeline.has_older
        assert timeline.selected == on


async def test_reading_back_while_lines_arrive_the_view_stays_put() -> None:
    async with showing(WINDOW) as (pilot, timeline):
        timeline.move_cursor(WINDOW // 2)  # reading back: not following the newest
        await pilot.pause()
        top = shown(timeline, 1)
        for n in range(WINDOW, WINDOW + 5):
            timeline.upsert(event(n))  # the window is full: the oldest go
            await pilot.pause()
            assert shown(timeline, 1) == top
        assert timeline.selected == event(WINDOW // 2)


async def test_at_the_newest_a_full_window_moves_its_rows_up_and_leaves_the_bar_be() -> None:
    """The window is full: each new row drops the oldest. Following the newest, the view
    stays at the bottom and its rows move up one; the scroll bar, unchanged, is not drawn
    again (it was, twice over, for a scroll down and back)."""
    async with showing(WINDOW) as (pilot, timeline):
        for n in (WINDOW, WINDOW + 1):  # (the first, after the bar came: its width is known)
            timeline.upsert(event(n))
            await pilot.pause()
        bar = timeline.vertical_scrollbar
        at = (timeline.scroll_y, bar.position, bar.window_virtual_size)
        redraws = Redraws()
        redraws.watch(bar)
        for n in range(WINDOW + 2, WINDOW + 7):
            timeline.upsert(event(n))
            await pilot.pause()
            assert timeline.selected == event(n)
            assert f"line {n}" in shown(timeline, 9)  # the bottom line
            assert f"line {n - 1}" in shown(timeline, 8)
        assert (timeline.scroll_y, bar.position, bar.window_virtual_size) == at
        assert not redraws


async def test_a_window_read_again_shows_what_changed_in_it() -> None:
    """Others starred and edited events; the window is read again (show): the rows show it."""
    async with showing(5) as (pilot, timeline):
        await pilot.pause()
        changed = [replace(event(n), starred=True) for n in range(5)]
        changed[1] = replace(changed[1], text="edited by others", edited_at=T0)
        timeline.show(changed, has_older=False, has_newer=False)
        await pilot.pause()
        assert "★ line 0" in shown(timeline, 1)
        assert "★ edited by others (edited)" in shown(timeline, 2)


async def test_deleting_the_selected_event_selects_the_next() -> None:
    async with showing(30) as (pilot, timeline):
        timeline.move_cursor(10)
        await pilot.pause()
        timeline.upsert(replace(event(10), deleted_at=T0))
        await pilot.pause()
        assert timeline.selected == event(11)
        assert in_view(timeline, timeline.cursor_row)


async def test_the_scroll_bar_shows_where_the_view_is() -> None:
    async with showing(40) as (pilot, timeline):
        await pilot.pause()
        await pilot.pause()
        assert timeline.scroll_y == timeline.max_scroll_y > 0  # the newest, at the bottom
        assert timeline.vertical_scrollbar.position == timeline.scroll_y


async def test_rows_arriving_under_a_shown_scroll_bar_lay_nothing_out_again() -> None:
    """Each new row moves the thumb; only a scroll bar that comes or goes needs a layout of
    the screen (a millisecond or two before the row is shown)."""
    async with showing(5) as (pilot, timeline):
        redraws = Redraws()
        redraws.watch(timeline)
        for n in range(5, 12):  # the rows overflow: the bar comes
            timeline.upsert(event(n))
            await pilot.pause()
        assert timeline.show_vertical_scrollbar
        assert any(redraws.of(timeline))
        redraws.clear()
        for n in range(12, 40):
            timeline.upsert(event(n))
            await pilot.pause()
            bar = timeline.vertical_scrollbar
            assert bar.window_virtual_size == timeline.virtual_size.height == n + 2
            assert bar.position == timeline.scroll_y == timeline.max_scroll_y
            assert f"line {n}" in shown(timeline, 9)
        assert redraws.of(timeline)
        assert not any(redraws.of(timeline))
        for n in range(39, 5, -1):  # deleted until the rows fit again: the bar goes
            timeline.upsert(replace(event(n), deleted_at=T0))
            await pilot.pause()
            if n > 15:  # (still more rows than the view has: no blank rows at the bottom)
                assert timeline.scroll_y == timeline.max_scroll_y
                assert f"line {n - 1}" in shown(timeline, 9)
        assert not timeline.show_vertical_scrollbar
        assert "line 5" in shown(timeline, 6)


async def test_a_newer_page_sliding_in_keeps_the_view() -> None:
    async with showing(WINDOW, has_older=True, has_newer=True) as (pilot, timeline):
        timeline.move_cursor(WINDOW - 3)
        await pilot.pause()
        top, on = shown(timeline, 1), timeline.selected
        timeline.add_page([event(n) for n in range(WINDOW, WINDOW + 50)], older=False, more=True)
        await pilot.pause()
        assert timeline.events[0] == event(50)  # as many dropped from the other end
        assert shown(timeline, 1) == top
        assert timeline.selected == on


class Pager(Host):
    """Says which pages the timeline asks for: (the edge's event id, older)."""

    def __init__(self) -> None:
        super().__init__()
        self.wanted: list[tuple[int, bool]] = []

    def on_timeline_page_wanted(self, message: Timeline.PageWanted) -> None:
        self.wanted.append((message.edge.id, message.older))


async def test_the_next_page_is_asked_for_before_the_cursor_reaches_the_edge() -> None:
    """Paging back through a long incident (PageUp held down) stopped at each edge of the
    window while the page past it was read, and the keys pressed meanwhile were lost: the page
    is asked for two views before the edge. Once it is in, the cursor is far from both ends,
    so the window does not swing back and forth."""
    app = Pager()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([event(n) for n in range(100, 100 + WINDOW)], has_older=True, has_newer=False)
        await pilot.pause()
        timeline.move_cursor(2 * 9)  # two views from the top (9 rows in view): not yet
        await pilot.pause()
        assert app.wanted == []
        await pilot.press("up")
        await pilot.pause()
        assert app.wanted == [(100, True)]

        timeline.add_page([event(n) for n in range(100)], older=True, more=False)
        await pilot.pause()
        assert timeline.selected == event(100 + 2 * 9 - 1)
        assert timeline.events[0] == event(0)
        assert timeline.has_newer  # the newest slid out of the full window
        assert app.wanted == [(100, True)]  # and no page of them is asked for back


async def test_keys_pressed_past_the_edge_while_the_page_is_read_move_on_once_it_is_in() -> None:
    """Before the store is open (or on a slow disk) the page past the edge takes a while. The
    keys pressed meanwhile stopped at the edge and were lost: they are moved once it is in."""
    app = Pager()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([event(n) for n in range(100, 100 + WINDOW)], has_older=True, has_newer=False)
        await pilot.pause()
        await pilot.press(*["pageup"] * 40, "down", "down")  # 40 views of 9 rows up, 2 down
        assert app.wanted == [(100, True)]
        assert timeline.cursor_row == 2  # the edge, and the two rows down from it

        timeline.add_page([event(n) for n in range(100)], older=True, more=False)
        await pilot.pause()
        newest = 100 + WINDOW - 1
        assert timeline.selected == event(newest - 40 * 9 + 2)
        assert in_view(timeline, timeline.cursor_row)


class Ends(Pager):
    """Also says which ends of the incident the timeline asks for (True: the oldest)."""

    def __init__(self) -> None:
        super().__init__()
        self.ends: list[bool] = []

    def on_timeline_end_wanted(self, message: Timeline.EndWanted) -> None:
        self.ends.append(message.oldest)


async def test_home_and_end_ask_for_the_ends_of_the_incident_past_the_window() -> None:
    """In a long incident Home went to the first event of the window, a page back, and End to
    the last of the window, not the newest: each asks for that end of the incident."""
    app = Ends()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show(
            [event(n) for n in range(100, 200)], has_older=True, has_newer=True, select=150
        )
        await pilot.pause()
        assert app.wanted == []
        await pilot.press("home")
        await pilot.pause()
        assert app.ends == [True]
        assert app.wanted == []  # not the page before the window as well
        timeline.show([event(n) for n in range(100)], has_older=False, has_newer=True)
        await pilot.press("end")
        await pilot.pause()
        assert app.ends == [True, False]
        timeline.show([event(n) for n in range(100)], has_older=False, has_newer=False)
        await pilot.press("home", "end")
        await pilot.pause()
        assert app.ends == [True, False]  # the window holds both ends: nothing to read
        assert timeline.selected == event(99)


async def test_a_page_read_from_an_edge_the_window_no_longer_has_is_not_added() -> None:
    """PageUp held, then End: the older page came in after the newest page had replaced the
    window, and was added to it, out of order (the rows ran back in time)."""
    app = Pager()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([event(n) for n in range(100, 200)], has_older=True, has_newer=False)
        timeline.move_cursor(0)
        await pilot.pause()
        assert app.wanted == [(100, True)]
        newest = [event(n) for n in range(500, 600)]
        timeline.show(newest, has_older=True, has_newer=False)  # End, read meanwhile
        timeline.add_page([event(n) for n in range(100)], older=True, more=True, edge=event(100))
        await pilot.pause()
        assert list(timeline.events) == newest
        assert timeline.selected == event(599)


async def test_a_move_to_a_place_forgets_the_rows_owed() -> None:
    app = Pager()
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([event(n) for n in range(100, 130)], has_older=True, has_newer=False)
        await pilot.pause()
        await pilot.press("pageup", "pageup", "pageup", "pageup", "end")
        timeline.add_page([event(n) for n in range(100)], older=True, more=False)
        await pilot.pause()
        assert timeline.selected == event(129)  # End: the newest, not the rows owed before it


async def test_a_row_waited_for_is_told_once_a_frame_has_drawn_it() -> None:
    """The war room lets the clock tick again once the saved line is on the screen. A frame
    drawn meanwhile for something else (the clock's tick) does not count."""
    async with showing(3) as (pilot, timeline):
        await pilot.pause()
        painted: list[str] = []  # what each paint of the timeline drew, in order
        paint = timeline.render_lines

        def render_lines(crop: Region) -> list[Strip]:
            lines = paint(crop)
            painted.append(" / ".join(line.text for line in lines))
            return lines

        timeline.render_lines = render_lines  # type: ignore[method-assign]
        told: list[list[str]] = []
        timeline.upsert(event(3))
        timeline.when_drawn(3, lambda: told.append(list(painted)))
        render_lines(Region(0, 0, timeline.size.width, 1))  # a paint without the row
        assert not told
        await pilot.pause()
        assert len(told) == 1  # once
        assert "line 3" in told[0][-1]  # the last paint before it drew the row
        await pilot.pause()
        assert len(told) == 1


async def test_a_row_waited_for_out_of_view_or_gone_does_not_wait_for_ever() -> None:
    async with showing(30) as (pilot, timeline):
        await pilot.pause()
        told: list[str] = []
        timeline.when_drawn(0, lambda: told.append("out of view"))
        timeline.when_drawn(99, lambda: told.append("not in the window"))
        timeline.when_drawn(29, lambda: told.append("deleted"))
        timeline.upsert(replace(event(29), deleted_at=T0))
        timeline.upsert(event(30))
        timeline.when_drawn(30, lambda: told.append("scrolled out by a burst"))
        for n in range(31, 45):  # others' events, before the next frame
            timeline.upsert(event(n))
        timeline.upsert(event(45))
        timeline.when_drawn(45, lambda: told.append("scrolled away from"))
        timeline.action_first()
        await pilot.pause()
        await pilot.pause()
        assert sorted(told) == [
            "deleted",
            "not in the window",
            "out of view",
            "scrolled away from",
            "scrolled out by a burst",
        ]


async def test_a_click_below_the_last_row_selects_nothing() -> None:
    async with showing(3, has_newer=True) as (pilot, timeline):
        timeline.move_cursor(0)
        await pilot.pause()
        await pilot.click(Timeline, offset=(10, 8))  # rows are at y 2 to 4
        assert timeline.cursor_row == 0
