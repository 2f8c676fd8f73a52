"""The SQL of the store's reports: statistics and the export's reading of every card.

Each function runs in a session the :class:`~quizdock.storage.store.Store` opens and returns
plain records (:mod:`quizdock.storage.records`); callers use the store's methods.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from quizdock.core import LEECH_LAPSES, PASSING
from quizdock.core.scheduler import MATURE_INTERVAL
from quizdock.core.sm2 import INITIAL_EASINESS
from quizdock.decks.loading import parse_card
from quizdock.i18n import Text
from quizdock.storage.models import CardRow, CardStateRow, ReviewRow
from quizdock.storage.records import (
    DayActivity,
    DeckStates,
    HardCard,
    ListedCard,
    Practice,
    Progress,
    ReviewEntry,
    StoredCard,
)
from quizdock.storage.sql import available, centi_to_easiness, easiness_to_centi, effective_due


def daily_activity(session: Session, offset: timedelta, deck: str | None = None) -> list[DayActivity]:
    """Per local day, oldest first: answers, time, and the first answer to each card (one query).

    Args:
        offset: the learner's UTC offset; stored times are naive UTC.
    """
    # SQLite shifts the stored UTC time by the offset, then keeps the date.
    day = func.date(ReviewRow.reviewed_at, f"{int(offset.total_seconds()):+d} seconds")
    rank = func.row_number().over(partition_by=(ReviewRow.card_id, day), order_by=(ReviewRow.reviewed_at, ReviewRow.id))
    inner = select(
        day.label("day"),
        ReviewRow.quality,
        ReviewRow.duration_ms,
        ReviewRow.before_interval,
        rank.label("rank"),
    )
    if deck is not None:
        inner = inner.join(CardRow, CardRow.id == ReviewRow.card_id).where(CardRow.deck_id == deck)
    rows = inner.subquery()
    first = rows.c.rank == 1
    passed = rows.c.quality >= PASSING
    mature = rows.c.before_interval >= MATURE_INTERVAL
    query = (
        select(
            rows.c.day,
            func.count(),
            func.coalesce(func.sum(rows.c.duration_ms), 0),
            func.count().filter(first),
            func.count().filter(and_(first, passed)),
            func.count().filter(and_(first, mature)),
            func.count().filter(and_(first, mature, passed)),
        )
        .group_by(rows.c.day)
        .order_by(rows.c.day)
    )
    return [DayActivity(_as_date(d), *(int(v) for v in values)) for d, *values in session.execute(query)]


def due_per_day(session: Session, today: date, until: date, deck: str | None = None) -> dict[date, int]:
    """Cards due per day up to ``until`` (a buried card counts on the day it comes back);
    suspended ones left out. A card answered below 4 today owes a repeat today and is due again
    on its SM-2 day: it counts on both."""
    scheduled = effective_due()
    counted = (
        select(scheduled, func.count())
        .select_from(CardStateRow)
        .join(CardRow, CardRow.id == CardStateRow.card_id)
        .where(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None), scheduled <= until)
        .group_by(scheduled)
    )
    owed = (
        select(func.count())
        .select_from(CardStateRow)
        .join(CardRow, CardRow.id == CardStateRow.card_id)
        .where(
            CardRow.retired_at.is_(None),
            CardRow.suspended_at.is_(None),
            CardStateRow.repeat_on == today,
            scheduled > today,
        )
    )
    if deck is not None:
        counted = counted.where(CardRow.deck_id == deck)
        owed = owed.where(CardRow.deck_id == deck)
    days = {_as_date(day): count for day, count in session.execute(counted)}
    if repeats := int(session.execute(owed).scalar_one()):
        days[today] = days.get(today, 0) + repeats
    return days


def count_new(session: Session, today: date, deck: str | None = None) -> int:
    """New cards a review could bring in today (not suspended, not buried, not retired)."""
    query = (
        select(func.count())
        .select_from(CardRow)
        .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
        .where(CardStateRow.card_id.is_(None), available(today))
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    return session.scalar(query) or 0


def deck_states(session: Session, deck: str | None = None) -> list[DeckStates]:
    """Per deck, in id order: cards by state, leeches and the E-Factor sum (one query)."""
    retired = CardRow.retired_at.is_not(None)
    active = CardRow.retired_at.is_(None)
    suspended = and_(active, CardRow.suspended_at.is_not(None))
    studied = and_(active, CardRow.suspended_at.is_(None), CardStateRow.card_id.is_not(None))
    reviewed = and_(active, CardStateRow.card_id.is_not(None))
    counts: list[ColumnElement[Any]] = [
        func.count().filter(and_(active, CardRow.suspended_at.is_(None), CardStateRow.card_id.is_(None))),
        func.count().filter(and_(studied, CardStateRow.repetitions == 0)),
        func.count().filter(and_(studied, CardStateRow.repetitions > 0, CardStateRow.interval < MATURE_INTERVAL)),
        func.count().filter(and_(studied, CardStateRow.repetitions > 0, CardStateRow.interval >= MATURE_INTERVAL)),
        func.count().filter(suspended),
        func.count().filter(retired),
        func.count().filter(and_(reviewed, CardStateRow.lapses >= LEECH_LAPSES)),
        func.coalesce(func.sum(CardStateRow.easiness_centi).filter(reviewed), 0),
        func.count().filter(reviewed),
    ]
    query = (
        select(CardRow.deck_id, *counts)
        .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
        .group_by(CardRow.deck_id)
        .order_by(CardRow.deck_id)
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    return [DeckStates(deck_id, *(int(v) for v in values)) for deck_id, *values in session.execute(query)]


def hardest_cards(
    session: Session, deck: str | None = None, limit: int = 10
) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...]]:
    """The cards with the lowest E-Factor (below the starting 2.5) and those with the most lapses.

    Retired cards are left out; suspended ones stay (leeches are hard cards).
    """
    columns = (
        CardRow.id,
        CardRow.deck_id,
        CardStateRow.easiness_centi,
        CardStateRow.lapses,
        CardStateRow.interval,
        CardStateRow.repetitions,
        CardRow.suspended_at,
    )
    base = select(*columns).join(CardStateRow, CardStateRow.card_id == CardRow.id).where(CardRow.retired_at.is_(None))
    if deck is not None:
        base = base.where(CardRow.deck_id == deck)
    lowest = (
        base.where(CardStateRow.easiness_centi < easiness_to_centi(INITIAL_EASINESS))
        .order_by(CardStateRow.easiness_centi, CardStateRow.lapses.desc(), CardRow.id)
        .limit(limit)
    )
    most = (
        base.where(CardStateRow.lapses > 0)
        .order_by(CardStateRow.lapses.desc(), CardStateRow.easiness_centi, CardRow.id)
        .limit(limit)
    )
    return (
        tuple(_hard_card(*row) for row in session.execute(lowest)),
        tuple(_hard_card(*row) for row in session.execute(most)),
    )


def active_cards(session: Session, deck: str | None = None, with_progress: bool = False) -> list[StoredCard]:
    """The active cards, by deck then deck order, with their SM-2 state and log when asked for."""
    # Plain rows, not ORM objects: an export reads every card of the collection.
    query = (
        select(
            CardRow.id,
            CardRow.deck_id,
            CardRow.content,
            CardRow.created_at,
            CardRow.content_changed_at,
            CardRow.suspended_at,
            CardRow.suspended_reason,
        )
        .where(CardRow.retired_at.is_(None))
        .order_by(CardRow.deck_id, CardRow.position)
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    rows = session.execute(query).all()
    states: dict[str, CardStateRow] = {}
    reviews: dict[str, list[ReviewEntry]] = defaultdict(list)
    if with_progress and rows:
        # The same cards as a subquery, not a list of ids: SQLite builds limit bound values (32,766 by default).
        ids = select(CardRow.id).where(CardRow.retired_at.is_(None))
        if deck is not None:
            ids = ids.where(CardRow.deck_id == deck)
        states = {s.card_id: s for s in session.scalars(select(CardStateRow).where(CardStateRow.card_id.in_(ids)))}
        log = session.scalars(
            select(ReviewRow).where(ReviewRow.card_id.in_(ids)).order_by(ReviewRow.reviewed_at, ReviewRow.id)
        )
        for review in log:
            reviews[review.card_id].append(review_entry(review))
    cards: list[StoredCard] = []
    for row in rows:
        state = states.get(row.id)
        progress = None
        if state is not None:
            progress = Progress(
                repetitions=state.repetitions,
                interval=state.interval if state.scheduled_days is None else state.scheduled_days,
                easiness_centi=state.easiness_centi,
                due_on=state.due_on,
                lapses=state.lapses or 0,
                last_reviewed_at=state.last_reviewed_at,
                reviews=tuple(reviews[row.id]),
                stability=state.stability,
                difficulty=state.difficulty,
            )
        card = parse_card(row.content, deck_id=row.deck_id, path=f"(stored deck {row.deck_id})")
        suspended = (row.suspended_reason or "manual") if row.suspended_at is not None else None
        cards.append(StoredCard(card, row.created_at, row.content_changed_at, progress, suspended))
    return cards


def browse_cards(
    session: Session, today: date, deck: str | None = None, state: str | None = None, text: str | None = None
) -> list[ListedCard]:
    """The active cards in deck order, those of ``deck``, in ``state`` (one of
    :data:`~quizdock.storage.records.BROWSE_STATES`) and holding ``text`` (in the id, the question
    or the answer, in either language, whatever the case)."""
    query = (
        select(
            CardRow.id,
            CardRow.deck_id,
            CardRow.kind,
            CardRow.content,
            CardStateRow.due_on,
            CardStateRow.easiness_centi,
            CardStateRow.lapses,
            CardRow.suspended_at,
            CardRow.buried_until,
        )
        .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
        .where(CardRow.retired_at.is_(None))
        .order_by(CardRow.deck_id, CardRow.position)
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    if state is not None:
        query = query.where(_in_state(state, today))
    wanted = text.casefold() if text else None
    listed: list[ListedCard] = []
    for card_id, deck_id, kind, content, due_on, centi, lapses, suspended_at, buried_until in session.execute(query):
        if wanted is not None and not any(wanted in shown.casefold() for shown in _searched(card_id, content)):
            continue
        question = content.get("question") or {}
        listed.append(
            ListedCard(
                card_id,
                deck_id,
                kind,
                Text(fr=str(question.get("fr", "")), en=str(question.get("en", ""))),
                due_on,
                centi_to_easiness(centi) if centi is not None else None,
                lapses or 0,
                suspended_at is not None,
                buried_until if buried_until is not None and buried_until > today else None,
            )
        )
    return listed


def _in_state(state: str, today: date) -> ColumnElement[bool]:
    """The SQL condition of a card in a state of the card browser."""
    reviewed = CardStateRow.card_id.is_not(None)
    conditions: dict[str, ColumnElement[bool]] = {
        "new": CardStateRow.card_id.is_(None),
        # As review and `quizdock due` count them: due by SM-2 or owing a same-day repeat.
        "due": and_(
            or_(CardStateRow.due_on <= today, and_(CardStateRow.repeat_on == today, CardStateRow.due_on > today)),
            available(today),
        ),
        "learning": and_(reviewed, CardStateRow.repetitions == 0),
        "suspended": CardRow.suspended_at.is_not(None),
        "buried": and_(CardRow.buried_until.is_not(None), CardRow.buried_until > today),
        "leech": and_(reviewed, CardStateRow.lapses >= LEECH_LAPSES),
    }
    return conditions[state]


def _searched(card_id: str, content: dict[str, Any]) -> list[str]:
    """What the card browser's TEXT is looked for in: the id, the question and the answer."""
    texts = [card_id]
    for field in ("question", "answer"):
        value = content.get(field)
        if isinstance(value, dict):
            texts += [str(v) for v in value.values()]
        elif isinstance(value, str):
            texts.append(value)  # a command card's answer is the command itself
    return texts


