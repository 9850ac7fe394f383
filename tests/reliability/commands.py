"""Run several warroom command lines in one process, through `warroom.cli.main`, and print
what each did as JSON: one interpreter start-up (half a second) for many commands, where a test
must run them somewhere else (inside a mount namespace, as another user).

    python commands.py '[["--db", "w.db", "list"], ...]'
    -> [{"code": 2, "stdout": "", "stderr": "error: ...\\n"}, ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run_all(argvs: Sequence[Sequence[str]]) -> list[Result]:
    from warroom.cli.main import main

    results = []
    for argv in argvs:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        results.append(Result(code, out.getvalue(), err.getvalue()))
    return results


def run_elsewhere(
    wrap: Callable[[list[str]], subprocess.CompletedProcess[str]],
    argvs: Sequence[Sequence[str]],
) -> list[Result]:
    """Run the command lines in a process started by `wrap(argv)`."""
    done = wrap([sys.executable, __file__, json.dumps([list(argv) for argv in argvs])])
    if done.returncode != 0:
        raise RuntimeError(f"the command runner failed: {done.stderr}")
    return [Result(**item) for item in json.loads(done.stdout)]


if __name__ == "__main__":
    results = run_all(json.loads(sys.argv[1]))
    sys.stdout.write(json.dumps([result.__dict__ for result in results]))
