"""Running things as a person meets them: programs in a terminal of their own, whole processes,
and the rows the benchmark prints.

A terminal is a tmux server of its own (`tmux -L NAME`: a session started on a server that is
already running would get that server's environment, not ours), 120x40, read through a tmux
control-mode client: what the program writes to its terminal arrives as `%output` lines, keys go
in as `send-keys`, both without starting a process per key. The program starts behind a gate
(`gate.py`): the clock starts when the gate opens, and the gate reports the program's CPU time
as the kernel counts it when it ends (to the microsecond).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
_TMUX_CONF = "\n".join(
    (
        "set -g status off",  # all 40 rows are the program's
        "set -g escape-time 0",
        "set -g remain-on-exit off",
        "set -g default-terminal tmux-256color",
    )
)
_OCTAL = re.compile(rb"\\([0-7]{3})")
_names = itertools.count()


@dataclass
class Row:
    target: str
    measured: str
    limit: str  # "" for a figure shown with no target
    verdict: str  # "pass", "short", "missing" (the command is not in this build), "-"

    @classmethod
    def judged(cls, target: str, measured: str, limit: str, ok: bool) -> Row:
        return cls(target, measured, limit, "pass" if ok else "short")


@dataclass
class Screenful:
    wall: float  # seconds from the gate's opening until the marker was on the screen
    cpu: float  # CPU seconds the program had used when it was killed, just after
    rss_kb: int  # its peak resident memory by then


class Terminal:
    """A program in a 120x40 tmux pane of a server of its own."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], work: Path) -> None:
        number = next(_names)
        self.socket = f"warroom-bench-{os.getpid()}-{number}"
        self._gate = work / f"gate-{number}"
        self._report = work / f"usage-{number}.json"
        os.mkfifo(self._gate)
        conf = work / "tmux.conf"
        conf.write_text(_TMUX_CONF + "\n")
        command = [PYTHON, "-I", "-S", str(HERE / "gate.py"), str(self._gate), str(self._report)]
        self._tmux(["-f", str(conf), "new-session", "-d", "-x", "120", "-y", "40"], env)
        # (Refused in the config file: the server then exits.) The control client attached
        # below is not to resize the window.
        self._tmux(["set", "-g", "window-size", "manual"], env)
        # The session's first window runs a shell we replace: new-session's own command would
        # be run by a shell's parsing of one string; respawn-pane takes the words as they are.
        self._tmux(["respawn-pane", "-k", "-t", "%0", *command, *argv], env)
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            bufsize=0,
        )
        assert self._client.stdin is not None
        assert self._client.stdout is not None
        self._in, self._out = self._client.stdin, self._client.stdout.fileno()
        self._pending = b""
        self.output = bytearray()
        self.started = 0.0
        self.pid = 0

    def _tmux(self, args: list[str], env: dict[str, str]) -> None:
        subprocess.run(["tmux", "-L", self.socket, *args], env=env, check=True)

    def start(self) -> None:
        """Open the gate: the program starts now."""
        self.started = time.perf_counter()
        with open(self._gate, "w") as gate:
            gate.write("go")

    def read(self, timeout: float) -> bool:
        """Read what arrives within `timeout` seconds; whether anything did."""
        ready, _, _ = select.select([self._out], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self._out, 1 << 16)
        if not chunk:
            raise RuntimeError(f"the terminal closed: {bytes(self.output[-500:])!r}")
        *lines, self._pending = (self._pending + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b"%output "):
                data = line.split(b" ", 2)[2]
                self.output += _OCTAL.sub(lambda m: bytes([int(m[1], 8)]), data)
            elif line.startswith(b"%exit"):
                raise RuntimeError(f"the terminal closed: {bytes(self.output[-500:])!r}")
        return True

    def wait_for(self, pattern: bytes, since: int = 0, timeout: float = 30.0) -> None:
        """Read until `pattern` (a regular expression) is in the output after `since`."""
        wanted = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        while not wanted.search(self.output, since):
            if time.perf_counter() > deadline:
                screen = subprocess.run(
                    ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "%0"],
                    capture_output=True,
                    text=True,
                ).stdout
                raise TimeoutError(f"{pattern!r} never appeared; the screen:\n{screen}")
            self.read(0.05)

    def settle(self, quiet: float = 0.03, timeout: float = 5.0) -> None:
        """Read until nothing has been drawn for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while self.read(quiet) and time.perf_counter() < deadline:
            pass

    def watch(self, seconds: float) -> None:
        """Read what is drawn for `seconds`."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            self.read(left)

    def type(self, keys: bytes) -> None:
        """Keys as the terminal would send them (`\\r` for Enter), in one write."""
        self._in.write(b"send-keys -t %0 -H " + keys.hex(" ").encode() + b"\n")

    def program_pid(self) -> int:
        if not self.pid:
            deadline = time.perf_counter() + 10
            pid_file = Path(f"{self._report}.pid")
            while not pid_file.exists() or not pid_file.read_text().strip():
                if time.perf_counter() > deadline:
                    raise TimeoutError("the program never started")
                time.sleep(0.002)
            self.pid = int(pid_file.read_text())
        return self.pid

    def peak_rss_kb(self) -> int:
        for line in Path(f"/proc/{self.program_pid()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def close(self) -> float:
        """Kill the program and the terminal; the program's CPU seconds (user + system)."""
        cpu = 0.0
        if self.started:
            with contextlib.suppress(ProcessLookupError):  # it ended by itself
                os.kill(self.program_pid(), signal.SIGKILL)
            deadline = time.perf_counter() + 10
            while not self._report.exists() and time.perf_counter() < deadline:
                time.sleep(0.002)
            if self._report.exists():
                usage = json.loads(self._report.read_text() or "{}")
                cpu = usage.get("cpu", 0.0)
        self._in.close()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], stderr=subprocess.DEVNULL)
        self._client.wait()
        return cpu


