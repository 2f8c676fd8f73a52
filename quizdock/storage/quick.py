"""Light read-only queries for what must start fast (`quizdock due`, a review's first card): sqlite3 only.

The review queue's queries are :mod:`quizdock.storage.queue_sql`'s, which the store runs too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from quizdock.storage import queue_sql
from quizdock.storage.migrate import current_revision, damaged, explain, read_only
from quizdock.storage.records import ScheduledCard
from quizdock.storage.schema import HEAD_REVISION


def count_due(path: Path, today: date, *, deck: str | None = None) -> int | None:
    """Cards due on or before ``today`` or owing a same-day repeat, suspended and buried ones left out.

    Returns None when the database is missing or needs migrating, or the deck is unknown.
    """
    if current_revision(path) != HEAD_REVISION:
        return None
    sql = queue_sql.due_count_sql(deck)
    params = queue_sql.parameters(today, deck)
    try:
        conn = read_only(path)
        try:
            if deck is not None and conn.execute("SELECT 1 FROM decks WHERE id = ?", (deck,)).fetchone() is None:
                return None
            if follows_fsrs(conn) and _configured_scheduler() != "fsrs":
                return None  # back to SM-2: the full path puts SM-2's due days back first
            count = int(queue_sql.value(conn.execute, sql, params))
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
    return [row[0] for row in conn.execute(queue_sql.due_ids_sql(deck), queue_sql.parameters(today, deck, limit))]


def introduced_on(conn: sqlite3.Connection, today: date) -> int:
    """``Store.introduced_on`` with sqlite3: how many new cards were first reviewed on ``today``."""
    return int(queue_sql.value(conn.execute, queue_sql.INTRODUCED_ON, queue_sql.parameters(today)))


def new_card_ids(conn: sqlite3.Connection, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
    """``Store.new_card_ids`` with sqlite3: the day's new cards, set-aside ones left out."""
    return queue_sql.pick_new_cards(conn.execute, limit, deck, today)


def scheduled_cards(conn: sqlite3.Connection, card_ids: Sequence[str]) -> list[ScheduledCard]:
    """``Store.scheduled_cards`` with sqlite3: the cards with their states, in the order of ``card_ids``."""
    return queue_sql.scheduled_cards(conn.execute, card_ids)


def repeat_card_ids(conn: sqlite3.Connection, today: date, deck: str | None = None) -> list[str]:
    """``Store.repeat_card_ids`` with sqlite3: the same-day repeats still owed, in the order answered."""
    return [row[0] for row in conn.execute(queue_sql.repeat_ids_sql(deck), queue_sql.parameters(today, deck))]


def practical_card_ids(conn: sqlite3.Connection) -> set[str]:
    """``Store.practical_card_ids`` with sqlite3: the active practical cards."""
    return {row[0] for row in conn.execute(queue_sql.PRACTICAL_IDS)}
