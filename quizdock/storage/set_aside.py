"""Suspending and burying cards, and the leeches: the store's part that sets cards aside from reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, select

from quizdock.core.scheduler import LEECH_LAPSES
from quizdock.storage.models import CardRow, CardStateRow
from quizdock.storage.sql import centi_to_easiness
from quizdock.storage.store_base import Database, card_row, utc_naive


@dataclass(frozen=True, slots=True)
class Leech:
    """A card that lapsed :data:`LEECH_LAPSES` times or more."""

    card_id: str
    deck_id: str
    lapses: int
    easiness: Decimal
    suspended_at: datetime | None  # naive UTC
    suspended_reason: str | None


class SetAside(Database):
    """Cards left out of reviews for good (suspended) or until a day (buried)."""

    def suspend(self, card_id: str, now: datetime, reason: str = "manual") -> bool:
        """Leave a card out of every review until :meth:`unsuspend`; False if it already was.

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            card = card_row(session, card_id)
            if card.suspended_at is not None:
                return False
            card.suspended_at, card.suspended_reason = utc_naive(now), reason
            return True

    def unsuspend(self, card_id: str) -> bool:
        """Return a suspended card to the reviews (its schedule is kept); False if it was not suspended.

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            card = card_row(session, card_id)
            if card.suspended_at is None:
                return False
            card.suspended_at = card.suspended_reason = None
            return True

    def bury(self, card_id: str, until: date) -> None:
        """Leave a card out of reviews before the day ``until`` (its schedule is kept).

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            card_row(session, card_id).buried_until = until

    def unbury(self, card_id: str | None, today: date) -> list[str]:
        """Bring buried cards back into today's reviews: this card, or every card buried past ``today``.

        Returns:
            The ids of the cards that were buried (empty: none was).

        Raises:
            NotFound: no card has this id.
        """
        buried = and_(CardRow.buried_until.is_not(None), CardRow.buried_until > today)
        with self.session(writing=True) as session:
            if card_id is not None:
                card_row(session, card_id)
            query = select(CardRow).where(buried).order_by(CardRow.id)
            if card_id is not None:
                query = query.where(CardRow.id == card_id)
            rows = list(session.scalars(query))
            for row in rows:
                row.buried_until = None
            return [row.id for row in rows]

    def leeches(self, deck: str | None = None) -> list[Leech]:
        """Active cards with :data:`LEECH_LAPSES` lapses or more, most lapses first."""
        query = (
            select(CardRow, CardStateRow)
            .join(CardStateRow, CardStateRow.card_id == CardRow.id)
            .where(CardStateRow.lapses >= LEECH_LAPSES, CardRow.retired_at.is_(None))
            .order_by(CardStateRow.lapses.desc(), CardRow.id)
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        with self.session() as session:
            return [
                Leech(
                    card.id,
                    card.deck_id,
                    state.lapses,
                    centi_to_easiness(state.easiness_centi),
                    card.suspended_at,
                    card.suspended_reason,
                )
                for card, state in session.execute(query)
            ]
