"""Same-day repeats stored: ``card_states.repeat_on``, the day a card answered below 4 must come back.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A card whose last answer was below 4 still owes a repeat on the day of its last scheduling
# answer: that local day is its due day less its interval (repeats leave both unchanged).
BACKFILL = """
UPDATE card_states SET repeat_on = (
    SELECT date(r.after_due_on, '-' || r.after_interval || ' days') FROM reviews r
    WHERE r.card_id = card_states.card_id AND NOT r.is_repeat ORDER BY r.id DESC LIMIT 1
)
WHERE (SELECT r.quality FROM reviews r WHERE r.card_id = card_states.card_id ORDER BY r.id DESC LIMIT 1) < 4
"""


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, every row stays as it was.
    op.add_column("card_states", sa.Column("repeat_on", sa.Date(), nullable=True))
    op.create_index("ix_card_states_repeat_on_due_on", "card_states", ["repeat_on", "due_on"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_card_states_repeat_on_due_on", table_name="card_states")
    with op.batch_alter_table("card_states") as batch:
        batch.drop_column("repeat_on")
