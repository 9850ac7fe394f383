"""A real warroom process on a pseudo-terminal, and the screen it draws there.

`Terminal` starts a command on a new pty of a given size (the child's controlling terminal,
its window size set with TIOCSWINSZ before it starts), reads everything it writes and keeps a
`Screen`: a small model of a terminal that understands what Textual writes (cursor positioning,
styles, modes) and lays text out by the same grapheme widths Textual uses. Tests type keys and
wait, with a deadline, for the screen to show something: no sleeps. It answers Textual's
question about synchronized output as a modern terminal does, so that each frame arrives whole
between two markers and a test never looks at a frame drawn in part.

`Screen` also keeps every control sequence and control character it received, so that a test can
tell whether anything but Textual's own drawing reached the terminal (`Screen.intrusions`).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import fcntl
import json
import os
import pty
import re
import signal
import struct
import termios
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.cells import split_graphemes

# What Textual writes: CSI sequences, OSC strings (ended by BEL or ST), and two-byte escapes.
_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])|[\x00-\x1f\x7f-\x9f]"
)
_INCOMPLETE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?)?\Z")
_CUP = re.compile(r"\x1b\[(\d*)(?:;(\d*))?H")
# Synchronized output: Textual asks whether the terminal has it, and uses it when it does.
_SYNC_QUERY, _SYNC_SUPPORTED = "\x1b[?2026$p", b"\x1b[?2026;2$y"
_BEGIN_UPDATE, _END_UPDATE = "\x1b[?2026h", "\x1b[?2026l"

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# Textual's own: styles (m), cursor position (H), private modes set and reset (?..h / ?..l),
# a mode query (?..$p), the kitty keyboard protocol (>..u / <u), the pointer shape (OSC 22).
_TEXTUAL_CSI = re.compile(r"\x1b\[(?:[\d;:]*m|\d*(?:;\d*)?H|\?[\d;]+[hl]|\?\d+\$p|[<>=]\d*u)\Z")
_TEXTUAL_OSC = re.compile(r"\x1b\]22;[\w-]*(?:\x07|\x1b\\)\Z")
_CLIPBOARD = re.compile(r"\x1b\]52;c;[A-Za-z0-9+/=]*(?:\x07|\x1b\\)\Z")


@dataclass
class Screen:
    """What a terminal of `width` x `height` shows after everything fed to it."""

    width: int
    height: int
    row: int = 0
    column: int = 0
    sequences: list[str] = field(default_factory=list)  # every escape sequence, in order
    controls: list[str] = field(default_factory=list)  # control characters outside them
    bidi: list[str] = field(default_factory=list)  # bidi controls in the text
    updating: bool = False  # inside a synchronized update: a frame drawn only in part
    _cells: list[list[str]] = field(init=False)
    _pending: str = ""

    def __post_init__(self) -> None:
        self._cells = [[" "] * self.width for _ in range(self.height)]
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        incomplete = _INCOMPLETE.search(text)  # a sequence cut in two by the read: wait for more
        self._pending = incomplete.group() if incomplete is not None else ""
        text = text[: len(text) - len(self._pending)]
        position = 0
        for match in _SEQUENCE.finditer(text):
            self._draw(text[position : match.start()])
            self._control(match.group())
            position = match.end()
        self._draw(text[position:])

    def _control(self, sequence: str) -> None:
        if sequence == "\r":
            self.column = 0
        elif sequence == "\n":
            self.row = min(self.row + 1, self.height - 1)
        elif sequence.startswith("\x1b"):
            self.sequences.append(sequence)
            if sequence in (_BEGIN_UPDATE, _END_UPDATE):
                self.updating = sequence == _BEGIN_UPDATE
            move = _CUP.fullmatch(sequence)
            if move is not None:
                self.row = min(max(int(move.group(1) or 1) - 1, 0), self.height - 1)
                self.column = min(max(int(move.group(2) or 1) - 1, 0), self.width - 1)
        else:
            self.controls.append(sequence)

    def _draw(self, text: str) -> None:
        if not text:
            return
        self.bidi += [char for char in text if char in BIDI_CONTROLS]
        spans, _ = split_graphemes(text)
        line = self._cells[self.row]
        for start, end, width in spans:
            grapheme = text[start:end]
            if width == 0:  # joins the cell before it
                if self.column > 0:
                    line[self.column - 1] += grapheme
                continue
            if self.column + width > self.width:
                self.controls.append(f"overflow at row {self.row}: {grapheme!r}")
                continue
            line[self.column] = grapheme
            for extra in range(1, width):
                line[self.column + extra] = ""  # the right half of a wide character
            self.column += width

    @property
    def lines(self) -> list[str]:
        return ["".join(cells) for cells in self._cells]

    @property
    def cells(self) -> list[list[str]]:
        """Each row's cells: a grapheme each (the right half of a wide one is "")."""
        return [list(cells) for cells in self._cells]

    def text(self) -> str:
        return "\n".join(self.lines)

    def intrusions(self, *, clipboard: bool = False) -> list[str]:
        """Whatever reached the terminal that Textual's drawing does not send: control
        characters, escape sequences other than Textual's own (OSC 52 only when `clipboard`),
        bidi controls."""
        found = [repr(char) for char in self.controls if char not in "\r\n"]
        for sequence in self.sequences:
            if _TEXTUAL_CSI.match(sequence) or _TEXTUAL_OSC.match(sequence):
                continue
            if clipboard and _CLIPBOARD.match(sequence):
                continue
            found.append(repr(sequence))
        return found + [f"bidi control {unicodedata.name(char)}" for char in self.bidi]


