"""Load and validate deck files (TOML) into plain, frozen objects.

Deck files are data: they are parsed with :mod:`tomllib` and nothing in them is executed.
The format is documented in ``docs/deck-format.md``.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizdock.decks.cards import (
    KINDS,
    Card,
    CardKind,
    ChoiceCard,
    CommandCard,
    ConceptCard,
    PracticalCard,
    content_hash,
)
from quizdock.decks.positions import field_line
from quizdock.errors import DeckError, ExitCode, QuizdockError
from quizdock.i18n import Text, _, current_language, os_reason, quoted
from quizdock.support.config import TomlProblem
from quizdock.support.text import read_bounded

if TYPE_CHECKING:
    from quizdock.decks.schema import CardEntry, DeckFile, TextEntry

__all__ = [
    "KINDS",
    "Card",
    "CardKind",
    "ChoiceCard",
    "CommandCard",
    "ConceptCard",
    "Deck",
    "PracticalCard",
    "content_hash",
    "load_decks",
    "parse_card",
    "parse_deck_file",
    "stored_card",
    "topic_name",
]

MAX_DECK_BYTES = 32 * 1024 * 1024
"""A deck file larger than this is refused unread (the bundled decks are a few dozen KB)."""
MAX_DEPTH = 16
"""Tables and arrays nest at most this deep in a deck file (the format needs 5)."""


@dataclass(frozen=True, slots=True)
class Deck:
    """A deck file: its id, title and cards.

    Attributes:
        topic_names: the names of topic tags in both languages (``topics`` of ``[deck]``).
    """

    id: str
    title: Text
    description: Text | None
    cards: tuple[Card, ...]
    path: Path
    file_hash: str
    file_size: int | None = None
    file_mtime_ns: int | None = None
    topic_names: Mapping[str, Text] = dataclass_field(default_factory=dict)


def topic_name(topic: str, decks: Iterable[Deck], *, own: str | None = None) -> Text | None:
    """The name of a topic tag: as the deck ``own`` names it, else as the first deck that does."""
    decks = list(decks)
    ordered = [d for d in decks if d.id == own] + [d for d in decks if d.id != own]
    return next((d.topic_names[topic] for d in ordered if topic in d.topic_names), None)


def file_hash(data: bytes) -> str:
    """The hash that tells whether a deck file changed since it was last loaded."""
    return hashlib.sha256(data).hexdigest()


def deck_files(directories: Iterable[Path]) -> list[Path]:
    """The deck files in the given directories, sorted by name.

    Raises:
        QuizdockError: no deck file at all (loading none would retire every card).
    """
    directories = list(directories)
    files: list[Path] = []
    for directory in directories:
        files.extend(sorted(p for p in directory.glob("*.toml") if p.is_file()))
    if not files:
        shown = ", ".join(str(d) for d in directories)
        raise QuizdockError(
            _("No deck files (*.toml) in {directories}.").format(directories=shown),
            _(
                "Point QUIZDOCK_DECKS at a directory of deck files (or unset it to use the bundled decks), "
                "and check that quizdock may read it."
            ),
            exit_code=ExitCode.DECK,
        )
    return files


def parse_deck_file(path: Path, data: bytes | None = None, stat: os.stat_result | None = None) -> Deck:
    """Read and validate one deck file.

    Raises:
        DeckError: naming the file, the card id, the field and the line.
    """
    from quizdock.decks.schema import DeckFile, convert

    shown = str(path)
    try:
        # Size and time are taken before the content is read, so a write in between is seen next time.
        stat = stat or path.stat()
        if data is None:
            data = read_bounded(path, MAX_DECK_BYTES)
    except OSError as exc:
        raise DeckError(shown, _("cannot be read ({reason})").format(reason=os_reason(exc))) from None
    except ValueError as exc:
        raise DeckError(shown, str(exc)) from None
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(
            shown,
            _("is larger than {size} MiB; split it into several decks").format(size=MAX_DECK_BYTES // (1024 * 1024)),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeckError(shown, _("is not UTF-8 text")) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = TomlProblem.of(exc)
        if found.line is None:
            problem = _("invalid TOML at the end of the file: {problem}").format(problem=found.text)
        else:
            problem = _("invalid TOML at column {column}: {problem}").format(column=found.column, problem=found.text)
        raise DeckError(shown, problem, line=found.line) from None
    except RecursionError:
        raise DeckError(shown, _too_deep()) from None
    try:
        check_plain_text(document, shown)
    except DeckError as error:
        raise _with_line(error, text) from None
    entry: DeckFile = convert(document, DeckFile, path=shown, text=text)
    return _build_deck(entry, document, path, shown, data, stat, text)


def _with_line(error: DeckError, text: str, position: int | None = None) -> DeckError:
    """The same error with the line of its field, when it can be found."""
    if error.line is not None or not error.field:
        return error
    line = field_line(text, error.card_id, error.field, position=position)
    return DeckError(error.path, error.detail, card_id=error.card_id, field=error.field, line=line)


def _build_deck(
    entry: DeckFile, document: dict[str, Any], path: Path, shown: str, data: bytes, stat: os.stat_result, text: str
) -> Deck:
    """What the schema cannot check (the id against the file name and the deck, the rules
    across fields), then the deck's plain values."""
    deck_id = entry.deck.id
    if deck_id != path.stem:
        problem = _("the deck id {id} must equal the file name {name}").format(
            id=quoted(deck_id), name=quoted(path.stem)
        )
        raise _with_line(DeckError(shown, problem, field="deck.id"), text)
    cards: list[Card] = []
    seen: set[str] = set()
    for index, (card_entry, raw) in enumerate(zip(entry.cards, document["cards"], strict=True), start=1):
        try:
            card = build_card(card_entry, raw, deck_id=deck_id, path=shown)
            if card.id in seen:
                raise DeckError(shown, _("this id is used twice in the file"), card_id=card.id, field="id")
            seen.add(card.id)
            if isinstance(card, CommandCard):
                _check_commands(card, shown)
        except DeckError as error:
            raise _with_line(error, text, position=index) from None
        cards.append(card)
    used = {tag for card in cards for topic in card.topics for tag in _tag_and_parents(topic)}
    for topic in entry.deck.topics:
        if topic not in used:
            problem = _("no card of this deck has the topic {topic}; remove its name or tag a card with it").format(
                topic=quoted(topic)
            )
            raise _with_line(DeckError(shown, problem, field=f"deck.topics.{topic}"), text)
    return Deck(
        id=deck_id,
        title=_text(entry.deck.title),
        description=_optional_text(entry.deck.description),
        cards=tuple(cards),
        path=path,
        file_hash=file_hash(data),
        file_size=stat.st_size,
        file_mtime_ns=stat.st_mtime_ns,
        topic_names={topic: _text(name) for topic, name in entry.deck.topics.items()},
    )


