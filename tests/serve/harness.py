"""A real `warroom serve` server for tests: on a loopback port of its own, in a thread with
its own event loop, and a plain HTTP client that speaks to it through the socket."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from warroom.serve.server import Options, Server
from warroom.store import Store

HOOKS = Path(__file__).parent.parent / "data" / "hooks"
HOOK_TOKEN = "hook-token-7c1e0f5a9b2d4e68"
VIEW_TOKEN = "view-token-3a8f6d2c1b9e4f70"
PAGERDUTY_SECRET = "pd-signing-secret-0f1e2d3c"


def golden(name: str) -> bytes:
    return (HOOKS / name).read_bytes()


def pagerduty_signature(body: bytes, secret: str = PAGERDUTY_SECRET) -> str:
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class RunningServer:
    def __init__(self, store: Store, options: Options) -> None:
        self.store = store
        self.server = Server(store, options)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-server")

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def hook(
        self,
        path: str,
        body: bytes,
        *,
        token: str | None = HOOK_TOKEN,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if path.startswith("/hooks/pagerduty") and "X-PagerDuty-Signature" not in sent:
            sent["X-PagerDuty-Signature"] = pagerduty_signature(body)
        return self.request("POST", path, body, sent)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def events(
        self,
        path: str,
        *,
        count: int,
        timeout: float = 10,
        headers: dict[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The first `count` `state` events of a stream, each as its decoded data."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            assert response.status == 200, response.read()
            assert response.getheader("Content-Type", "").startswith("text/event-stream")
            seen = 0
            name = data = None
            while seen < count:
                line = response.readline().decode("ascii").rstrip("\n")
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = line.removeprefix("data: ")
                elif line == "" and name == "state" and data is not None:
                    seen += 1
                    yield json.loads(data)
                    name = data = None
        finally:
            connection.close()


def server_options(**overrides: Any) -> Options:
    from warroom.serve.secrets import Secrets

    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "secrets": Secrets(hook_token=HOOK_TOKEN, pagerduty_secret=PAGERDUTY_SECRET),
        "tz": UTC,
        "poll_interval": 0.05,
    }
    values.update(overrides)
    return Options(**values)
