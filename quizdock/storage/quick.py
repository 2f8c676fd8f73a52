"""Light read-only queries for what must start fast (`quizdock due`, a review's first card): sqlite3 only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from quizdock.storage.migrate import current_revision, damaged, explain, read_only
from quizdock.storage.schema import DUE_TODAY, HEAD_REVISION, OUT_OF_REVIEW, SET_ASIDE


def count_due(path: Path, today: date, *, deck: str | None = None) -> int | None:
    """Cards due on or before ``today`` or owing a same-day repeat, suspended and buried ones left out.

    Returns None when the database is missing or needs migrating, or the deck is unknown.
    """
    if current_revision(path) != HEAD_REVISION:
        return None
    sql = due_count_sql(deck)
    params = {"today": today.isoformat(), "deck": deck}
    try:
        conn = read_only(path)
        try:
            if deck is not None and conn.execute("SELECT 1 FROM decks WHERE id = ?", (deck,)).fetchone() is None:
                return None
            if follows_fsrs(conn) and _configured_scheduler() != "fsrs":
                return None  # back to SM-2: the full path puts SM-2's due days back first
            count = int(conn.execute(sql, params).fetchone()[0])
            if count == 0:
                _check_pages(conn, path)
            return count
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


def _configured_scheduler() -> str | None:
    """The scheduler the settings ask for; None when they cannot be read (the CLI says why)."""
    from quizdock.errors import QuizdockError
    from quizdock.support.config import load_config

    try:
        return load_config().scheduler
    except QuizdockError:
        return None


def follows_fsrs(conn: sqlite3.Connection) -> bool:
    """Whether the database's due days follow FSRS (the full review path switches them back)."""
    row = conn.execute("SELECT value FROM preferences WHERE key = 'scheduler'").fetchone()
    return row is not None and row[0] == '"fsrs"'


def due_count_sql(deck: str | None) -> str:
    """The one query that counts the cards due on the day ``:today`` (in the deck ``:deck`` when
    ``deck`` is given): this light path and :meth:`Store.count_due` both run it."""
    # Dates are ISO strings in SQLite, so comparing them as text compares the days.
    if deck is None:
        # All due states and owed repeats (each from its own index), less the few set-aside cards
        # among them: no join per due card. CROSS JOIN makes SQLite start from the set-aside cards
        # (partial index ix_cards_set_aside).
        return (
            "SELECT (SELECT count(*) FROM card_states WHERE due_on <= :today)"
            " + (SELECT count(*) FROM card_states WHERE repeat_on = :today AND due_on > :today) - ("
            "SELECT count(*) FROM cards c CROSS JOIN card_states s ON s.card_id = c.id "
            f"WHERE ({SET_ASIDE}) AND {DUE_TODAY} AND ({OUT_OF_REVIEW}))"
        )
    return (
        "SELECT count(*) FROM card_states s JOIN cards c ON c.id = s.card_id "
        f"WHERE {DUE_TODAY} AND NOT ({OUT_OF_REVIEW}) AND c.deck_id = :deck"
    )


# Up to this size a whole-file check takes a few tens of milliseconds (90 ms for 55 MB).
_WHOLE_CHECK_BYTES = 16 * 1024 * 1024


def _check_pages(conn: sqlite3.Connection, path: Path) -> None:
    """Make sure a count of 0 is not a damaged database's: SQLite checks a page when it reads it.

    A learner's database is small and is checked whole; a very large one has the tables and
    indexes the count depends on read in full (a few milliseconds for 100,000 cards, where a
    whole-file check would add half a second to every shell prompt).

    Raises:
        DatabaseError: the database is damaged.
    """
    if path.stat().st_size <= _WHOLE_CHECK_BYTES:
        found = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            raise damaged(path, "; ".join(found)[:300])
        return
    for table, indexes in (
        ("decks", ()),
        ("cards", ("ix_cards_set_aside",)),
        ("card_states", ("ix_card_states_due_on_card_id", "ix_card_states_repeat_on_due_on")),
    ):
        conn.execute(f"SELECT count(*) FROM {table} NOT INDEXED").fetchone()
        for index in indexes:
            conn.execute(f"SELECT count(*) FROM {table} INDEXED BY {index}").fetchone()


def unchanged_since_loaded(files: list[Path], loaded: dict[str, tuple[str, int | None, int | None]]) -> bool:
    """Whether the deck files are exactly those last loaded (same paths, sizes and times).

    Args:
        loaded: per stored deck, its path, size and modification time (size None: file forgotten).
    """
    stems = {path.stem for path in files}
    if any(size is not None and deck_id not in stems for deck_id, (_, size, _) in loaded.items()):
        return False  # a deck file went away
    try:
        return all(
            loaded.get(path.stem) == (str(path), stat.st_size, stat.st_mtime_ns)
            for path, stat in ((path, path.stat()) for path in files)
        )
    except OSError:
        return False  # the full load reports it


# The cards a review may show on the day :today, as ``store.available(today)`` declares them.
AVAILABLE = "c.retired_at IS NULL AND c.suspended_at IS NULL AND (c.buried_until IS NULL OR c.buried_until <= :today)"

StoredCard = tuple[str, str, str, int | None, int | None, int | None, str | None]
"""A card as :func:`read_cards` reads it: id, deck, content (JSON), repetitions, interval,
E-Factor in hundredths and due day (the last four None for a new card)."""


