"""User text is data. Helpers to show it on a terminal without it ever acting on the terminal."""

from __future__ import annotations

import re
import unicodedata

# Characters that can move the cursor, change the terminal or reorder what is shown.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# Every character but printable ASCII: the only ones worth a closer look (text is mostly ASCII).
_SUSPECT = re.compile(r"[^\x20-\x7e]+")

# Joiners are format characters too, but harmless, and emoji sequences need them.
JOINERS = frozenset("\u200c\u200d")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def is_control(char: str) -> bool:
    """Whether a terminal would obey `char` rather than show it: a control character (C0, C1,
    DEL), a bidi control or another format character (but the joiners), a lone surrogate; or
    the line and paragraph separators (U+2028, U+2029), which end a line for the tools that
    read what warroom prints (Python's splitlines, JavaScript) though not for the terminal."""
    return char in _BIDI_CONTROLS or (
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in JOINERS
    )


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Escape control characters (C0, C1, DEL), bidi controls and other format characters
    so that printing the result shows them as `\\x1b`, `\\u202e`, ... instead of obeying them."""
    if text.isprintable():
        return text

    def shown(char: str) -> str:
        if (keep_newlines and char == "\n") or not is_control(char):
            return char
        return _escape(char)

    return _SUSPECT.sub(lambda run: "".join(map(shown, run.group())), text)


def control_pictures(text: str) -> str:
    """`text` with each character a terminal would obey replaced by one visible symbol (`␛`
    for ESC, `␇` for BEL, `�` for the others): the same length, for a field being edited, where
    each position in the text must stay a position on the screen."""
    if text.isprintable():
        return text
    return _SUSPECT.sub(lambda run: "".join(map(_picture, run.group())), text)


def _picture(char: str) -> str:
    if not is_control(char):
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟
    return "\u2421" if code == 0x7F else "\ufffd"


# The emoji presentation selector: "⚠" + VS16 is "⚠️". Rich counts such a pair two cells wide,
# tmux 3.3 and many terminals draw it in one, so a row holding one ends a cell early or late
# and its border moves. Without the selector every side agrees on the character's own width
# (one cell, drawn as the text-style symbol); characters that are emoji anyway (🔥) stay wide.
EMOJI_PRESENTATION = "\ufe0f"


def terminal_width_safe(text: str) -> str:
    """`text` with emoji presentation selectors left out, for drawing in cells."""
    return text.replace(EMOJI_PRESENTATION, "") if EMOJI_PRESENTATION in text else text


def one_line(text: str) -> str:
    """A single printable line: newlines shown as `⏎`."""
    return printable(text.replace("\r\n", "\n").replace("\n", " ⏎ "))


def cell_line(text: str) -> str:
    """`one_line` for drawing in a grid of cells (the war room's widgets), where a width
    misjudged moves a border: emoji presentation selectors left out too. The command line
    prints text as it is, selectors and all."""
    return terminal_width_safe(one_line(text))
