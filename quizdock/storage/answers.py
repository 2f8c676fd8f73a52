"""Saving an answer, and undoing it: the store's part that writes what the core decides."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from quizdock.core.scheduler import CardProgress, ReviewLog, review
from quizdock.core.sm2 import CardState
from quizdock.errors import NotFound
from quizdock.i18n import _, quoted
from quizdock.storage import memory
from quizdock.storage.models import CardRow, CardStateRow, ReviewRow
from quizdock.storage.sql import centi_to_easiness, easiness_to_centi
from quizdock.storage.store_base import Database, card_row, utc_naive


@dataclass(frozen=True, slots=True)
class StateValues:
    """Every stored column of a ``card_states`` row, copied as is."""

    repetitions: int
    interval: int
    easiness_centi: int
    due_on: date
    introduced_on: date
    last_reviewed_at: datetime
    lapses: int
    repeat_on: date | None
    stability: float | None = None
    difficulty: float | None = None
    scheduled_days: int | None = None
    sm2_due_on: date | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an answer may change, as it was before the answer: undoing restores exactly this.

    Attributes:
        state: the card's state row, or None for a new card (undo deletes the row).
    """

    card_id: str
    state: StateValues | None
    suspended_at: datetime | None
    suspended_reason: str | None
    buried_until: date | None


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """A saved answer.

    Attributes:
        lapses: the card's lapses after the answer.
        leech: this answer was the lapse that made the card a leech; the card is now suspended.
        snapshot: the card before the answer, for :meth:`Store.undo_last_answer`.
        log: the core's log of the answer.
    """

    review_id: int
    before: CardState
    after: CardState
    due_on: date
    lapses: int = 0
    leech: bool = False
    snapshot: Snapshot | None = None
    log: ReviewLog | None = None


class Answers(Database):
    """Each answer saved with the card's new state in one write transaction; the last one undone."""

    def card_progress(self, card_id: str) -> CardProgress:
        """Where the card stands, as :meth:`record_answer` hands it to the core (its SM-2 state,
        and its FSRS memory state when FSRS scheduled it): what the grade keys' preview reads.

        Raises:
            NotFound: no card has this id.
        """
        with self.session() as session:
            return _progress(card_row(session, card_id), session.get(CardStateRow, card_id))

    def record_answer(
        self,
        card_id: str,
        *,
        quality: int,
        answer: str,
        duration_ms: int,
        now: datetime,
        today: date,
        repeat: bool = False,
    ) -> RecordedAnswer:
        """Save one answer with what :func:`quizdock.core.review` decides it changes.

        The core decides the card's new SM-2 state (unless it is a same-day repeat), the repeat
        it owes today, its lapses and whether it becomes a leech (suspended); the store writes
        that and the log row.

        Args:
            repeat: a same-day repeat: logged, the schedule stays.

        The core runs on the state read in the same write transaction as the answer, committed
        before returning: an answer given meanwhile in another terminal is built on, never
        overwritten.
        """
        stamp = utc_naive(now)
        with self.session(writing=True) as session:
            state = session.get(CardStateRow, card_id)
            card = session.get(CardRow, card_id)
            if card is None:
                raise NotFound(_("There is no card {card}.").format(card=quoted(card_id)))
            snapshot = _snapshot(card, state)
            if repeat and state is None:
                raise ValueError(f"a same-day repeat of {card_id} needs a first answer")
            if not repeat and state is not None and _local_day(state.last_reviewed_at, now) == today:
                # Answered today already (in another terminal): a card's schedule moves once a day.
                repeat = True
            progress, log = review(_progress(card, state), quality, now, today=today, repeat=repeat, fsrs=self.fsrs)
            if state is None:
                state = CardStateRow(card_id=card_id)
                session.add(state)
            _write_progress(state, progress)
            state.last_reviewed_at = stamp
            if log.leech:
                card.suspended_at, card.suspended_reason = stamp, "leech"
            logged = ReviewRow(
                card_id=card_id,
                reviewed_at=stamp,
                quality=quality,
                answer=answer,
                duration_ms=duration_ms,
                is_repeat=repeat,
                before_repetitions=log.before.repetitions,
                before_interval=log.before.interval if log.before_days is None else log.before_days,
                before_easiness_centi=easiness_to_centi(log.before.easiness),
                before_due_on=log.before_due_on,
                after_repetitions=log.after.repetitions,
                after_interval=log.after.interval if log.after_days is None else log.after_days,
                after_easiness_centi=easiness_to_centi(log.after.easiness),
                after_due_on=log.after_due_on,
            )
            session.add(logged)
            session.flush()
            return RecordedAnswer(
                logged.id, log.before, log.after, log.after_due_on, log.lapses, log.leech, snapshot, log
            )

    def undo_last_answer(self, recorded: RecordedAnswer) -> None:
        """Undo an answer: delete its log row and put the card back exactly as it was before.

        A card that was new loses its state row again; a same-day repeat only loses its log row
        (and the card its ``last_reviewed_at``); a leech suspension the answer caused is lifted.

        Raises:
            ValueError: the answer is already undone, has no snapshot, or is not the card's last.
        """
        snapshot = recorded.snapshot
        if snapshot is None:
            raise ValueError("this answer was not recorded with a snapshot and cannot be undone")
        with self.session(writing=True) as session:
            review = session.get(ReviewRow, recorded.review_id)
            if review is None:
                raise ValueError(f"answer {recorded.review_id} is already undone")
            later = session.scalar(
                select(func.count())
                .select_from(ReviewRow)
                .where(ReviewRow.card_id == review.card_id, ReviewRow.id > review.id)
            )
            if later:
                raise ValueError(f"answer {recorded.review_id} is not the last answer to {review.card_id}")
            session.delete(review)
            state = session.get(CardStateRow, snapshot.card_id)
            if snapshot.state is None:
                if state is not None:
                    session.delete(state)
            else:
                if state is None:
                    state = CardStateRow(card_id=snapshot.card_id)
                    session.add(state)
                for column in fields(StateValues):
                    setattr(state, column.name, getattr(snapshot.state, column.name))
            card = session.get(CardRow, snapshot.card_id)
            if card is not None:
                card.suspended_at = snapshot.suspended_at
                card.suspended_reason = snapshot.suspended_reason
                card.buried_until = snapshot.buried_until


