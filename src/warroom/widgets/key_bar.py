"""The key bar: the keys that work right now, one line, as currently mapped.

One widget drawing one line of text. Textual's Footer makes a widget per key, which costs
warroom's first screen tens of milliseconds to build and style; an IC over SSH at 3 a.m.
reads keys, they do not click them (every action is also in the command palette)."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _shown: Text | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._show_keys()

    def _show_keys(self) -> None:
        app = self.app
        key_style = "bold " + app.theme_variables.get("footer-key-foreground", "")
        line = Text()
        seen: set[str] = set()
        palette = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == app.COMMAND_PALETTE_BINDING:
                palette = binding
                continue
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            line.append(app.get_key_display(binding), style=key_style)
            line.append(f" {binding.description} ")
        line.rstrip()
        if palette is not None and app.ENABLE_COMMAND_PALETTE:
            hint = Text.assemble((app.get_key_display(palette), key_style), " palette")
            gap = self.size.width - line.cell_len - hint.cell_len
            line.append(" " * max(2, gap))
            line.append_text(hint)
        if line != self._shown:  # bindings are told after every focus change: mostly the same
            self._shown = line
            self.update(line, layout=False)  # one line, as wide as the screen, whatever it says

    def on_resize(self) -> None:
        self._show_keys()