def _tag_and_parents(topic: str) -> list[str]:
    """``images::pull`` is also a card of ``images``."""
    parts = topic.split("::")
    return ["::".join(parts[: i + 1]) for i in range(len(parts))]


def parse_card(raw: Any, *, deck_id: str, path: str, position: int = 0) -> Card:
    """Validate one card table and build its :class:`Card`.

    Raises:
        DeckError: naming the file, the card and the field at fault.
    """
    from quizdock.decks.schema import CardEntry, convert

    own = raw.get("id") if isinstance(raw, dict) else None
    card_id = own if isinstance(own, str) else (f"#{position}" if position else None)
    entry: CardEntry = convert(raw, CardEntry, path=path, card_id=card_id)
    return build_card(entry, raw, deck_id=deck_id, path=path)


def stored_card(raw: Any, *, deck_id: str, path: str) -> Card:
    """The card of a table stored when its deck file was loaded, and so validated then.

    A concept, command or choice card is built without loading the schema (the first card of a
    review is drawn before msgspec would be imported); a practical card, or a table that does
    not fit (stored by another quizdock, or changed in the database), goes through
    :func:`parse_card`, whose error names what is wrong.
    """
    try:
        kind = raw["kind"]
        common: dict[str, Any] = {
            "id": raw["id"],
            "deck_id": deck_id,
            "topics": tuple(raw["topics"]),
            "question": _stored_text(raw["question"]),
            "explanation": _stored_text(raw["explanation"]),
            "note_differs": _stored_text(raw["note_differs"]) if "note_differs" in raw else None,
            "raw": raw,
        }
        if kind == "concept":
            return ConceptCard(answer=_stored_text(raw["answer"]), **common)
        if kind == "command":
            return CommandCard(
                answer=" ".join(raw["answer"].split()),
                alternatives=tuple(" ".join(c.split()) for c in raw.get("alternatives", ())),
                same_form=raw.get("same_form", False) is True,
                **common,
            )
        if kind == "choice":
            choices = tuple(Text(fr=f.strip(), en=e.strip()) for f, e in zip(*_stored_choices(raw), strict=True))
            if isinstance(raw["correct"], int) and 0 <= raw["correct"] < len(choices):
                return ChoiceCard(choices=choices, correct=raw["correct"], **common)
    except (KeyError, TypeError, AttributeError, ValueError):
        pass
    return parse_card(raw, deck_id=deck_id, path=path)


