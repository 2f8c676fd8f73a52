"""`quizdock review` up to its first card without Typer or SQLAlchemy.

A review's plain command lines (`quizdock [--db PATH] review [--deck D] [--limit N] [--new N]
[--lang L]`) are read with review's own option table (quizdock.cli.review_options), after
quizdock.entry has split `--db` off. When the database is up to date and the deck files are those
last loaded, the command's own body (:func:`quizdock.cli.review_session.run_review`, its language set up by
:func:`quizdock.cli.review_session.review_console`) runs on a store whose reads (the plan, the first page of
cards) are made with sqlite3, the same queries as the store's, until it is opened: to save the
first answer, or anything else it is asked. SQLAlchemy is loaded while the learner reads the
first card.

Anything else (an option this parser does not know, no terminal, a database to create or
migrate, changed deck files, an unknown deck, a bad config) goes to the Typer app, which
handles or reports it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizdock.cli.review_options import ReviewOptions, parse_review_options
from quizdock.errors import QuizdockError
from quizdock.storage import quick
from quizdock.storage.integrity import WriteCheck
from quizdock.storage.migrate import read_only
from quizdock.storage.records import ScheduledCard

if TYPE_CHECKING:
    from quizdock.storage.store import Store


def read_review(db: str | None, words: Sequence[str]) -> tuple[Path | None, ReviewOptions] | None:
    """The database (None: the default) and options of a plain `quizdock [--db PATH] review ...`,
    from ``--db``'s value and the words after `review`; None for anything else (the CLI reads it)."""
    options = parse_review_options(words)
    if options is None or db == "":
        return None
    return (Path(db).expanduser() if db else None), options


def main(db_option: str | None, words: Sequence[str]) -> bool:
    """Run the review of a plain command line (``--db``'s value, the words after `review`);
    False when the Typer app must handle it instead.

    Raises:
        SystemExit: with the documented exit code, when a quizdock error or Ctrl-C ended it.
    """
    parsed = read_review(db_option, words)
    if parsed is None or not sys.stdin.isatty():
        return False
    from quizdock.cli.console import report
    from quizdock.decks.loading import deck_files
    from quizdock.storage.quick import open_for_review
    from quizdock.support import clock
    from quizdock.support.config import load_config
    from quizdock.support.paths import deck_dirs, default_db_path

    db, options = parsed[0] or default_db_path(), parsed[1]
    try:
        config = load_config()
        today = clock.today()
        conn = open_for_review(db, deck_files(deck_dirs()), options.deck)
    except QuizdockError:
        return False  # the CLI reports it, with its exit code
    if conn is None:
        return False
    # Back to SM-2 from FSRS puts SM-2's due days back first: the full path. Choosing FSRS keeps
    # the due days (the store computes memory states when it opens, before the first answer).
    if config.scheduler == "sm2" and quick.follows_fsrs(conn):
        conn.close()
        return False
    store = QuickStore(db, conn, (config.scheduler, config.desired_retention))
    store.read_ahead(today, options.deck, options.limit)
    try:
        from quizdock.cli.review_session import review_console, run_review

        # What `quizdock review` does (quizdock.cli.commands.review), on a store whose reads are
        # sqlite3's until it is opened (in the background once the first card is drawn).
        lang, console = review_console(config, options.lang)
        run_review(store, options, config, lang, console, today, on_start=store.open_soon)
    except (QuizdockError, KeyboardInterrupt, EOFError) as error:
        raise SystemExit(report(error)) from None
    except Exception as error:
        damage = _database_damage(error, db)
        if damage is None:
            raise  # a bug should look like a bug
        raise SystemExit(report(damage)) from None
    finally:
        store.close()
    return True


def _database_damage(error: Exception, db: Path) -> QuizdockError | None:
    """The learner's message for an error that comes from a damaged database, as the CLI gives it."""
    from quizdock.cli.commands.common import settings
    from quizdock.cli.typer_app import database_damage

    settings.db = db
    return database_damage(error)


