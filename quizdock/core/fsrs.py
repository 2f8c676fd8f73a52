"""FSRS, the scheduler Anki uses since 23.10, as pure functions beside SM-2.

The model is the Rust FSRS that Anki itself runs (``fsrs-rs-python``), loaded on first use only:
`quizdock --help`, `quizdock due` and a review under SM-2 never import it. Intervals follow
Anki's rules for a deck with no learning or relearning steps, so an exported card is scheduled
the same in both tools:

* grades map 0-2 -> Again, 3 -> Hard, 4 -> Good, 5 -> Easy (:func:`rating`);
* an interval is FSRS's, rounded to whole days, at least 1 day, at most :data:`MAXIMUM_INTERVAL`;
* once a card is learned, a passing answer keeps the buttons in order (Good at least Hard + 1,
  Easy at least Good + 1), and an interval shorter than the card's last one becomes the last one
  when Anki's fuzz could reach it (:func:`_passing`: what Anki gives with fuzz off);
* memory states are kept rounded as Anki keeps them (:func:`_kept`);
* quizdock applies no fuzz (Anki spreads intervals of 3 days and more by a few percent; a test
  runs Anki with its test mode, which turns fuzz off).

Memory states are computed from the review log, as Anki does when FSRS is turned on: each
scheduling answer is a rating and the days since the previous one (same-day repeats do not
change the schedule and are left out).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from quizdock.core.grade import Grade

if TYPE_CHECKING:
    import fsrs_rs_python

MAXIMUM_INTERVAL = 36_500
"""Anki's default maximum interval, in days."""

DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.7
MAX_RETENTION = 0.99
"""Anki's bounds for the desired retention (its deck options refuse values outside them)."""

MIN_OPTIMIZER_REVIEWS = 400
"""Below this many reviews the optimizer leaves the default parameters (Anki says the same)."""

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def rating(grade: int) -> int:
    """FSRS's rating (Again 1 .. Easy 4) of a quizdock grade 0..5."""
    quality = Grade.of(grade)
    if quality <= Grade.WRONG_FAMILIAR:
        return AGAIN
    return {Grade.HARD: HARD, Grade.HESITANT: GOOD, Grade.PERFECT: EASY}[quality]


@dataclass(frozen=True, slots=True)
class MemoryState:
    """What FSRS knows of a card: stability (days for retrievability to fall to 90%) and
    difficulty (1..10)."""

    stability: float
    difficulty: float


def _kept(stability: float, difficulty: float) -> MemoryState:
    """A memory state as Anki stores it on a card: stability to 4 decimal places, difficulty to 3
    (the next answer starts from these, in both tools)."""
    return MemoryState(round(stability, 4), round(difficulty, 3))


@dataclass(frozen=True, slots=True)
class FsrsStep:
    """One answer under FSRS: the new memory state and the interval in whole days."""

    memory: MemoryState
    interval: int


def default_parameters() -> tuple[float, ...]:
    """FSRS-6's default parameters, as the engine ships them."""
    import fsrs_rs_python

    return tuple(fsrs_rs_python.DEFAULT_PARAMETERS)


@lru_cache(maxsize=4)
def _model(parameters: tuple[float, ...]) -> fsrs_rs_python.FSRS:
    import fsrs_rs_python

    return fsrs_rs_python.FSRS(list(parameters))


@dataclass(frozen=True, slots=True)
class Fsrs:
    """The FSRS scheduler with its parameters (None: the defaults) and desired retention."""

    parameters: tuple[float, ...] | None = None
    desired_retention: float = DEFAULT_RETENTION

    @property
    def weights(self) -> tuple[float, ...]:
        return self.parameters or default_parameters()

    def step(self, memory: MemoryState | None, grade: int, elapsed_days: int, last_interval: int = 0) -> FsrsStep:
        """The memory state and interval after answering ``grade``, ``elapsed_days`` after the
        previous answer, which gave ``last_interval`` days (``memory`` None: a new card)."""
        import fsrs_rs_python

        current = None if memory is None else fsrs_rs_python.MemoryState(memory.stability, memory.difficulty)
        states = _model(self.weights).next_states(current, self.desired_retention, max(0, elapsed_days))
        chosen = rating(grade)
        hard = _days(states.hard.interval)
        good = _days(states.good.interval)
        easy = _days(states.easy.interval)
        if memory is not None and chosen != AGAIN:
            # A learned card: the buttons' intervals keep their order (Anki's review state).
            hard = _passing(states.hard.interval, 1, last_interval)
            good = _passing(states.good.interval, hard + 1, last_interval)
            easy = _passing(states.easy.interval, good + 1, last_interval)
        picked = {AGAIN: states.again, HARD: states.hard, GOOD: states.good, EASY: states.easy}[chosen]
        interval = {AGAIN: _days(states.again.interval), HARD: hard, GOOD: good, EASY: easy}[chosen]
        return FsrsStep(_kept(picked.memory.stability, picked.memory.difficulty), interval)

    def intervals(self, memory: MemoryState | None, elapsed_days: int, last_interval: int = 0) -> dict[int, int]:
        """Each grade's next interval in days (for the grade keys' preview)."""
        return {grade: self.step(memory, grade, elapsed_days, last_interval).interval for grade in Grade}

    def memory_from_history(self, answers: Sequence[tuple[int, int]]) -> MemoryState | None:
        """A card's memory state from its scheduling answers: (grade, days since the previous
        answer; 0 for the first), oldest first. None for no answer."""
        import fsrs_rs_python

        if not answers:
            return None
        item = fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(rating(g), max(0, d)) for g, d in answers])
        state = _model(self.weights).memory_state(item, None)
        return _kept(state.stability, state.difficulty)

    def memories_from_histories(self, histories: Sequence[Sequence[tuple[int, int]]]) -> list[MemoryState]:
        """:meth:`memory_from_history` of many cards at once (each with one answer or more)."""
        import fsrs_rs_python

        items = [
            fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(rating(g), max(0, d)) for g, d in history])
            for history in histories
        ]
        return [_kept(s.stability, s.difficulty) for s in _model(self.weights).memory_state_batch(items, None)]

    def retrievability(self, memory: MemoryState, elapsed_days: float) -> float:
        """The probability of recalling the card ``elapsed_days`` after its last answer (FSRS-6's
        forgetting curve)."""
        return retrievability(self.weights, memory.stability, elapsed_days)


