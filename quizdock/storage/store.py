"""The store: decks, cards, SM-2 states and the review log in SQLite.

It persists what the core (:mod:`quizdock.core`) decides and answers the reads of the review,
the statistics and the export; their SQL stays in this package.

Every public method that writes commits before it returns, so an answer is on disk as soon as
:meth:`Store.record_answer` returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from quizdock.core.fsrs import Fsrs
from quizdock.core.scheduler import LEECH_LAPSES, CardProgress, ReviewLog, review
from quizdock.core.sm2 import CardState
from quizdock.core.workload import StudiedCard
from quizdock.decks.loading import (
    MAX_DECK_BYTES,
    Card,
    Deck,
    check_unique_ids,
    deck_files,
    file_hash,
    parse_card,
    parse_deck_file,
)
from quizdock.errors import DeckError, NotFound, did_you_mean
from quizdock.i18n import Text, _, os_reason, quoted
from quizdock.storage import memory, queries
from quizdock.storage.connection import make_engine
from quizdock.storage.integrity import WriteCheck
from quizdock.storage.migrate import explain, upgrade
from quizdock.storage.models import CardRow, CardStateRow, DeckRow, ReviewRow
from quizdock.storage.quick import due_count_sql, pick_new_cards, unchanged_since_loaded
from quizdock.storage.records import DayActivity, DeckStates, HardCard, ListedCard, Practice, StoredCard
from quizdock.storage.sql import available, centi_to_easiness, easiness_to_centi, effective_due
from quizdock.support.text import read_bounded


def utc_naive(moment: datetime) -> datetime:
    """Aware datetimes are stored as naive UTC."""
    if moment.tzinfo is None:
        raise ValueError("quizdock stores aware datetimes only")
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class ScheduledCard:
    """A card with its SM-2 state (``state`` None: a new card)."""

    card: Card
    state: CardState | None
    due_on: date | None


@dataclass(frozen=True, slots=True)
class DeckSummary:
    id: str
    title: Text
    cards: int
    due: int
    new: int


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What loading the deck files changed."""

    files_parsed: int
    files_skipped: int
    cards_added: int
    cards_changed: int
    cards_retired: int


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


@dataclass(frozen=True, slots=True)
class Leech:
    """A card that lapsed :data:`LEECH_LAPSES` times or more."""

    card_id: str
    deck_id: str
    lapses: int
    easiness: Decimal
    suspended_at: datetime | None  # naive UTC
    suspended_reason: str | None