def _stored_text(value: Any) -> Text:
    return Text(fr=value["fr"].strip(), en=value["en"].strip())


def _stored_choices(raw: Any) -> tuple[list[str], list[str]]:
    return raw["choices"]["fr"], raw["choices"]["en"]


def build_card(entry: CardEntry, raw: dict[str, Any], *, deck_id: str, path: str) -> Card:
    """The card of a table the schema validated, once the rules across fields hold.

    Raises:
        DeckError: the id is not of this deck, the choices differ between languages, the right
            choice is not one of them, or the challenge breaks a rule of its own.
    """
    from quizdock.decks.schema import ChoiceEntry, CommandEntry, ConceptEntry

    if entry.id.split("/")[0] != deck_id:
        problem = _("the id must look like {form} with lowercase letters, digits and dashes").format(
            form=quoted(f"{deck_id}/<slug>")
        )
        raise DeckError(path, problem, card_id=entry.id, field="id")
    common: dict[str, Any] = {
        "id": entry.id,
        "deck_id": deck_id,
        "topics": tuple(entry.topics),
        "question": _text(entry.question),
        "explanation": _text(entry.explanation),
        "note_differs": _optional_text(entry.note_differs),
        "raw": raw,
    }
    if isinstance(entry, ConceptEntry):
        return ConceptCard(answer=_text(entry.answer), **common)
    if isinstance(entry, CommandEntry):
        return CommandCard(
            answer=" ".join(entry.answer.split()),
            alternatives=tuple(" ".join(c.split()) for c in entry.alternatives),
            same_form=entry.same_form,
            **common,
        )
    if isinstance(entry, ChoiceEntry):
        fr, en = entry.choices.fr, entry.choices.en
        if len(fr) != len(en):
            problem = _("choices.fr and choices.en must have as many items")
            raise DeckError(path, problem, card_id=entry.id, field="choices")
        if entry.correct >= len(fr):
            problem = _("correct must be the index of a choice, 0 to {last}").format(last=len(fr) - 1)
            raise DeckError(path, problem, card_id=entry.id, field="correct")
        choices = tuple(Text(fr=f.strip(), en=e.strip()) for f, e in zip(fr, en, strict=True))
        return ChoiceCard(choices=choices, correct=entry.correct, **common)
    from quizdock.decks.challenge_spec import build_challenge

    challenge = build_challenge(entry.challenge, raw["challenge"], path=path, card_id=entry.id)
    return PracticalCard(challenge=challenge, **common)


