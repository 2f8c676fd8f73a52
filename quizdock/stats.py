"""Progress statistics: today, streaks, a year of activity, the forecast, retention, card states.

The figures come from a few aggregate queries (:func:`collect`) and pure functions over their
rows, which take ``today`` explicitly so tests can pin any day. The definitions, also given in
``docs/json-output.md`` and ``quizdock stats --help``:

* a **day** is the learner's local day, counted with the UTC offset of ``now`` (the offset in
  force when the statistics are drawn; reviews saved under another offset may shift by the
  difference);
* **reviewed** (today) counts the cards answered, **correct** those whose first answer of the
  day was graded 3 or more, **answers** every logged answer (same-day repeats included);
* the **streak** is the run of consecutive days with at least one answer that ends today, or
  yesterday when nothing has been answered yet today: a streak lasts until the day is over;
* **retention** is the share of first answers to a card on a day graded 3 or more (same-day
  repeats do not count) over the last 7 and 30 days (today included); **mature** retention
  counts only cards whose interval was 21 days or more when answered;
* card **states** are exclusive: retired (gone from its deck file), suspended, new (never
  reviewed), learning (its last answer failed: repetitions 0), young (interval under 21 days),
  mature (interval 21 days or more).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select

from quizdock.core import LEECH_LAPSES, PASSING
from quizdock.storage.models import CardRow, CardStateRow, ReviewRow
from quizdock.storage.store import Store, available, centi_to_easiness, effective_due

JSON_SCHEMA = 1  # bumped only when a key changes meaning or disappears (docs/json-output.md)
MATURE_INTERVAL = 21
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_WINDOWS = (7, 30)
HARDEST_LIMIT = 10
STATES = ("new", "learning", "young", "mature", "suspended", "retired")


@dataclass(frozen=True, slots=True)
class DayActivity:
    """The answers of one local day.

    Attributes:
        answers: every logged answer, same-day repeats included.
        time_ms: time spent answering.
        cards: cards answered (the first answer to each card that day).
        passed: of those first answers, the ones graded 3 or more.
        mature: first answers to a card whose interval was 21 days or more before the answer.
        mature_passed: of those, the ones graded 3 or more.
    """

    day: date
    answers: int
    time_ms: int
    cards: int
    passed: int
    mature: int
    mature_passed: int


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    longest: int


@dataclass(frozen=True, slots=True)
class Today:
    """Today at a glance: ``due`` is due now (overdue included), ``new_left`` new cards still allowed."""

    reviewed: int
    correct: int
    answers: int
    time_ms: int
    due: int
    new_left: int


@dataclass(frozen=True, slots=True)
class Rate:
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        """passed / total rounded to 4 places; None without any answer."""
        return round(self.passed / self.total, 4) if self.total else None


@dataclass(frozen=True, slots=True)
class Retention:
    days: int
    all: Rate
    mature: Rate


@dataclass(frozen=True, slots=True)
class DeckStates:
    """Cards of one deck by state (exclusive), with the sum behind the average E-Factor."""

    deck: str
    new: int
    learning: int
    young: int
    mature: int
    suspended: int
    retired: int
    leeches: int
    easiness_centi_sum: int  # over the reviewed cards not retired
    reviewed_cards: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended + self.retired

    @property
    def average_easiness(self) -> Decimal | None:
        """The mean E-Factor of the reviewed cards not retired, two places (half up)."""
        if not self.reviewed_cards:
            return None
        mean = Decimal(self.easiness_centi_sum) / self.reviewed_cards / 100
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class HardCard:
    card_id: str
    deck: str
    easiness: Decimal
    lapses: int
    interval: int
    repetitions: int
    suspended: bool


@dataclass(frozen=True, slots=True)
class ForecastDay:
    day: date
    due: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything ``quizdock stats`` shows; :meth:`to_json` is the documented ``--json`` output."""

    day: date  # today
    generated_at: datetime
    deck: str | None
    today: Today
    streak: Streak
    heatmap_from: date
    heatmap: Mapping[date, int]  # answers per day, days without any left out
    forecast: tuple[ForecastDay, ...]
    retention: tuple[Retention, ...]
    decks: tuple[DeckStates, ...]
    lowest_easiness: tuple[HardCard, ...]
    most_lapses: tuple[HardCard, ...]

    @property
    def all_decks(self) -> DeckStates:
        """The sum of :attr:`decks`."""
        return sum_states(self.decks)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document (schema in docs/json-output.md)."""
        every = self.all_decks
        return {
            "schema": JSON_SCHEMA,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "date": self.day.isoformat(),
            "deck": self.deck,
            "today": {
                "reviewed": self.today.reviewed,
                "correct": self.today.correct,
                "answers": self.today.answers,
                "time_ms": self.today.time_ms,
                "due": self.today.due,
                "new_left": self.today.new_left,
            },
            "streak": {"current": self.streak.current, "longest": self.streak.longest},
            "heatmap": {
                "from": self.heatmap_from.isoformat(),
                "to": self.day.isoformat(),
                "answers": {day.isoformat(): n for day, n in sorted(self.heatmap.items())},
            },
            "forecast": [{"date": f.day.isoformat(), "due": f.due} for f in self.forecast],
            "retention": {
                f"last_{r.days}_days": {"all": _rate_json(r.all), "mature": _rate_json(r.mature)}
                for r in self.retention
            },
            "cards": {
                "decks": [_states_json(s) for s in self.decks],
                "all": _states_json(every),
            },
            "hardest": {
                "lowest_easiness": [_card_json(c) for c in self.lowest_easiness],
                "most_lapses": [_card_json(c) for c in self.most_lapses],
            },
            "leeches": every.leeches,
        }


# --- pure computations -------------------------------------------------------------------


def streak(days: Iterable[date], today: date) -> Streak:
    """The current and longest runs of consecutive days in ``days``.

    The current run ends today, or yesterday when ``today`` is not in ``days`` (the day is
    not over yet); it is 0 when neither day is.
    """
    active = set(days)
    longest = run = 0
    previous: date | None = None
    for day in sorted(active):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    end = today if today in active else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in active:
        current += 1
    return Streak(current, longest)


def retention(activity: Iterable[DayActivity], today: date, days: int) -> Retention:
    """Retention over the ``days`` days ending with ``today`` (both ends included)."""
    first = today - timedelta(days=days - 1)
    window = [a for a in activity if first <= a.day <= today]
    return Retention(
        days,
        Rate(sum(a.passed for a in window), sum(a.cards for a in window)),
        Rate(sum(a.mature_passed for a in window), sum(a.mature for a in window)),
    )


def heatmap(activity: Iterable[DayActivity], today: date, days: int = HEATMAP_DAYS) -> dict[date, int]:
    """Answers per day over the ``days`` days ending with ``today``; days without any left out."""
    first = today - timedelta(days=days - 1)
    return {a.day: a.answers for a in activity if first <= a.day <= today and a.answers}


def forecast(due_by_day: Mapping[date, int], today: date, days: int = FORECAST_DAYS) -> tuple[ForecastDay, ...]:
    """Cards falling due on each of the ``days`` days after ``today`` (what is due by today is "due now")."""
    return tuple(
        ForecastDay(day, due_by_day.get(day, 0)) for day in (today + timedelta(days=i) for i in range(1, days + 1))
    )


def due_now(due_by_day: Mapping[date, int], today: date) -> int:
    """Cards due on or before ``today``."""
    return sum(n for day, n in due_by_day.items() if day <= today)


def new_left(new_per_day: int, introduced_today: int, new_available: int) -> int:
    """New cards a review may still bring in today: the daily allowance left, at most those there are."""
    return min(new_available, max(0, new_per_day - introduced_today))


def today_figures(activity: Iterable[DayActivity], today: date, *, due: int, new_left: int) -> Today:
    day = next((a for a in activity if a.day == today), None)
    if day is None:
        return Today(0, 0, 0, 0, due, new_left)
    return Today(day.cards, day.passed, day.answers, day.time_ms, due, new_left)


def sum_states(decks: Sequence[DeckStates], name: str = "all") -> DeckStates:
    """Add up per-deck states (the average E-Factor is over all the reviewed cards)."""
    return DeckStates(
        name,
        *(
            sum(getattr(d, field) for d in decks)
            for field in (*STATES, "leeches", "easiness_centi_sum", "reviewed_cards")
        ),
    )


# --- queries -----------------------------------------------------------------------------


def collect(store: Store, *, now: datetime, today: date, new_per_day: int, deck: str | None = None) -> Stats:
    """Run the aggregate queries and compute every figure of ``quizdock stats``.

    Args:
        store: the learner's database.
        now: the current time, aware; its UTC offset decides which local day a review fell on.
        today: the learner's local date.
        new_per_day: the daily allowance of new cards (config ``new_per_day``).
        deck: only this deck's cards.
    """
    offset = now.utcoffset()
    if offset is None:
        raise ValueError("now must be an aware datetime")
    activity = daily_activity(store, offset, deck=deck)
    due_by_day = due_per_day(store, today, today + timedelta(days=FORECAST_DAYS), deck=deck)
    allowance = new_left(new_per_day, store.introduced_on(today), count_new_available(store, today, deck))
    lowest, most = hardest_cards(store, deck=deck)
    return Stats(
        day=today,
        generated_at=now,
        deck=deck,
        today=today_figures(activity, today, due=due_now(due_by_day, today), new_left=allowance),
        streak=streak((a.day for a in activity if a.answers), today),
        heatmap_from=today - timedelta(days=HEATMAP_DAYS - 1),
        heatmap=heatmap(activity, today),
        forecast=forecast(due_by_day, today),
        retention=tuple(retention(activity, today, days) for days in RETENTION_WINDOWS),
        decks=tuple(deck_states(store, deck=deck)),
        lowest_easiness=lowest,
        most_lapses=most,
    )


def daily_activity(store: Store, offset: timedelta, deck: str | None = None) -> list[DayActivity]:
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
    with store.session() as session:
        return [DayActivity(_as_date(d), *(int(v) for v in values)) for d, *values in session.execute(query)]


def due_per_day(store: Store, today: date, until: date, deck: str | None = None) -> dict[date, int]:
    """Cards due per day up to ``until`` (a buried card counts on the day it comes back, a same-day repeat
    today); suspended ones left out."""
    scheduled = effective_due()
    # A card answered below 4 today owes a repeat today, whatever its SM-2 due date.
    due = case((and_(CardStateRow.repeat_on == today, scheduled > today), literal(today)), else_=scheduled)
    query = (
        select(due, func.count())
        .select_from(CardStateRow)
        .join(CardRow, CardRow.id == CardStateRow.card_id)
        .where(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None), due <= until)
        .group_by(due)
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    with store.session() as session:
        return {_as_date(day): count for day, count in session.execute(query)}


def count_new_available(store: Store, today: date, deck: str | None = None) -> int:
    """New cards a review could bring in today (not suspended, not buried, not retired)."""
    query = (
        select(func.count())
        .select_from(CardRow)
        .outerjoin(CardStateRow, CardStateRow.card_id == CardRow.id)
        .where(CardStateRow.card_id.is_(None), available(today))
    )
    if deck is not None:
        query = query.where(CardRow.deck_id == deck)
    with store.session() as session:
        return session.scalar(query) or 0


def deck_states(store: Store, deck: str | None = None) -> list[DeckStates]:
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
    with store.session() as session:
        return [DeckStates(deck_id, *(int(v) for v in values)) for deck_id, *values in session.execute(query)]


def hardest_cards(
    store: Store, deck: str | None = None, limit: int = HARDEST_LIMIT
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
        base.where(CardStateRow.easiness_centi < 250)
        .order_by(CardStateRow.easiness_centi, CardStateRow.lapses.desc(), CardRow.id)
        .limit(limit)
    )
    most = (
        base.where(CardStateRow.lapses > 0)
        .order_by(CardStateRow.lapses.desc(), CardStateRow.easiness_centi, CardRow.id)
        .limit(limit)
    )
    with store.session() as session:
        return (
            tuple(_hard_card(*row) for row in session.execute(lowest)),
            tuple(_hard_card(*row) for row in session.execute(most)),
        )


# --- helpers -----------------------------------------------------------------------------


def _hard_card(
    card_id: str, deck: str, centi: int, lapses: int, interval: int, repetitions: int, suspended: datetime | None
) -> HardCard:
    return HardCard(card_id, deck, centi_to_easiness(centi), lapses, interval, repetitions, suspended is not None)


def _as_date(value: date | str) -> date:
    # SQLite's date() returns text; a typed column comes back as a date already.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {"passed": rate.passed, "total": rate.total, "rate": rate.rate}


def _states_json(states: DeckStates) -> dict[str, Any]:
    average = states.average_easiness
    return {
        "deck": states.deck,
        **{name: getattr(states, name) for name in STATES},
        "total": states.total,
        "leeches": states.leeches,
        "average_easiness": float(average) if average is not None else None,
    }


def _card_json(card: HardCard) -> dict[str, Any]:
    return {
        "id": card.card_id,
        "deck": card.deck,
        "easiness": float(card.easiness),
        "lapses": card.lapses,
        "interval": card.interval,
        "repetitions": card.repetitions,
        "suspended": card.suspended,
    }
