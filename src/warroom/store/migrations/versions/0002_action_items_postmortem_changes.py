"""Action items, the post-mortem fields, and the change feed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_action_item_incident_id", "action_item", ["incident_id"])
    op.create_table(
        "postmortem",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), primary_key=True),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("impact_duration", sa.String(), nullable=False),
        sa.Column("users_affected", sa.Integer(), nullable=True),
        sa.Column("revenue_impact", sa.String(), nullable=False),
        sa.Column("sla_breached", sa.Boolean(), nullable=True),
        sa.Column("root_cause", sa.String(), nullable=False),
        sa.Column("contributing_factors", sa.JSON(), nullable=False),
        sa.Column("what_went_well", sa.JSON(), nullable=False),
        sa.Column("what_went_poorly", sa.JSON(), nullable=False),
        sa.Column("lucky_breaks", sa.JSON(), nullable=False),
        sa.Column("five_whys", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "change",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_change_incident_id", "change", ["incident_id"])


def downgrade() -> None:
    for table in ("change", "postmortem", "action_item"):
        op.drop_table(table)
