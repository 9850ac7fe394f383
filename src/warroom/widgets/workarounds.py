"""Where warroom works around what Textual does, in one place. Each names what Textual does, the
upstream issue if there is one, and the version it was checked on: when Textual changes, this is
the list to check again (and to shorten).
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Input

from warroom.domain.text import JOINERS


async def run_binding_now(widget: Widget, event: events.Key) -> bool:
    """Run the field's own binding for `event` (Enter, Backspace, the arrows) as the key arrives.

    Textual inserts a typed character at once but runs a bound key only once it has bubbled up
    to the app, so keys that arrive together (typed ahead over a slow link, sent by a script)
    are applied out of order: "one⏎l" would save "onel". Textual issue #6605 (a fix proposed in
    PR #6631); checked on Textual 8.2.8. Bindings of the widgets around the field still go the
    usual way: run from here, an action that removes this field (a list moving its rows) would
    wait for the field's own handler to finish, for ever. Returns whether it ran it.
    """
    active = widget.screen.active_bindings.get(event.key)
    if active is None or active.node is not widget:
        return False
    if not active.enabled or active.binding.priority:
        return False  # one that is not run from here: the app decides, as usual
    event.stop()  # the app must not run it a second time
    await widget.app.run_action(active.binding.action, widget)
    return True


def leave_the_cursor(event: events.Key) -> None:
    """Keep a key already handled from Input's own key handler, which shows the cursor again
    at every key (it restarts the blink): in the off half of the blink that is a frame drawn at
    once, and what the key brings about (a saved line) then waits a frame or two for the next.
    No upstream issue found; checked on Textual 8.2.8."""
    event.prevent_default()


def typed_joiner(event: events.Key) -> str | None:
    """The zero-width joiner typed inside an emoji sequence (👩‍💻), which arrives as a key of its
    own and which Textual's Input and TextArea drop as unprintable. No upstream issue found;
    checked on Textual 8.2.8."""
    character = event.character
    return character if character is not None and character in JOINERS else None


class LayoutFreeInput(Input):
    """An Input whose typing asks for no layout of the screen.

    Textual's Input sets its virtual width to the text's at every key, and `virtual_size` is a
    reactive with layout=True: a layout of the whole screen per key (a millisecond or two before
    the key is shown). Nothing is laid out by it: the scroll is kept within the text here, and a
    field sized by its text (`width: auto`) asks for the layout itself. No upstream issue found;
    checked on Textual 8.2.8.
    """

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self) -> None:
        """The text got shorter: no scrolling past its end (what the layout would see to)."""
        self.scroll_x = self.validate_scroll_x(self.scroll_x)


def grow_without_layout(view: ScrollView, size: Size) -> bool:
    """Make `view`'s virtual size `size` without a layout of the screen, when that is enough;
    returns whether it did (else set `virtual_size` as usual).

    Setting a scroll view's virtual size asks for a layout of the whole screen (a millisecond or
    two before a new row is shown). A layout is needed only for the scroll bar to come or go and
    for the scroll to stay within fewer rows: once the bar is shown, a row more changes only its
    thumb. No upstream issue found; checked on Textual 8.2.8.
    """
    current = view.virtual_size
    if not view.show_vertical_scrollbar or size.width != current.width:
        return False
    if size.height <= current.height:  # fewer rows: the scroll must be clamped, by a layout
        return False
    view.set_reactive(Widget.virtual_size, size)
    view.vertical_scrollbar.window_virtual_size = size.height
    return True


def sync_scroll_bar(view: ScrollView) -> None:
    """Put the vertical scroll bar's thumb where the view is scrolled to. Textual moves the thumb
    only for scrolls made while the bar is shown, and the bar appears with the layout after the
    rows overflow: a view scrolled before that showed its thumb at the top. No upstream issue
    found; checked on Textual 8.2.8."""
    if view.show_vertical_scrollbar and view.vertical_scrollbar.position != view.scroll_y:
        view.vertical_scrollbar.position = view.scroll_y


def resend_if_moved(widget: Widget, event: events.Key) -> bool:
    """Send `event` on to where the focus is now, if a key before it (Escape, Tab) moved the
    focus away from `widget`. Textual hands each key to the widget focused when the key
    arrives, and a burst of keys arrives before the first is handled: the keys typed after
    Tab went into the field Tab had left. Returns whether it sent it on. No upstream issue
    found; checked on Textual 8.2.8."""
    if widget.app.focused is widget:
        return False
    event.stop()
    event.prevent_default()
    widget.app.post_message(events.Key(event.key, event.character))
    return True


def move_focus_now(widget: Widget, event: events.Key) -> bool:
    """Tab and shift+Tab move the focus as the key is handled, in the order typed (Textual
    runs them once they have bubbled up to the app, after the keys behind them). Returns
    whether `event` was one. Checked on Textual 8.2.8."""
    if event.key not in ("tab", "shift+tab"):
        return False
    event.stop()
    event.prevent_default()
    if event.key == "tab":
        widget.screen.focus_next()
    else:
        widget.screen.focus_previous()
    return True
