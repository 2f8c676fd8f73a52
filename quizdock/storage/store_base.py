"""What every part of the store shares: the engine, its transactions, and the look-up of a card by id.

The :class:`~quizdock.storage.store.Store` is made of parts, one per job (loading decks, the
review queue, answers, the scheduler, suspending and burying, reports), each a subclass of
:class:`Database` in a module of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Engine, Row, select, text
from sqlalchemy.orm import Session

from quizdock.errors import NotFound, did_you_mean
from quizdock.i18n import _, quoted
from quizdock.storage.integrity import WriteCheck
from quizdock.storage.migrate import explain
from quizdock.storage.models import CardRow
from quizdock.storage.queue_sql import Run

if TYPE_CHECKING:
    from quizdock.core.fsrs import Fsrs


def utc_naive(moment: datetime) -> datetime:
    """Aware datetimes are stored as naive UTC."""
    if moment.tzinfo is None:
        raise ValueError("quizdock stores aware datetimes only")
    return moment.astimezone(UTC).replace(tzinfo=None)


class Database:
    """The learner's database as each part of the store uses it.

    Every public method of a part that writes commits before it returns.
    """

    def __init__(self, engine: Engine, path: Path, write_check: WriteCheck | None = None) -> None:
        self.engine = engine
        self.path = path
        self.write_check = write_check or WriteCheck(path)  # nothing is written into a damaged file
        self.fsrs: Fsrs | None = None
        """The scheduler of ``record_answer``: FSRS, or None for SM-2 (``use_scheduler``)."""

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self, *, writing: bool = False) -> Iterator[Session]:
        """A transaction, committed at the end of the block.

        Args:
            writing: take the write lock first (BEGIN IMMEDIATE), for a write that depends on
                what it reads: another terminal's answer cannot come in between.

        Raises:
            DatabaseError: SQLite refused (read-only file, lock held too long, disk full), or
                the database is damaged (checked before the first write).
        """
        import sqlalchemy.exc

        if writing:
            self.write_check.ensure()
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if writing:
                    session.connection(execution_options={"immediate": True})
                yield session
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.DatabaseError) as error:
            if isinstance(error, sqlalchemy.exc.IntegrityError):
                raise  # a bug, not the file
            raise explain(self.path, error) from None

    @contextmanager
    def reading(self) -> Iterator[Run]:
        """A read transaction for queries written as text (:mod:`quizdock.storage.queue_sql`):
        it runs them as sqlite3's ``execute`` does on the light path."""

        def run(sql: str, params: dict[str, Any]) -> Sequence[Row[Any]]:
            return session.execute(text(sql), params).all()

        with self.session() as session:
            yield run


def card_row(session: Session, card_id: str) -> CardRow:
    """The card with this id, retired or not.

    Raises:
        NotFound: no card has this id (with the closest one).
    """
    card = session.get(CardRow, card_id)
    if card is None:
        hint = did_you_mean(card_id, session.scalars(select(CardRow.id)))
        raise NotFound(
            _("There is no card {card}.").format(card=quoted(card_id)) + hint, _("Card ids look like 'deck/slug'.")
        )
    return card
