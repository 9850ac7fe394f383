"""Kill warroom processes at random moments, and keep track of what they said they had saved.

A `Job` is one process. The harness starts it, kills it with SIGKILL after a delay (or lets it
finish), and the job reports what the process acknowledged before it ended: for `warroom log`
the event id it printed, which it prints only once the event is committed.

- `CliJob` executes a command line: a real `python -m warroom ...` process, start-up included.
- `ForkedCliJob` runs the same command line through `warroom.cli.main` in a process forked from
  the test process, where warroom is already imported: the same process from `main` on, without
  half a second of imports in which a kill can find nothing to break. Most kills are spent there.
- `TuiJob` (tui.py) drives the full-screen app through a pseudo-terminal, typing events and
  reading each back off the screen as its acknowledgement; any other job plugs in the same way,
  by implementing `Job.run` and `kind`.

Kill moments follow the processes: the harness learns how long an unkilled process takes and
kills most of the others close to that moment, when they are opening the database, writing and
committing, rather than while Python is still importing. The plan (which process is spared,
where in its life each kill falls, every text) comes from one seed; only the timing of a real
machine varies between runs with the same seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Protocol

import warroom.store  # imported before forking, so that forked jobs start at `main`
from warroom.cli.main import main as warroom_main

HANG_LIMIT = 60.0  # seconds an unkilled process may take before it counts as hung


def warroom(db: object, *args: str) -> list[str]:
    """The command line of a real warroom process on database `db`."""
    return [sys.executable, "-m", "warroom", "--db", str(db), *args]


@dataclass(frozen=True)
class Ack:
    key: str  # what the process said it saved: "EV-12", "INC-3"
    text: str  # what it had been asked to save


@dataclass(frozen=True)
class Outcome:
    killed: bool
    returncode: int | None
    acks: tuple[Ack, ...]
    stdout: str
    stderr: str
    elapsed: float  # seconds from start to exit or kill


class Job(Protocol):
    @property
    def text(self) -> str:
        """What this process was asked to save."""
        ...

    @property
    def kind(self) -> str:
        """Processes of one kind live about as long: kill moments are learnt per kind."""
        ...

    async def run(self, kill_after: float | None) -> Outcome:
        """Run the process; SIGKILL it after `kill_after` seconds unless it has ended."""
        ...


ACK = re.compile(r"^(?:EV|INC)-\d+$")


def run_to_end(job: Job) -> Outcome:
    """Run one job without killing it (unless it hangs)."""
    return asyncio.run(job.run(None))


def _acks(output: bytes, text: str, ack: re.Pattern[str]) -> tuple[Ack, ...]:
    lines = output.decode("utf-8", "replace").split("\n")[:-1]  # whole lines only
    return tuple(Ack(line, text) for line in lines if ack.match(line))


@dataclass(frozen=True)
class CliJob:
    """A command line whose acknowledgements are whole lines of stdout matching `ack`."""

    argv: Sequence[str]
    text: str
    env: Mapping[str, str]
    ack: re.Pattern[str] = ACK

    @property
    def kind(self) -> str:
        return "exec"

    async def run(self, kill_after: float | None) -> Outcome:
        started = time.monotonic()
        process = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(self.env),
        )
        assert process.stdout is not None
        assert process.stderr is not None
        with process.stdout, process.stderr:
            output, errors = await _supervise(
                process.pid, process.stdout.fileno(), process.stderr.fileno(), kill_after
            )
        returncode = process.wait()  # reaps it: it has ended
        return _outcome(self, kill_after, returncode, output, errors, started)


@dataclass(frozen=True)
class ForkedCliJob:
    """`warroom.cli.main(args)` in a child forked from this (single-threaded) process.

    The child gets fresh pipes for stdout and stderr, runs `main` and leaves with os._exit: it
    shares nothing with the parent but the imported modules (no database connection is open in
    the parent while jobs run).
    """

    args: Sequence[str]
    text: str
    ack: re.Pattern[str] = ACK

    @property
    def kind(self) -> str:
        return "forked"

    @property
    def argv(self) -> list[str]:
        return ["warroom", *self.args]

    async def run(self, kill_after: float | None) -> Outcome:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            self._child(out_read, out_write, err_read, err_write)
        os.close(out_write)
        os.close(err_write)
        try:
            output, errors = await _supervise(pid, out_read, err_read, kill_after)
        finally:
            os.close(out_read)
            os.close(err_read)
        _, status = os.waitpid(pid, 0)  # reaps it: it has ended
        returncode = os.waitstatus_to_exitcode(status)
        return _outcome(self, kill_after, returncode, output, errors, started)

    def _child(self, out_read: int, out_write: int, err_read: int, err_write: int) -> None:
        code = 70
        try:
            os.close(out_read)
            os.close(err_read)
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8")
            code = warroom_main(list(self.args))
            sys.stdout.flush()
        except BaseException as error:  # report it: the parent sees a failed process
            with contextlib.suppress(BaseException):
                os.write(2, f"child failed: {error!r}\n".encode())
        finally:
            os._exit(code)


async def _supervise(
    pid: int, stdout: int, stderr: int, kill_after: float | None
) -> tuple[bytes, bytes]:
    """Collect a child's output until it has ended, killing it with SIGKILL after `kill_after`
    seconds. Waits on a pidfd and the pipes: no polling, no sleeping."""
    loop = asyncio.get_running_loop()
    pidfd = os.pidfd_open(pid)
    ended = loop.create_future()
    pipes = {stdout: bytearray(), stderr: bytearray()}
    closed = {descriptor: loop.create_future() for descriptor in pipes}

    def readable(descriptor: int) -> None:
        chunk = os.read(descriptor, 65536)
        if chunk:
            pipes[descriptor] += chunk
        else:
            loop.remove_reader(descriptor)
            closed[descriptor].set_result(None)

    def exited() -> None:
        loop.remove_reader(pidfd)
        ended.set_result(None)

    loop.add_reader(pidfd, exited)
    for descriptor in pipes:
        loop.add_reader(descriptor, readable, descriptor)
    try:
        limit = HANG_LIMIT if kill_after is None else kill_after
        try:
            await asyncio.wait_for(asyncio.shield(ended), limit)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):  # it ended at that very moment
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            await ended
        await asyncio.gather(*closed.values())  # a dead process's pipes close
    finally:
        for descriptor in (pidfd, *pipes):
            loop.remove_reader(descriptor)
        os.close(pidfd)
    return bytes(pipes[stdout]), bytes(pipes[stderr])


def _outcome(
    job: Job,
    kill_after: float | None,
    returncode: int,
    output: bytes,
    errors: bytes,
    started: float,
) -> Outcome:
    stderr = errors.decode("utf-8", "replace")
    killed = returncode == -signal.SIGKILL
    if killed and kill_after is None:
        stderr += f"\n(hung: killed after {HANG_LIMIT}s)"
        killed = False
    acks = _acks(output, job.text, getattr(job, "ack", ACK))
    stdout = output.decode("utf-8", "replace")
    return Outcome(killed, returncode, acks, stdout, stderr, time.monotonic() - started)


Lifetimes = dict[str, list[float]]  # job kind -> seconds that unkilled processes lived


@dataclass(frozen=True)
class Budget:
    seconds: float  # no process is started after this; those still running are killed then
    processes: int  # at most this many are started


@dataclass(frozen=True)
class Plan:
    """For one process: let it finish, or kill it at `fraction` of a typical process's life."""

    spare: bool
    fraction: float
    seed: int  # for the job's own choices (its text)


