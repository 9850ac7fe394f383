"""Properties of `printable`: whatever a user typed, what we print cannot act on a terminal."""

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from warroom.domain.text import one_line, printable

BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Text weighted towards what attacks terminals: escape sequences, C1 controls, bidi overrides.
hostile_pieces = st.sampled_from(
    [
        "\x1b[2J",
        "\x1b]52;c;aGVsbG8=\x07",
        "\x1b]0;pwned\x1b\\",
        "\x9b31m",
        "\x9d0;title\x9c",
        "\x00",
        "\x7f",
        "\r",
        "\n",
        "\t",
        "\u202e",
        "\u2066",
        "[bold red]",
        "👩‍💻",
        "e\u0301",
        "日本語",
        "\ud800",
    ]
)
texts = st.text() | st.lists(hostile_pieces | st.text(max_size=5)).map("".join)


def is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


@settings(max_examples=300)
@given(texts)
@example("\x1b]52;c;aGk=\x07\u202edcba\x00")
def test_printable_output_holds_no_control_and_no_bidi_control(text: str) -> None:
    shown = printable(text)
    assert not any(is_control(char) or char in BIDI_CONTROLS for char in shown)
    assert not any(unicodedata.category(char) == "Cs" for char in shown)


@settings(max_examples=300)
@given(texts)
def test_printable_keeps_newlines_only_when_asked(text: str) -> None:
    shown = printable(text, keep_newlines=True)
    assert shown.count("\n") == text.count("\n")
    assert not any((is_control(char) and char != "\n") or char in BIDI_CONTROLS for char in shown)


@settings(max_examples=300)
@given(texts)
def test_one_line_is_one_line(text: str) -> None:
    shown = one_line(text)
    assert "\n" not in shown
    assert "\r" not in shown
    assert not any(is_control(char) or char in BIDI_CONTROLS for char in shown)


@settings(max_examples=300)
@given(texts)
def test_printable_is_stable_and_leaves_harmless_text_alone(text: str) -> None:
    shown = printable(text)
    assert printable(shown) == shown  # nothing left to escape
    harmless = "".join(
        char
        for char in text
        if not is_control(char)
        and char not in BIDI_CONTROLS
        and unicodedata.category(char) not in ("Cf", "Cs")
    )
    assert printable(harmless) == harmless  # CJK, emoji, combining marks, markup: as typed
