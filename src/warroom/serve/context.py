"""What every request handler is given: the store (through its thread), the secrets, the
rendering, the live pages, the limits. Made once per server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from aiohttp import web

from warroom.domain.cadence import UpdateSchedule
from warroom.serve.live import LiveIncidents
from warroom.serve.render import Pages
from warroom.serve.secrets import Secrets
from warroom.serve.store_thread import StoreThread
from warroom.services.alerts import ServiceRouter

if TYPE_CHECKING:
    from warroom.store import Store

MAX_BODY_BYTES = 1024 * 1024  # a hook's body over 1 MiB is refused (413)
BODY_SECONDS = 10.0  # a body not received in this long is refused (408)
IDLE_SECONDS = 15.0  # a connection that sends no whole request in this long is closed
STREAM_KEEPALIVE_SECONDS = 15.0  # an open page's stream says it is alive this often


@dataclass
class Served:
    store: Store
    thread: StoreThread
    reader: StoreThread  # the live pages' reads, never behind the writes (store_thread.py)
    secrets: Secrets
    schedule: UpdateSchedule
    tz: tzinfo
    pages: Pages
    live: LiveIncidents
    service_router: ServiceRouter | None = None
    stream_keepalive: float = STREAM_KEEPALIVE_SECONDS
    body_seconds: float = BODY_SECONDS
    closing: bool = field(default=False)


SERVED = web.AppKey("served", Served)


def served(request: web.Request) -> Served:
    return request.app[SERVED]
