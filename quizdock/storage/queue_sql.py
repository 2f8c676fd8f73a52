"""The review queue's SQL, each query written once: the light path (:mod:`quizdock.storage.quick`,
sqlite3) and the :class:`~quizdock.storage.store.Store` (SQLAlchemy's ``text()``) run the same text
with the same named parameters (:func:`parameters`), and build the same records from its rows.

No SQLAlchemy here: a review's first card is read before SQLAlchemy is imported. Dates are ISO
strings in SQLite, so comparing them as text compares the days.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from quizdock.storage.records import ScheduledCard
from quizdock.storage.schema import DUE_TODAY, OUT_OF_REVIEW, SET_ASIDE

Run = Callable[[str, dict[str, Any]], Iterable[Sequence[Any]]]
"""Runs one query with named parameters and returns its rows: sqlite3's ``execute``, or the store's."""

# The cards a review may show on the day :today, as ``sql.available(today)`` declares them.
AVAILABLE = "c.retired_at IS NULL AND c.suspended_at IS NULL AND (c.buried_until IS NULL OR c.buried_until <= :today)"

# Cards due on or before :today, most overdue first, then by id: the order of
# ix_card_states_due_on_card_id, so a :limit reads only the rows it returns (-1: no limit).
# In every deck: each due state less the few set-aside cards (partial index ix_cards_set_aside),
# rather than a look-up in cards for each of a backlog of thousands.
DUE_IDS = (
    "SELECT s.card_id FROM card_states s WHERE s.due_on <= :today AND s.card_id NOT IN ("
    f"SELECT c.id FROM cards c WHERE ({SET_ASIDE}) AND ({OUT_OF_REVIEW})) "
    "ORDER BY s.due_on, s.card_id LIMIT :limit"
)
DUE_IDS_IN_DECK = (
    "SELECT s.card_id FROM card_states s JOIN cards c ON c.id = s.card_id "
    f"WHERE s.due_on <= :today AND {AVAILABLE} AND c.deck_id = :deck ORDER BY s.due_on, s.card_id LIMIT :limit"
)

# The same-day repeats still owed on :today (answered below 4 today, not yet 4 or more since),
# from any session in any terminal, in the order they were answered.
_REPEATS = (
    "SELECT s.card_id FROM card_states s JOIN cards c ON c.id = s.card_id "
    f"WHERE s.repeat_on = :today AND s.due_on > :today AND {AVAILABLE}"
)
REPEAT_IDS = f"{_REPEATS} ORDER BY s.last_reviewed_at, s.card_id"
REPEAT_IDS_IN_DECK = f"{_REPEATS} AND c.deck_id = :deck ORDER BY s.last_reviewed_at, s.card_id"

# How many new cards were first reviewed on :today, in all decks: the daily limit is the learner's.
INTRODUCED_ON = "SELECT count(*) FROM card_states WHERE introduced_on = :today"

# The active practical cards (the few that need Docker).
PRACTICAL_IDS = "SELECT id FROM cards WHERE kind = 'practical' AND retired_at IS NULL"

# The cards of :ids (a JSON array: one text whatever their number, and no bound on parameters)
# with their SM-2 state (NULLs for a new card); :func:`scheduled_card` reads the rows.
SCHEDULED_CARDS = (
    "SELECT c.id, c.deck_id, c.content, s.repetitions, s.interval, s.easiness_centi, s.due_on "
    "FROM cards c LEFT OUTER JOIN card_states s ON s.card_id = c.id WHERE c.id IN (SELECT value FROM json_each(:ids))"
)

# All due states and owed repeats (each from its own index), less the few set-aside cards among
# them: no join per due card. CROSS JOIN makes SQLite start from the set-aside cards (partial
# index ix_cards_set_aside).
DUE_COUNT = (
    "SELECT (SELECT count(*) FROM card_states WHERE due_on <= :today)"
    " + (SELECT count(*) FROM card_states WHERE repeat_on = :today AND due_on > :today) - ("
    "SELECT count(*) FROM cards c CROSS JOIN card_states s ON s.card_id = c.id "
    f"WHERE ({SET_ASIDE}) AND {DUE_TODAY} AND ({OUT_OF_REVIEW}))"
)
DUE_COUNT_IN_DECK = (
    "SELECT count(*) FROM card_states s JOIN cards c ON c.id = s.card_id "
    f"WHERE {DUE_TODAY} AND NOT ({OUT_OF_REVIEW}) AND c.deck_id = :deck"
)


def parameters(today: date | None = None, deck: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """The named parameters of these queries, as both paths pass them (a day as its ISO text)."""
    return {
        "today": None if today is None else today.isoformat(),
        "deck": deck,
        "limit": -1 if limit is None else limit,
    }


def value(run: Run, sql: str, params: dict[str, Any]) -> Any:
    """The one value of a query that returns one row of one column (a count)."""
    return next(iter(run(sql, params)))[0]


def due_ids_sql(deck: str | None) -> str:
    return DUE_IDS if deck is None else DUE_IDS_IN_DECK


def repeat_ids_sql(deck: str | None) -> str:
    return REPEAT_IDS if deck is None else REPEAT_IDS_IN_DECK


def due_count_sql(deck: str | None) -> str:
    """The query that counts the cards due on the day ``:today`` (in the deck ``:deck`` when
    ``deck`` is given): `quizdock due`'s light path and :meth:`Store.count_due` both run it."""
    return DUE_COUNT if deck is None else DUE_COUNT_IN_DECK


