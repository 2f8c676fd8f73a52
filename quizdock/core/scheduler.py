"""One answer to one card: the SM-2 or FSRS step, same-day repeats, lapses and leeches.

:func:`review` is the whole policy of an answer, as py-fsrs's ``Scheduler.review_card``: it
takes a card's progress, a grade and the moment of the answer, and returns the new progress
with a :class:`ReviewLog` of what changed. Nothing is read or written: the store persists
what it returns.

Under FSRS (``fsrs=`` given) FSRS sets the due day, and SM-2's state keeps following every
answer beside it (with its own due day, ``sm2_due_on``): switching back to SM-2 finds it where
SM-2 would be. Under SM-2 the memory state is dropped: switching to FSRS computes it again from
the review log, as Anki does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from quizdock.core.grade import PASSING, Grade
from quizdock.core.sm2 import CardState, needs_repeat
from quizdock.core.sm2 import review as sm2

if TYPE_CHECKING:
    from quizdock.core.fsrs import Fsrs, MemoryState

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
        memory: FSRS's memory state (None: new, or last answered under SM-2).
        scheduled_days: the days from the last scheduling answer to ``due_on`` when FSRS set
            it (None: SM-2's interval).
        sm2_due_on: the day SM-2 would ask the card when FSRS set ``due_on`` (None: ``due_on``).
    """

    state: CardState = field(default_factory=CardState)
    due_on: date | None = None
    introduced_on: date | None = None
    lapses: int = 0
    repeat_on: date | None = None
    suspended: bool = False
    memory: MemoryState | None = None
    scheduled_days: int | None = None
    sm2_due_on: date | None = None

    @property
    def is_new(self) -> bool:
        return self.due_on is None

    @property
    def last_day(self) -> date | None:
        """The learner's day of the last scheduling answer."""
        return None if self.due_on is None else self.due_on - timedelta(days=self.days)

    @property
    def days(self) -> int:
        """The days from the last scheduling answer to ``due_on``, by the scheduler that set it."""
        return self.state.interval if self.scheduled_days is None else self.scheduled_days


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
    before_days: int | None = None
    after_days: int | None = None
    """FSRS's intervals before and after, when FSRS set them (None: SM-2's, in ``before``/``after``)."""


def review(
    progress: CardProgress,
    grade: int,
    moment: datetime,
    *,
    today: date | None = None,
    repeat: bool = False,
    fsrs: Fsrs | None = None,
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
        fsrs: schedule with FSRS (None: SM-2).

    Raises:
        ValueError: the grade is not 0..5, ``moment`` is naive, or a repeat of a new card.
    """
    quality = Grade.of(grade)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the moment of an answer must be an aware datetime")
    day = moment.date() if today is None else today
    before = progress.state
    if repeat:
        return _same_day_repeat(progress, quality, moment, day)
    after = sm2(before, quality)
    sm2_due_on = day + timedelta(days=after.interval)
    memory, days, scheduled_days, kept_sm2_due = None, after.interval, None, None
    if fsrs is not None:
        last = progress.last_day
        elapsed = 0 if last is None else (day - last).days
        step = fsrs.step(progress.memory, quality, elapsed, 0 if last is None else progress.days)
        memory, days = step.memory, step.interval
        scheduled_days, kept_sm2_due = days, sm2_due_on
    due_on = day + timedelta(days=days)
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
        memory=memory,
        scheduled_days=scheduled_days,
        sm2_due_on=kept_sm2_due,
    )
    before_days = progress.days if fsrs is not None and progress.due_on is not None else progress.scheduled_days
    log = ReviewLog(
        quality,
        moment,
        False,
        before,
        after,
        progress.due_on,
        due_on,
        lapses,
        lapse,
        leech,
        before_days,
        scheduled_days,
    )
    return after_progress, log


def _same_day_repeat(
    progress: CardProgress, quality: Grade, moment: datetime, day: date
) -> tuple[CardProgress, ReviewLog]:
    """A same-day repeat: it changes only whether the card still owes one; the schedule stays."""
    if progress.due_on is None:
        raise ValueError("a same-day repeat needs a first answer")
    after_progress = replace(progress, repeat_on=day if needs_repeat(quality) else None)
    before, days = progress.state, progress.scheduled_days
    log = ReviewLog(
        quality,
        moment,
        True,
        before,
        before,
        progress.due_on,
        progress.due_on,
        progress.lapses,
        False,
        False,
        days,
        days,
    )
    return after_progress, log
