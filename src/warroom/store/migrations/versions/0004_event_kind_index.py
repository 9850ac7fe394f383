"""Index events by kind: the latest update (the countdown's reference) without scanning an
incident's whole timeline.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_event_incident_kind_time", "event", ["incident_id", "kind", "occurred_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_event_incident_kind_time", table_name="event")
