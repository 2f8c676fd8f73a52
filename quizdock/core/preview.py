"""What each grade would do to a card, shown before the learner grades it (Anki's intervals on
its answer buttons): the policy of :func:`~quizdock.core.scheduler.review` asked in advance, no
arithmetic of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from quizdock.core.grade import Grade
from quizdock.core.scheduler import CardProgress, review


def next_interval(progress: CardProgress, grade: int, today: date, *, repeat: bool = False) -> int:
    """Days from ``today`` to the card's next review if it is answered ``grade`` now.

    A first answer of the day gives the interval SM-2 gives; a same-day repeat leaves the schedule
    as it is, so it gives the days left to the card's due day.

    Raises:
        ValueError: the grade is not 0..5, or a repeat of a new card.
    """
    moment = datetime.combine(today, time(12), tzinfo=UTC)  # only the day counts
    after, _ = review(progress, grade, moment, today=today, repeat=repeat)
    assert after.due_on is not None  # an answered card has a due day
    return (after.due_on - today).days


def next_intervals(progress: CardProgress, today: date, *, repeat: bool = False) -> tuple[int, ...]:
    """:func:`next_interval` for every grade, 0 to 5."""
    return tuple(next_interval(progress, grade, today, repeat=repeat) for grade in Grade)