def decay(weights: Sequence[float]) -> float:
    """The forgetting curve's decay: ``w[20]`` (0.5 for parameters of FSRS-5, which have 19)."""
    return weights[20] if len(weights) > 20 else 0.5


def retrievability(weights: Sequence[float], stability: float, elapsed_days: float) -> float:
    """FSRS-6's forgetting curve: ``(1 + factor * t / S) ** -decay``, with ``0.9 ** (-1 / decay) - 1``
    as the factor that makes it 90 % when ``t = S``."""
    power = decay(weights)
    factor = 0.9 ** (-1 / power) - 1
    return float((1 + factor * max(0.0, elapsed_days) / stability) ** -power)


def _days(interval: float) -> int:
    """Anki's rounding of an FSRS interval: to the nearest day, within 1..MAXIMUM_INTERVAL."""
    if not math.isfinite(interval):
        return MAXIMUM_INTERVAL
    return min(MAXIMUM_INTERVAL, max(1, math.floor(interval + 0.5)))  # Rust rounds half away from zero


# Anki's fuzz: an interval of 2.5 days or more may move by 1 day plus these shares of its parts.
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def fuzz_upper(interval: float) -> int:
    """The longest interval Anki's fuzz may turn ``interval`` into (the interval itself below 2.5 days)."""
    if interval < 2.5:
        return _days(interval)
    delta = 1.0 + sum(share * max(0.0, min(interval, end) - start) for start, end, share in FUZZ_RANGES)
    return min(MAXIMUM_INTERVAL, math.floor(interval + delta + 0.5))


def _passing(interval: float, minimum: int, last_interval: int) -> int:
    """A passing button's interval for a learned card: FSRS's, at least ``minimum``; and, as Anki
    with fuzz off gives it, the card's last interval when that is longer but within fuzz reach."""
    days = max(_days(interval), minimum)
    if days < last_interval <= fuzz_upper(interval):
        return last_interval
    return days


class NotEnoughReviews(ValueError):
    """The log holds fewer reviews than the optimizer needs."""

    def __init__(self, found: int) -> None:
        super().__init__(f"{found} reviews, the optimizer needs {MIN_OPTIMIZER_REVIEWS}")
        self.found = found


def trainable_reviews(histories: Iterable[Sequence[tuple[int, int]]]) -> int:
    """How many answers the optimizer learns from: every answer after a card's first, a day or more later."""
    return sum(1 for history in histories for _, days in history[1:] if days > 0)


def fit(
    histories: Sequence[Sequence[tuple[int, int]]], parameters: tuple[float, ...] | None = None
) -> tuple[float, ...]:
    """FSRS parameters fitted to the cards' answers (each card: (grade, days since the previous
    answer), oldest first), as Anki's optimizer fits them; ``parameters`` are the current ones.

    Raises:
        NotEnoughReviews: fewer than :data:`MIN_OPTIMIZER_REVIEWS` answers to learn from.
    """
    import fsrs_rs_python

    found = trainable_reviews(histories)
    if found < MIN_OPTIMIZER_REVIEWS:
        raise NotEnoughReviews(found)
    items: list[fsrs_rs_python.FSRSItem] = []
    for history in histories:
        reviews = [fsrs_rs_python.FSRSReview(rating(grade), max(0, days)) for grade, days in history]
        # One item per answer to predict: the answers up to it (Anki's way of building the training set).
        items.extend(
            fsrs_rs_python.FSRSItem(reviews[: end + 1]) for end in range(1, len(reviews)) if history[end][1] > 0
        )
    start = parameters or default_parameters()
    fitted = _model(start).compute_parameters(items, None, True)
    return tuple(float(w) for w in fitted)
