"""Action items are live tasks (made during the incident) or follow-ups (from the post-mortem).

Items already stored with a type (prevent, detect or mitigate: the post-mortem's kinds) are
follow-ups; the others were tasks of the live response.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_item") as table:
        table.add_column(
            sa.Column("follow_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE action_item SET follow_up = (type IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table("action_item") as table:
        table.drop_column("follow_up")
