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
from typing import TYPE_CHECKING, Any

from quizdock.core.queue import new_allowance
from quizdock.storage.records import DayActivity, DeckStates, HardCard

if TYPE_CHECKING:
    from quizdock.core.fsrs import Fsrs
    from quizdock.core.workload import StudiedCard
    from quizdock.storage.store import Store

JSON_SCHEMA = 1  # bumped only when a key changes meaning or disappears (docs/json-output.md)
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_WINDOWS = (7, 30)
HARDEST_LIMIT = 10
STATES = ("new", "learning", "young", "mature", "suspended", "retired")


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
class ForecastDay:
    day: date
    due: int


@dataclass(frozen=True, slots=True)
class MemoryFigures:
    """Under FSRS: what its model predicts of the learner's memory.

    Attributes:
        cards: studied cards (in reviews).
        retrievability: their average probability of recall today.
        bands: how many are below 70 %, 70-80 %, 80-90 %, 90 % or more likely recalled today.
        predicted_retention: the share of the reviews of the next 30 days predicted recalled.
        reviews: those reviews (each card's next one, overdue ones today).
    """

    cards: int
    retrievability: float
    bands: tuple[int, int, int, int]
    predicted_retention: float
    reviews: int
    desired_retention: float

    def to_json(self) -> dict[str, Any]:
        return {
            "cards": self.cards,
            "retrievability": round(self.retrievability, 4),
            "retrievability_bands": dict(zip(("below_70", "70_80", "80_90", "90_up"), self.bands, strict=True)),
            "predicted_retention": round(self.predicted_retention, 4),
            "reviews_next_30_days": self.reviews,
            "desired_retention": self.desired_retention,
        }


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
    memory: MemoryFigures | None = None  # under FSRS only

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
            **({"fsrs": self.memory.to_json()} if self.memory is not None else {}),
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
    return min(new_available, new_allowance(new_per_day, introduced_today))


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


def memory_figures(cards: Sequence[StudiedCard], fsrs: Fsrs, days: int = FORECAST_DAYS) -> MemoryFigures:
    """What FSRS predicts for these cards: recall today, and at their next review within ``days``."""
    from quizdock.core.workload import replay

    today_r: list[float] = []
    at_review: list[float] = []
    for card in cards:
        memory, interval = replay(fsrs, card.history)
        if memory is None:
            continue
        today_r.append(fsrs.retrievability(memory, -card.last_day))
        due = card.last_day + interval
        if due < days:
            at_review.append(fsrs.retrievability(memory, max(due, 0) - card.last_day))
    bands = [0, 0, 0, 0]
    for r in today_r:
        bands[min(3, max(0, int(r * 10) - 6))] += 1
    return MemoryFigures(
        cards=len(today_r),
        retrievability=sum(today_r) / len(today_r) if today_r else 0.0,
        bands=(bands[0], bands[1], bands[2], bands[3]),
        predicted_retention=sum(at_review) / len(at_review) if at_review else 0.0,
        reviews=len(at_review),
        desired_retention=fsrs.desired_retention,
    )


def collect(
    store: Store, *, now: datetime, today: date, new_per_day: int, deck: str | None = None, fsrs: Fsrs | None = None
) -> Stats:
    """Run the aggregate queries and compute every figure of ``quizdock stats``.

    Args:
        store: the learner's database.
        now: the current time, aware; its UTC offset decides which local day a review fell on.
        today: the learner's local date.
        new_per_day: the daily allowance of new cards (config ``new_per_day``).
        deck: only this deck's cards.
        fsrs: the scheduler in use when it is FSRS: its predictions are added.
    """
    offset = now.utcoffset()
    if offset is None:
        raise ValueError("now must be an aware datetime")
    activity = store.daily_activity(offset, deck=deck)
    due_by_day = store.due_per_day(today, today + timedelta(days=FORECAST_DAYS), deck=deck)
    allowance = new_left(new_per_day, store.introduced_on(today), store.count_new(today, deck))
    lowest, most = store.hardest_cards(deck=deck, limit=HARDEST_LIMIT)
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
        decks=tuple(store.deck_states(deck=deck)),
        lowest_easiness=lowest,
        most_lapses=most,
        memory=None if fsrs is None else memory_figures(store.studied_cards(today, deck), fsrs),
    )


# --- helpers -----------------------------------------------------------------------------


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
