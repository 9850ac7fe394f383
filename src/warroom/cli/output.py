"""What the commands print: results on stdout, one `error:` or `warning:` line on stderr. User
text is printed literally (control characters and escapes shown, never sent to the terminal)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from warroom.domain.text import printable


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def error(message: str, details: Sequence[str] = ()) -> None:
    """One `error:` line; a list of problems (an invalid file) follows, indented, one a line."""
    lines = [f"error: {printable(message)}\n"]
    lines += [f"  {printable(detail)}\n" for detail in details]
    sys.stderr.write("".join(lines))
    sys.stderr.flush()


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {printable(message)}\n")
    sys.stderr.flush()


def out_json(value: object, *, compact: bool = False) -> None:
    """JSON for scripts, ASCII only: nothing in user text can act on a terminal."""
    import json

    out(json.dumps(value, separators=(",", ":")) if compact else json.dumps(value, indent=2))