def window_size(descriptor: int, width: int, height: int) -> None:
    fcntl.ioctl(descriptor, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))


def named_already(env: Mapping[str, str]) -> None:
    """A config that names its user, in `env`'s config directory, unless there is one: the
    full-screen app asks for the name on its first start without one."""
    home = env.get("XDG_CONFIG_HOME")
    if not home:
        return
    config = Path(home) / "warroom" / "config.toml"
    if config.exists():
        return
    config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    login = env.get("LOGNAME") or env.get("USER") or "tester"
    config.write_text(f"[user]\nname = {json.dumps(login)}\n", encoding="utf-8")
    config.chmod(0o600)


class Terminal:
    """`argv` running on a pseudo-terminal of `size` (columns, rows), its screen kept up to
    date as it writes. Use as an async context manager; leaving kills the process if it is
    still running."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (80, 24),
        *,
        first_run: bool = False,
    ) -> None:
        """`first_run`: leave the config as it is, so that warroom asks for the user's name
        when it has none (else the config names the login user, as if asked before)."""
        self.argv = list(argv)
        self.env = {**env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        if not first_run:
            named_already(self.env)
        for name in ("NO_COLOR", "COLUMNS", "LINES"):  # the size is the pty's, set below
            self.env.pop(name, None)
        self.size = size
        self.screen = Screen(*size)
        self.output = bytearray()
        self.listeners: list[Callable[[Screen], None]] = []  # called after every read
        self.started = 0.0
        self.pid = 0
        self.returncode: int | None = None
        self._master = -1
        self._pidfd = -1
        self._changed = asyncio.Event()
        self._closed: asyncio.Future[None] | None = None
        self._exited: asyncio.Future[None] | None = None

    async def __aenter__(self) -> Terminal:
        self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.returncode is None:
            self.kill()
        await self.wait()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        width, height = self.size
        self.started = time.monotonic()
        pid, master = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal and stdin/out/err
            try:
                window_size(0, width, height)
                os.execvpe(self.argv[0], self.argv, self.env)
            finally:
                os._exit(127)
        self.pid, self._master = pid, master
        self._pidfd = os.pidfd_open(pid)
        self._closed = loop.create_future()
        self._exited = loop.create_future()
        loop.add_reader(master, self._readable)
        loop.add_reader(self._pidfd, self._on_exit)

    def _readable(self) -> None:
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every process on the pty has ended
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self._master)
            assert self._closed is not None
            if not self._closed.done():
                self._closed.set_result(None)
            self._changed.set()
            return
        self.output += chunk
        seen = len(self.screen.sequences)
        self.screen.feed(chunk)
        if _SYNC_QUERY in self.screen.sequences[seen:]:  # as a modern terminal answers
            self.type(_SYNC_SUPPORTED)
        for listener in self.listeners:
            listener(self.screen)
        self._changed.set()

    def _on_exit(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        assert self._exited is not None
        if not self._exited.done():
            self._exited.set_result(None)
        self._changed.set()

    def type(self, keys: str | bytes) -> None:
        """Send keys, as a person's terminal sends them (Enter is `\\r`)."""
        data = keys.encode() if isinstance(keys, str) else keys
        while data:
            data = data[os.write(self._master, data) :]

    async def wait_for(self, condition: Callable[[], object], what: str, timeout: float) -> None:
        """Until `condition()` holds, reading the screen as it changes; at most `timeout`
        seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.returncode is not None or (self._exited and self._exited.done()):
                if condition():
                    return
                raise AssertionError(f"the process ended before {what}:\n{self.screen.text()}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}:\n{self.screen.text()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_for_text(self, text: str, timeout: float = 20.0) -> None:
        """Until the screen shows `text`, in a whole frame."""
        screen = self.screen
        await self.wait_for(
            lambda: text in screen.text() and not screen.updating, repr(text), timeout
        )

    def kill(self) -> None:
        if self._pidfd >= 0:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    async def wait(self, timeout: float | None = None) -> int:
        """Until the process has ended and everything it wrote has been read; its exit code
        (-9 when killed)."""
        if self.returncode is not None:
            return self.returncode
        assert self._exited is not None
        assert self._closed is not None
        try:
            await asyncio.wait_for(asyncio.shield(self._exited), timeout)
        except TimeoutError:
            self.kill()
            await self._exited
        await self._closed
        if self.returncode is not None:  # another wait() got here first and reaped it
            return self.returncode
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._pidfd)
        os.close(self._pidfd)
        os.close(self._master)
        self._pidfd = self._master = -1
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode
