"""The reviews the next days ask under SM-2 and under FSRS, simulated for the learner's cards.

The learner's memory is FSRS's model with their parameters (the best fit of their own log):
each review recalls the card with the model's probability (then graded 4, Good), or forgets it
(graded 1, Again). Each scheduler then decides the next day by its own rules: the same runs,
from the same random seed, with only the schedule changed. Cards never answered are left out
(both schedulers bring new cards in the same way).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from quizdock.core.fsrs import Fsrs, MemoryState
from quizdock.core.sm2 import CardState
from quizdock.core.sm2 import review as sm2

RECALLED, FORGOTTEN = 4, 1
RUNS = 20
"""Runs averaged: the figures move by less than a review a day between seeds."""


@dataclass(frozen=True, slots=True)
class StudiedCard:
    """A card as the simulation starts from it.

    Attributes:
        history: its scheduling answers: (grade, days since the previous one), oldest first.
        last_day: the day of its last answer, counted from today (0 or less).
        sm2: its SM-2 state, and ``sm2_due`` the day SM-2 asks it, counted from today.
    """

    history: tuple[tuple[int, int], ...]
    last_day: int
    sm2: CardState
    sm2_due: int


@dataclass(frozen=True, slots=True)
class Workload:
    """Reviews per day (today first) and the share of them recalled, averaged over the runs."""

    reviews_per_day: tuple[float, ...]
    recalled: float

    @property
    def total(self) -> float:
        return sum(self.reviews_per_day)


def replay(fsrs: Fsrs, history: Sequence[tuple[int, int]]) -> tuple[MemoryState | None, int]:
    """The memory state and interval FSRS reaches after a card's answers."""
    memory: MemoryState | None = None
    interval = 0
    for grade, days in history:
        step = fsrs.step(memory, grade, days, interval)
        memory, interval = step.memory, step.interval
    return memory, interval


def simulate(cards: Sequence[StudiedCard], truth: Fsrs, scheduler: Fsrs | None, days: int = 30) -> Workload:
    """The reviews of the next ``days`` days when ``scheduler`` schedules (None: SM-2)."""
    per_day = [0.0] * days
    recalled = asked = 0
    starts = [
        (replay(truth, card.history)[0], replay(scheduler, card.history) if scheduler else None) for card in cards
    ]
    for run in range(RUNS):
        rng = random.Random(run)
        for card, (memory, scheduled) in zip(cards, starts, strict=True):
            r, a = _one_card(card, memory, scheduled, truth, scheduler, rng, per_day)
            recalled, asked = recalled + r, asked + a
    return Workload(tuple(n / RUNS for n in per_day), recalled / asked if asked else 1.0)


def _one_card(
    card: StudiedCard,
    memory: MemoryState | None,
    scheduled: tuple[MemoryState | None, int] | None,
    truth: Fsrs,
    scheduler: Fsrs | None,
    rng: random.Random,
    per_day: list[float],
) -> tuple[int, int]:
    """Run one card through the days; returns (recalled, asked)."""
    if memory is None:
        return 0, 0
    last, state, recalled, asked = card.last_day, card.sm2, 0, 0
    own, interval = scheduled if scheduled is not None else (None, 0)
    due = card.last_day + interval if scheduler is not None else card.sm2_due
    while due < len(per_day):
        day = max(due, 0)  # an overdue card is asked today
        elapsed = day - last
        grade = RECALLED if rng.random() < truth.retrievability(memory, elapsed) else FORGOTTEN
        recalled, asked = recalled + (grade == RECALLED), asked + 1
        per_day[day] += 1
        memory = truth.step(memory, grade, elapsed).memory
        if scheduler is not None:
            step = scheduler.step(own, grade, elapsed, interval)
            own, interval = step.memory, step.interval
        else:
            state = sm2(state, grade)
            interval = state.interval
        last, due = day, day + interval
    return recalled, asked
