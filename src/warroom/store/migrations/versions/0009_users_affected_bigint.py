"""Users affected as a 64-bit count: PostgreSQL's INTEGER stops at 2,147,483,647, fewer than
an import may say (and the editor accepts). SQLite's INTEGER is 64-bit already.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "postmortem", "users_affected", type_=sa.BigInteger(), existing_nullable=True
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("postmortem", "users_affected", type_=sa.Integer(), existing_nullable=True)
