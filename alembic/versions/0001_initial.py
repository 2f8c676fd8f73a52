"""The first schema: decks, cards, SM-2 states and the review log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decks",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("file_hash", sa.String(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("deck_id", sa.String(), sa.ForeignKey("decks.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("content_changed_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_cards_deck_id", "cards", ["deck_id"])
    op.create_table(
        "card_states",
        sa.Column("card_id", sa.String(), sa.ForeignKey("cards.id"), primary_key=True),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("easiness_centi", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("introduced_on", sa.Date(), nullable=False),
        sa.Column("last_reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
    )
    op.create_index("ix_card_states_due_on", "card_states", ["due_on"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("card_id", sa.String(), sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("is_repeat", sa.Boolean(), nullable=False),
        sa.Column("before_repetitions", sa.Integer(), nullable=False),
        sa.Column("before_interval", sa.Integer(), nullable=False),
        sa.Column("before_easiness_centi", sa.Integer(), nullable=False),
        sa.Column("before_due_on", sa.Date(), nullable=True),
        sa.Column("after_repetitions", sa.Integer(), nullable=False),
        sa.Column("after_interval", sa.Integer(), nullable=False),
        sa.Column("after_easiness_centi", sa.Integer(), nullable=False),
        sa.Column("after_due_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_reviews_reviewed_at", "reviews", ["reviewed_at"])
    op.create_index("ix_reviews_card_id_reviewed_at", "reviews", ["card_id", "reviewed_at"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("card_states")
    op.drop_table("cards")
    op.drop_table("decks")
