"""Incidents and their timeline: milestones, events with edit history, severity changes, roles.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "milestone",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), primary_key=True),
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        sa.Column("edited_at", UTC_TIME, nullable=True),
        sa.Column("deleted_at", UTC_TIME, nullable=True),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_event_incident_time", "event", ["incident_id", "occurred_at", "id"])
    op.create_table(
        "event_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("event.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("replaced_at", UTC_TIME, nullable=False),
        sa.Column("replaced_by", sa.String(), nullable=False),
    )
    op.create_index("ix_event_revision_event_id", "event_revision", ["event_id"])
    op.create_table(
        "severity_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("old", sa.Integer(), nullable=True),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
    )
    op.create_index("ix_severity_change_incident_id", "severity_change", ["incident_id"])
    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("assigned_at", UTC_TIME, nullable=False),
        sa.Column("released_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_role_assignment_incident_id", "role_assignment", ["incident_id"])


def downgrade() -> None:
    for table in (
        "role_assignment",
        "severity_change",
        "event_revision",
        "event",
        "milestone",
        "incident",
    ):
        op.drop_table(table)
