"""`warroom serve` as a process: it says where it listens, takes the issue's scenario, stops
gracefully on SIGTERM (exit 0), loses nothing it answered 2xx for even when killed, and
refuses to start open on a non-loopback address. On SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Database
from tests.serve.harness import HOOK_TOKEN, VIEW_TOKEN, golden

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+) ")


class Served:
    def __init__(self, process: subprocess.Popen[str], port: int, log: list[str]) -> None:
        self.process, self.port, self.log = process, port, log

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(sig)
        _out, rest = self.process.communicate(timeout=20)
        return self.process.returncode, "".join(self.log) + rest


def _env(database: Database, **extra: str) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": database.location, "WARROOM_TOKEN": HOOK_TOKEN, **extra}


@pytest.fixture
def serve(database: Database) -> Iterator[Served]:
    subprocess.run(
        [sys.executable, "-m", "warroom", "new", "Checkout down", "--severity", "1", "--detach"],
        env=_env(database),
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "warroom", "serve", "--port", "0"],
        env=_env(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    log: list[str] = []
    for line in process.stderr:  # until it says where it listens
        log.append(line)
        found = LISTENING.search(line)
        if found:
            break
    else:
        pytest.fail(f"warroom serve did not start: {''.join(log)}")
    served = Served(process, int(found.group(1)), log)
    yield served
    if process.poll() is None:
        process.kill()
        process.communicate()


def test_the_issues_scenario_and_a_graceful_stop(serve: Served, database: Database) -> None:
    body = golden("alertmanager-firing.json")
    auth = {"Authorization": f"Bearer {HOOK_TOKEN}", "Content-Type": "application/json"}
    status, answer = serve.request("POST", "/hooks/alertmanager?incident=INC-1", body, **auth)
    assert (status, json.loads(answer)["stored"]) == (200, 2)
    status, answer = serve.request("POST", "/hooks/alertmanager?incident=INC-1", body, **auth)
    assert (status, json.loads(answer)["stored"]) == (200, 0)
    assert serve.request("GET", "/healthz") == (200, b"ok\n")
    started = time.monotonic()
    code, log = serve.stop()
    assert code == 0
    assert time.monotonic() - started < 10
    assert "stopping: finishing the requests in progress" in log
    assert "POST /hooks/alertmanager?incident=INC-1 200" in log
    assert HOOK_TOKEN not in log
    timeline = subprocess.run(
        [sys.executable, "-m", "warroom", "timeline", "INC-1", "--kind", "alert"],
        env=_env(database),
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(timeline.stdout.splitlines()) == 2


def test_an_answered_alert_survives_a_kill(serve: Served, database: Database) -> None:
    body = golden("grafana-firing.json")
    auth = {"Authorization": f"Bearer {HOOK_TOKEN}"}
    assert serve.request("POST", "/hooks/grafana?incident=INC-1", body, **auth)[0] == 200
    code, _log = serve.stop(signal.SIGKILL)
    assert code == -signal.SIGKILL
    rows = database.sql("SELECT text FROM event WHERE kind = 'alert'")
    assert rows == [("FIRING: Checkout error rate — 5xx rate above 2% for checkout",)]


def test_an_open_page_does_not_hold_up_the_stop(serve: Served) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=10)
    connection.request("GET", "/incidents/INC-1/stream")
    response = connection.getresponse()
    assert response.status == 200
    assert response.readline() == b"retry: 2000\n"
    started = time.monotonic()
    code, _log = serve.stop()
    assert code == 0
    assert time.monotonic() - started < 5
    connection.close()


def _serve(database: Database, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warroom", "serve", *args],
        env=_env(database, **env),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_non_loopback_host_needs_a_view_token(database: Database) -> None:
    refused = _serve(database, "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "error: --host 0.0.0.0 is not a loopback address: the pages would be open"
    )


@pytest.mark.parametrize(
    ("mode", "content", "message"),
    [
        (0o644, VIEW_TOKEN, "can be read by others: chmod 600"),
        (0o600, "tiny-token", "is shorter than 16 characters"),
        (0o600, "", "is empty"),
    ],
)
def test_a_token_file_must_be_private_and_strong(
    database: Database, tmp_path: Path, mode: int, content: str, message: str
) -> None:
    token_file = tmp_path / "view-token"
    token_file.write_text(content + "\n")
    token_file.chmod(mode)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "warroom" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[serve]\nview_token_file = "{token_file}"\n')
    refused = _serve(database, "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2
    assert message in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert content not in refused.stderr or not content


def test_a_port_in_use_is_said(database: Database) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = _serve(database, "--port", str(port))
    assert refused.returncode == 2
    assert f"error: cannot listen on 127.0.0.1:{port}: " in refused.stderr
