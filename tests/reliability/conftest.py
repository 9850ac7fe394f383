"""Fixtures for the reliability tests: a seeded RNG whose seed is shown when a test fails, and
the environment real warroom processes run in."""

from __future__ import annotations

import os
import random
from collections.abc import Generator

import pytest

SEED = pytest.StashKey[int]()


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """Random choices for one test, from `--reliability-seed` or a fresh seed."""
    seed = request.config.getoption("--reliability-seed")
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    request.node.stash[SEED] = seed
    return random.Random(seed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    seed = item.stash.get(SEED, None)
    if seed is not None and report.failed:
        report.sections.append(
            ("reliability seed", f"seed {seed}: rerun with --reliability-seed={seed}")
        )
    return report


@pytest.fixture
def env() -> dict[str, str]:
    """The environment for warroom processes: the test's (isolated) one, unbuffered."""
    return {**os.environ, "PYTHONUNBUFFERED": "1"}
