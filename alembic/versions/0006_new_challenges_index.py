"""The challenges among the cards, found without reading every card (the rule for new cards).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A partial index: a handful of rows, so a review's plan finds the practical cards at once
    # instead of scanning a large collection (quizdock.storage.queue_sql.pick_new_cards).
    op.create_index("ix_cards_practical", "cards", ["deck_id", "position"], sqlite_where=sa.text("kind = 'practical'"))


def downgrade() -> None:
    op.drop_index("ix_cards_practical", table_name="cards")
