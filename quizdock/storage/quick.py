"""Light read-only queries for commands that must start fast (`quizdock due`): sqlite3 only."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from quizdock.storage.migrate import current_revision, damaged, explain, read_only
from quizdock.storage.schema import DUE_TODAY, HEAD_REVISION, OUT_OF_REVIEW, SET_ASIDE


def count_due(path: Path, today: date, *, deck: str | None = None) -> int | None:
    """Cards due on or before ``today`` or owing a same-day repeat, suspended and buried ones left out.

    Returns None when the database is missing or needs migrating, or the deck is unknown.
    """
    if current_revision(path) != HEAD_REVISION:
        return None
    # Dates are ISO strings in SQLite, so comparing them as text compares the days.
    if deck is None:
        # All due states and owed repeats (each from its own index), less the few set-aside cards
        # among them: no join per due card. CROSS JOIN makes SQLite start from the set-aside cards
        # (partial index ix_cards_set_aside).
        sql = (
            "SELECT (SELECT count(*) FROM card_states WHERE due_on <= :today)"
            " + (SELECT count(*) FROM card_states WHERE repeat_on = :today AND due_on > :today) - ("
            "SELECT count(*) FROM cards c CROSS JOIN card_states s ON s.card_id = c.id "
            f"WHERE ({SET_ASIDE}) AND {DUE_TODAY} AND ({OUT_OF_REVIEW}))"
        )
    else:
        sql = (
            "SELECT count(*) FROM card_states s JOIN cards c ON c.id = s.card_id "
            f"WHERE {DUE_TODAY} AND NOT ({OUT_OF_REVIEW}) AND c.deck_id = :deck"
        )
    params = {"today": today.isoformat(), "deck": deck}
    try:
        conn = read_only(path)
        try:
            if deck is not None and conn.execute("SELECT 1 FROM decks WHERE id = ?", (deck,)).fetchone() is None:
                return None
            count = int(conn.execute(sql, params).fetchone()[0])
            if count == 0:
                _check_pages(conn, path)
            return count
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


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
