"""Action items, on the war room's board: the live tasks of the response, and the follow-ups an
incident leaves (from the post-mortem: what its checks and exports count).

A follow-up made or changed once the incident is resolved is an edit of the post-mortem, not
part of the incident's story: it records no event in the timeline (which would otherwise go
on after "Incident resolved"). The change feed still tells the other screens.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from warroom.domain.errors import BadInput, Conflict
from warroom.domain.lifecycle import Milestone
from warroom.domain.merge import merge
from warroom.domain.model import ActionItem, ActionStatus, ActionType, EventKind, Priority
from warroom.store import converters
from warroom.store.session import Transactions, require_text, storable
from warroom.store.tables import ActionItemRow, MilestoneRow

# What a field-by-field merge of two edits leaves alone: the store keeps these.
_ACTION_ITEM_KEYS = frozenset({"id", "incident_id", "created_at", "updated_at", "version"})


class ActionItems(Transactions):
    def action_items(self, incident_id: int) -> list[ActionItem]:
        with self._read() as session:
            rows = session.exec(
                select(ActionItemRow)
                .where(ActionItemRow.incident_id == incident_id)
                .order_by(col(ActionItemRow.position), col(ActionItemRow.id))
            ).all()
            return [converters.action_item(row) for row in rows]

    def follow_ups(
        self,
        *,
        overdue_on: date | None = None,
        owner: str | None = None,
        limit: int | None = None,
    ) -> list[ActionItem]:
        """Follow-ups across incidents, soonest due first (those without a date last), but a
        withdrawn incident's (declared by mistake: it leaves no follow-ups); the live tasks
        stay with their incident. `overdue_on`: only those not done and due before that day;
        `owner`: only theirs; `limit`: the first so many."""
        withdrawn = exists().where(
            col(MilestoneRow.incident_id) == col(ActionItemRow.incident_id),
            col(MilestoneRow.name) == Milestone.WITHDRAWN.value,
        )
        statement = select(ActionItemRow).where(col(ActionItemRow.follow_up), ~withdrawn)
        if overdue_on is not None:
            statement = statement.where(
                col(ActionItemRow.due_date) < overdue_on,
                ActionItemRow.status != ActionStatus.DONE.value,
            )
        if owner is not None:
            statement = statement.where(ActionItemRow.owner == owner)
        statement = statement.order_by(
            col(ActionItemRow.due_date).is_(None),
            col(ActionItemRow.due_date),
            col(ActionItemRow.incident_id),
            col(ActionItemRow.position),
            col(ActionItemRow.id),
        )
        if limit is not None:
            statement = statement.limit(limit)
        with self._read() as session:
            return [converters.action_item(row) for row in session.exec(statement).all()]

    def add_action_item(
        self,
        incident_id: int,
        description: str,
        *,
        actor: str,
        type: ActionType | None = None,
        owner: str = "",
        priority: Priority | None = None,
        due_date: date | None = None,
        status: ActionStatus = ActionStatus.OPEN,
        ticket: str = "",
        follow_up: bool | None = None,
    ) -> ActionItem:
        """`follow_up`: a follow-up rather than a live task; None: a follow-up once the
        incident is resolved (or withdrawn) or when given a type (prevent, detect, mitigate:
        the post-mortem's kinds, as migration 0008 has it), else a live task."""
        description = require_text(description, "the description")
        actor = storable(actor, "the actor")
        owner = storable(owner, "the owner").strip()
        ticket = storable(ticket, "the ticket").strip()
        now = self._clock.now()

        def write(session: Session) -> ActionItem:
            # Locked: two items added at once must not take the same position.
            self._incident_row(session, incident_id, lock=True)
            over = self._is_over(session, incident_id)
            is_follow_up = (over or type is not None) if follow_up is None else follow_up
            position = session.exec(
                select(func.coalesce(func.max(ActionItemRow.position), 0)).where(
                    ActionItemRow.incident_id == incident_id
                )
            ).one()
            row = ActionItemRow(
                incident_id=incident_id,
                description=description,
                type=type.value if type else None,
                owner=owner,
                priority=priority.value if priority else None,
                due_date=due_date,
                status=status.value,
                ticket=ticket,
                position=position + 1,
                created_at=now,
                updated_at=now,
                follow_up=is_follow_up,
            )
            session.add(row)
            session.flush()
            if not (is_follow_up and over):
                text = f"Action item opened: {description}"
                self._add_event(session, incident_id, EventKind.ACTION, actor, text, now)
            self._changed(session, incident_id, "action_item", row.id)
            return converters.action_item(row)

        return self._write(write)

    def update_action_item(
        self, item: ActionItem, *, actor: str, base: ActionItem | None = None
    ) -> ActionItem:
        """Save an edited item. `item.version` is the version it was edited from.

        Without `base`, the whole item is the unit: if someone saved in between, nothing is
        written and Conflict carries what they saved. With `base` (the item as it was before
        this edit), fields are the unit: the fields this edit changed are saved on top of
        theirs, unless they changed one of the same fields differently; then nothing is
        written and Conflict carries theirs (`current`), this edit (`mine`) and the `fields`.
        """
        description = require_text(item.description, "the description")
        actor = storable(actor, "the actor")
        item = replace(
            item,
            description=description,
            owner=storable(item.owner, "the owner").strip(),
            ticket=storable(item.ticket, "the ticket").strip(),
        )
        now = self._clock.now()

        def write(session: Session) -> ActionItem:
            row = session.exec(
                select(ActionItemRow).where(ActionItemRow.id == item.id).with_for_update()
            ).first()
            if row is None:
                raise BadInput(f"no action item {item.id}")
            saving = item
            if row.version != item.version:
                theirs = converters.action_item(row)
                if base is None:
                    raise Conflict("the action item", theirs)
                saving, conflicts = merge(base, item, theirs, ignore=_ACTION_ITEM_KEYS)
                if conflicts:
                    raise Conflict("the action item", theirs, mine=item, fields=conflicts)
            old_status = ActionStatus(row.status)
            row.description = saving.description
            row.type = saving.type.value if saving.type else None
            row.owner = saving.owner
            row.priority = saving.priority.value if saving.priority else None
            row.due_date = saving.due_date
            row.status = saving.status.value
            row.ticket = saving.ticket
            row.follow_up = saving.follow_up
            row.updated_at = now
            row.version += 1
            session.add(row)
            post_mortem_edit = row.follow_up and self._is_over(session, row.incident_id)
            if old_status is not saving.status and not post_mortem_edit:
                self._add_event(
                    session,
                    row.incident_id,
                    EventKind.ACTION,
                    actor,
                    _status_text(saving.status, saving.description),
                    now,
                )
            self._changed(session, row.incident_id, "action_item", item.id)
            return converters.action_item(row)

        return self._write(write)

    def _is_over(self, session: Session, incident_id: int) -> bool:
        """Resolved or withdrawn: what is done for it now is the post-mortem's."""
        found = session.exec(
            select(MilestoneRow.name).where(
                MilestoneRow.incident_id == incident_id,
                col(MilestoneRow.name).in_([Milestone.RESOLVED.value, Milestone.WITHDRAWN.value]),
            )
        ).first()
        return found is not None


def _status_text(status: ActionStatus, description: str) -> str:
    verb = {
        ActionStatus.OPEN: "reopened",
        ActionStatus.IN_PROGRESS: "in progress",
        ActionStatus.DONE: "done",
    }[status]
    return f"Action item {verb}: {description}"
