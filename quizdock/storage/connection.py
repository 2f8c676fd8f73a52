"""The database connection: SQLite through SQLAlchemy, in WAL mode with a busy timeout, so two terminals can review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event

from quizdock.storage.schema import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS


def make_engine(path: Path) -> Engine:
    """An engine whose transactions SQLAlchemy begins itself (pysqlite's own BEGIN is turned off).

    A connection with the execution option ``immediate=True`` begins with BEGIN IMMEDIATE: it
    takes the write lock first, so what it reads cannot change before it writes (another
    terminal waits up to the busy timeout).
    """
    # URL.create takes the file name as given: in a URL string, `?` or `#` would end the path.
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite would begin only before the first write, after the reads: SQLAlchemy begins instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
