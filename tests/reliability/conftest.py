"""Fixtures for the reliability tests: a seeded RNG whose seed is shown when a test fails, and
the environment real warroom processes run in."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Generator, Iterator

import pytest

from tests.reliability.sandbox import MountNamespace, OtherUser, Unavailable

SEED = pytest.StashKey[int]()
_CAMPAIGNS: list[str] = []  # what each crash-safety test did, for the end of a soak


@pytest.fixture
def tell(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Note what a test did (shown at the end of the run with --soak, or -v)."""
    return lambda line: _CAMPAIGNS.append(f"{request.node.name}: {line}")


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if _CAMPAIGNS and (config.getoption("--soak") or config.getoption("verbose") > 0):
        terminalreporter.section("crash-safety campaigns")
        for line in _CAMPAIGNS:
            terminalreporter.write_line(line)


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


@pytest.fixture
def mount_namespace() -> Iterator[MountNamespace]:
    """A private mount namespace (see sandbox), or a skip saying why there cannot be one."""
    try:
        namespace = MountNamespace()
    except Unavailable as reason:
        pytest.skip(f"needs a private mount namespace: {reason}")
    try:
        yield namespace
    finally:
        namespace.close()


@pytest.fixture
def other_user() -> Iterator[OtherUser]:
    """An unprivileged user to run warroom as (see sandbox), or a skip saying why not."""
    try:
        user = OtherUser()
    except Unavailable as reason:
        pytest.skip(f"needs an unprivileged user: {reason}")
    try:
        yield user
    finally:
        user.close()
