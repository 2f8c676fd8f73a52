"""The four kinds of card, as plain frozen values: a tagged union on ``kind``.

A card's type says which fields it has: a :class:`ChoiceCard` has its choices and the index of
the right one, a :class:`CommandCard` its expected command, and so on; ``card.kind == "choice"``
(or ``isinstance``) narrows :data:`Card` to one of them. Deck files are validated against the
schema of :mod:`quizdock.decks.schema` and turned into these by :mod:`quizdock.decks.loading`; this module
imports nothing heavy, so the start-up paths can name the types.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from quizdock.i18n import Text

if TYPE_CHECKING:
    from quizdock.challenges.model import Challenge

CardKind = Literal["concept", "command", "choice", "practical"]
KINDS: tuple[CardKind, ...] = ("concept", "command", "choice", "practical")


def content_hash(raw: Mapping[str, Any]) -> str:
    """A stable hash of a card table (key order does not matter)."""
    data = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Common:
    """What every card has.

    Attributes:
        id: stable id ``<deck>/<slug>``; it carries the learner's progress.
        deck_id: the deck the card belongs to.
        topics: topic tags, hierarchical with ``::``.
        question: the question, or the task of a practical card.
        explanation: shown after grading.
        note_differs: where the source note is wrong, what is right.
        raw: the card table as read from the file (stored, and hashed for changes).
    """

    id: str
    deck_id: str
    topics: tuple[str, ...]
    question: Text
    explanation: Text
    note_differs: Text | None = None
    raw: Mapping[str, Any] | None = None

    @property
    def content_hash(self) -> str:
        """A hash of the card's content: it changes when any field of the card is edited."""
        return content_hash(self.raw or {})


@dataclass(frozen=True, slots=True, kw_only=True)
class ConceptCard(_Common):
    """A question whose answer is revealed, then self-graded."""

    answer: Text
    kind: Literal["concept"] = "concept"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandCard(_Common):
    """A command to type, graded by meaning.

    Attributes:
        answer: the expected command (language-neutral, whitespace collapsed).
        alternatives: other accepted commands.
        same_form: the card asks for one form of a command (e.g. the management form), so an
            equivalent command written in another form is only partly right.
    """

    answer: str
    alternatives: tuple[str, ...] = ()
    same_form: bool = False
    kind: Literal["command"] = "command"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceCard(_Common):
    """A multiple-choice question.

    Attributes:
        choices: the choices, per language, in the file's order.
        correct: index of the right choice in ``choices``.
    """

    choices: tuple[Text, ...]
    correct: int
    kind: Literal["choice"] = "choice"


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticalCard(_Common):
    """A task on a Docker daemon, graded by its state afterwards (``question`` is the task)."""

    challenge: Challenge
    kind: Literal["practical"] = "practical"


Card: TypeAlias = ConceptCard | CommandCard | ChoiceCard | PracticalCard
"""Any card; its ``kind`` tells which."""