class Store:
    """The learner's database. Open it with :meth:`Store.open`, which migrates it first."""

    def __init__(self, engine: Engine, path: Path, write_check: WriteCheck | None = None) -> None:
        self.engine = engine
        self.path = path
        self.write_check = write_check or WriteCheck(path)  # nothing is written into a damaged file
        self.fsrs: Fsrs | None = None
        """The scheduler of :meth:`record_answer`: FSRS, or None for SM-2 (:meth:`use_scheduler`)."""

    @classmethod
    def open(cls, path: Path, *, write_check: WriteCheck | None = None) -> Store:
        """Open (creating or migrating) the database at ``path``.

        Args:
            write_check: the check its first write waits for, when one is already under way.
        """
        upgrade(path)
        return cls(make_engine(path), path, write_check)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self, *, writing: bool = False) -> Iterator[Session]:
        """A transaction, committed at the end of the block.

        Args:
            writing: take the write lock first (BEGIN IMMEDIATE), for a write that depends on
                what it reads: another terminal's answer cannot come in between.

        Raises:
            DatabaseError: SQLite refused (read-only file, lock held too long, disk full), or
                the database is damaged (checked before the first write).
        """
        import sqlalchemy.exc

        if writing:
            self.write_check.ensure()
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if writing:
                    session.connection(execution_options={"immediate": True})
                yield session
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.DatabaseError) as error:
            if isinstance(error, sqlalchemy.exc.IntegrityError):
                raise  # a bug, not the file
            raise explain(self.path, error) from None

    # --- decks ---------------------------------------------------------------------------

    def sync_decks(self, directories: Iterable[Path], now: datetime) -> SyncReport:
        """Load the deck files into the database, skipping files whose hash has not changed.

        New cards are added, edited cards keep their id and progress (their content and
        ``content_changed_at`` change), cards gone from their file are retired with their
        history kept, and a card that comes back is un-retired.
        """
        stamp = utc_naive(now)
        files = deck_files(directories)
        with self.session() as session:  # the daily case: nothing changed, a read is enough
            loaded = {row.id: (row.path, row.file_size, row.file_mtime_ns) for row in session.scalars(select(DeckRow))}
        if unchanged_since_loaded(files, loaded):
            return SyncReport(0, len(files), 0, 0, 0)
        with self.session(writing=True) as session:
            known = {row.id: row for row in session.scalars(select(DeckRow))}
            changed: list[Deck] = []
            skipped = 0
            for path in files:
                row = known.get(path.stem)
                try:
                    stat = path.stat()
                    if row is not None and row.path == str(path):
                        if (row.file_size, row.file_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                            skipped += 1  # untouched since loaded: not even read
                            continue
                        data = read_bounded(path, MAX_DECK_BYTES)
                        if row.file_hash == file_hash(data):
                            row.file_size, row.file_mtime_ns = stat.st_size, stat.st_mtime_ns
                            skipped += 1  # touched, same content: not parsed
                            continue
                    else:
                        data = read_bounded(path, MAX_DECK_BYTES)
                except OSError as exc:
                    raise DeckError(str(path), _("cannot be read ({reason})").format(reason=os_reason(exc))) from None
                except ValueError as exc:
                    raise DeckError(str(path), str(exc)) from None
                changed.append(parse_deck_file(path, data, stat))
            present = {path.stem for path in files}
            # Decks whose file went away since the last load (a forgotten file has no size).
            gone = [row for deck_id, row in known.items() if deck_id not in present and row.file_size is not None]
            if not changed and not gone:
                return SyncReport(0, skipped, 0, 0, 0)
            check_unique_ids(changed)
            self._check_ids_free(session, changed)
            added = edited = retired = 0
            for deck in changed:
                a, e, r = self._store_deck(session, deck, stamp)
                added, edited, retired = added + a, edited + e, retired + r
            # A deck whose file is gone: its cards are retired, their history stays, and the file
            # is forgotten, so that if it comes back it is read again and its cards return.
            for row in gone:
                row.file_hash, row.file_size, row.file_mtime_ns = "", None, None
            vanished = session.execute(
                update(CardRow)
                .where(CardRow.deck_id.not_in(present), CardRow.retired_at.is_(None))
                .values(retired_at=stamp)
            )
            retired += cast(CursorResult[Any], vanished).rowcount
            return SyncReport(len(changed), skipped, added, edited, retired)

    @staticmethod
    def _check_ids_free(session: Session, decks: list[Deck]) -> None:
        """A card id may live in one deck only: refuse one that another stored deck holds."""
        owner = {card.id: deck for deck in decks for card in deck.cards}
        if not owner:
            return
        clashes = session.execute(
            select(CardRow.id, CardRow.deck_id, DeckRow.path)
            .join(DeckRow, DeckRow.id == CardRow.deck_id)
            .where(CardRow.id.in_(owner), CardRow.retired_at.is_(None))
        ).all()
        for card_id, deck_id, other_path in clashes:
            deck = owner[card_id]
            if deck_id != deck.id:
                also = _("this id is also used in {path}").format(path=other_path)
                raise DeckError(str(deck.path), also, card_id=card_id, field="id")

    def _store_deck(self, session: Session, deck: Deck, stamp: datetime) -> tuple[int, int, int]:
        session.merge(
            DeckRow(
                id=deck.id,
                path=str(deck.path),
                file_hash=deck.file_hash,
                file_size=deck.file_size,
                file_mtime_ns=deck.file_mtime_ns,
                title={"fr": deck.title.fr, "en": deck.title.en},
                loaded_at=stamp,
            )
        )
        existing = {row.id: row for row in session.scalars(select(CardRow).where(CardRow.deck_id == deck.id))}
        added = edited = 0
        for position, card in enumerate(deck.cards):
            row = existing.pop(card.id, None)
            content = dict(card.raw or {})
            if row is None:
                session.add(
                    CardRow(
                        id=card.id,
                        deck_id=deck.id,
                        kind=card.kind,
                        content=content,
                        content_hash=card.content_hash,
                        position=position,
                        created_at=stamp,
                        content_changed_at=stamp,
                        retired_at=None,
                    )
                )
                added += 1
                continue
            if row.content_hash != card.content_hash:
                row.content, row.content_hash, row.kind = content, card.content_hash, card.kind
                row.content_changed_at = stamp
                edited += 1
            row.position = position
            row.retired_at = None
        retired = 0
        for row in existing.values():
            if row.retired_at is None:
                row.retired_at = stamp
                retired += 1
        return added, edited, retired

    # --- reading -------------------------------------------------------------------------

    def scheduled_cards(self, card_ids: Sequence[str]) -> list[ScheduledCard]:
        """The cards with their states, in the order of ``card_ids`` (one query)."""
        with self.session() as session:
            rows = session.execute(
                select(CardRow, CardStateRow)
                .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
                .where(CardRow.id.in_(card_ids))
            ).all()
            by_id = {
                card.id: ScheduledCard(_card_from_row(card), _state(state), state.due_on if state else None)
                for card, state in rows
            }
        return [by_id[i] for i in card_ids if i in by_id]

    def due_card_ids(self, today: date, deck: str | None = None, limit: int | None = None) -> list[str]:
        """Ids of the cards due on or before ``today``, most overdue first (not suspended or buried);
        cards due the same day come by id, so by deck."""
        query = (
            select(CardStateRow.card_id)
            .join(CardRow, CardRow.id == CardStateRow.card_id)
            .where(CardStateRow.due_on <= today, available(today))
            # The order of ix_card_states_due_on_card_id: a --limit reads only the rows it returns.
            .order_by(CardStateRow.due_on, CardStateRow.card_id)
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        if limit is not None:
            query = query.limit(limit)
        with self.session() as session:
            return list(session.scalars(query))

    def repeat_card_ids(self, today: date, deck: str | None = None) -> list[str]:
        """Ids of the cards answered below 4 on ``today`` and not yet 4 or more since: the same-day
        repeats still owed (from any session, in any terminal), in the order they were answered."""
        query = (
            select(CardStateRow.card_id)
            .join(CardRow, CardRow.id == CardStateRow.card_id)
            .where(CardStateRow.repeat_on == today, CardStateRow.due_on > today, available(today))
            .order_by(CardStateRow.last_reviewed_at, CardStateRow.card_id)
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        with self.session() as session:
            return list(session.scalars(query))

    def practical_card_ids(self) -> set[str]:
        """Ids of the active practical cards (the few that need Docker)."""
        query = select(CardRow.id).where(CardRow.kind == "practical", CardRow.retired_at.is_(None))
        with self.session() as session:
            return set(session.scalars(query))

    def count_due(self, today: date, deck: str | None = None) -> int:
        """Cards to review on ``today``: due by SM-2, or owing a same-day repeat (the query of
        ``quizdock due``'s light path, :func:`~quizdock.storage.quick.due_count_sql`)."""
        with self.session() as session:
            return int(session.scalar(text(due_count_sql(deck)), {"today": today.isoformat(), "deck": deck}) or 0)

    def new_card_ids(self, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
        """Ids of the day's new cards: cards never reviewed, in deck order but each practical card
        right after the cards it practises (:func:`quizdock.core.queue.new_card_order`);
        suspended cards left out.

        Args:
            today: buried cards are left out until this day reaches their ``buried_until``;
                None leaves out no buried card.
        """
        with self.session() as session:
            return pick_new_cards(lambda sql, params: session.execute(text(sql), params).all(), limit, deck, today)

    def introduced_on(self, today: date) -> int:
        """How many new cards were first reviewed on ``today``, in all decks: the daily limit is
        the learner's, not a deck's."""
        query = select(func.count()).select_from(CardStateRow).where(CardStateRow.introduced_on == today)
        with self.session() as session:
            return session.scalar(query) or 0

    def next_due(self, deck: str | None = None) -> date | None:
        """The day the next reviewed card is due (None: no card has been reviewed)."""
        query = (
            select(func.min(effective_due()))
            .join(CardRow, CardRow.id == CardStateRow.card_id)
            .where(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None))
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        with self.session() as session:
            return session.scalar(query)

    def deck_ids(self) -> list[str]:
        with self.session() as session:
            return list(session.scalars(select(DeckRow.id).order_by(DeckRow.id)))

    def deck_summaries(self, today: date) -> list[DeckSummary]:
        """Per deck: active cards, due today (same-day repeats included), new (never reviewed); suspended
        and buried cards are not due or new."""
        active = CardRow.retired_at.is_(None)
        with self.session() as session:
            decks = {row.id: row for row in session.scalars(select(DeckRow).order_by(DeckRow.id))}
            counts = session.execute(
                select(
                    CardRow.deck_id,
                    func.count(),
                    func.count().filter(
                        or_(
                            CardStateRow.due_on <= today,
                            and_(CardStateRow.repeat_on == today, CardStateRow.due_on > today),
                        ),
                        available(today),
                    ),
                    func.count().filter(CardStateRow.card_id.is_(None), available(today)),
                )
                .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
                .where(active)
                .group_by(CardRow.deck_id)
            ).all()
        by_deck = {deck_id: (total, due, new) for deck_id, total, due, new in counts}
        return [
            DeckSummary(deck_id, Text(**row.title), *by_deck.get(deck_id, (0, 0, 0))) for deck_id, row in decks.items()
        ]

    def card_progress(self, card_id: str) -> CardProgress:
        """Where the card stands, as :meth:`record_answer` hands it to the core (its SM-2 state,
        and its FSRS memory state when FSRS scheduled it): what the grade keys' preview reads.

        Raises:
            NotFound: no card has this id.
        """
        with self.session() as session:
            return _progress(self._card_row(session, card_id), session.get(CardStateRow, card_id))

    # --- writing -------------------------------------------------------------------------

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

    # --- the scheduler -------------------------------------------------------------------

    def use_scheduler(self, name: str, desired_retention: float) -> Fsrs | None:
        """Schedule the next answers with SM-2 (``"sm2"``) or FSRS (``"fsrs"``, with the saved
        parameters), switching the database's due days first if it followed the other
        (:mod:`quizdock.storage.memory`). Returns the FSRS scheduler, None for SM-2."""
        with self.session(writing=True) as session:
            fsrs = None
            if name == "fsrs":
                fsrs = Fsrs(memory.fsrs_parameters(session), desired_retention)
            memory.switch(session, fsrs)
        self.fsrs = fsrs
        return fsrs

    def fsrs_parameters(self) -> tuple[float, ...] | None:
        """The learner's fitted FSRS parameters (None: never fitted, the defaults apply)."""
        with self.session() as session:
            return memory.fsrs_parameters(session)

    def save_fsrs_parameters(self, parameters: Sequence[float]) -> None:
        """Keep fitted FSRS parameters; memory states are computed again with them."""
        with self.session(writing=True) as session:
            memory.set_preference(session, memory.PARAMETERS_KEY, [float(p) for p in parameters])
            session.execute(update(CardStateRow).values(stability=None, difficulty=None))

    def review_histories(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Every reviewed card's scheduling answers: (grade, days since the previous one)."""
        with self.session() as session:
            return list(memory.histories(memory.scheduling_answers(session)))

    def studied_cards(self, today: date, deck: str | None = None) -> list[StudiedCard]:
        """The cards in reviews with their answers, as a workload simulation starts from them."""
        with self.session() as session:
            return memory.studied_cards(session, today, deck)

    # --- suspending and burying ----------------------------------------------------------

    def suspend(self, card_id: str, now: datetime, reason: str = "manual") -> bool:
        """Leave a card out of every review until :meth:`unsuspend`; False if it already was.

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            card = self._card_row(session, card_id)
            if card.suspended_at is not None:
                return False
            card.suspended_at, card.suspended_reason = utc_naive(now), reason
            return True

    def unsuspend(self, card_id: str) -> bool:
        """Return a suspended card to the reviews (its schedule is kept); False if it was not suspended.

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            card = self._card_row(session, card_id)
            if card.suspended_at is None:
                return False
            card.suspended_at = card.suspended_reason = None
            return True

    def bury(self, card_id: str, until: date) -> None:
        """Leave a card out of reviews before the day ``until`` (its schedule is kept).

        Raises:
            NotFound: no card has this id.
        """
        with self.session(writing=True) as session:
            self._card_row(session, card_id).buried_until = until

    def unbury(self, card_id: str | None, today: date) -> list[str]:
        """Bring buried cards back into today's reviews: this card, or every card buried past ``today``.

        Returns:
            The ids of the cards that were buried (empty: none was).

        Raises:
            NotFound: no card has this id.
        """
        buried = and_(CardRow.buried_until.is_not(None), CardRow.buried_until > today)
        with self.session(writing=True) as session:
            if card_id is not None:
                self._card_row(session, card_id)
            query = select(CardRow).where(buried).order_by(CardRow.id)
            if card_id is not None:
                query = query.where(CardRow.id == card_id)
            rows = list(session.scalars(query))
            for row in rows:
                row.buried_until = None
            return [row.id for row in rows]

    def leeches(self, deck: str | None = None) -> list[Leech]:
        """Active cards with :data:`LEECH_LAPSES` lapses or more, most lapses first."""
        query = (
            select(CardRow, CardStateRow)
            .join(CardStateRow, CardStateRow.card_id == CardRow.id)
            .where(CardStateRow.lapses >= LEECH_LAPSES, CardRow.retired_at.is_(None))
            .order_by(CardStateRow.lapses.desc(), CardRow.id)
        )
        if deck is not None:
            query = query.where(CardRow.deck_id == deck)
        with self.session() as session:
            return [
                Leech(
                    card.id,
                    card.deck_id,
                    state.lapses,
                    centi_to_easiness(state.easiness_centi),
                    card.suspended_at,
                    card.suspended_reason,
                )
                for card, state in session.execute(query)
            ]

    # --- reports: statistics and export ----------------------------------------------------

    def daily_activity(self, offset: timedelta, deck: str | None = None) -> list[DayActivity]:
        """Per local day (``offset``: the learner's UTC offset), oldest first: answers, time spent,
        and the first answer to each card that day."""
        with self.session() as session:
            return queries.daily_activity(session, offset, deck)

    def due_per_day(self, today: date, until: date, deck: str | None = None) -> dict[date, int]:
        """Cards due per day up to ``until`` (a buried card counts on the day it comes back, a
        same-day repeat today); suspended ones left out."""
        with self.session() as session:
            return queries.due_per_day(session, today, until, deck)

    def count_new(self, today: date, deck: str | None = None) -> int:
        """New cards a review could bring in on ``today`` (not suspended, buried or retired)."""
        with self.session() as session:
            return queries.count_new(session, today, deck)

    def deck_states(self, deck: str | None = None) -> list[DeckStates]:
        """Per deck, in id order: cards by state, leeches and the E-Factor sum."""
        with self.session() as session:
            return queries.deck_states(session, deck)

    def hardest_cards(
        self, deck: str | None = None, limit: int = 10
    ) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...]]:
        """The ``limit`` cards with the lowest E-Factor (below 2.5), and those with the most lapses;
        retired cards left out."""
        with self.session() as session:
            return queries.hardest_cards(session, deck, limit)

    def active_cards(self, deck: str | None = None, *, with_progress: bool = False) -> list[StoredCard]:
        """The active cards, by deck then deck order; ``with_progress``: with their SM-2 state and
        review log."""
        with self.session() as session:
            return queries.active_cards(session, deck, with_progress)

    # --- the card browser and the challenges' progress ------------------------------------

    def browse_cards(
        self, today: date, deck: str | None = None, state: str | None = None, text: str | None = None
    ) -> list[ListedCard]:
        """The active cards in deck order, filtered by deck, state (:data:`BROWSE_STATES`) and text."""
        with self.session() as session:
            return queries.browse_cards(session, today, deck, state, text)

    def card_history(self, card_id: str) -> StoredCard:
        """One card with its state and whole review log (a retired card too).

        Raises:
            NotFound: no card has this id.
        """
        with self.session() as session:
            found = queries.card_history(session, card_id)
            if found is None:
                self._card_row(session, card_id)  # raises, with the closest id
            assert found is not None
            return found

    def practice(self) -> dict[str, Practice]:
        """Per active practical card: its next review and its last answer."""
        with self.session() as session:
            return queries.practice(session)

    def last_reviewed_at(self, card_id: str) -> datetime | None:
        """The moment of the card's last answer, aware UTC (None: never answered)."""
        with self.session() as session:
            state = session.get(CardStateRow, card_id)
        return None if state is None else state.last_reviewed_at.replace(tzinfo=UTC)

    @staticmethod
    def _card_row(session: Session, card_id: str) -> CardRow:
        card = session.get(CardRow, card_id)
        if card is None:
            hint = did_you_mean(card_id, session.scalars(select(CardRow.id)))
            raise NotFound(
                _("There is no card {card}.").format(card=quoted(card_id)) + hint, _("Card ids look like 'deck/slug'.")
            )
        return card


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


def _state(row: CardStateRow | None) -> CardState | None:
    if row is None:
        return None
    return CardState(row.repetitions, row.interval, centi_to_easiness(row.easiness_centi))


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


def _card_from_row(row: CardRow) -> Card:
    return parse_card(row.content, deck_id=row.deck_id, path=f"(stored deck {row.deck_id})")
