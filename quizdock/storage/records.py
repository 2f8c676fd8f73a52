"""What the store's reads return: plain frozen records, light to import (no SQLAlchemy).

The review reads its cards as :class:`ScheduledCard` on both of its paths (sqlite3 before the
store opens, then the store: :mod:`quizdock.storage.queue_sql`); the statistics and the Anki
export read the database through :class:`~quizdock.storage.store.Store` methods that return the
others (the SQL is in :mod:`quizdock.storage.queries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizdock.core.sm2 import CardState
    from quizdock.decks.loading import Card
    from quizdock.i18n import Text


@dataclass(frozen=True, slots=True)
class ScheduledCard:
    """A card of the review queue with its SM-2 state (``state`` None: a new card).

    Attributes:
        due_on: the learner's local date the card is next due (None: a new card).
    """

    card: Card
    state: CardState | None
    due_on: date | None


@dataclass(frozen=True, slots=True)
class DayActivity:
    """The answers of one local day.

    Attributes:
        answers: every logged answer, same-day repeats included.
        time_ms: time spent answering.
        cards: cards answered (the first answer to each card that day).
        passed: of those first answers, the ones that passed (graded 3 or more).
        mature: first answers to a card whose interval was 21 days or more before the answer.
        mature_passed: of those, the ones that passed.
    """

    day: date
    answers: int
    time_ms: int
    cards: int
    passed: int
    mature: int
    mature_passed: int


@dataclass(frozen=True, slots=True)
class DeckStates:
    """Cards of one deck by state (exclusive), with the sum behind the average E-Factor."""

    deck: str
    new: int
    learning: int
    young: int
    mature: int
    suspended: int
    retired: int
    leeches: int
    easiness_centi_sum: int  # over the reviewed cards not retired
    reviewed_cards: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended + self.retired

    @property
    def average_easiness(self) -> Decimal | None:
        """The mean E-Factor of the reviewed cards not retired, two places (half up)."""
        if not self.reviewed_cards:
            return None
        mean = Decimal(self.easiness_centi_sum) / self.reviewed_cards / 100
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class HardCard:
    card_id: str
    deck: str
    easiness: Decimal
    lapses: int
    interval: int
    repetitions: int
    suspended: bool


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One recorded answer, as the review log of an export needs it.

    Attributes:
        reviewed_at: when it was given (naive UTC).
        quality: the SM-2 grade, 0..5.
        duration_ms: time taken to answer.
        is_repeat: a same-day repeat (the schedule did not change).
        first: the card's first answer ever (it was new).
        before_interval: the interval before the answer, in days.
        after_interval: the interval after it, in days.
        after_easiness_centi: the E-Factor after it, in hundredths.
        after_due_on: the day the card was due after it.
        answer: the answer as given.
    """

    reviewed_at: datetime
    quality: int
    duration_ms: int
    is_repeat: bool
    first: bool
    before_interval: int
    after_interval: int
    after_easiness_centi: int
    after_due_on: date | None = None
    answer: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    """A card's SM-2 state and review log.

    Attributes:
        repetitions: successful answers in a row (SM-2's n).
        interval: days between the last review and the next (by the scheduler that set the due day).
        easiness_centi: the E-Factor in hundredths (250 for 2.5).
        due_on: the learner's local date the card is next due.
        lapses: how many times a learned card was forgotten.
        last_reviewed_at: the last answer (naive UTC).
        reviews: every answer, oldest first.
        stability, difficulty: FSRS's memory state (None: not scheduled by FSRS since the last answer).
    """

    repetitions: int
    interval: int
    easiness_centi: int
    due_on: date
    lapses: int
    last_reviewed_at: datetime
    reviews: tuple[ReviewEntry, ...]
    stability: float | None = None
    difficulty: float | None = None


@dataclass(frozen=True, slots=True)
class StoredCard:
    """An active card as stored, with its history when asked for.

    Attributes:
        card: the card, parsed from its stored content.
        created_at: when quizdock first loaded it (naive UTC).
        changed_at: when its content last changed (naive UTC).
        progress: its SM-2 state and log, when asked for and the card has been reviewed.
        suspended: why reviews leave it out ("leech" or "manual"), else None.
        buried_until: reviews leave it out before this day (read for a card's history only).
        retired_at: when its deck file stopped holding it (naive UTC), else None.
    """

    card: Card
    created_at: datetime
    changed_at: datetime
    progress: Progress | None = None
    suspended: str | None = None
    buried_until: date | None = None
    retired_at: datetime | None = None


BROWSE_STATES = ("new", "due", "learning", "suspended", "buried", "leech")
"""What ``quizdock cards --state`` may ask for (:meth:`Store.browse_cards`)."""


@dataclass(frozen=True, slots=True)
class ListedCard:
    """One line of the card browser.

    Attributes:
        card_id: the card's id.
        deck: its deck.
        kind: concept, command, choice or practical.
        question: its question in both languages, as the deck file has it.
        due_on: its next review (None: a new card).
        easiness: its E-Factor (None: a new card).
        lapses: how many times it was forgotten once learned.
        suspended: left out of reviews until unsuspended.
        buried_until: left out of reviews before this day, when that is after today.
    """

    card_id: str
    deck: str
    kind: str
    question: Text
    due_on: date | None
    easiness: Decimal | None
    lapses: int
    suspended: bool
    buried_until: date | None


@dataclass(frozen=True, slots=True)
class Practice:
    """Where a practical card stands, for `quizdock challenge list`.

    Attributes:
        due_on: its next review (None: never tried).
        last_at: its last answer, naive UTC (None: never tried).
        last_quality: that answer's grade.
    """

    card_id: str
    due_on: date | None = None
    last_at: datetime | None = None
    last_quality: int | None = None