def _local_day(stamp: datetime | None, now: datetime) -> date | None:
    """The learner's day of a stored UTC time (``now`` gives the time zone)."""
    return None if stamp is None else stamp.replace(tzinfo=UTC).astimezone(now.tzinfo).date()


def _snapshot(card: CardRow, state: CardStateRow | None) -> Snapshot:
    values = None
    if state is not None:
        values = StateValues(
            state.repetitions,
            state.interval,
            state.easiness_centi,
            state.due_on,
            state.introduced_on,
            state.last_reviewed_at,
            state.lapses,
            state.repeat_on,
            state.stability,
            state.difficulty,
            state.scheduled_days,
            state.sm2_due_on,
        )
    return Snapshot(card.id, values, card.suspended_at, card.suspended_reason, card.buried_until)


def _progress(card: CardRow, row: CardStateRow | None) -> CardProgress:
    """A card's progress as the core reads it (``CardProgress()`` for a new card)."""
    suspended = card.suspended_at is not None
    if row is None:
        return CardProgress(suspended=suspended)
    return CardProgress(
        state=CardState(row.repetitions, row.interval, centi_to_easiness(row.easiness_centi)),
        due_on=row.due_on,
        introduced_on=row.introduced_on,
        lapses=row.lapses or 0,
        repeat_on=row.repeat_on,
        suspended=suspended,
        memory=memory.memory_of(row),
        scheduled_days=row.scheduled_days,
        sm2_due_on=row.sm2_due_on,
    )


def _write_progress(row: CardStateRow, progress: CardProgress) -> None:
    """Copy the core's answer into the state row (a row is written for a reviewed card only)."""
    assert progress.due_on is not None and progress.introduced_on is not None
    row.repetitions = progress.state.repetitions
    row.interval = progress.state.interval
    row.easiness_centi = easiness_to_centi(progress.state.easiness)
    row.due_on = progress.due_on
    row.introduced_on = progress.introduced_on
    row.lapses = progress.lapses
    row.repeat_on = progress.repeat_on
    row.stability = None if progress.memory is None else progress.memory.stability
    row.difficulty = None if progress.memory is None else progress.memory.difficulty
    row.scheduled_days = progress.scheduled_days
    row.sm2_due_on = progress.sm2_due_on
