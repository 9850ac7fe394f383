"""Garbage collected while the person at the keyboard pauses, and given back to Python after."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from warroom.pacing import IdleCollector, collector_off


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def collector(ticks: Ticks) -> Iterator[IdleCollector]:
    assert gc.isenabled()
    collector = IdleCollector(ticks)
    yield collector
    collector.stop()
    assert gc.isenabled()


class Node:
    def __init__(self) -> None:
        self.me = self


def cycles(count: int) -> list[weakref.ref[Node]]:
    """Leave `count` young objects that only the cycle collector can free."""
    return [weakref.ref(Node()) for _ in range(count)]


def piled_up(young: int) -> list[weakref.ref[Node]]:
    """Leave cycles until `young` objects wait for the youngest generation's collection."""
    refs: list[weakref.ref[Node]] = []
    while gc.get_count()[0] < young:
        refs += cycles(10)
    return refs


def alive(refs: list[weakref.ref[Node]]) -> int:
    return sum(ref() is not None for ref in refs)


def test_it_takes_collecting_over_and_gives_it_back(collector: IdleCollector) -> None:
    frozen_before = gc.get_freeze_count()
    collector.start()
    assert collector.running
    assert not gc.isenabled()
    assert gc.get_freeze_count() > frozen_before  # what existed is out of every collection
    collector.stop()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert not collector.running


def test_nothing_is_collected_while_input_keeps_coming(
    collector: IdleCollector, ticks: Ticks
) -> None:
    collector.start()
    garbage = cycles(10)
    collector.typed()
    ticks.now += IdleCollector.QUIET / 2
    assert collector.tick() is None
    assert alive(garbage) == 10  # still waiting


def test_a_pause_collects_the_young_and_now_and_then_everything(
    collector: IdleCollector, ticks: Ticks
) -> None:
    collector.start()
    collector.typed()
    garbage = cycles(10)
    ticks.now += IdleCollector.QUIET + 0.01
    assert collector.tick() == 1
    assert alive(garbage) == 0
    assert collector.tick() is None  # once a pause
    ticks.now += IdleCollector.FULL_EVERY
    assert collector.tick() == 2


def test_typing_without_pause_still_collects_between_keys_once_garbage_piles_up(
    collector: IdleCollector, ticks: Ticks
) -> None:
    """Not as a key arrives (the key would wait for it): at the timer's next tick."""
    collector.start()
    collector.typed()
    gc.collect(0)
    garbage = piled_up(IdleCollector.STEP // 2)
    ticks.now += IdleCollector.QUIET / 2
    assert collector.tick() is None
    garbage += piled_up(IdleCollector.STEP + 10)
    collector.typed()
    assert alive(garbage) == len(garbage)
    ticks.now += IdleCollector.QUIET / 2
    assert collector.tick() == 0
    assert alive(garbage) == 0


def test_a_flood_between_two_ticks_is_collected_as_input_arrives(
    collector: IdleCollector,
) -> None:
    collector.start()
    garbage = cycles(IdleCollector.BACKLOG + 100)
    collector.typed()
    assert alive(garbage) == 0


def test_a_breather_collects_the_young_garbage_if_there_is_some(
    collector: IdleCollector,
) -> None:
    """A line saved and shown: nobody waits for anything for a moment."""
    assert not collector.breather()  # not before it has taken collecting over
    collector.start()
    gc.collect(0)
    garbage = piled_up(IdleCollector.BREATH // 2)
    assert not collector.breather()  # too little to be worth it
    garbage += piled_up(IdleCollector.BREATH + 10)
    assert collector.breather()
    assert alive(garbage) == 0


def test_collecting_turned_off_before_it_starts_is_off_after_it_stops(
    collector: IdleCollector, ticks: Ticks
) -> None:
    """Start-up turns automatic collection off to load without pauses; the collector still
    collects in pauses, and leaves collection as it found it."""
    gc.disable()
    try:
        collector.start()
        assert collector.running
        garbage = cycles(10)
        ticks.now += IdleCollector.QUIET + 0.01
        assert collector.tick() == 1
        assert alive(garbage) == 0
        collector.stop()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_nothing_happens_before_it_starts(collector: IdleCollector, ticks: Ticks) -> None:
    ticks.now += IdleCollector.FULL_EVERY
    assert collector.tick() is None
    assert gc.isenabled()


def test_work_with_the_collector_off_leaves_it_as_it_was() -> None:
    with collector_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_off():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
