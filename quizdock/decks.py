"""Load and validate deck files (TOML) into plain, frozen objects.

Deck files are data: they are parsed with :mod:`tomllib` and nothing in them is executed.
The format is documented in ``docs/deck-format.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quizdock.errors import DeckError, ExitCode, QuizdockError
from quizdock.i18n import LANGS, Text
from quizdock.plaintext import read_bounded

if TYPE_CHECKING:
    from quizdock.lab.spec import Challenge

CardKind = Literal["concept", "command", "choice", "practical"]
KINDS: tuple[CardKind, ...] = ("concept", "command", "choice", "practical")

_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CARD_ID = re.compile(r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]*(::[a-z0-9][a-z0-9-]*)*$")

# Fields each kind needs besides id, kind, topics, question and explanation.
_KIND_FIELDS: dict[str, frozenset[str]] = {
    "concept": frozenset({"answer"}),
    "command": frozenset({"answer"}),
    "choice": frozenset({"choices", "correct"}),
    "practical": frozenset({"challenge"}),
}
_COMMON_FIELDS = frozenset({"id", "kind", "topics", "question", "explanation", "note_differs"})
_DECK_FIELDS = frozenset({"id", "title", "description"})

MAX_DECK_BYTES = 32 * 1024 * 1024
"""A deck file larger than this is refused unread (the bundled decks are a few dozen KB)."""
MAX_DEPTH = 16
"""Tables and arrays nest at most this deep in a deck file (the format needs 5)."""
_OPTIONAL_FIELDS: dict[str, frozenset[str]] = {"command": frozenset({"alternatives", "same_form"})}


@dataclass(frozen=True, slots=True)
class Card:
    """One card of a deck, as the deck file declares it.

    Attributes:
        id: stable id ``<deck>/<slug>``; it carries the learner's progress.
        deck_id: the deck the card belongs to.
        kind: concept, command, choice or practical.
        topics: topic tags, hierarchical with ``::``.
        question: the question, or the task of a practical card.
        explanation: shown after grading.
        answer: concept answer text (``Text``), or the expected command (``str``).
        alternatives: other accepted commands (command cards).
        same_form: the card asks for one form of a command (e.g. the management form), so an
            equivalent command written in another form is only partly right.
        choices: the choices of a choice card, per language.
        correct: index of the right choice.
        note_differs: where the source note is wrong, what is right.
        challenge: the practical challenge.
        raw: the card table as read from the file (stored, and hashed for changes).
    """

    id: str
    deck_id: str
    kind: CardKind
    topics: tuple[str, ...]
    question: Text
    explanation: Text
    answer: Text | str | None = None
    alternatives: tuple[str, ...] = ()
    same_form: bool = False
    choices: tuple[Text, ...] = ()
    correct: int | None = None
    note_differs: Text | None = None
    challenge: Challenge | None = None
    raw: Mapping[str, Any] | None = None

    @property
    def content_hash(self) -> str:
        """A hash of the card's content: it changes when any field of the card is edited."""
        return content_hash(self.raw or {})


@dataclass(frozen=True, slots=True)
class Deck:
    """A deck file: its id, title and cards."""

    id: str
    title: Text
    description: Text | None
    cards: tuple[Card, ...]
    path: Path
    file_hash: str
    file_size: int | None = None
    file_mtime_ns: int | None = None


def content_hash(raw: Mapping[str, Any]) -> str:
    """A stable hash of a card table (key order does not matter)."""
    data = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


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
            f"No deck files (*.toml) in {shown}. Point QUIZDOCK_DECKS at a directory of deck files "
            "(or unset it to use the bundled decks), and check that quizdock may read it.",
            exit_code=ExitCode.DECK,
        )
    return files


def parse_deck_file(path: Path, data: bytes | None = None, stat: os.stat_result | None = None) -> Deck:
    """Read and validate one deck file.

    Raises:
        DeckError: naming the file, the card id, the field and, for syntax errors, the line.
    """
    shown = str(path)
    try:
        # Size and time are taken before the content is read, so a write in between is seen next time.
        stat = stat or path.stat()
        if data is None:
            data = read_bounded(path, MAX_DECK_BYTES)
    except OSError as exc:
        raise DeckError(shown, f"cannot be read ({exc.strerror})") from None
    except ValueError as exc:
        raise DeckError(shown, str(exc)) from None
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(shown, f"is larger than {MAX_DECK_BYTES // (1024 * 1024)} MiB; split it into several decks")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeckError(shown, "is not UTF-8 text") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise DeckError(shown, f"invalid TOML ({exc})", line=line) from None
    except RecursionError:
        raise DeckError(shown, f"invalid TOML: arrays or tables nest deeper than {MAX_DEPTH} levels") from None
    try:
        return _parse_document(document, path, shown, data, stat, text)
    except DeckError as error:
        if error.line is None and error.field:
            line = field_line(text, error.card_id, error.field)
            if line is not None:
                raise DeckError(shown, error.problem, card_id=error.card_id, field=error.field, line=line) from None
        raise


