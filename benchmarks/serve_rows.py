"""`warroom serve` under an alert storm: 50 senders posting 10,000 Alertmanager alerts over
loopback while 100 stakeholder pages hold their live streams open, and an update is posted."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fixtures import copy_to
from harness import PYTHON, Row

TOKEN = "benchmark-token-0123456789abcdef"
SENDERS = 50
STREAMS = 100


def serve(work: Path, env: dict[str, str], empty: Path, alerts: int) -> list[Row]:
    database = copy_to(empty, work / "serve.db")
    loop_db = copy_to(empty, work / "loop.db")
    # The store alone, just before and just after the storm (the machine's pace drifts).
    loops = min(alerts, 1000)
    before = _store_loop_rate(loop_db, loops, 0)
    log = work / "serve.log"
    with open(log, "wb") as written:
        server = subprocess.Popen(
            [PYTHON, "-m", "warroom", "--db", str(database), "serve", "--port", "0"],
            env={**env, "WARROOM_TOKEN": TOKEN},
            stdout=subprocess.DEVNULL,
            stderr=written,
        )
    try:
        port = _port(log, server)
        streams = [_Stream(port) for _ in range(STREAMS)]
        for stream in streams:
            stream.ready.wait(10)
        latencies, elapsed, posted_at = _storm(port, alerts, work, env, database)
        for stream in streams:
            stream.done.wait(max(0.0, posted_at + 5 - time.perf_counter()))
        rss_mb = _peak_rss_kb(server.pid) / 1024
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    loop_rate = (before + _store_loop_rate(loop_db, loops, loops)) / 2
    stored, distinct = _stored(database)
    rate = alerts / elapsed
    median, p99 = statistics.median(latencies), _p99(latencies)
    # (A page may hear of it a moment before the command's output arrives here: no delay.)
    delays = [max(0.0, stream.got_at - posted_at) for stream in streams if stream.got_at]
    late = [delay for delay in delays if delay > 1.0]
    missed = STREAMS - len(delays)
    worst = max(delays) if delays else float("inf")
    return [
        Row.judged(
            f"serve: {alerts:,} alerts from {SENDERS} senders, each stored once",
            f"{stored:,} stored, {distinct:,} distinct",
            f"= {alerts:,}",
            stored == distinct == alerts,
        ),
        Row.judged(
            "serve: alerts per second vs the store alone storing them in a loop",
            f"{rate:.0f}/s vs {loop_rate:.0f}/s (mean of before and after): "
            f"{rate / loop_rate:.2f}x",
            ">= 0.5x",
            rate >= 0.5 * loop_rate,
        ),
        Row.judged(
            "serve: p99 response vs the median",
            f"p99 {p99 * 1000:.1f} ms vs median {median * 1000:.1f} ms: {p99 / median:.1f}x",
            "<= 10x",
            p99 <= 10 * median,
        ),
        Row.judged(
            f"serve: {STREAMS} open page streams get a posted update, meanwhile",
            f"{len(delays)} got it, slowest {worst * 1000:.0f} ms after the commit"
            + (f", {len(late)} over 1 s" if late else "")
            + (f", {missed} never" if missed else ""),
            "all within 1 s",
            not late and not missed,
        ),
        Row.judged("serve: peak RSS of the server", f"{rss_mb:.0f} MB", "< 200 MB", rss_mb < 200),
    ]


def _store_loop_rate(database: Path, count: int, first: int) -> float:
    """Alerts per second the store commits alone, one by one in a loop in this process: the
    same Alertmanager payloads, read and stored as the server does, without HTTP."""
    from warroom.domain.alert_payloads import parse_alertmanager
    from warroom.domain.clock import SystemClock
    from warroom.services.alerts import receive
    from warroom.store import Store

    with Store.open(str(database), SystemClock(), create=False) as store:
        started = time.perf_counter()
        for number in range(first, first + count):
            alerts = parse_alertmanager(json.loads(_payload(number)), store.clock.now())
            receive(store, alerts, incident_id=1)
        return count / (time.perf_counter() - started)


def _port(log: Path, server: subprocess.Popen[bytes]) -> int:
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        found = re.search(rb"listening on http://[^:]+:(\d+)", log.read_bytes())
        if found:
            return int(found[1])
        if server.poll() is not None:
            raise RuntimeError(f"warroom serve exited: {log.read_bytes()[-500:]!r}")
        time.sleep(0.02)
    raise TimeoutError("warroom serve never said where it listens")


def _request(number: int, port: int) -> bytes:
    body = _payload(number)
    head = (
        f"POST /hooks/alertmanager?incident=INC-1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _response(reader: Any) -> int:
    """Read one response off the connection; its status."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    reader.read(length)
    return status