def review_entry(review: ReviewRow) -> ReviewEntry:
    """A review log row as the records give it (an export and a card's history alike)."""
    return ReviewEntry(
        reviewed_at=review.reviewed_at,
        quality=review.quality,
        duration_ms=review.duration_ms,
        is_repeat=review.is_repeat,
        first=review.before_due_on is None and not review.is_repeat,
        before_interval=review.before_interval,
        after_interval=review.after_interval,
        after_easiness_centi=review.after_easiness_centi,
        after_due_on=review.after_due_on,
        answer=review.answer,
    )


def card_history(session: Session, card_id: str) -> StoredCard | None:
    """One card, retired or not, with its SM-2 state and its whole review log; None if no card has this id."""
    row = session.get(CardRow, card_id)
    if row is None:
        return None
    state = session.get(CardStateRow, card_id)
    log = session.scalars(
        select(ReviewRow).where(ReviewRow.card_id == card_id).order_by(ReviewRow.reviewed_at, ReviewRow.id)
    )
    reviews = tuple(review_entry(review) for review in log)
    progress = None
    if state is not None:
        progress = Progress(
            repetitions=state.repetitions,
            interval=state.interval,
            easiness_centi=state.easiness_centi,
            due_on=state.due_on,
            lapses=state.lapses or 0,
            last_reviewed_at=state.last_reviewed_at,
            reviews=reviews,
        )
    card = parse_card(row.content, deck_id=row.deck_id, path=f"(stored deck {row.deck_id})")
    suspended = (row.suspended_reason or "manual") if row.suspended_at is not None else None
    return StoredCard(
        card, row.created_at, row.content_changed_at, progress, suspended, row.buried_until, row.retired_at
    )


