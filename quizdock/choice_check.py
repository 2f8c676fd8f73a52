"""A multiple-choice card must not give its answer away by the look of its options.

A learner who does not know the answer still picks the option that stands out: the one much
longer than the others, or the only one of a different form (the only command with a flag,
the only lowercase name...). ``quizdock deck check`` reports a card whose right option is the
only one that stands out, so its distractors can be rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from quizdock.decks import Card, Deck

LONGER_BY = 1.5
"""The right option stands out by length when it is this many times as long as every other
(and at least :data:`LONGER_BY_CHARS` characters longer)."""
LONGER_BY_CHARS = 10

_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z]")

# Forms an option may have. The right option stands out when it alone has the form, or alone
# lacks it, among three options or more (with two, every difference is "alone").
FORMS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("the only one with an option flag", lambda text: bool(_FLAG.search(text))),
    ("the only one without an option flag", lambda text: not _FLAG.search(text)),
    ("the only one written in lowercase", lambda text: text == text.lower() and text != text.upper()),
    ("the only one with capitals", lambda text: text != text.lower()),
    ("the only Docker command", lambda text: text.lstrip("`").startswith("docker ")),
    ("the only one that is not a Docker command", lambda text: not text.lstrip("`").startswith("docker ")),
    ("the only sentence (ends with a full stop)", lambda text: text.rstrip().endswith(".")),
)


@dataclass(frozen=True, slots=True)
class Giveaway:
    """A choice card whose right option stands out.

    Attributes:
        path: the deck file.
        card_id: the card.
        lang: the language whose options give it away.
        why: how the right option stands out.
    """

    path: str
    card_id: str
    lang: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}, card {self.card_id!r}, choices.{self.lang}: the right option is {self.why}."


def standout(options: Sequence[str], right: int) -> str | None:
    """How the right option stands out among ``options``, or None when it does not."""
    others = [text for i, text in enumerate(options) if i != right]
    if not others:
        return None
    chosen = options[right]
    longest = max(len(text) for text in others)
    if len(chosen) >= LONGER_BY * longest and len(chosen) - longest >= LONGER_BY_CHARS:
        return f"the longest by far ({len(chosen)} characters, the others {longest} at most)"
    if len(others) < 2:
        return None
    for why, has in FORMS:
        if has(chosen) and not any(has(text) for text in others):
            return why
    return None


def giveaways(card: Card, path: str = "") -> list[Giveaway]:
    """The ways a choice card's right option stands out, per language (none for other kinds)."""
    if card.kind != "choice" or card.correct is None:
        return []
    found = []
    for lang in ("en", "fr"):
        why = standout([choice.get(lang) for choice in card.choices], card.correct)  # type: ignore[arg-type]
        if why is not None:
            found.append(Giveaway(path, card.id, lang, why))
    return found


def check_decks(decks: Iterable[Deck]) -> list[Giveaway]:
    """Every giveaway in ``decks``, in deck and card order."""
    return [found for deck in decks for card in deck.cards for found in giveaways(card, str(deck.path))]
