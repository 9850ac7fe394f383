"""An incident's action items, added, edited and moved the same way from every screen that shows
them (the war room's board, the post-mortem's list).

The form stays open until its save has gone through: when it fails (a full disk, a busy
database) what was typed stays in it, to try again or to cancel. When someone else saved the
item meanwhile, the fields each side changed are merged; the fields both changed, differently,
are the user's to choose between, once the form has closed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from warroom.domain.errors import Conflict
from warroom.domain.merge import settle
from warroom.domain.model import ActionItem
from warroom.screens.base import NotDone, WarroomScreen, may_close
from warroom.widgets.board import stepped

if TYPE_CHECKING:
    from warroom.screens.dialogs.action_form import ActionDraft, ActionItemForm
    from warroom.screens.dialogs.item_conflict import ConflictChoice
    from warroom.store import Store


@dataclass(frozen=True, slots=True)
class ItemConflict:
    """Both saved the same action item, changing the same fields differently."""

    theirs: ActionItem  # what is stored
    mine: ActionItem  # what this save tried to store
    fields: tuple[str, ...]


def save_or_conflict(
    store: Store, item: ActionItem, base: ActionItem, actor: str
) -> ActionItem | ItemConflict:
    """Save an edited action item; a conflict for the user to settle is returned."""
    try:
        return store.update_action_item(item, actor=actor, base=base)
    except Conflict as conflict:
        theirs, mine = conflict.current, conflict.mine
        if isinstance(theirs, ActionItem) and isinstance(mine, ActionItem):
            return ItemConflict(theirs, mine, conflict.fields)
        raise


class ActionItems:
    """The action items of one incident, as `screen` changes them. `refresh()` shows what is
    stored now (after a save, or a conflict); `placed(item)`, when given, follows an item
    edited or moved to where it is now."""

    def __init__(
        self,
        screen: WarroomScreen[Any],
        incident_id: int,
        *,
        refresh: Callable[[], Awaitable[None]],
        placed: Callable[[ActionItem], None] | None = None,
        follow_ups: bool | None = None,
    ) -> None:
        """`follow_ups`: what `add` makes (None: as the store decides, a follow-up once the
        incident is resolved, else a live task)."""
        self._screen = screen
        self._follow_ups = follow_ups
        self._incident_id = incident_id
        self._refresh = refresh
        self._placed = placed

    def add(self) -> None:
        """The form for a new item."""
        host = self._screen.host

        async def save(draft: ActionDraft) -> bool:
            added = await self._screen.attempt(
                "add the action item",
                lambda store: store.add_action_item(
                    self._incident_id,
                    draft.description,
                    actor=host.config.user,
                    type=draft.type,
                    owner=draft.owner,
                    priority=draft.priority,
                    due_date=draft.due_date,
                    status=draft.status,
                    ticket=draft.ticket,
                    follow_up=self._follow_ups,
                ),
            )
            if not isinstance(added, NotDone):
                await self._refresh()
            return may_close(added)

        self._screen.app.push_screen(self._form(None, save))

    def edit(self, item: ActionItem, *, base: ActionItem | None = None) -> None:
        """The form, filled from `item`; saved as an edit of `base` (what is stored; default:
        `item`)."""
        stored = item if base is None else base
        conflicts: list[ItemConflict] = []

        async def save(draft: ActionDraft) -> bool:
            edited = replace(
                item,
                description=draft.description,
                type=draft.type,
                owner=draft.owner,
                priority=draft.priority,
                due_date=draft.due_date,
                ticket=draft.ticket,
                status=draft.status,
            )
            return await self._save(edited, stored, conflicts=conflicts)

        def closed(_draft: ActionDraft | None) -> None:
            if conflicts:
                self._settle(conflicts[0], stored)

        self._screen.app.push_screen(self._form(item, save), closed)

    async def move(self, item: ActionItem, step: int) -> None:
        """One column on (`step` 1) or back (-1) from where the item is when it is saved, so
        that keys pressed together (`[ ] [` over a slow link) each move on from the move before
        rather than being taken for someone else's change."""
        item_id, actor = item.id, self._screen.host.config.user

        def move(store: Store) -> ActionItem | ItemConflict | None:
            items = store.action_items(self._incident_id)
            current = next((i for i in items if i.id == item_id), None)
            status = stepped(current.status, step) if current is not None else None
            if current is None or status is None:
                return current  # gone, or at the end already: nothing to move
            return save_or_conflict(store, replace(current, status=status), current, actor)

        moved = await self._screen.attempt("move the action item", move)
        if isinstance(moved, NotDone) or moved is None:
            return
        if isinstance(moved, ItemConflict):  # saved by someone else in the same moment
            self._screen.notify(
                "Someone else changed the action item just then: it is shown as they left it.",
                title="Could not move the action item",
                severity="warning",
                markup=False,
            )
        await self._refresh()
        self._place(moved.theirs if isinstance(moved, ItemConflict) else moved)

    # ---- inside ---------------------------------------------------------------------------

    def _form(
        self, item: ActionItem | None, save: Callable[[ActionDraft], Awaitable[bool]]
    ) -> ActionItemForm:
        from warroom.screens.dialogs.action_form import ActionItemForm

        host = self._screen.host
        today = host.clock.now().astimezone(host.config.tz).date()
        return ActionItemForm(today, item, blink=host.blink, save=save)

    async def _save(
        self, item: ActionItem, base: ActionItem, *, conflicts: list[ItemConflict] | None = None
    ) -> bool:
        """Save `item`, edited from `base`; whether a form may close. A conflict is settled at
        once, or (`conflicts` given, from a form) once the form has closed."""
        actor = self._screen.host.config.user
        saved = await self._screen.attempt(
            "save the action item", lambda store: save_or_conflict(store, item, base, actor)
        )
        if isinstance(saved, NotDone):
            return may_close(saved)
        if isinstance(saved, ItemConflict):
            if conflicts is None:
                self._settle(saved, base)
            else:
                conflicts.append(saved)
            return True
        await self._refresh()
        self._place(saved)
        return True

    def _settle(self, conflict: ItemConflict, base: ActionItem) -> None:
        from warroom.screens.dialogs.item_conflict import ActionItemConflict, ConflictChoice

        theirs, mine, fields = conflict.theirs, conflict.mine, conflict.fields

        async def chosen(choice: ConflictChoice | None) -> None:
            if choice is None:
                self._screen.notify("Your edit of the action item was not saved.", markup=False)
                await self._refresh()
                return
            # Built on theirs and saved as an edit of theirs: should yet another save have
            # come in meanwhile, that one is merged (or asked about) too.
            settled = settle(
                base, mine, theirs, fields, keep_mine=choice is not ConflictChoice.THEIRS
            )
            if choice is ConflictChoice.EDIT:
                self.edit(settled, base=theirs)
            elif settled == theirs:
                await self._refresh()
            else:
                await self._save(settled, theirs)

        tz = self._screen.host.config.tz
        self._screen.app.push_screen(ActionItemConflict(theirs, mine, fields, tz), chosen)

    def _place(self, item: ActionItem) -> None:
        if self._placed is not None:
            self._placed(item)
