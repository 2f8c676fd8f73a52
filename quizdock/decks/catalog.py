"""The practical challenges of the configured decks, and finding one by its id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizdock.errors import NotFound
from quizdock.i18n import _, quoted

if TYPE_CHECKING:
    from quizdock.decks.cards import PracticalCard


def practical_cards() -> list[PracticalCard]:
    """Every practical card of the configured decks, in deck order."""
    from quizdock.decks.cards import PracticalCard
    from quizdock.decks.loading import load_decks

    return [card for deck in load_decks() for card in deck.cards if isinstance(card, PracticalCard)]


def find_card(challenge_id: str, cards: list[PracticalCard] | None = None) -> PracticalCard:
    """The practical card with this id (the part after ``practical/`` is enough).

    Args:
        cards: the practical cards to look in (default: :func:`practical_cards`).

    Raises:
        NotFound: No practical card has this id; the message lists them.
    """
    cards = practical_cards() if cards is None else cards
    for card in cards:
        if challenge_id in (card.id, card.id.split("/", 1)[-1]):
            return card
    known = ", ".join(card.id.split("/", 1)[-1] for card in cards)
    raise NotFound(
        _("No challenge {id}.").format(id=quoted(challenge_id)),
        _("Use one of {known} (see `quizdock challenge list`).").format(known=known),
    )
