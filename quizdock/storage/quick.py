"""Light read-only queries for commands that must start fast (`quizdock due`): sqlite3 only."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from quizdock.storage.migrate import current_revision
from quizdock.storage.schema import HEAD_REVISION


def count_due(path: Path, today: date, *, deck: str | None = None) -> int | None:
    """Cards due on or before ``today``, suspended and buried ones left out.

    Returns None when the database is missing or needs migrating.
    """
    if current_revision(path) != HEAD_REVISION:
        return None
    # Dates are ISO strings in SQLite, so comparing them as text compares the days.
    sql = (
        "SELECT count(*) FROM card_states s JOIN cards c ON c.id = s.card_id "
        "WHERE s.due_on <= ? AND c.retired_at IS NULL AND c.suspended_at IS NULL "
        "AND (c.buried_until IS NULL OR c.buried_until <= ?)"
    )
    params: list[str] = [today.isoformat(), today.isoformat()]
    if deck is not None:
        sql += " AND c.deck_id = ?"
        params.append(deck)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()
