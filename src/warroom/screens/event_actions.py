"""What a timeline's keys do to the selected event: edit it (the old text is kept), delete it
(soft), star it or hide it for the post-mortem. The same for every screen with a timeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from warroom.domain.logline import LogLine, parse_log_line
from warroom.domain.model import Event, EventRevision
from warroom.screens.base import NotDone, WarroomScreen, may_close


class EventActions:
    """The timeline's event actions for `screen`; `show(event)` shows an event as saved."""

    def __init__(
        self, screen: WarroomScreen[Any], show: Callable[[Event], Awaitable[None]]
    ) -> None:
        self._screen = screen
        self._show = show

    async def act(self, action: str, event: Event) -> None:
        """`action`: a `Timeline.EventAction`'s ("view", "edit", "delete", "star", "hide")."""
        handlers: dict[str, Callable[[Event], Awaitable[None]]] = {
            "view": self.view,
            "edit": self.edit,
            "delete": self.delete,
            "star": self.star,
            "hide": self.hide,
        }
        await handlers[action](event)

    async def view(self, event: Event) -> None:
        """The event whole, with what it said before each edit; `e` there edits it."""
        from warroom.screens.dialogs.event_view import EventView

        revisions: list[EventRevision] = []
        if event.edited_at is not None:
            read = await self._screen.attempt(
                "read the event's history", lambda store: store.event_revisions(event.id)
            )
            if isinstance(read, NotDone):
                return
            revisions = read

        async def chosen(result: str | None) -> None:
            if result == "edit":
                await self.edit(event)

        self._screen.app.push_screen(
            EventView(event, revisions, self._screen.host.config.tz), chosen
        )

    async def edit(self, event: Event) -> None:
        from warroom.screens.dialogs.edit_event import EditEventDialog

        host = self._screen.host
        when = event.occurred_at.astimezone(host.config.tz).strftime("%Y-%m-%d %H:%M:%S")
        line = f"{when} {event.kind.value}: {event.text}"

        def parse(text: str) -> LogLine:
            return parse_log_line(text, event.kind, host.clock.now(), host.config.tz)

        async def save(result: LogLine) -> bool:
            saved = await self._screen.attempt(
                "edit the event",
                lambda store: store.edit_event(
                    event.id,
                    actor=host.config.user,
                    text=result.text,
                    kind=result.kind,
                    occurred_at=result.occurred_at,
                ),
            )
            if not isinstance(saved, NotDone):
                await self._show(saved)
            return may_close(saved)

        self._screen.app.push_screen(
            EditEventDialog(event, line, parse, blink=host.blink, save=save)
        )

    async def delete(self, event: Event) -> None:
        from warroom.screens.dialogs.confirm import ConfirmDialog

        async def confirmed(yes: bool | None) -> None:
            if yes:
                deleted = await self._screen.attempt(
                    "delete the event", lambda store: store.delete_event(event.id)
                )
                if not isinstance(deleted, NotDone):
                    await self._show(deleted)

        self._screen.app.push_screen(
            ConfirmDialog(f"Delete {event.key}?", "It stays in the database, marked deleted."),
            confirmed,
        )

    async def star(self, event: Event) -> None:
        flagged = await self._screen.attempt(
            "star the event", lambda store: store.flag_event(event.id, starred=not event.starred)
        )
        if not isinstance(flagged, NotDone):
            await self._show(flagged)

    async def hide(self, event: Event) -> None:
        flagged = await self._screen.attempt(
            "hide the event", lambda store: store.flag_event(event.id, hidden=not event.hidden)
        )
        if not isinstance(flagged, NotDone):
            await self._show(flagged)