def practice(session: Session) -> dict[str, Practice]:
    """Per active practical card: its next review and its last answer (one query)."""
    latest = func.row_number().over(
        partition_by=ReviewRow.card_id, order_by=(ReviewRow.reviewed_at.desc(), ReviewRow.id.desc())
    )
    answers = (
        select(ReviewRow.card_id, ReviewRow.reviewed_at, ReviewRow.quality, latest.label("rank"))
        .join(CardRow, CardRow.id == ReviewRow.card_id)
        .where(CardRow.kind == "practical")
        .subquery()
    )
    query = (
        select(CardRow.id, CardStateRow.due_on, answers.c.reviewed_at, answers.c.quality)
        .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
        .outerjoin(answers, and_(answers.c.card_id == CardRow.id, answers.c.rank == 1))
        .where(CardRow.kind == "practical", CardRow.retired_at.is_(None))
    )
    return {card_id: Practice(card_id, due_on, at, quality) for card_id, due_on, at, quality in session.execute(query)}


def _hard_card(
    card_id: str, deck: str, centi: int, lapses: int, interval: int, repetitions: int, suspended: datetime | None
) -> HardCard:
    return HardCard(card_id, deck, centi_to_easiness(centi), lapses, interval, repetitions, suspended is not None)


def _as_date(value: date | str) -> date:
    # SQLite's date() returns text; a typed column comes back as a date already.
    return value if isinstance(value, date) else date.fromisoformat(value)
