"""Suspended and buried cards: three nullable columns on ``cards``; existing rows keep their data.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place, no table copy, every row stays as it was.
    op.add_column("cards", sa.Column("suspended_at", sa.DateTime(), nullable=True))
    op.add_column("cards", sa.Column("suspended_reason", sa.String(), nullable=True))
    op.add_column("cards", sa.Column("buried_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("buried_until")
        batch.drop_column("suspended_reason")
        batch.drop_column("suspended_at")
