"""The server itself: the routes, the limits, one log line per request, and its life from
listening to a graceful stop (on SIGTERM or SIGINT: no new connections, requests in progress
answered, open pages' streams closed, the store's last commit finished).

`Server` is the one way to run it: `warroom serve` runs it until a signal; the tests run it on
a loopback port of their own.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

from warroom.domain.cadence import UpdateSchedule
from warroom.domain.errors import BadInput
from warroom.domain.text import printable
from warroom.serve import hooks, pages
from warroom.serve.context import IDLE_SECONDS, MAX_BODY_BYTES, SERVED, Served
from warroom.serve.live import LiveIncidents
from warroom.serve.render import Pages
from warroom.serve.secrets import Secrets
from warroom.serve.store_thread import StoreThread
from warroom.services.alerts import ServiceRouter

if TYPE_CHECKING:
    from warroom.store import Store

log = logging.getLogger("warroom.serve")
access_log = logging.getLogger("warroom.serve.access")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8077
SHUTDOWN_SECONDS = 10.0  # requests in progress get this long to finish
# Every response: no framing, no sniffing, no referrer; pages run only their own script.
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}
_STATIC = "static"


@dataclass(frozen=True)
class Options:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    secrets: Secrets = field(default_factory=Secrets)
    schedule: UpdateSchedule = field(default_factory=UpdateSchedule)
    tz: tzinfo | None = None
    cadence: Mapping[int, str] | None = None
    service_router: ServiceRouter | None = None
    poll_interval: float = 0.1  # how often the change feed looks (SQLite)


def is_loopback(host: str) -> bool:
    """Whether every address `host` names is this machine's loopback (a name is resolved)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass  # a name, not an address: look it up
    try:
        found = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(address[4][0]).split("%")[0]).is_loopback for address in found
    )


class AccessLog(AbstractAccessLogger):
    """One line per request: method, path, status, duration. The path as sent (percent-encoded,
    so nothing in it can act on a terminal), with any `token` in the query left out."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %.1fms", request.method, shown_path(request), response.status, time * 1000
        )


def shown_path(request: BaseRequest) -> str:
    url = request.rel_url
    path = url.raw_path
    if url.raw_query_string:
        pairs = parse_qsl(url.raw_query_string, keep_blank_values=True)
        query = [(name, "REDACTED" if name == "token" else value) for name, value in pairs]
        path += "?" + urlencode(query)
    return printable(path)


@web.middleware
async def _headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:  # a redirect, aiohttp's own 404 and 405: the same
        for name, value in _SECURITY_HEADERS.items():
            error.headers.setdefault(name, value)
        raise
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


def make_app(
    store: Store, options: Options, thread: StoreThread, reader: StoreThread
) -> web.Application:
    from importlib.resources import files

    from warroom.config import local_zone_name

    tz = options.tz
    if tz is None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(local_zone_name())
    cadence = options.cadence or {
        level: policy.describe() for level, policy in options.schedule.policies.items()
    }
    rendering = Pages(tz, cadence)
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_headers])

    async def render(incident_id: int) -> str | None:
        return await pages.render_live(app[SERVED], incident_id)

    live = LiveIncidents(store, reader, render, poll_interval=options.poll_interval)
    app[SERVED] = Served(
        store=store,
        thread=thread,
        reader=reader,
        secrets=options.secrets,
        schedule=options.schedule,
        tz=tz,
        pages=rendering,
        live=live,
        service_router=options.service_router,
    )
    app.add_routes([web.get("/healthz", _healthz), *hooks.routes(), *pages.routes()])
    app.router.add_static("/static", str(files("warroom.serve").joinpath(_STATIC)))

    async def start_live(_app: web.Application) -> None:
        await live.start()

    async def stop_live(_app: web.Application) -> None:
        await live.stop()

    app.on_startup.append(start_live)
    app.on_shutdown.append(stop_live)
    return app


class Server:
    """The server on one host and port, with its store threads."""

    def __init__(self, store: Store, options: Options) -> None:
        self._store = store
        self._options = options
        self._thread = StoreThread()
        self._reader = StoreThread("warroom-live-reads")
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Listen (port 0: any free one, then in `port`). BadInput if the address cannot be
        had (taken, not this machine's, a port below 1024 without the right)."""
        app = make_app(self._store, self._options, self._thread, self._reader)
        runner = web.AppRunner(
            app,
            access_log_class=AccessLog,
            access_log=access_log,
            keepalive_timeout=IDLE_SECONDS,
            shutdown_timeout=SHUTDOWN_SECONDS,
            handle_signals=False,
        )
        await runner.setup()
        site = web.TCPSite(runner, self._options.host, self._options.port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            shown = f"[{self._options.host}]" if ":" in self._options.host else self._options.host
            why = error.strerror or str(error)
            raise BadInput(f"cannot listen on {shown}:{self._options.port}: {why}") from None
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._reader.close)
        await loop.run_in_executor(None, self._thread.close)


async def serve_until_signal(server: Server, *, announce: Callable[[int], None]) -> None:
    """Start, say where, and run until SIGTERM or SIGINT; then stop gracefully."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopping.set)
    try:
        await server.start()
        assert server.port is not None
        announce(server.port)
        await stopping.wait()
        log.info("stopping: finishing the requests in progress")
    finally:
        await server.stop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(number)