def _parse_document(
    document: dict[str, Any], path: Path, shown: str, data: bytes, stat: os.stat_result, text: str
) -> Deck:
    check_plain_text(document, shown)
    unknown = set(document) - {"deck", "cards"}
    if unknown:
        raise DeckError(shown, f"unknown top-level key(s) {sorted(unknown)}; expected [deck] and [[cards]]")
    header = document.get("deck")
    if not isinstance(header, dict):
        raise DeckError(shown, "missing the [deck] table", field="deck")
    unknown_header = sorted(set(header) - _DECK_FIELDS)
    if unknown_header:
        raise DeckError(
            shown,
            f"unknown key in [deck]; expected {', '.join(sorted(_DECK_FIELDS))}",
            field=f"deck.{unknown_header[0]}",
        )
    deck_id = header.get("id")
    if not isinstance(deck_id, str) or not _DECK_ID.fullmatch(deck_id):
        raise DeckError(shown, "the deck id must be lowercase letters, digits and dashes", field="deck.id")
    if deck_id != path.stem:
        raise DeckError(shown, f"the deck id {deck_id!r} must equal the file name {path.stem!r}", field="deck.id")
    title = _text(header.get("title"), shown, None, "deck.title")
    description = None
    if "description" in header:
        description = _text(header["description"], shown, None, "deck.description")

    raw_cards = document.get("cards", [])
    if not isinstance(raw_cards, list) or not raw_cards:
        raise DeckError(shown, "has no [[cards]]", field="cards")
    cards: list[Card] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_cards, start=1):
        try:
            card = parse_card(raw, deck_id=deck_id, path=shown, position=index)
            if card.id in seen:
                raise DeckError(shown, "this id is used twice in the file", card_id=card.id, field="id")
            seen.add(card.id)
            if card.kind == "command":
                _check_commands(card, shown)
        except DeckError as error:
            if error.line is not None or not error.field:
                raise
            line = field_line(text, error.card_id, error.field, position=index)
            raise DeckError(shown, error.problem, card_id=error.card_id, field=error.field, line=line) from None
        cards.append(card)
    return Deck(
        id=deck_id,
        title=title,
        description=description,
        cards=tuple(cards),
        path=path,
        file_hash=file_hash(data),
        file_size=stat.st_size,
        file_mtime_ns=stat.st_mtime_ns,
    )


