"""Alert intake: `POST /hooks/alertmanager`, `/hooks/grafana`, `/hooks/pagerduty`,
`/hooks/generic` (PRODUCT.md §9).

Every hook needs the bearer token (401 without it); PagerDuty's also its signature. A body
over 1 MiB is 413, one that is not JSON 400 with the reason, one of the wrong shape 400 with
the path of what is wrong. A refused request stores nothing; an accepted one is committed
before it is answered 2xx, so a sender that got 2xx never has to send it again. A database
that cannot be written is 503, which Alertmanager and PagerDuty retry.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from warroom.domain.alert_payloads import parse_alertmanager, parse_generic, parse_pagerduty
from warroom.domain.alerts import AlertSource, IncomingAlert, Receipt
from warroom.domain.errors import BadInput, DatabaseError, StorageError, first_line
from warroom.domain.model import event_key, incident_key, parse_incident_ref
from warroom.serve.context import MAX_BODY_BYTES, Served, served
from warroom.serve.secrets import bearer_matches, pagerduty_signed
from warroom.services.alerts import receive

log = logging.getLogger("warroom.serve")

Reader = Callable[[Any, datetime, Served], list[IncomingAlert]]


def routes() -> list[web.RouteDef]:
    return [
        web.post("/hooks/alertmanager", _hook(_alertmanager)),
        web.post("/hooks/grafana", _hook(_grafana)),
        web.post("/hooks/pagerduty", _hook(_pagerduty, signed=True)),
        web.post("/hooks/generic", _hook(_generic)),
    ]


def _alertmanager(payload: Any, now: datetime, _served: Served) -> list[IncomingAlert]:
    return parse_alertmanager(payload, now, AlertSource.ALERTMANAGER)


def _grafana(payload: Any, now: datetime, _served: Served) -> list[IncomingAlert]:
    return parse_alertmanager(payload, now, AlertSource.GRAFANA)


def _pagerduty(payload: Any, now: datetime, _served: Served) -> list[IncomingAlert]:
    return parse_pagerduty(payload, now)


def _generic(payload: Any, now: datetime, context: Served) -> list[IncomingAlert]:
    return parse_generic(payload, now, context.tz)


def refusal(status: int, reason: str, **headers: str) -> web.Response:
    return web.json_response({"error": reason}, status=status, headers=headers)


def _hook(read: Reader, *, signed: bool = False) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
        context = served(request)
        if context.secrets.hook_token is None:
            return refusal(
                401,
                "this server has no hook token (WARROOM_TOKEN or serve.token_file): "
                "every hook is refused",
                **{"WWW-Authenticate": "Bearer"},
            )
        if not bearer_matches(request.headers.get("Authorization"), context.secrets.hook_token):
            return refusal(401, "missing or wrong bearer token", **{"WWW-Authenticate": "Bearer"})
        try:
            requested = _requested_incident(request)
        except BadInput as error:
            return refusal(400, str(error))
        body = await _body(request, context)
        if isinstance(body, web.Response):
            return body
        if signed:
            secret = context.secrets.pagerduty_secret
            if secret is None:
                return refusal(
                    401,
                    "this server has no PagerDuty signing secret "
                    "(WARROOM_PAGERDUTY_SECRET or serve.pagerduty_secret_file)",
                )
            if not pagerduty_signed(body, request.headers.get("X-PagerDuty-Signature"), secret):
                return refusal(401, "missing or wrong X-PagerDuty-Signature")
        try:
            payload = json.loads(body)
        except UnicodeDecodeError:
            return refusal(400, "bad JSON: the body is not UTF-8")
        except json.JSONDecodeError as error:
            return refusal(400, f"bad JSON: {error}")
        try:
            alerts = read(payload, context.store.clock.now(), context)
        except BadInput as error:
            return refusal(400, f"bad payload: {error}")
        try:
            receipts = await context.thread.run(
                receive,
                context.store,
                alerts,
                incident_id=requested,
                service_router=context.service_router,
            )
        except (DatabaseError, StorageError) as error:
            log.error("%s: nothing stored: %s", request.path, first_line(error))
            return refusal(503, "the database cannot be written now: nothing stored, try again")
        except BadInput as error:
            return refusal(400, f"bad payload: {error}")
        return web.json_response(_answer(receipts))

    return handle


def _requested_incident(request: web.Request) -> int | None:
    reference = request.query.get("incident")
    if reference is None:
        return None
    return parse_incident_ref(reference)


async def _body(request: web.Request, context: Served) -> bytes | web.Response:
    too_large = f"the body is over {MAX_BODY_BYTES // 1024 // 1024} MiB"
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return refusal(413, too_large)
    try:
        async with asyncio.timeout(context.body_seconds):
            return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return refusal(413, too_large)
    except TimeoutError:
        return refusal(408, f"the body did not arrive within {context.body_seconds:g} s")


def _answer(receipts: list[Receipt]) -> dict[str, Any]:
    return {
        "stored": sum(not receipt.duplicate for receipt in receipts),
        "duplicates": sum(receipt.duplicate for receipt in receipts),
        "alerts": [
            {
                "id": receipt.alert.key,
                "status": receipt.alert.status,
                "duplicate": receipt.duplicate,
                "incident": incident_key(receipt.alert.incident_id)
                if receipt.alert.incident_id is not None
                else None,
                "event": event_key(receipt.alert.event_id)
                if receipt.alert.event_id is not None
                else None,
                "route": receipt.route.value,
                "acknowledged": receipt.acknowledged,
                **({"note": receipt.note} if receipt.note else {}),
            }
            for receipt in receipts
        ],
    }