def _payload(number: int) -> bytes:
    starts = datetime.now(UTC).isoformat()
    alert = {
        "status": "firing",
        "labels": {"alertname": "CheckoutLatencyHigh", "service": "checkout", "n": str(number)},
        "annotations": {"summary": f"checkout p99 above 10s (alert {number})"},
        "startsAt": starts,
        "fingerprint": f"bench{number:08d}",
    }
    body = {"version": "4", "status": "firing", "receiver": "warroom", "alerts": [alert]}
    return json.dumps(body).encode()


def _storm(
    port: int, alerts: int, work: Path, env: dict[str, str], database: Path
) -> tuple[list[float], float, float]:
    """The senders, each on a connection of its own; halfway, an update posted with
    `warroom update`. Response times, the storm's duration, and when the update was
    committed."""
    numbers = iter(range(alerts))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []

    # Requests made up front, sent and read on plain sockets: the senders share the machine
    # with the server, and should cost it as little as they can.
    requests = [_request(number, port) for number in range(alerts)]

    def sender() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            reader = connection.makefile("rb")
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    break
                started = time.perf_counter()
                connection.sendall(requests[number])
                status = _response(reader)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    if status != 200:
                        failures.append(str(status))

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while len(latencies) < alerts // 2:
        time.sleep(0.01)
    update = [PYTHON, "-m", "warroom", "--db", str(database), "update", "INC-1", UPDATE]
    posting = subprocess.Popen(update, env=env, stdout=subprocess.PIPE)
    assert posting.stdout is not None
    posting.stdout.readline()  # its id, printed once the update is committed
    posted_at = time.perf_counter()
    posting.stdout.read()
    if posting.wait() != 0:
        raise RuntimeError("warroom update failed")
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} alerts refused: {failures[:5]}")
    return latencies, elapsed, posted_at


UPDATE = "Benchmark update: checkout recovering"


class _Stream:
    """One stakeholder page's live stream, read on a thread of its own."""

    def __init__(self, port: int) -> None:
        self.ready = threading.Event()
        self.done = threading.Event()
        self.got_at = 0.0
        self._port = port
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with socket.create_connection(("127.0.0.1", self._port), timeout=60) as connection:
            connection.sendall(
                b"GET /incidents/INC-1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Accept: text/event-stream\r\n\r\n"
            )
            seen = b""
            while not self.got_at:
                chunk = connection.recv(1 << 16)
                if not chunk:
                    break
                seen += chunk
                if not self.ready.is_set() and b"\r\n\r\n" in seen:
                    self.ready.set()
                if UPDATE.encode() in seen:
                    self.got_at = time.perf_counter()
                seen = seen[-2 * len(UPDATE) :] if self.ready.is_set() else seen
        self.ready.set()
        self.done.set()


def _stored(database: Path) -> tuple[int, int]:
    with sqlite3.connect(database) as connection:
        stored, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT text) FROM event"
            " WHERE incident_id = 1 AND text LIKE '%(alert %'"
        ).fetchone()
    return int(stored), int(distinct)


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
