"""Indexes for the daily queries on large collections; deck file size and time for quick skips.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SET_ASIDE = "retired_at IS NOT NULL OR suspended_at IS NOT NULL OR buried_until IS NOT NULL"


def upgrade() -> None:
    op.add_column("decks", sa.Column("file_size", sa.Integer(), nullable=True))
    op.add_column("decks", sa.Column("file_mtime_ns", sa.Integer(), nullable=True))
    op.drop_index("ix_cards_deck_id", table_name="cards")
    op.create_index("ix_cards_deck_id_position", "cards", ["deck_id", "position"])
    op.create_index(
        "ix_cards_schedulable", "cards", ["id", "retired_at", "suspended_at", "buried_until", "deck_id", "position"]
    )
    op.create_index("ix_cards_set_aside", "cards", ["id"], sqlite_where=sa.text(SET_ASIDE))
    op.drop_index("ix_card_states_due_on", table_name="card_states")
    op.create_index("ix_card_states_due_on_card_id", "card_states", ["due_on", "card_id"])
    op.create_index("ix_card_states_introduced_on", "card_states", ["introduced_on"])


def downgrade() -> None:
    op.drop_index("ix_card_states_introduced_on", table_name="card_states")
    op.drop_index("ix_card_states_due_on_card_id", table_name="card_states")
    op.create_index("ix_card_states_due_on", "card_states", ["due_on"])
    op.drop_index("ix_cards_set_aside", table_name="cards")
    op.drop_index("ix_cards_schedulable", table_name="cards")
    op.drop_index("ix_cards_deck_id_position", table_name="cards")
    op.create_index("ix_cards_deck_id", "cards", ["deck_id"])
    with op.batch_alter_table("decks") as batch:
        batch.drop_column("file_mtime_ns")
        batch.drop_column("file_size")
