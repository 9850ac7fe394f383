import pytest

from warroom.domain.text import one_line, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("[red]x[/red]", "[red]x[/red]"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("nul\x00byte", "nul\\x00byte"),
        ("\x9bC1", "\\x9bC1"),
        ("日本語 👩‍💻 e\u0301", "日本語 👩‍💻 e\u0301"),
        # Not for the terminal, but a line's end for whatever reads what warroom prints.
        ("one\u2028two\u2029", "one\\u2028two\\u2029"),
    ],
)
def test_printable_escapes_what_could_act_on_a_terminal(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_one_line() -> None:
    assert one_line("a\nb\r\nc") == "a ⏎ b ⏎ c"
    assert printable("a\nb", keep_newlines=True) == "a\nb"