class QuickStore:
    """The store of a review started here: the reads a session makes before its first answer
    are made with sqlite3 (quizdock.storage.quick) until the real
    :class:`~quizdock.storage.store.Store` is opened, which anything else opens."""

    # Seconds after the session starts before the store is opened in the background: the first
    # card is drawn by then, and loading SQLAlchemy would only slow its drawing down.
    DELAY = 0.3

    def __init__(self, path: Path, conn: sqlite3.Connection, scheduler: tuple[str, float] = ("sm2", 0.9)) -> None:
        """``conn``: a read-only connection to the database at ``path``, closed with this store;
        ``scheduler``: the scheduler and desired retention the store answers with."""
        self.path = path
        self._scheduler = scheduler
        self._conn = conn
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._write_check = WriteCheck(path)  # the store's, started before the store opens
        self._timers: list[threading.Timer] = []
        self._closed = False
        self._ahead: threading.Thread | None = None
        self._read: dict[tuple[object, ...], Any] = {}

    def read_ahead(self, today: date, deck: str | None, limit: int | None) -> None:
        """Start the two long reads of a session's start (the due list, the practical cards) on a
        connection of their own: SQLite works on the other core while Python imports the rest."""

        def read() -> None:
            with contextlib.suppress(sqlite3.Error, QuizdockError):  # read again when asked, errors and all
                conn = read_only(self.path)
                try:
                    self._read[("practical",)] = quick.practical_card_ids(conn)
                    self._read["due", today, deck, limit] = quick.due_card_ids(conn, today, deck, limit)
                finally:
                    conn.close()

        self._ahead = threading.Thread(target=read, daemon=True)
        self._ahead.start()

    def _read_once(self, key: tuple[object, ...]) -> Any:
        """What :meth:`read_ahead` read for ``key``, once (a later read sees later answers); None if nothing."""
        if self._ahead is not None:
            self._ahead.join()
        return self._read.pop(key, None)

    def due_card_ids(self, today: date, deck: str | None = None, limit: int | None = None) -> list[str]:
        if self._store is not None:
            return self._store.due_card_ids(today, deck, limit)
        ahead = self._read_once(("due", today, deck, limit))
        return ahead if ahead is not None else quick.due_card_ids(self._conn, today, deck, limit)

    def introduced_on(self, today: date) -> int:
        if self._store is not None:
            return self._store.introduced_on(today)
        return quick.introduced_on(self._conn, today)

    def new_card_ids(self, limit: int, deck: str | None = None, today: date | None = None) -> list[str]:
        if self._store is not None:
            return self._store.new_card_ids(limit, deck, today)
        return quick.new_card_ids(self._conn, limit, deck, today)

    def repeat_card_ids(self, today: date, deck: str | None = None) -> list[str]:
        if self._store is not None:
            return self._store.repeat_card_ids(today, deck)
        return quick.repeat_card_ids(self._conn, today, deck)

    def practical_card_ids(self) -> set[str]:
        if self._store is not None:
            return self._store.practical_card_ids()
        ahead = self._read_once(("practical",))
        return ahead if ahead is not None else quick.practical_card_ids(self._conn)

    def scheduled_cards(self, card_ids: Sequence[str]) -> list[ScheduledCard]:
        if self._store is not None:
            return self._store.scheduled_cards(card_ids)
        return quick.scheduled_cards(self._conn, card_ids)

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                if self._closed:
                    raise RuntimeError("the review's store is closed")
                from quizdock.storage.store import Store

                store = Store.open(self.path, write_check=self._write_check)
                if self._scheduler[0] != "sm2":
                    store.use_scheduler(*self._scheduler)
                self._store = store
            return self._store

    def open_soon(self) -> None:
        """Once the first card is on screen, open the store in the background, and check the
        whole database (its first write waits for that) at the same time, on a connection of
        its own: SQLite reads on the other core while Python imports SQLAlchemy."""

        def open_store() -> None:
            with contextlib.suppress(Exception):  # the session opens it again, and reports what failed
                _ = self.store

        def check() -> None:
            with contextlib.suppress(Exception):  # the first write checks again, and reports what failed
                self._write_check.ensure()

        self._timers = [threading.Timer(self.DELAY, work) for work in (check, open_store)]
        for timer in self._timers:
            timer.daemon = True
            timer.start()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.join()
        for timer in self._timers:
            timer.cancel()
            timer.join()
        with self._lock:
            self._closed = True
            if self._store is not None:
                self._store.close()
        self._conn.close()
