"""The full-screen app as a job of the crash-safety harness.

A `TuiJob` opens a war room (`python -m warroom open ID`) on a pseudo-terminal and types events
the way a person does: `l`, the text, Enter; then the next once it is on screen. An event is
acknowledged once its text is shown in a timeline row (the actor's column, then exactly the
text): that is when the person in front of the screen takes it as logged. A job that is not
killed ends with `q`, and must exit 0.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tests.reliability.harness import HANG_LIMIT, Ack, Outcome
from tests.terminal import Screen, Terminal

LINE_LIMIT = 20.0  # seconds a typed line may take to show before the job counts as failed


def shown_in_timeline(screen: Screen, actor: str, text: str) -> bool:
    """Whether a timeline row by `actor` shows exactly `text` (the cell ends at the border)."""
    row = re.compile(rf"\s{re.escape(actor)}\s+{re.escape(text)}\s+│")
    return any(row.search(line) for line in screen.lines)


@dataclass(frozen=True)
class TuiJob:
    argv: Sequence[str]
    lines: Sequence[str]  # typed one after the other
    env: Mapping[str, str]
    actor: str  # the configured user: the "who" of what it logs
    ready: str  # text on the war room's screen once it is drawn (the incident's key)
    size: tuple[int, int] = (120, 40)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def kind(self) -> str:
        return "tui"

    async def run(self, kill_after: float | None) -> Outcome:
        terminal = Terminal(self.argv, self.env, self.size)
        acks: list[Ack] = []
        waiting = list(self.lines)

        def look(screen: Screen) -> None:  # after every read: anything shown counts
            for text in list(waiting):
                if shown_in_timeline(screen, self.actor, text):
                    waiting.remove(text)
                    acks.append(Ack(text.split(" ", 1)[0], text))

        terminal.listeners.append(look)
        terminal.start()
        driving = asyncio.ensure_future(self._drive(terminal, waiting))
        problem = ""
        killed = False
        try:
            limit = HANG_LIMIT if kill_after is None else kill_after
            await asyncio.wait_for(asyncio.shield(driving), limit)
        except TimeoutError:
            killed = kill_after is not None
            problem = "" if killed else f"(hung: killed after {HANG_LIMIT}s)"
        except AssertionError as error:
            problem = str(error)
        finally:
            if not driving.done():
                driving.cancel()
            if terminal.returncode is None and not killed and not problem:
                returncode = await terminal.wait(LINE_LIMIT)
            else:
                terminal.kill()
                returncode = await terminal.wait()
        if not killed and not problem and returncode != 0:
            problem = f"exited {returncode}"
        return Outcome(
            killed=killed,
            returncode=returncode if not problem else (returncode or 1),
            acks=tuple(acks),
            stdout=terminal.screen.text(),
            stderr=f"{problem}\n{terminal.screen.text()}" if problem else "",
            elapsed=time.monotonic() - terminal.started,
        )

    async def _drive(self, terminal: Terminal, waiting: list[str]) -> None:
        await terminal.wait_for_text(self.ready, HANG_LIMIT)
        await terminal.wait_for_text("Log", HANG_LIMIT)  # the footer: the keys work
        terminal.type("l")  # the log line, which keeps the keys from one line to the next
        for text in self.lines:
            terminal.type(text + "\r")  # one line per write: the keys in order
            await terminal.wait_for(lambda text=text: text not in waiting, repr(text), LINE_LIMIT)
        terminal.type("\x1b")  # out of the log line (on its own: Escape and q at once is alt+q)
        await terminal.wait_for_text("Quit", LINE_LIMIT)  # the key bar: the keys work again
        terminal.type("q")
        await terminal.wait(LINE_LIMIT)
