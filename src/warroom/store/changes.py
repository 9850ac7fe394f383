"""The change feed's reads: what was committed after a cursor, in commit order. (feed.py
tells a live view when to read it.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from warroom.store.session import Transactions, row_id
from warroom.store.tables import ChangeRow


@dataclass(frozen=True, slots=True)
class Change:
    """One committed write: which incident, and what in it.

    `entity` is "incident" (title, severity, step, milestones), "event" (the timeline; edits,
    deletions and flags too), "role", "action_item", "postmortem" or "presence" (someone opened
    or closed the war room); `entity_id` is that thing's id (the incident id for "incident" and
    "postmortem", none for "presence").
    """

    seq: int
    incident_id: int | None
    entity: str
    entity_id: int | None


class Changes(Transactions):
    def last_change(self) -> int:
        """The newest `seq` in the change feed (0: none yet)."""
        with self._read() as session:
            latest = session.exec(select(func.max(ChangeRow.seq))).one()
            return latest or 0

    def changes_since(self, seq: int, *, limit: int = 1000) -> list[Change]:
        """Up to `limit` changes committed after `seq`, oldest first. Nothing is ever skipped:
        `seq` order is commit order."""
        with self._read() as session:
            rows = session.exec(
                select(ChangeRow)
                .where(col(ChangeRow.seq) > seq)
                .order_by(col(ChangeRow.seq))
                .limit(limit)
            ).all()
            return [
                Change(row_id(row.seq), row.incident_id, row.entity, row.entity_id) for row in rows
            ]