def scheduled_cards(run: Run, card_ids: Sequence[str]) -> list[ScheduledCard]:
    """The cards with their states, in the order of ``card_ids`` (one query); unknown ids left out."""
    rows = run(SCHEDULED_CARDS, {"ids": json.dumps(list(card_ids))})
    by_id = {row[0]: row for row in rows}
    return [scheduled_card(by_id[i]) for i in card_ids if i in by_id]


def scheduled_card(row: Sequence[Any]) -> ScheduledCard:
    """A row of :data:`SCHEDULED_CARDS` as its record (the content is the deck file's card table,
    checked when it was loaded)."""
    from quizdock.core.sm2 import CardState
    from quizdock.decks.loading import stored_card  # not imported by `quizdock due`, which never builds a card

    _, deck_id, content, repetitions, interval, easiness_centi, due_on = row
    card = stored_card(json.loads(content), deck_id=deck_id, path=f"(stored deck {deck_id})")
    if repetitions is None or interval is None or easiness_centi is None or due_on is None:
        return ScheduledCard(card, None, None)
    state = CardState(repetitions, interval, Decimal(easiness_centi) / 100)
    return ScheduledCard(card, state, date.fromisoformat(due_on))


def pick_new_cards(run: Run, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
    """The new cards a review brings in, in the order of :func:`quizdock.core.queue.new_card_order`.

    Args:
        today: buried cards are left out until this day reaches their ``buried_until``; None
            leaves out no buried card (as ``sql.available(None)``).
    """
    from quizdock.core.queue import NewCard, new_card_order, practised_tags

    if limit <= 0:
        return []
    waiting = "s.card_id IS NULL AND c.suspended_at IS NULL"
    if today is not None:
        waiting += " AND (c.buried_until IS NULL OR c.buried_until <= :today)"
    in_deck = "" if deck is None else " AND c.deck_id = :deck"
    params = {**parameters(today, deck), "limit": limit}
    cards = "FROM cards c LEFT OUTER JOIN card_states s ON s.card_id = c.id WHERE c.retired_at IS NULL"
    lessons = [
        NewCard(card_id, (deck_id, position))
        for card_id, deck_id, position in run(
            f"SELECT c.id, c.deck_id, c.position {cards} AND {waiting}{in_deck} AND c.kind != 'practical' "
            "ORDER BY c.deck_id, c.position LIMIT :limit",
            params,
        )
    ]
    challenges = [
        NewCard(card_id, (deck_id, position), tuple(json.loads(topics)))
        for card_id, deck_id, position, topics in run(
            f"SELECT c.id, c.deck_id, c.position, json_extract(c.content, '$.topics') {cards} AND {waiting}{in_deck} "
            "AND c.kind = 'practical' ORDER BY c.deck_id, c.position",
            params,
        )
    ]
    tags = sorted(set().union(*(practised_tags(challenge.topics) for challenge in challenges)))
    related: list[NewCard] = []
    if tags:
        # Cards carrying a practised tag or one below it (the core checks each match again).
        names = {f"t{i}": tag for i, tag in enumerate(tags)}
        match = " OR ".join(f"t.value = :{key} OR instr(t.value, :{key} || '::') = 1" for key in names)
        rows = run(
            f"SELECT c.id, c.deck_id, c.position, json_extract(c.content, '$.topics'), {waiting} {cards}{in_deck} "
            "AND c.kind != 'practical' AND EXISTS (SELECT 1 FROM json_each(c.content, '$.topics') t "
            f"WHERE {match})",
            {**params, **names},
        )
        related = [
            NewCard(card_id, (deck_id, position), tuple(json.loads(topics)), bool(free))
            for card_id, deck_id, position, topics, free in rows
        ]
    return new_card_order(lessons, challenges, related, limit)
