"""The statistics, the export, the card browser and the challenges' progress: the store's
read-only reports (their SQL is in :mod:`quizdock.storage.queries`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizdock.storage import queries
from quizdock.storage.models import CardStateRow
from quizdock.storage.records import DayActivity, DeckStates, HardCard, ListedCard, Practice, StoredCard
from quizdock.storage.store_base import Database, card_row


class Reports(Database):
    """What the statistics, the export and the browsing commands read."""

    def daily_activity(self, offset: timedelta, deck: str | None = None) -> list[DayActivity]:
        """Per local day (``offset``: the learner's UTC offset), oldest first: answers, time spent,
        and the first answer to each card that day."""
        with self.session() as session:
            return queries.daily_activity(session, offset, deck)

    def due_per_day(self, today: date, until: date, deck: str | None = None) -> dict[date, int]:
        """Cards due per day up to ``until`` (a buried card counts on the day it comes back, a
        same-day repeat today); suspended ones left out."""
        with self.session() as session:
            return queries.due_per_day(session, today, until, deck)

    def count_new(self, today: date, deck: str | None = None) -> int:
        """New cards a review could bring in on ``today`` (not suspended, buried or retired)."""
        with self.session() as session:
            return queries.count_new(session, today, deck)

    def deck_states(self, deck: str | None = None) -> list[DeckStates]:
        """Per deck, in id order: cards by state, leeches and the E-Factor sum."""
        with self.session() as session:
            return queries.deck_states(session, deck)

    def hardest_cards(
        self, deck: str | None = None, limit: int = 10
    ) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...]]:
        """The ``limit`` cards with the lowest E-Factor (below 2.5), and those with the most lapses;
        retired cards left out."""
        with self.session() as session:
            return queries.hardest_cards(session, deck, limit)

    def active_cards(self, deck: str | None = None, *, with_progress: bool = False) -> list[StoredCard]:
        """The active cards, by deck then deck order; ``with_progress``: with their SM-2 state and
        review log."""
        with self.session() as session:
            return queries.active_cards(session, deck, with_progress)

    # --- the card browser and the challenges' progress ------------------------------------

    def browse_cards(
        self, today: date, deck: str | None = None, state: str | None = None, text: str | None = None
    ) -> list[ListedCard]:
        """The active cards in deck order, filtered by deck, state (:data:`BROWSE_STATES`) and text."""
        with self.session() as session:
            return queries.browse_cards(session, today, deck, state, text)

    def card_history(self, card_id: str) -> StoredCard:
        """One card with its state and whole review log (a retired card too).

        Raises:
            NotFound: no card has this id.
        """
        with self.session() as session:
            found = queries.card_history(session, card_id)
            if found is None:
                card_row(session, card_id)  # raises, with the closest id
            assert found is not None
            return found

    def practice(self) -> dict[str, Practice]:
        """Per active practical card: its next review and its last answer."""
        with self.session() as session:
            return queries.practice(session)

    def last_reviewed_at(self, card_id: str) -> datetime | None:
        """The moment of the card's last answer, aware UTC (None: never answered)."""
        with self.session() as session:
            state = session.get(CardStateRow, card_id)
        return None if state is None else state.last_reviewed_at.replace(tzinfo=UTC)
