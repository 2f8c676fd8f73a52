"""One answer to one card: the SM-2 step, same-day repeats, lapses and leeches.

:func:`review` is the whole policy of an answer, as py-fsrs's ``Scheduler.review_card``: it
takes a card's progress, a grade and the moment of the answer, and returns the new progress
with a :class:`ReviewLog` of what changed. Nothing is read or written: the store persists
what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from quizdock.core.grade import PASSING, Grade
from quizdock.core.scheduling import CardState, needs_repeat
from quizdock.core.scheduling import review as sm2

# A card whose lapses reach 8 is a leech and is suspended; once unsuspended, every 4th lapse
# after that suspends it again (it is still not learned, the learner should rework it).
LEECH_LAPSES = 8
LEECH_AGAIN_EVERY = 4

MATURE_INTERVAL = 21
"""A card whose interval is this many days or more is mature (statistics count it apart, as Anki does)."""


def is_leech_lapse(lapses: int) -> bool:
    """Whether a lapse that brings a card's count to ``lapses`` makes it a leech now."""
    return lapses >= LEECH_LAPSES and (lapses - LEECH_LAPSES) % LEECH_AGAIN_EVERY == 0


@dataclass(frozen=True, slots=True)
class CardProgress:
    """Where a card stands: a new card is ``CardProgress()`` (no due day).

    Attributes:
        state: the SM-2 state.
        due_on: the day SM-2 next asks the card (None: never answered).
        introduced_on: the day of its first answer.
        lapses: answers below the passing grade once the card was learned (repetitions > 0).
        repeat_on: the day it owes a same-day repeat (answered below 4 and not 4 or more since).
        suspended: left out of reviews (by the learner, or as a leech).
    """

    state: CardState = field(default_factory=CardState)
    due_on: date | None = None
    introduced_on: date | None = None
    lapses: int = 0
    repeat_on: date | None = None
    suspended: bool = False

    @property
    def is_new(self) -> bool:
        return self.due_on is None


@dataclass(frozen=True, slots=True)
class ReviewLog:
    """What one answer changed.

    Attributes:
        reviewed_at: the moment of the answer, aware.
        is_repeat: a same-day repeat: logged, the schedule stays.
        lapse: a learned card was answered below the passing grade.
        leech: this lapse made the card a leech: it is now suspended.
    """

    grade: Grade
    reviewed_at: datetime
    is_repeat: bool
    before: CardState
    after: CardState
    before_due_on: date | None
    after_due_on: date
    lapses: int
    lapse: bool = False
    leech: bool = False


def review(
    progress: CardProgress, grade: int, moment: datetime, *, today: date | None = None, repeat: bool = False
) -> tuple[CardProgress, ReviewLog]:
    """Apply one answer to a card and return its new progress and the log entry.

    An answer below 4 marks the card as owing a repeat on ``today`` until an answer of 4 or
    more. A same-day repeat changes only that mark: the schedule stays. Failing a new card is
    not a lapse (it was never learned); a lapse that brings the count to 8, then every 4th,
    suspends the card as a leech (one already suspended stays as it is), and a suspended leech
    owes no repeat.

    Args:
        progress: the card before the answer (``CardProgress()`` for a new card).
        grade: 0..5.
        moment: when the answer was given, aware.
        today: the learner's day of the answer (default: ``moment``'s date); a session that
            runs past midnight keeps the day it started on.
        repeat: a same-day repeat.

    Raises:
        ValueError: the grade is not 0..5, ``moment`` is naive, or a repeat of a new card.
    """
    quality = Grade.of(grade)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the moment of an answer must be an aware datetime")
    day = moment.date() if today is None else today
    before = progress.state
    if repeat:
        if progress.due_on is None:
            raise ValueError("a same-day repeat needs a first answer")
        after_progress = replace(progress, repeat_on=day if needs_repeat(quality) else None)
        log = ReviewLog(quality, moment, True, before, before, progress.due_on, progress.due_on, progress.lapses)
        return after_progress, log
    after = sm2(before, quality)
    due_on = day + timedelta(days=after.interval)
    lapse = quality < PASSING and before.repetitions > 0
    lapses = progress.lapses + int(lapse)
    leech = lapse and is_leech_lapse(lapses) and not progress.suspended
    after_progress = CardProgress(
        state=after,
        due_on=due_on,
        introduced_on=progress.introduced_on or day,
        lapses=lapses,
        repeat_on=day if needs_repeat(quality) and not leech else None,
        suspended=progress.suspended or leech,
    )
    log = ReviewLog(quality, moment, False, before, after, progress.due_on, due_on, lapses, lapse, leech)
    return after_progress, log
