"""The store: decks, cards, SM-2 states and the review log in SQLite.

It persists what the core (:mod:`quizdock.core`) decides and answers the reads of the review,
the statistics and the export; their SQL stays in this package. Callers hold one
:class:`Store`, made of one part per job, each in a module of its own:

- :mod:`~quizdock.storage.deck_sync`: the deck files loaded into the database;
- :mod:`~quizdock.storage.review_queue`: the review's queue (the SQL text the light path runs
  too, :mod:`~quizdock.storage.queue_sql`) and the deck counts;
- :mod:`~quizdock.storage.answers`: an answer saved, and undone;
- :mod:`~quizdock.storage.scheduler_choice`: SM-2 or FSRS, and FSRS's parameters;
- :mod:`~quizdock.storage.set_aside`: suspending, burying, the leeches;
- :mod:`~quizdock.storage.reports`: statistics, export, the card browser, challenges' progress;

over :mod:`~quizdock.storage.store_base` (the engine and its transactions) and
:mod:`~quizdock.storage.integrity` (the check before the first write).

Every public method that writes commits before it returns, so an answer is on disk as soon as
:meth:`Store.record_answer` returns.
"""

from __future__ import annotations

from pathlib import Path

from quizdock.storage.answers import Answers, RecordedAnswer, Snapshot, StateValues
from quizdock.storage.connection import make_engine
from quizdock.storage.deck_sync import DeckSync, SyncReport
from quizdock.storage.integrity import WriteCheck
from quizdock.storage.migrate import upgrade
from quizdock.storage.records import ScheduledCard
from quizdock.storage.reports import Reports
from quizdock.storage.review_queue import DeckSummary, ReviewQueue
from quizdock.storage.scheduler_choice import SchedulerChoice
from quizdock.storage.set_aside import Leech, SetAside
from quizdock.storage.store_base import utc_naive

__all__ = [
    "DeckSummary",
    "Leech",
    "RecordedAnswer",
    "ScheduledCard",
    "Snapshot",
    "StateValues",
    "Store",
    "SyncReport",
    "utc_naive",
]


class Store(DeckSync, ReviewQueue, Answers, SchedulerChoice, SetAside, Reports):
    """The learner's database. Open it with :meth:`Store.open`, which migrates it first."""

    @classmethod
    def open(cls, path: Path, *, write_check: WriteCheck | None = None) -> Store:
        """Open (creating or migrating) the database at ``path``.

        Args:
            write_check: the check its first write waits for, when one is already under way.
        """
        upgrade(path)
        return cls(make_engine(path), path, write_check)