def load_decks(directories: Iterable[Path] | None = None) -> list[Deck]:
    """Parse every deck file; card ids must be unique across decks.

    Args:
        directories: where deck files are; the configured deck directories by default.
    """
    if directories is None:
        from quizdock.support.paths import deck_dirs

        directories = deck_dirs()
    decks = [parse_deck_file(path) for path in deck_files(directories)]
    check_unique_ids(decks)
    return decks


def check_unique_ids(decks: Iterable[Deck]) -> None:
    """Raise a DeckError when two decks declare the same deck id or card id."""
    deck_paths: dict[str, Path] = {}
    card_paths: dict[str, Path] = {}
    for deck in decks:
        if deck.id in deck_paths:
            problem = _("the deck id {id} is also used by {path}").format(id=quoted(deck.id), path=deck_paths[deck.id])
            raise DeckError(str(deck.path), problem)
        deck_paths[deck.id] = deck.path
        for card in deck.cards:
            if card.id in card_paths:
                problem = _("this id is also used in {path}").format(path=card_paths[card.id])
                raise DeckError(str(deck.path), problem, card_id=card.id, field="id")
            card_paths[card.id] = deck.path


def _text(entry: TextEntry) -> Text:
    return Text(fr=entry.fr.strip(), en=entry.en.strip())


def _optional_text(entry: TextEntry | Any) -> Text | None:
    from quizdock.decks.schema import TextEntry

    return _text(entry) if isinstance(entry, TextEntry) else None


def _too_deep() -> str:
    return _("tables and arrays nest deeper than {depth} levels").format(depth=MAX_DEPTH)


def _check_commands(card: CommandCard, path: str) -> None:
    """A command answer must be one the grader understands (checked when the file is read)."""
    from quizdock.grading.commands import answer_problems

    for field, command in (("answer", card.answer), *(("alternatives", c) for c in card.alternatives)):
        problems = answer_problems(command)
        if problems:
            problem = problems[0].get(current_language())
            raise DeckError(
                path,
                _("{command}: {problem}").format(command=quoted(command), problem=problem),
                card_id=card.id,
                field=field,
            )


def check_plain_text(document: dict[str, Any], path: str) -> None:
    """Refuse control characters (other than newline and tab) in every key and string of a deck,
    and nesting deeper than :data:`MAX_DEPTH`.

    Raises:
        DeckError: naming the card (when inside one) and the field.
    """
    from quizdock.support.text import first_control

    # Iterative: a deck nested thousands deep is refused, not a RecursionError.
    pending: list[tuple[Any, str, int, str | None]] = [(document, "", 0, None)]
    while pending:
        value, field, depth, card_id = pending.pop()
        if depth > MAX_DEPTH:
            raise DeckError(path, _too_deep(), card_id=card_id, field=field)
        if isinstance(value, str):
            bad = first_control(value)
            if bad is not None:
                problem = _(
                    "control character {code} in the text; only newlines and tabs are allowed "
                    "(a deck may not drive the terminal)"
                ).format(code=f"U+{ord(bad):04X}")
                raise DeckError(path, problem, card_id=card_id, field=field)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                inner = card_id
                if field == "cards" and isinstance(item, dict):
                    own = item.get("id")
                    inner = own if isinstance(own, str) and first_control(own) is None else f"#{i + 1}"
                    pending.append((item, "", depth + 1, inner))
                else:
                    pending.append((item, f"{field}[{i}]", depth + 1, inner))
        elif isinstance(value, dict):
            for key, item in value.items():
                if first_control(key) is not None:
                    raise DeckError(path, _("control character in a key"), card_id=card_id, field=field or None)
                pending.append((item, f"{field}.{key}" if field else key, depth + 1, card_id))