def parse_card(raw: Any, *, deck_id: str, path: str, position: int = 0) -> Card:
    """Validate one card table and build its :class:`Card`.

    Raises:
        DeckError: naming the file, the card and the field at fault.
    """
    label = f"#{position}" if position else "?"
    if not isinstance(raw, dict):
        raise DeckError(path, f"card {label} is not a table")
    card_id = raw.get("id")
    if not isinstance(card_id, str) or not card_id:
        raise DeckError(path, f"card {label} has no id", field="id")
    if not _CARD_ID.fullmatch(card_id) or card_id.split("/")[0] != deck_id:
        raise DeckError(
            path,
            f"the id must look like '{deck_id}/<slug>' with lowercase letters, digits and dashes",
            card_id=card_id,
            field="id",
        )
    kind = raw.get("kind")
    if kind not in KINDS:
        raise DeckError(path, f"kind must be one of {', '.join(KINDS)}, got {kind!r}", card_id=card_id, field="kind")
    allowed = _COMMON_FIELDS | _KIND_FIELDS[kind] | _OPTIONAL_FIELDS.get(kind, frozenset())
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise DeckError(path, f"unknown field for a {kind} card", card_id=card_id, field=unknown[0])
    for needed in ("question", "explanation", *sorted(_KIND_FIELDS[kind])):
        if needed not in raw:
            raise DeckError(path, f"a {kind} card needs this field", card_id=card_id, field=needed)

    topics = raw.get("topics", [])
    if (
        not isinstance(topics, list)
        or not topics
        or not all(isinstance(t, str) and _TOPIC.fullmatch(t) for t in topics)
    ):
        raise DeckError(
            path,
            "topics must be a non-empty list of tags like 'volumes' or 'volumes::tmpfs'",
            card_id=card_id,
            field="topics",
        )

    question = _text(raw["question"], path, card_id, "question")
    explanation = _text(raw["explanation"], path, card_id, "explanation")
    note_differs = _text(raw["note_differs"], path, card_id, "note_differs") if "note_differs" in raw else None
    answer: Text | str | None = None
    alternatives: tuple[str, ...] = ()
    same_form: bool = False
    choices: tuple[Text, ...] = ()
    correct: int | None = None
    challenge = None

    if kind == "concept":
        answer = _text(raw["answer"], path, card_id, "answer")
    elif kind == "command":
        answer = _command(raw["answer"], path, card_id, "answer")
        listed = raw.get("alternatives", [])
        if not isinstance(listed, list):
            raise DeckError(path, "alternatives must be a list of commands", card_id=card_id, field="alternatives")
        alternatives = tuple(_command(c, path, card_id, "alternatives") for c in listed)
        same_form = raw.get("same_form", False)
        if not isinstance(same_form, bool):
            raise DeckError(path, "same_form must be true or false", card_id=card_id, field="same_form")
    elif kind == "choice":
        choices = _choices(raw["choices"], path, card_id)
        correct = raw["correct"]
        if isinstance(correct, bool) or not isinstance(correct, int) or not 0 <= correct < len(choices):
            raise DeckError(
                path,
                f"correct must be the index of a choice, 0 to {len(choices) - 1}",
                card_id=card_id,
                field="correct",
            )
    else:
        from quizdock.lab.spec import parse_challenge

        if not isinstance(raw["challenge"], dict):
            raise DeckError(path, "challenge must be a table", card_id=card_id, field="challenge")
        challenge = parse_challenge(raw["challenge"], path=path, card_id=card_id)

    return Card(
        id=card_id,
        deck_id=deck_id,
        kind=kind,
        topics=tuple(topics),
        question=question,
        explanation=explanation,
        answer=answer,
        alternatives=alternatives,
        same_form=same_form,
        choices=choices,
        correct=correct,
        note_differs=note_differs,
        challenge=challenge,
        raw=raw,
    )


def load_decks(directories: Iterable[Path] | None = None) -> list[Deck]:
    """Parse every deck file; card ids must be unique across decks.

    Args:
        directories: where deck files are; the configured deck directories by default.
    """
    if directories is None:
        from quizdock.paths import deck_dirs

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
            raise DeckError(str(deck.path), f"the deck id {deck.id!r} is also used by {deck_paths[deck.id]}")
        deck_paths[deck.id] = deck.path
        for card in deck.cards:
            if card.id in card_paths:
                raise DeckError(
                    str(deck.path), f"this id is also used in {card_paths[card.id]}", card_id=card.id, field="id"
                )
            card_paths[card.id] = deck.path


def _text(value: Any, path: str, card_id: str | None, field: str) -> Text:
    if not isinstance(value, dict):
        raise DeckError(
            path, "expected a French and an English text (fr = ..., en = ...)", card_id=card_id, field=field
        )
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise DeckError(path, f"missing or empty {lang!r} text", card_id=card_id, field=f"{field}.{lang}")
    extra = sorted(set(value) - set(LANGS))
    if extra:
        raise DeckError(path, "only 'fr' and 'en' texts are allowed", card_id=card_id, field=f"{field}.{extra[0]}")
    return Text(fr=value["fr"].strip(), en=value["en"].strip())