def open_for_review(path: Path, files: list[Path], deck: str | None) -> sqlite3.Connection | None:
    """A read-only connection to the database, if a review can start from it as it is.

    None when the database is missing or needs migrating, the deck files changed since they
    were loaded (the full path loads them), or ``deck`` is unknown (the full path says so).
    """
    if current_revision(path) != HEAD_REVISION:
        return None
    try:
        conn = read_only(path)
        try:
            loaded = {
                row[0]: (row[1], row[2], row[3])
                for row in conn.execute("SELECT id, path, file_size, file_mtime_ns FROM decks")
            }
            if unchanged_since_loaded(files, loaded) and (deck is None or deck in loaded):
                return conn
        except BaseException:
            conn.close()
            raise
        conn.close()
        return None
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


def due_card_ids(conn: sqlite3.Connection, today: date, deck: str | None = None, limit: int | None = None) -> list[str]:
    """``Store.due_card_ids`` with sqlite3: the cards due by ``today``, most overdue first, then by id."""
    params = {"today": today.isoformat(), "deck": deck, "limit": -1 if limit is None else limit}
    # The order of ix_card_states_due_on_card_id: a limit reads only the rows it returns.
    if deck is None:
        # Every due state less the few set-aside cards (partial index ix_cards_set_aside), rather
        # than a look-up in cards for each of a backlog of thousands.
        sql = (
            "SELECT s.card_id FROM card_states s WHERE s.due_on <= :today AND s.card_id NOT IN ("
            f"SELECT c.id FROM cards c WHERE ({SET_ASIDE}) AND ({OUT_OF_REVIEW})) "
            "ORDER BY s.due_on, s.card_id LIMIT :limit"
        )
    else:
        sql = (
            "SELECT s.card_id FROM card_states s JOIN cards c ON c.id = s.card_id "
            f"WHERE s.due_on <= :today AND {AVAILABLE} AND c.deck_id = :deck ORDER BY s.due_on, s.card_id LIMIT :limit"
        )
    return [row[0] for row in conn.execute(sql, params)]


def introduced_on(conn: sqlite3.Connection, today: date) -> int:
    """``Store.introduced_on`` with sqlite3: how many new cards were first reviewed on ``today``."""
    return int(
        conn.execute("SELECT count(*) FROM card_states WHERE introduced_on = ?", (today.isoformat(),)).fetchone()[0]
    )


def new_card_ids(conn: sqlite3.Connection, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
    """``Store.new_card_ids`` with sqlite3: the day's new cards, set-aside ones left out."""
    return pick_new_cards(conn.execute, limit, deck, today)


Run = Callable[[str, dict[str, Any]], Iterable[Sequence[Any]]]
"""Runs one query with named parameters and returns its rows: sqlite3's ``execute``, or the store's."""


def pick_new_cards(run: Run, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
    """The new cards a review brings in, in the order of :func:`quizdock.core.queue.new_card_order`:
    this light path and :meth:`Store.new_card_ids` both run these queries.

    Args:
        today: buried cards are left out until this day reaches their ``buried_until``; None
            leaves out no buried card.
    """
    from quizdock.core.queue import NewCard, new_card_order, practised_tags

    if limit <= 0:
        return []
    # With no day, no buried card is left out (as the store's ``available(None)``).
    waiting = "s.card_id IS NULL AND c.suspended_at IS NULL"
    if today is not None:
        waiting += " AND (c.buried_until IS NULL OR c.buried_until <= :today)"
    in_deck = "" if deck is None else " AND c.deck_id = :deck"
    params: dict[str, Any] = {"today": today.isoformat() if today else None, "deck": deck, "limit": limit}
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


def read_cards(conn: sqlite3.Connection, card_ids: list[str]) -> list[StoredCard]:
    """The cards with their SM-2 states, in the order of ``card_ids`` (one query)."""
    marks = ",".join("?" * len(card_ids))
    rows = conn.execute(
        "SELECT c.id, c.deck_id, c.content, s.repetitions, s.interval, s.easiness_centi, s.due_on "
        f"FROM cards c LEFT OUTER JOIN card_states s ON s.card_id = c.id WHERE c.id IN ({marks})",
        card_ids,
    )
    by_id = {row[0]: row for row in rows}
    return [by_id[i] for i in card_ids if i in by_id]


def repeat_card_ids(conn: sqlite3.Connection, today: date, deck: str | None = None) -> list[str]:
    """``Store.repeat_card_ids`` with sqlite3: the same-day repeats still owed, in the order answered."""
    rows = conn.execute(
        "SELECT s.card_id FROM card_states s JOIN cards c ON c.id = s.card_id "
        f"WHERE s.repeat_on = :today AND s.due_on > :today AND {AVAILABLE}"
        f"{'' if deck is None else ' AND c.deck_id = :deck'} ORDER BY s.last_reviewed_at, s.card_id",
        {"today": today.isoformat(), "deck": deck},
    )
    return [row[0] for row in rows]


def practical_card_ids(conn: sqlite3.Connection) -> set[str]:
    """``Store.practical_card_ids`` with sqlite3: the active practical cards."""
    return {row[0] for row in conn.execute("SELECT id FROM cards WHERE kind = 'practical' AND retired_at IS NULL")}
