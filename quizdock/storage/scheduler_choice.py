"""The scheduler the learner chose (SM-2 or FSRS) and what FSRS is fitted and simulated from:
the store's part over :mod:`quizdock.storage.memory`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import update

from quizdock.core.fsrs import Fsrs
from quizdock.core.workload import StudiedCard
from quizdock.storage import memory
from quizdock.storage.models import CardStateRow
from quizdock.storage.store_base import Database


class SchedulerChoice(Database):
    """Which scheduler sets the next due days, with the learner's FSRS parameters."""

    def use_scheduler(self, name: str, desired_retention: float) -> Fsrs | None:
        """Schedule the next answers with SM-2 (``"sm2"``) or FSRS (``"fsrs"``, with the saved
        parameters), switching the database's due days first if it followed the other
        (:mod:`quizdock.storage.memory`). Returns the FSRS scheduler, None for SM-2."""
        with self.session(writing=True) as session:
            fsrs = None
            if name == "fsrs":
                fsrs = Fsrs(memory.fsrs_parameters(session), desired_retention)
            memory.switch(session, fsrs)
        self.fsrs = fsrs
        return fsrs

    def fsrs_parameters(self) -> tuple[float, ...] | None:
        """The learner's fitted FSRS parameters (None: never fitted, the defaults apply)."""
        with self.session() as session:
            return memory.fsrs_parameters(session)

    def save_fsrs_parameters(self, parameters: Sequence[float]) -> None:
        """Keep fitted FSRS parameters; memory states are computed again with them."""
        with self.session(writing=True) as session:
            memory.set_preference(session, memory.PARAMETERS_KEY, [float(p) for p in parameters])
            session.execute(update(CardStateRow).values(stability=None, difficulty=None))

    def review_histories(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Every reviewed card's scheduling answers: (grade, days since the previous one)."""
        with self.session() as session:
            return list(memory.histories(memory.scheduling_answers(session)))

    def studied_cards(self, today: date, deck: str | None = None) -> list[StudiedCard]:
        """The cards in reviews with their answers, as a workload simulation starts from them."""
        with self.session() as session:
            return memory.studied_cards(session, today, deck)