def _command(value: Any, path: str, card_id: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DeckError(path, "expected a command as a non-empty string", card_id=card_id, field=field)
    command = " ".join(value.split())
    if not command.startswith("docker "):
        raise DeckError(path, "a command answer starts with 'docker'", card_id=card_id, field=field)
    return command


def _check_commands(card: Card, path: str) -> None:
    """A command answer must be one the grader understands (checked when the file is read)."""
    from quizdock.grading.commands import answer_problems

    for field, command in (("answer", card.answer), *(("alternatives", c) for c in card.alternatives)):
        problems = answer_problems(str(command))
        if problems:
            raise DeckError(path, f"{command!r}: {problems[0].en}", card_id=card.id, field=field)


def _choices(value: Any, path: str, card_id: str) -> tuple[Text, ...]:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise DeckError(path, "expected choices.fr and choices.en lists", card_id=card_id, field="choices")
    fr, en = value["fr"], value["en"]
    for lang, items in (("fr", fr), ("en", en)):
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise DeckError(path, "expected a list of non-empty texts", card_id=card_id, field=f"choices.{lang}")
    if len(fr) != len(en):
        raise DeckError(path, "choices.fr and choices.en must have as many items", card_id=card_id, field="choices")
    if not 2 <= len(fr) <= 6:
        raise DeckError(path, "a choice card has 2 to 6 choices", card_id=card_id, field="choices")
    return tuple(Text(fr=f.strip(), en=e.strip()) for f, e in zip(fr, en, strict=True))


def check_plain_text(document: dict[str, Any], path: str) -> None:
    """Refuse control characters (other than newline and tab) in every key and string of a deck,
    and nesting deeper than :data:`MAX_DEPTH`.

    Raises:
        DeckError: naming the card (when inside one) and the field.
    """
    from quizdock.plaintext import first_control

    # Iterative: a deck nested thousands deep is refused, not a RecursionError.
    pending: list[tuple[Any, str, int, str | None]] = [(document, "", 0, None)]
    while pending:
        value, field, depth, card_id = pending.pop()
        if depth > MAX_DEPTH:
            raise DeckError(
                path, f"tables and arrays nest deeper than {MAX_DEPTH} levels", card_id=card_id, field=field
            )
        if isinstance(value, str):
            bad = first_control(value)
            if bad is not None:
                raise DeckError(
                    path,
                    f"control character U+{ord(bad):04X} in the text; only newlines and tabs are allowed "
                    "(a deck may not drive the terminal)",
                    card_id=card_id,
                    field=field,
                )
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
                    raise DeckError(path, "control character in a key", card_id=card_id, field=field or None)
                pending.append((item, f"{field}.{key}" if field else key, depth + 1, card_id))


def field_line(text: str, card_id: str | None, field: str, *, position: int | None = None) -> int | None:
    """The line of a deck file where ``field`` of the card (or of ``[deck]``) is written.

    TOML parsers give no positions, so this reads the text: from the card's ``[[cards]]`` table
    (the ``position``-th, counted from 1; else the one whose ``id = ...`` it is, or ``[deck]``)
    to the next card, the line that sets the field's key
    (``solution`` for ``challenge.solution[2]``, the third ``[[cards.challenge.setup]]`` table
    for ``challenge.setup[2].path``). None when it cannot be found.
    """
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if line.strip().startswith("[[cards]]")]
    if position is not None and 0 < position <= len(headers):
        start: int | None = headers[position - 1]  # the card's own table, whatever its id
    elif card_id is not None:
        quoted = re.compile(r"""^\s*id\s*=\s*["']""" + re.escape(card_id) + r"""["']\s*(#.*)?$""")
        start = next((i for i, line in enumerate(lines) if quoted.match(line)), None)
    else:
        start = next((i for i, line in enumerate(lines) if line.strip().startswith("[deck]")), None)
        field = field.removeprefix("deck").lstrip(".") or "id"
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("[[cards]]")), len(lines))
    segments = re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", field)
    path: list[str] = []  # the keys since the last table header
    full: list[str] = []
    found = start
    for key, index in segments:
        path.append(key)
        full.append(key)
        header = re.compile(r"^\s*\[\[\s*cards\." + r"\.".join(map(re.escape, full)) + r"\s*\]\]")
        headers = [i for i in range(start, end) if header.match(lines[i])]
        if index and int(index) < len(headers):
            found = start = headers[int(index)]
            end = next((i for i in range(start + 1, end) if lines[i].lstrip().startswith("[")), end)
            path = []
            continue
        dotted = r"\s*\.\s*".join(map(re.escape, path))
        setting = re.compile(r"^\s*(?:[\w-]+\s*\.\s*)*" + dotted + r"\s*(?:=|\.[\w\s.-]*=)")
        table = re.compile(r"^\s*\[\s*cards\.(?:[\w-]+\.)*" + dotted + r"\s*\]")
        hit = next((i for i in range(start, end) if setting.match(lines[i]) or table.match(lines[i])), None)
        if hit is None:
            break
        found = hit
        if table.match(lines[hit]):
            start, path = hit, []
        elif index and lines[hit].rstrip().endswith("[") and hit + 1 + int(index) < end:
            found = hit + 1 + int(index)  # one item per line, as multi-line arrays are written
    return found + 1


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
