"""The stakeholder page (PRODUCT.md §9): `GET /incidents/ID` (HTML), `/incidents/ID.json`
(the same as data), `/incidents/ID/stream` (server-sent events: the page's live part each
time the incident changes), and `/metrics` for Prometheus.

With a view token, these answer only a request that carries it: the link's `?token=` (then
kept as a cookie derived from it, and the address shown without it), the cookie, or
`Authorization: Bearer`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from warroom.domain.errors import BadInput, StorageError, UnknownIncident, first_line
from warroom.domain.model import incident_key, parse_incident_ref
from warroom.serve.context import Served, served
from warroom.serve.metrics import CONTENT_TYPE, render_metrics
from warroom.serve.secrets import bearer_matches, same, view_cookie
from warroom.services.stakeholders import StakeholderView, read_stakeholder_view, read_status

log = logging.getLogger("warroom.serve")

VIEW_COOKIE = "warroom_view"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def routes() -> list[web.RouteDef]:
    return [
        web.get("/incidents/{ref:[^/.]+}.json", _viewer(_record)),
        web.get("/incidents/{ref:[^/.]+}/stream", _viewer(_stream)),
        web.get("/incidents/{ref:[^/.]+}", _viewer(_page)),
        web.get("/metrics", _viewer(_metrics)),
    ]


def _viewer(handler: Handler) -> Handler:
    """Only for those who hold the view token, when there is one."""

    async def gate(request: web.Request) -> web.StreamResponse:
        token = served(request).secrets.view_token
        if token is None:
            return await handler(request)
        given = request.query.get("token")
        if given is not None:
            if not same(given, token):
                return _needs_token(request)
            # The address bar, the history and any log keep the address without it.
            query = request.rel_url.query.copy()
            del query["token"]
            redirect = web.HTTPSeeOther(request.rel_url.with_query(query))
            redirect.set_cookie(
                VIEW_COOKIE, view_cookie(token), httponly=True, samesite="Lax", path="/"
            )
            raise redirect
        cookie = request.cookies.get(VIEW_COOKIE)
        if (cookie is not None and same(cookie, view_cookie(token))) or bearer_matches(
            request.headers.get("Authorization"), token
        ):
            return await handler(request)
        return _needs_token(request)

    return gate


def _needs_token(request: web.Request) -> web.Response:
    text = "This page needs the link with its view token: ask the incident's communications lead."
    if request.path.endswith(".json") or request.path == "/metrics":
        return web.json_response({"error": "missing or wrong view token"}, status=401)
    return _html(request, 401, "Not without the link", text)


def _html(request: web.Request, status: int, heading: str, text: str) -> web.Response:
    static = "../static/" if request.path.startswith("/incidents/") else "static/"
    body = served(request).pages.message("message.html", heading=heading, text=text, static=static)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


async def _view(request: web.Request) -> StakeholderView:
    """The incident the path names, read on the store thread; HTTPNotFound if none."""
    context = served(request)
    try:
        incident_id = parse_incident_ref(request.match_info["ref"])
        return await context.thread.run(
            read_stakeholder_view, context.store, incident_id, context.schedule, context.tz
        )
    except BadInput as error:  # an id that is not one, or no such incident
        raise _NotFound(str(error)) from None


class _NotFound(Exception):
    pass


async def _page(request: web.Request) -> web.StreamResponse:
    try:
        view = await _view(request)
    except _NotFound as error:
        return _html(request, 404, "No such incident", str(error))
    except StorageError:
        return _html(request, 503, "Not available", "The incident cannot be read just now.")
    html = served(request).pages.page(view)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def _record(request: web.Request) -> web.StreamResponse:
    try:
        view = await _view(request)
    except _NotFound as error:
        return web.json_response({"error": str(error)}, status=404)
    except StorageError:
        return web.json_response({"error": "the incident cannot be read just now"}, status=503)
    return web.json_response(served(request).pages.record(view))


async def render_live(context: Served, incident_id: int) -> str | None:
    """The live part of an incident's page, as one event's data; None if it cannot be read."""
    try:
        view = await context.reader.run(
            read_stakeholder_view, context.store, incident_id, context.schedule, context.tz
        )
    except UnknownIncident:
        return None
    return context.pages.live(view)


async def _stream(request: web.Request) -> web.StreamResponse:
    context = served(request)
    try:
        incident_id = parse_incident_ref(request.match_info["ref"])
    except BadInput as error:
        return web.json_response({"error": str(error)}, status=404)
    stream = context.live.subscribe(incident_id)  # first: nothing committed meanwhile is missed
    try:
        try:
            first = await render_live(context, incident_id)
        except StorageError:
            return web.json_response({"error": "the incident cannot be read now"}, status=503)
        if first is None:
            return web.json_response(
                {"error": f"no incident {incident_key(incident_id)}"}, status=404
            )
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # nginx: pass each event on at once
            }
        )
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        stream.offer(first)
        while not stream.closed:
            payload = await stream.next(context.stream_keepalive)
            if stream.closed:
                break
            await response.write(b": alive\n\n" if payload is None else _event(payload))
        return response
    except ConnectionResetError:  # the reader went away
        return web.Response(status=499)
    finally:
        context.live.unsubscribe(stream)


def _event(payload: str) -> bytes:
    # `payload` is one line of ASCII JSON: it cannot end the event or start another.
    return b"event: state\ndata: " + payload.encode("ascii") + b"\n\n"


async def _metrics(request: web.Request) -> web.StreamResponse:
    context = served(request)
    try:
        status = await context.thread.run(read_status, context.store, context.schedule, context.tz)
    except (StorageError, BadInput) as error:
        log.error("/metrics: %s", first_line(error))
        return web.Response(status=503, text="the database cannot be read now\n")
    return web.Response(body=render_metrics(status), headers={"Content-Type": CONTENT_TYPE})
