"""The grade of an answer: SM-2's quality, 0..5, and the two thresholds the rest of quizdock reads.

The names follow SuperMemo's description of each grade.
"""

from __future__ import annotations

from enum import IntEnum


class Grade(IntEnum):
    """An answer's quality, 0..5 (an ``int``: ``Grade.HARD == 3``)."""

    BLACKOUT = 0
    """Complete blackout."""
    WRONG = 1
    """Wrong; the right answer, once seen, is remembered."""
    WRONG_FAMILIAR = 2
    """Wrong; the right answer seemed easy to recall."""
    HARD = 3
    """Right, with serious difficulty."""
    HESITANT = 4
    """Right, after a hesitation."""
    PERFECT = 5
    """Right, at once."""

    @classmethod
    def of(cls, value: object) -> Grade:
        """The grade of an integer 0..5.

        Raises:
            ValueError: ``value`` is not an integer from 0 to 5 (a bool is not a grade).
        """
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            raise ValueError(f"quality must be an integer from 0 to 5, got {value!r}")
        return cls(value)


PASSING = Grade.HARD
"""The lowest passing grade: below it SM-2 restarts the item, a learned card lapses, and an
answer is not counted right (statistics, the session's summary, Anki's Again button)."""

SAME_DAY_TARGET = Grade.HESITANT
"""The grade an item must reach to leave the day's session: below it, it is asked again."""


def passed(quality: int) -> bool:
    """Whether an answer of this quality passes (:data:`PASSING` or more)."""
    return quality >= PASSING
