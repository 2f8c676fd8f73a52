"""The scheduler a database follows, switched either way without losing anything.

Choosing FSRS computes the memory state of every reviewed card that has none from its review
log, as Anki does when FSRS is turned on; due days stay as they were (Anki's default), and the
next answer is FSRS's. Choosing SM-2 again puts back SM-2's due days, which every answer under
FSRS kept up to date beside FSRS's. The learner's fitted FSRS parameters are kept here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizdock.core.fsrs import Fsrs, MemoryState
from quizdock.core.sm2 import CardState
from quizdock.core.workload import StudiedCard
from quizdock.storage.models import CardStateRow, PreferenceRow, ReviewRow
from quizdock.storage.sql import centi_to_easiness

SCHEDULER_KEY = "scheduler"
PARAMETERS_KEY = "fsrs_parameters"


@dataclass(frozen=True, slots=True)
class Answer:
    """A scheduling answer of the log: its grade and the learner's day."""

    card_id: str
    quality: int
    day: date


def preference(session: Session, key: str) -> object:
    row = session.get(PreferenceRow, key)
    return None if row is None else row.value


def set_preference(session: Session, key: str, value: object) -> None:
    session.merge(PreferenceRow(key=key, value=value))


def fsrs_parameters(session: Session) -> tuple[float, ...] | None:
    """The learner's fitted parameters (None: FSRS's defaults)."""
    value = preference(session, PARAMETERS_KEY)
    if not isinstance(value, list) or not value:
        return None
    return tuple(float(v) for v in value)


def scheduling_answers(session: Session, card_ids: Sequence[str] | None = None) -> Iterator[Answer]:
    """The scheduling answers (same-day repeats left out), by card then in order.

    The learner's day of an answer is its due day less its interval (as migration 0004 reads it).
    """
    query = (
        select(ReviewRow.card_id, ReviewRow.quality, ReviewRow.after_due_on, ReviewRow.after_interval)
        .where(ReviewRow.is_repeat.is_(False))
        .order_by(ReviewRow.card_id, ReviewRow.id)
    )
    if card_ids is not None:
        query = query.where(ReviewRow.card_id.in_(card_ids))
    for card_id, quality, due_on, interval in session.execute(query):
        yield Answer(card_id, quality, due_on - timedelta(days=interval))


def histories(answers: Iterator[Answer]) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Per card, its answers as FSRS reads them: (grade, days since the previous answer)."""
    for card_id, group in groupby(answers, key=lambda a: a.card_id):
        history: list[tuple[int, int]] = []
        previous: date | None = None
        for answer in group:
            history.append((answer.quality, 0 if previous is None else (answer.day - previous).days))
            previous = answer.day
        yield card_id, history


def fill_memory(session: Session, fsrs: Fsrs) -> int:
    """Compute the memory state of every reviewed card that has none; returns how many."""
    missing = list(session.scalars(select(CardStateRow.card_id).where(CardStateRow.stability.is_(None))))
    filled = 0
    for start in range(0, len(missing), 500):  # SQLite's bound on parameters
        found = [
            (card_id, history)
            for card_id, history in histories(scheduling_answers(session, missing[start : start + 500]))
            if history
        ]
        states = fsrs.memories_from_histories([history for _, history in found])
        if states:
            session.execute(
                update(CardStateRow),
                [
                    {"card_id": card_id, "stability": state.stability, "difficulty": state.difficulty}
                    for (card_id, _), state in zip(found, states, strict=True)
                ],
            )
        filled += len(states)
    return filled


def switch(session: Session, fsrs: Fsrs | None) -> None:
    """Make the due days follow ``fsrs`` (None: SM-2), as described at the top of this module."""
    was = preference(session, SCHEDULER_KEY) or "sm2"
    if fsrs is not None:
        fill_memory(session, fsrs)
    elif was == "fsrs":
        session.execute(
            update(CardStateRow)
            .where(CardStateRow.sm2_due_on.is_not(None))
            .values(due_on=CardStateRow.sm2_due_on, scheduled_days=None, sm2_due_on=None)
        )
    chosen = "sm2" if fsrs is None else "fsrs"
    if was != chosen:
        set_preference(session, SCHEDULER_KEY, chosen)


def memory_of(row: CardStateRow) -> MemoryState | None:
    if row.stability is None or row.difficulty is None:
        return None
    return MemoryState(row.stability, row.difficulty)


def studied_cards(session: Session, today: date, deck: str | None = None) -> list[StudiedCard]:
    """The cards in reviews (not retired or suspended; of ``deck`` if given) with their answers,
    for :mod:`quizdock.core.workload`."""
    from quizdock.storage.models import CardRow

    query = (
        select(CardStateRow)
        .join(CardRow, CardRow.id == CardStateRow.card_id)
        .where(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None))
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    rows = session.execute(query).scalars()
    states = {row.card_id: row for row in rows}
    found = []
    for card_id, history in histories(scheduling_answers(session)):
        row = states.get(card_id)
        if row is None:
            continue
        days = row.interval if row.scheduled_days is None else row.scheduled_days
        last_day = (row.due_on - timedelta(days=days) - today).days
        sm2_due = ((row.sm2_due_on or row.due_on) - today).days
        state = CardState(row.repetitions, row.interval, centi_to_easiness(row.easiness_centi))
        found.append(StudiedCard(tuple(history), min(0, last_day), state, sm2_due))
    return found
