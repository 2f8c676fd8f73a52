"""FSRS as an option: memory states, the schedule in use and SM-2's own due day, and preferences.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("stability", sa.Float(), nullable=True),
    sa.Column("difficulty", sa.Float(), nullable=True),
    sa.Column("scheduled_days", sa.Integer(), nullable=True),
    sa.Column("sm2_due_on", sa.Date(), nullable=True),
)


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place and every row keeps its SM-2 state; NULL reads
    # as SM-2's (interval, due_on), and FSRS computes its memory states from the review log.
    for column in COLUMNS:
        op.add_column("card_states", column)
    op.create_table(
        "preferences",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("preferences")
    with op.batch_alter_table("card_states") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
