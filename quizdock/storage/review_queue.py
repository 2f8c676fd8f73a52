"""The review queue and the deck counts: the store's part that tells what to review.

The queue's reads run the SQL text of :mod:`quizdock.storage.queue_sql`, as the light path does
with sqlite3 before the store opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from quizdock.i18n import Text
from quizdock.storage import queue_sql
from quizdock.storage.models import CardRow, CardStateRow, DeckRow
from quizdock.storage.records import ScheduledCard
from quizdock.storage.sql import available, effective_due
from quizdock.storage.store_base import Database


@dataclass(frozen=True, slots=True)
class DeckSummary:
    id: str
    title: Text
    cards: int
    due: int
    new: int


class ReviewQueue(Database):
    """The cards a review brings, in its order, and how many each deck holds."""

    def scheduled_cards(self, card_ids: Sequence[str]) -> list[ScheduledCard]:
        """The cards with their states, in the order of ``card_ids`` (one query)."""
        with self.reading() as run:
            return queue_sql.scheduled_cards(run, card_ids)

    def due_card_ids(self, today: date, deck: str | None = None, limit: int | None = None) -> list[str]:
        """Ids of the cards due on or before ``today``, most overdue first (not suspended or buried);
        cards due the same day come by id, so by deck."""
        with self.reading() as run:
            return [row[0] for row in run(queue_sql.due_ids_sql(deck), queue_sql.parameters(today, deck, limit))]

    def repeat_card_ids(self, today: date, deck: str | None = None) -> list[str]:
        """Ids of the cards answered below 4 on ``today`` and not yet 4 or more since: the same-day
        repeats still owed (from any session, in any terminal), in the order they were answered."""
        with self.reading() as run:
            return [row[0] for row in run(queue_sql.repeat_ids_sql(deck), queue_sql.parameters(today, deck))]

    def practical_card_ids(self) -> set[str]:
        """Ids of the active practical cards (the few that need Docker)."""
        with self.reading() as run:
            return {row[0] for row in run(queue_sql.PRACTICAL_IDS, {})}

    def count_due(self, today: date, deck: str | None = None) -> int:
        """Cards to review on ``today``: due by SM-2, or owing a same-day repeat (the query of
        ``quizdock due``'s light path)."""
        with self.reading() as run:
            return int(queue_sql.value(run, queue_sql.due_count_sql(deck), queue_sql.parameters(today, deck)))

    def new_card_ids(self, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
        """Ids of the day's new cards: cards never reviewed, in deck order but each practical card
        right after the cards it practises (:func:`quizdock.core.queue.new_card_order`);
        suspended cards left out.

        Args:
            today: buried cards are left out until this day reaches their ``buried_until``;
                None leaves out no buried card.
        """
        with self.reading() as run:
            return queue_sql.pick_new_cards(run, limit, deck, today)

    def introduced_on(self, today: date) -> int:
        """How many new cards were first reviewed on ``today``, in all decks: the daily limit is
        the learner's, not a deck's."""
        with self.reading() as run:
            return int(queue_sql.value(run, queue_sql.INTRODUCED_ON, queue_sql.parameters(today)))

    def next_due(self, deck: str | None = None) -> date | None:
        """The day the next reviewed card is due (None: no card has been reviewed)."""
        query = (
            select(func.min(effective_due()))
            .join(CardRow, CardRow.id == CardStateRow.card_id)
            .where(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None))
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        with self.session() as session:
            return session.scalar(query)

    def deck_ids(self) -> list[str]:
        with self.session() as session:
            return list(session.scalars(select(DeckRow.id).order_by(DeckRow.id)))

    def deck_summaries(self, today: date) -> list[DeckSummary]:
        """Per deck: active cards, due today (same-day repeats included), new (never reviewed); suspended
        and buried cards are not due or new."""
        active = CardRow.retired_at.is_(None)
        with self.session() as session:
            decks = {row.id: row for row in session.scalars(select(DeckRow).order_by(DeckRow.id))}
            counts = session.execute(
                select(
                    CardRow.deck_id,
                    func.count(),
                    func.count().filter(
                        or_(
                            CardStateRow.due_on <= today,
                            and_(CardStateRow.repeat_on == today, CardStateRow.due_on > today),
                        ),
                        available(today),
                    ),
                    func.count().filter(CardStateRow.card_id.is_(None), available(today)),
                )
                .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
                .where(active)
                .group_by(CardRow.deck_id)
            ).all()
        by_deck = {deck_id: (total, due, new) for deck_id, total, due, new in counts}
        return [
            DeckSummary(deck_id, Text(**row.title), *by_deck.get(deck_id, (0, 0, 0))) for deck_id, row in decks.items()
        ]
