"""SM-2, the original SuperMemo algorithm, as a pure function.

No I/O, no clock, no database: ``review(state, quality)`` returns a new state. The readings
of the algorithm that quizdock fixes:

* grades are 0..5 (0 blackout ... 5 perfect, :class:`~quizdock.core.grade.Grade`); a new item starts with E-Factor 2.5;
* after every graded answer ``EF' = EF + (0.1 - (5-q) * (0.08 + (5-q) * 0.02))``, never
  below 1.3, with no ceiling;
* when ``q >= 3``: ``I(1) = 1``, ``I(2) = 6``, ``I(n) = ceil(I(n-1) * EF)`` with the EF from
  *before* this answer's update, and repetitions grow by one;
* when ``q < 3``: repetitions restart (n = 0) and the next interval is 1 day;
* arithmetic is exact: EF is a :class:`~decimal.Decimal` with two places (every EF step is a
  multiple of 0.01), so no float error moves a ceiling (25 days at EF 2.20 gives 55, not 56);
* the same-day rule: an item graded below 4 is asked again later in the same session until
  it scores 4 or more; those repeats do not change the schedule (see :func:`needs_repeat`).

Golden vector: grades 4, 4, 3, 3, 4 on a new item give intervals 1, 6, 15, 36, 80 days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from quizdock.core.grade import PASSING, SAME_DAY_TARGET, Grade

INITIAL_EASINESS = Decimal("2.50")
MIN_EASINESS = Decimal("1.30")


@dataclass(frozen=True, slots=True)
class CardState:
    """The SM-2 state of one item.

    Attributes:
        repetitions: n, the number of successful answers in a row.
        interval: days until the next review (0 for an item never reviewed).
        easiness: the E-Factor, two decimal places.
    """

    repetitions: int = 0
    interval: int = 0
    easiness: Decimal = INITIAL_EASINESS


def easiness_after(easiness: Decimal, quality: int) -> Decimal:
    """The E-Factor after an answer of the given quality (floor 1.3, no ceiling)."""
    miss = 5 - quality
    change = Decimal("0.1") - miss * (Decimal("0.08") + miss * Decimal("0.02"))
    return max(MIN_EASINESS, easiness + change)


def review(state: CardState, quality: int) -> CardState:
    """Apply one graded answer to a state and return the new state.

    Args:
        state: the item's state before the answer.
        quality: the grade, 0..5.

    Returns:
        A new :class:`CardState`; ``state`` is not changed.

    Raises:
        ValueError: if ``quality`` is not an integer in 0..5.
    """
    Grade.of(quality)
    new_easiness = easiness_after(state.easiness, quality)
    if quality < PASSING:
        return CardState(repetitions=0, interval=1, easiness=new_easiness)
    repetitions = state.repetitions + 1
    if repetitions == 1:
        interval = 1
    elif repetitions == 2:
        interval = 6
    else:
        interval = math.ceil(state.interval * state.easiness)
    return replace(state, repetitions=repetitions, interval=interval, easiness=new_easiness)


def needs_repeat(quality: int) -> bool:
    """Whether the same-day rule asks the item again later in this session."""
    return quality < SAME_DAY_TARGET
