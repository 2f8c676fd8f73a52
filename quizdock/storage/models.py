"""The database schema, as SQLAlchemy 2 typed models.

Migrations in ``alembic/versions`` create exactly this schema; a test compares the two.
Datetimes are naive UTC; ``due_on`` and ``introduced_on`` are the learner's local dates.
E-Factors are stored in hundredths (an integer), so they stay exact.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class DeckRow(Base):
    __tablename__ = "decks"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    path: Mapped[str] = mapped_column(String)
    file_hash: Mapped[str] = mapped_column(String)
    # Size and modification time when last loaded: an untouched file is skipped without reading it.
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    file_mtime_ns: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)


class CardRow(Base):
    __tablename__ = "cards"
    __table_args__ = (
        # The due list reads these for thousands of cards: from the index, never the wide row.
        Index("ix_cards_schedulable", "id", "retired_at", "suspended_at", "buried_until", "deck_id", "position"),
        Index("ix_cards_deck_id_position", "deck_id", "position"),
        # The few cards a review leaves out, so `quizdock due` counts without a join per card.
        # The challenges among them, for the rule that brings a challenge right after its cards.
        Index("ix_cards_practical", "deck_id", "position", sqlite_where=text("kind = 'practical'")),
        Index(
            "ix_cards_set_aside",
            "id",
            sqlite_where=text("retired_at IS NOT NULL OR suspended_at IS NOT NULL OR buried_until IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id"))
    kind: Mapped[str] = mapped_column(String)
    content: Mapped[dict] = mapped_column(JSON)  # the card table as the deck file has it
    content_hash: Mapped[str] = mapped_column(String)
    position: Mapped[int] = mapped_column(Integer)  # order in its deck: new cards come in this order
    created_at: Mapped[datetime] = mapped_column(DateTime)
    content_changed_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Set on the card, not its state, so a new card (no state row) can be suspended or buried too.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    suspended_reason: Mapped[str | None] = mapped_column(String, nullable=True)  # "leech" or "manual"
    buried_until: Mapped[date | None] = mapped_column(Date, nullable=True)  # left out of reviews before this day


class CardStateRow(Base):
    """SM-2 state of a card that has been reviewed at least once (no row: a new card)."""

    __tablename__ = "card_states"
    __table_args__ = (
        Index("ix_card_states_due_on_card_id", "due_on", "card_id"),
        Index("ix_card_states_introduced_on", "introduced_on"),
        Index("ix_card_states_repeat_on_due_on", "repeat_on", "due_on"),
    )

    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), primary_key=True)
    repetitions: Mapped[int] = mapped_column(Integer)
    interval: Mapped[int] = mapped_column(Integer)
    easiness_centi: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    introduced_on: Mapped[date] = mapped_column(Date)
    last_reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    # The local day of an answer below 4 not yet followed by one of 4 or more: the card comes back
    # that day (a same-day repeat, which leaves the schedule as it is). Any other day it is stale.
    repeat_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # FSRS's memory state, set by answers under FSRS (NULL: computed from the log when FSRS is chosen).
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Days from the last scheduling answer to due_on, by the scheduler in use (NULL: interval, SM-2's).
    scheduled_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # SM-2's due day, kept under FSRS so that switching back finds it (NULL: due_on).
    sm2_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class PreferenceRow(Base):
    """What the database remembers of its scheduling: the scheduler its due days follow
    (``scheduler``) and the learner's fitted FSRS parameters (``fsrs_parameters``)."""

    __tablename__ = "preferences"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class ReviewRow(Base):
    """One answer, saved as it is given, with the state before and after it."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_card_id_reviewed_at", "card_id", "reviewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    quality: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    is_repeat: Mapped[bool] = mapped_column(Boolean)  # a same-day repeat: the schedule did not change
    before_repetitions: Mapped[int] = mapped_column(Integer)
    before_interval: Mapped[int] = mapped_column(Integer)
    before_easiness_centi: Mapped[int] = mapped_column(Integer)
    before_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    after_repetitions: Mapped[int] = mapped_column(Integer)
    after_interval: Mapped[int] = mapped_column(Integer)
    after_easiness_centi: Mapped[int] = mapped_column(Integer)
    after_due_on: Mapped[date] = mapped_column(Date)
