"""Python's cycle collector, run while the person at the keyboard pauses.

A war room holds a large heap for hours (Textual, SQLAlchemy, the timeline on screen) and every
keystroke makes some cyclic garbage. Left to itself, Python collects in the middle of whatever
runs when a count is reached: a full collection walks the whole heap and stalls a keystroke for
100 ms or more, six frames. So the app freezes what exists once it is up (never collected:
modules, styles, the first screen), turns automatic collection off, and collects when input
has been quiet for a moment: the young generations at each pause, everything now and then.
Someone who never pauses still gets the youngest generation collected: after each line saved
(`breather`), and at the timer's ticks between keys once garbage piles up.

Not Textual: the app calls `typed()` on input and `tick()` from a timer. `collector_off()` is
for work with no pauses to wait for: start-up, and a whole report exported or imported.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_off() -> Iterator[None]:
    """Python's cycle collector off meanwhile, then as it was. For work that makes a great
    many objects and no garbage worth a pause: a whole report (100,000 timeline entries, made
    and dropped), or start-up. The collector would walk them over and over as they are made,
    for nothing to collect (a fifth of an export's time, a sixth of start-up's)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class IdleCollector:
    QUIET = 0.3  # seconds without input before collecting
    FULL_EVERY = 30.0  # seconds between full collections (in quiet moments)
    # Young objects waiting while input goes on: collected at the next tick, between keys.
    # (Collected as a key arrived, twenty thousand took 5 to 30 ms, and the key waited.)
    STEP = 10_000
    BACKLOG = 50_000  # waiting even so (a flood between two ticks): collected now
    BREATH = 500  # young objects worth collecting in a `breather`

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._running = False
        self._last_input = self._last_full = monotonic()
        self._pause_collected = False
        self._enable_at_stop = True

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Freeze what exists and take collecting over (the process's collector is off).
        Whatever garbage exists then is frozen with the rest: a little, once. (Start-up may
        have turned automatic collection off already, to load without pauses.)"""
        if self._running:
            return
        self._enable_at_stop = gc.isenabled()
        gc.freeze()
        gc.disable()
        self._running = True
        self._last_input = self._last_full = self._monotonic()

    def stop(self) -> None:
        """Give collecting back, as it was before `start()`."""
        if not self._running:
            return
        self._running = False
        gc.unfreeze()
        if self._enable_at_stop:
            gc.enable()

    def typed(self) -> None:
        """Input arrived: no collecting for a moment, unless too much garbage is waiting."""
        self._last_input = self._monotonic()
        self._pause_collected = False
        if self._running and gc.get_count()[0] > self.BACKLOG:
            gc.collect(0)

    def breather(self) -> bool:
        """A moment nobody waits for anything (a line was just saved, and is on the screen):
        the young garbage, if there is some, is collected now. A line's worth takes about a
        millisecond; left for later, it adds up to a stall of a key in the middle of typing.
        Returns whether it collected."""
        if not self._running or gc.get_count()[0] < self.BREATH:
            return False
        gc.collect(0)
        return True

    def tick(self) -> int | None:
        """Collect if input has been quiet long enough, or the youngest generation if `STEP`
        objects wait while input goes on; returns the generation collected."""
        if not self._running:
            return None
        now = self._monotonic()
        if now - self._last_input < self.QUIET:
            if gc.get_count()[0] > self.STEP:
                gc.collect(0)
                return 0
            return None
        if now - self._last_full >= self.FULL_EVERY:
            self._last_full = now
            generation = 2
        elif not self._pause_collected:
            generation = 1
        else:
            return None  # collected in this pause already
        self._pause_collected = True
        gc.collect(generation)
        return generation
