"""A store's first write waits for a whole-file check of the database."""

from __future__ import annotations

import threading
from pathlib import Path

from quizdock.storage.migrate import check_integrity


class WriteCheck:
    """Checks the database (:func:`~quizdock.storage.migrate.check_integrity`) once, before a
    store's first write, and lets writes through only once it passed.

    Reading commands never pay for it. The check reads every page (about 0.35 s for a
    collection of 100,000 cards and 200 MB, a few milliseconds for a learner's: bench/RESULTS.md),
    so a review starts it in the background while the first card is read
    (:meth:`quizdock.cli.fast_review.QuickStore.open_soon`); a first answer given sooner waits for it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # a write and the review's background check: one check, the other waits
        self._passed = False

    def ensure(self) -> None:
        """Return once the database passed the check (at once if it already did).

        Raises:
            DatabaseError: the database is damaged (or cannot be read); nothing was written.
        """
        with self._lock:
            if not self._passed:
                check_integrity(self.path)
                self._passed = True