def time_to_screen(
    argv: Sequence[str], marker: bytes, env: dict[str, str], work: Path
) -> Screenful:
    """Start `argv` in a terminal and read what it draws until `marker` is on the screen."""
    terminal = Terminal(argv, env, work)
    try:
        terminal.start()
        terminal.wait_for(re.escape(marker))
        elapsed = time.perf_counter() - terminal.started
        rss_kb = terminal.peak_rss_kb()
    finally:
        cpu = terminal.close()
    return Screenful(elapsed, cpu, rss_kb)


@dataclass
class Run:
    wall: float  # seconds from start to exit
    cpu: float  # CPU seconds the process used (user + system, all its threads)


def run_process(argv: Sequence[str], env: dict[str, str], stdin: Path | None = None) -> Run:
    """Run `argv` to its end, quietly (`stdin`: a file to read); it must succeed."""
    with tempfile.TemporaryFile() as errors, open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, env=env, stdin=source, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            said = errors.read()[-500:]
            raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}): {said!r}")
    return Run(wall, usage.ru_utime + usage.ru_stime)


def interleaved(
    commands: dict[str, Sequence[str]], env: dict[str, str], repeat: int
) -> dict[str, list[Run]]:
    """Each command `repeat` times, in turns (the order reversed every other round)."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for n in range(repeat):
        for name in names if n % 2 == 0 else reversed(names):
            runs[name].append(run_process(commands[name], env))
    return runs


def paired_ratio(these: Sequence[float], baseline: Sequence[float]) -> float:
    """The median of the ratios of runs made one right after the other. A machine that slows
    down for a while (other work, a throttled CPU) slows both runs of a pair alike, which the
    ratio of the two sides' medians does not allow for."""
    return statistics.median(a / b for a, b in zip(these, baseline, strict=True))


def median_wall(runs: Sequence[Run | Screenful]) -> float:
    return statistics.median(run.wall for run in runs)


def median_cpu(runs: Sequence[Run | Screenful]) -> float:
    return statistics.median(run.cpu for run in runs)


def shown(runs: Sequence[Run | Screenful]) -> str:
    """'412 ms (CPU 380 ms)': wall clock, what a person waits for, and CPU time beside it."""
    return f"{median_wall(runs) * 1000:.0f} ms (CPU {median_cpu(runs) * 1000:.0f} ms)"


def compared(
    target: str, these: Sequence[Run | Screenful], baseline: Sequence[Run | Screenful], limit: float
) -> Row:
    """A row judging wall-clock time, paired; the CPU-time ratio beside it."""
    wall = paired_ratio([r.wall for r in these], [r.wall for r in baseline])
    cpu = paired_ratio([r.cpu for r in these], [r.cpu for r in baseline])
    return Row.judged(
        target,
        f"{shown(these)} vs {shown(baseline)}: {wall:.2f}x paired (CPU {cpu:.2f}x)",
        f"<= {limit}x",
        wall <= limit,
    )
