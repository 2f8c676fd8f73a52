"""quizdock's pure core: grades, SM-2, the policy of an answer and the session's queue.

Nothing here reads a clock, a file or a database, and nothing imports sqlalchemy, rich,
questionary, docker or typer (tests/test_core.py checks it): the store persists what the core
decides, the review session draws what the queue hands out.
"""

from quizdock.core.grade import PASSING, SAME_DAY_TARGET, Grade, passed
from quizdock.core.queue import SessionQueue, new_allowance
from quizdock.core.scheduler import LEECH_LAPSES, CardProgress, ReviewLog, is_leech_lapse, review
from quizdock.core.sm2 import CardState

__all__ = [
    "LEECH_LAPSES",
    "PASSING",
    "SAME_DAY_TARGET",
    "CardProgress",
    "CardState",
    "Grade",
    "ReviewLog",
    "SessionQueue",
    "is_leech_lapse",
    "new_allowance",
    "passed",
    "review",
]
