"""Presence: who has a war room open right now (one row per open war room, stamped by heartbeats).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session", sa.String(), nullable=False),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("joined_at", UTC_TIME, nullable=False),
        sa.Column("last_seen", UTC_TIME, nullable=False),
    )
    op.create_index("ix_presence_session", "presence", ["session"], unique=True)
    op.create_index("ix_presence_incident_id", "presence", ["incident_id"])


def downgrade() -> None:
    op.drop_table("presence")
