"""What each grade would do to a card, shown before the learner grades it (Anki's intervals on
its answer buttons): the policy of :func:`~quizdock.core.scheduler.review` asked in advance, no
arithmetic of its own, so the preview is what the answer then records, under SM-2 and FSRS alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from quizdock.core.grade import Grade
from quizdock.core.scheduler import CardProgress, review

if TYPE_CHECKING:
    from quizdock.core.fsrs import Fsrs


def next_interval(
    progress: CardProgress, grade: int, today: date, *, repeat: bool = False, fsrs: Fsrs | None = None
) -> int:
    """Days from ``today`` to the card's next review if it is answered ``grade`` now.

    A first answer of the day gives the interval the scheduler gives (SM-2, or FSRS when ``fsrs``
    is given: from the card's memory state and the days since its last answer); a same-day repeat
    leaves the schedule as it is, so it gives the days left to the card's due day.

    Raises:
        ValueError: the grade is not 0..5, or a repeat of a new card.
    """
    moment = datetime.combine(today, time(12), tzinfo=UTC)  # only the day counts
    after, _ = review(progress, grade, moment, today=today, repeat=repeat, fsrs=fsrs)
    assert after.due_on is not None  # an answered card has a due day
    return (after.due_on - today).days


def next_intervals(
    progress: CardProgress, today: date, *, repeat: bool = False, fsrs: Fsrs | None = None
) -> tuple[int, ...]:
    """:func:`next_interval` for every grade, 0 to 5."""
    return tuple(next_interval(progress, grade, today, repeat=repeat, fsrs=fsrs) for grade in Grade)
