"""The war room's dialogs that change its incident: the severity, the resolution, the roles,
and the stakeholder update. Each saves through `screen.attempt`, and calls `after()` (show what
is stored now) once its change is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from warroom.domain.model import DraftKind, EventKind
from warroom.domain.room import RoomState
from warroom.domain.severity import severity_label
from warroom.domain.updates import update_heading
from warroom.screens.base import NotDone, WarroomScreen, may_close
from warroom.services.updates import draft_update

After = Callable[[], Awaitable[None]]


def change_severity(screen: WarroomScreen[Any], state: RoomState, after: After) -> None:
    from warroom.screens.dialogs.severity import SeverityDialog

    incident = state.incident

    async def chosen(level: int | None) -> None:
        if level is None or level == incident.severity:
            return
        change = await screen.attempt(
            "change severity",
            lambda store: store.change_severity(incident.id, level, actor=screen.host.config.user),
        )
        if not isinstance(change, NotDone):
            await after()
            screen.notify(f"Severity now {severity_label(level)}; update clock restarted")

    screen.app.push_screen(SeverityDialog(incident.severity), chosen)


def resolve(screen: WarroomScreen[Any], state: RoomState, after: After) -> None:
    """Asks first: resolving starts the post-mortem's clock."""
    from warroom.screens.dialogs.confirm import ConfirmDialog

    incident = state.incident

    async def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        resolved = await screen.attempt(
            "resolve", lambda store: store.resolve(incident.id, actor=screen.host.config.user)
        )
        if not isinstance(resolved, NotDone):
            await after()
            screen.notify("Resolved. The post-mortem is due within 48 hours.")

    screen.app.push_screen(
        ConfirmDialog(
            f"Resolve {incident.key}?",
            "The fix is confirmed and monitoring is stable. The post-mortem clock starts.",
        ),
        confirmed,
    )


def assign_roles(screen: WarroomScreen[Any], state: RoomState, after: After) -> None:
    from warroom.screens.dialogs.roles import RoleChange, RolesDialog

    incident_id, actor = state.incident.id, screen.host.config.user

    async def change(change: RoleChange) -> bool:
        released = change.released
        if released is not None:
            done = await screen.attempt(
                "release the role", lambda store: store.release_role(released.id, actor=actor)
            )
        else:
            done = await screen.attempt(
                "assign the role",
                lambda store: store.assign_role(
                    incident_id, change.role, change.person, actor=actor
                ),
            )
        if not isinstance(done, NotDone):
            await after()
        return may_close(done)

    screen.app.push_screen(RolesDialog(state.roles, blink=screen.host.blink, save=change))


async def compose_update(
    screen: WarroomScreen[Any], state: RoomState, after: Callable[[], Awaitable[None]]
) -> None:
    """The composer, on a draft of what changed since the last update; posted to the timeline
    (the update clock restarts) and copied to the clipboard."""
    from warroom.screens.dialogs.composer import UpdateComposer

    host = screen.host
    incident = state.incident
    config = host.config
    draft = await host.call(lambda store: draft_update(store, state, config.schedule, config.tz))

    me = host.config.user
    kept = await host.call(lambda store: store.draft(incident.id, me, DraftKind.UPDATE))
    posted = False

    async def post(text: str) -> bool:
        nonlocal posted
        event = await screen.attempt(
            "post the update",
            lambda store: store.log_event(incident.id, text, actor=me, kind=EventKind.UPDATE),
        )
        if isinstance(event, NotDone):
            return False  # the composer keeps the draft
        posted = True
        screen.app.copy_to_clipboard(text)
        await after()
        screen.notify("Update posted to the timeline and copied to the clipboard.")
        return True

    def keep(text: str) -> None:
        """Closed (posted, cancelled, the app quitting): the text is kept for next time
        unless it was posted or is the draft warroom wrote; on the store thread, which
        finishes its work before the app ends."""
        unsent = "" if posted or text == draft else text
        if unsent or kept:
            host.call_soon(
                lambda store: store.keep_draft(incident.id, me, DraftKind.UPDATE, unsent)
            )
        screen.post_message(UpdateDraftKept(bool(unsent.strip())))

    heading = update_heading(incident.severity)
    screen.app.push_screen(
        UpdateComposer(
            kept or draft, heading, blink=host.blink, save=post, keep=keep, kept=bool(kept)
        )
    )


@dataclass
class UpdateDraftKept(Message):
    """The composer closed: whether an unsent update is kept as a draft."""

    kept: bool
