"""Real file-system conditions for tests that run as root, where permission bits stop nothing
and os.access says yes to everything:

- `MountNamespace`: a private mount namespace where a test can mount a small tmpfs (a disk that
  fills up) or bind a directory onto itself read-only (EROFS). Mounts there are seen only by
  processes run in it, and vanish with it: nothing leaks onto the machine, even if the test
  process dies. Root uses `unshare --mount`; anyone else a user namespace, where the kernel
  allows one.
- `OtherUser`: runs commands as an unprivileged user (`setpriv` from root; yourself otherwise),
  for whom a 0400 file or a 0500 directory really is read-only (EACCES).

Each raises `Unavailable` with the reason when the machine does not allow it; the fixtures turn
that into a skip that says why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class Unavailable(Exception):
    pass


def _run(argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)


class MountNamespace:
    def __init__(self) -> None:
        for tool in ("unshare", "nsenter", "mount"):
            if shutil.which(tool) is None:
                raise Unavailable(f"{tool} is not installed")
        self.as_root = os.geteuid() == 0
        namespaces = ["--mount"] if self.as_root else ["--user", "--map-root-user", "--mount"]
        # The holder announces itself once inside the new namespace, then waits for our pipe to
        # close: when we close it, or die, it ends and takes the namespace and its mounts along.
        self._holder = subprocess.Popen(
            ["unshare", *namespaces, "--propagation", "private", "--", "sh", "-c", "echo; cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._holder.stdout is not None
        if self._holder.stdout.readline() != "\n":
            _, errors = self._holder.communicate()
            raise Unavailable(f"cannot make a private mount namespace: {errors.strip()}")
        self.pid = self._holder.pid
        if os.readlink(f"/proc/{self.pid}/ns/mnt") == os.readlink("/proc/self/ns/mnt"):
            self.close()
            raise Unavailable("unshare did not make a new mount namespace")

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv`, to run inside the namespace."""
        enter = ["nsenter", f"--target={self.pid}", "--mount"]
        if not self.as_root:
            enter += ["--user", "--preserve-credentials"]
        return [*enter, "--", *argv]

    def run(self, argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return _run(self.command(argv), **kwargs)

    def mount(self, *args: str) -> None:
        result = self.run(["mount", *args])
        if result.returncode != 0:
            raise Unavailable(f"mount {' '.join(args)} failed: {result.stderr.strip()}")

    def tmpfs(self, directory: Path, size: int) -> None:
        """A file system of `size` bytes at `directory`."""
        self.mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(directory))

    def read_only(self, directory: Path) -> None:
        """`directory`, read-only from inside (EROFS), as it was from outside."""
        self.mount("--bind", str(directory), str(directory))
        self.mount("-o", "remount,bind,ro", str(directory))

    def inside(self, path: Path) -> Path:
        """`path` as the namespace sees it, for reading and writing files from outside it.
        (Not for SQLite: it resolves the link and would open the file outside.)"""
        return Path(f"/proc/{self.pid}/root{path.absolute()}")

    def close(self) -> None:
        if self._holder.poll() is None:
            self._holder.communicate()


_PROBED: dict[int, str] = {}  # uid -> why it cannot run warroom ("" when it can)


class OtherUser:
    """An unprivileged user, and a home directory it owns, to run warroom as."""

    def __init__(self) -> None:
        self.as_root = os.geteuid() == 0
        if self.as_root:
            if shutil.which("setpriv") is None:
                raise Unavailable("setpriv is not installed")
            try:
                entry = pwd.getpwnam("nobody")
                self.uid, self.gid = entry.pw_uid, entry.pw_gid
            except KeyError:
                self.uid = self.gid = 65534
            self.home = Path(tempfile.mkdtemp(prefix="warroom-test-"))
            os.chown(self.home, self.uid, self.gid)
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            self.home = Path(tempfile.mkdtemp(prefix="warroom-test-"))
        problem = _PROBED.get(self.uid)
        if problem is None:
            probe = self.run([sys.executable, "-c", "import warroom.cli.main"])
            problem = probe.stderr.strip()[-200:] if probe.returncode != 0 else ""
            _PROBED[self.uid] = problem
        if problem:
            self.close()
            raise Unavailable(f"uid {self.uid} cannot run warroom from here: {problem}")

    def command(self, argv: Sequence[str]) -> list[str]:
        if not self.as_root:
            return list(argv)
        ids = [f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        return ["setpriv", *ids, "--", *argv]

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CONFIG_HOME": str(self.home / "config"),
        }

    def run(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return _run(self.command(argv), env=self.env(), cwd=self.home)

    def own(self, path: Path) -> None:
        os.chown(path, self.uid, self.gid)

    def close(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
