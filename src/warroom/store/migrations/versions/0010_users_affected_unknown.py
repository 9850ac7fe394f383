"""Users affected may be answered "unknown" (nobody can count them), which is not the same as
not answered yet (NULL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("postmortem") as table:
        table.add_column(
            sa.Column(
                "users_affected_unknown", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("postmortem") as table:
        table.drop_column("users_affected_unknown")