def make_plans(rng: Random, count: int, *, spare: float = 0.2) -> list[Plan]:
    plans = []
    for _ in range(count):
        if rng.random() < spare:
            plans.append(Plan(True, 0.0, rng.getrandbits(64)))
        elif rng.random() < 0.75:  # around the end of its life: open, write, commit, print
            plans.append(Plan(False, rng.uniform(0.8, 1.08), rng.getrandbits(64)))
        else:  # anywhere
            plans.append(Plan(False, rng.uniform(0.0, 1.1), rng.getrandbits(64)))
    return plans


@dataclass
class Report:
    runs: list[tuple[Job, Outcome]] = field(default_factory=list)

    @property
    def acks(self) -> list[Ack]:
        return [ack for _, outcome in self.runs for ack in outcome.acks]

    @property
    def killed(self) -> list[Job]:
        return [job for job, outcome in self.runs if outcome.killed]

    @property
    def finished(self) -> list[Job]:
        return [job for job, outcome in self.runs if not outcome.killed]

    @property
    def killed_before_ack(self) -> list[Job]:
        return [job for job, outcome in self.runs if outcome.killed and not outcome.acks]

    def failures(self) -> list[str]:
        """Processes that were not killed yet did not succeed: what crash left them."""
        return [
            f"{list(getattr(job, 'argv', []))[-3:]!r} exited {outcome.returncode}: "
            f"{outcome.stderr.strip()}"
            for job, outcome in self.runs
            if not outcome.killed and outcome.returncode != 0
        ]

    def summary(self) -> str:
        return (
            f"{len(self.runs)} processes: {len(self.killed)} killed "
            f"({len(self.killed_before_ack)} before acknowledging), "
            f"{len(self.finished)} finished; {len(self.acks)} acknowledgements"
        )


def run_campaign(
    make_job: Callable[[int, Random, int], Job],
    rng: Random,
    *,
    budget: Budget,
    concurrency: int,
    lifetimes: Lifetimes | None = None,
) -> Report:
    """Run up to `concurrency` jobs at once until the budget is spent; kill them as planned.

    `make_job(number, rng, slot)` makes the job numbered `number` (its choices from `rng`) to
    run in `slot` (0 to concurrency - 1): a slot can keep to one kind of process.

    `lifetimes` is what the harness knows already of how long processes of each kind live (it
    learns more as processes finish, into that mapping): pass one along from campaign to
    campaign so that each does not start by letting its first processes run to the end.
    """
    known = lifetimes if lifetimes is not None else {}
    return asyncio.run(_campaign(make_job, rng, budget, concurrency, known))


async def _campaign(
    make_job: Callable[[int, Random, int], Job],
    rng: Random,
    budget: Budget,
    concurrency: int,
    lifetimes: Lifetimes,
) -> Report:
    plans = make_plans(rng, budget.processes)
    report = Report()
    deadline = time.monotonic() + budget.seconds
    next_number = 0

    def kill_after(plan: Plan, kind: str) -> float:
        remaining = max(0.0, deadline - time.monotonic())
        known = lifetimes.get(kind)
        if plan.spare or not known:  # nothing learnt yet: let it show how long it takes
            return remaining
        return min(remaining, plan.fraction * statistics.median(known[-20:]))

    async def worker(slot: int) -> None:
        nonlocal next_number
        while time.monotonic() < deadline and next_number < len(plans):
            number, next_number = next_number, next_number + 1
            plan = plans[number]
            job = make_job(number, Random(plan.seed), slot)
            outcome = await job.run(kill_after(plan, job.kind))
            report.runs.append((job, outcome))
            if not outcome.killed and outcome.returncode == 0:
                lifetimes.setdefault(job.kind, []).append(outcome.elapsed)

    await asyncio.gather(*(worker(slot) for slot in range(concurrency)))
    return report
