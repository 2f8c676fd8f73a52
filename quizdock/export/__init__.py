"""Exporting quizdock's cards to Anki: what the package and the CSV writers share.

The cards are read from the database (not the deck files), so an export carries what the
learner studies: active cards only, the time each card's content last changed (Anki updates a
note on re-import only when that time is newer) and, on request, the SM-2 state and review log.

Texts become HTML: deck text is escaped, `` `code` `` spans become ``<code>`` and line breaks
``<br>``, so nothing in a deck file can inject markup into Anki.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizdock.challenges.model import PLACEHOLDER_PATTERN
from quizdock.decks.cards import Card, PracticalCard
from quizdock.i18n import N_, Lang, Text, _, gettext_in
from quizdock.storage.records import StoredCard
from quizdock.support import atomicfile
from quizdock.support.text import printable

if TYPE_CHECKING:
    from quizdock.storage.store import Store

ROOT_DECK = "Docker"
"""The Anki deck every exported deck sits under: ``Docker::<deck id>``."""

_LABELS: dict[str, str] = {
    "alternatives": N_("Also accepted:"),
    "differs": N_("Correction:"),
    "check": N_("The live check of this task runs in quizdock, on your Docker daemon (card {id})."),
    "input": N_("input:"),
}

_CODE_SPAN = re.compile(r"`([^`\n]+)`")


ExportCard = StoredCard
"""An active card as an export sees it: the store's record, with its progress when asked for."""


@dataclass(frozen=True, slots=True)
class RenderedCard:
    """A card's texts in one language, as HTML.

    Attributes:
        question: the question, or the task of a practical card.
        answer: the concept answer; the command (escaped text, no markup: Anki compares what is
            typed with it); the right choice with its letter; the practical reference solution.
        choices: the choices as a lettered list (choice cards), else empty.
        alternatives: the other accepted commands with their label (command cards), else empty.
        check: the line saying the live check runs in quizdock (practical cards), else empty.
        explanation: the explanation.
        differs: where the learner's source note is wrong, with its label, else empty.
    """

    question: str
    answer: str
    choices: str
    alternatives: str
    check: str
    explanation: str
    differs: str


def read_cards(store: Store, *, deck: str | None = None, with_progress: bool = False) -> list[ExportCard]:
    """The active cards, by deck then deck order, with their progress when asked for.

    Args:
        store: the learner's database, deck files already synced.
        deck: only this deck.
        with_progress: also read each card's SM-2 state and review log.
    """
    return store.active_cards(deck, with_progress=with_progress)


def note_guid(card_id: str) -> str:
    """The Anki note GUID of a card: derived from its quizdock id only, so it never changes."""
    from genanki import guid_for

    return guid_for("quizdock", card_id)


def stable_id(kind: str, name: str) -> int:
    """A fixed Anki id for a quizdock deck or note type, from its name (2**30 to 2**31 - 1)."""
    digest = hashlib.sha256(f"quizdock {kind}: {name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def deck_name(deck_id: str) -> str:
    """The Anki deck of a quizdock deck."""
    return f"{ROOT_DECK}::{deck_id}"


def tags(card: Card) -> list[str]:
    """The card's Anki tags: its topics (already hierarchical with ``::``, no spaces)."""
    return list(card.topics)


def epoch_seconds(moment: datetime) -> int:
    """Seconds since the epoch of a naive UTC datetime."""
    return calendar.timegm(moment.utctimetuple())


def epoch_millis(moment: datetime) -> int:
    """Milliseconds since the epoch of a naive UTC datetime."""
    return epoch_seconds(moment) * 1000 + moment.microsecond // 1000


def _escape(text: str) -> str:
    """Deck text as HTML text: markup escaped, control characters written ``\\xNN`` (an export
    never carries raw control bytes, whatever an older quizdock stored)."""
    return html.escape(printable(text), quote=False)


def html_text(text: str) -> str:
    """Deck text as HTML: escaped, `` `code` `` as ``<code>``, line breaks as ``<br>``."""
    escaped = _escape(text.strip())
    return _CODE_SPAN.sub(r"<code>\1</code>", escaped).replace("\n", "<br>")


def render(card: Card, lang: Lang) -> RenderedCard:
    """The card's texts in ``lang``, as HTML.

    In a practical card, ``{name}`` parameters read as the names the challenge will use
    (``qd-web``), and values chosen at setup (ports, directories, the registry) as ``<port>``.
    """
    values = _challenge_values(card)

    def text(value: Text) -> str:
        shown = value.get(lang)
        return html_text(_fill_placeholders(shown, values) if card.kind == "practical" else shown)

    answer = choices = alternatives = check = ""
    if card.kind == "concept" and isinstance(card.answer, Text):
        answer = text(card.answer)
    elif card.kind == "command" and isinstance(card.answer, str):
        answer = _escape(card.answer)
        if card.alternatives:
            listed = ", ".join(f"<code>{_escape(c)}</code>" for c in card.alternatives)
            alternatives = gettext_in(lang, _LABELS["alternatives"]) + " " + listed
    elif card.kind == "choice" and card.correct is not None:
        items = "".join(f"<li>{text(choice)}</li>" for choice in card.choices)
        choices = f'<ol type="A">{items}</ol>'
        answer = f"{_letter(card.correct)}. {text(card.choices[card.correct])}"
    elif card.kind == "practical":
        answer = "".join(f'<div class="qd-step">{step}</div>' for step in _solution_steps(card, lang, values))
        check = _escape(gettext_in(lang, _LABELS["check"]).format(id=card.id))
    differs = ""
    if card.note_differs is not None:
        differs = "<b>" + gettext_in(lang, _LABELS["differs"]) + "</b> " + text(card.note_differs)
    return RenderedCard(
        question=text(card.question),
        answer=answer,
        choices=choices,
        alternatives=alternatives,
        check=check,
        explanation=text(card.explanation),
        differs=differs,
    )


class UnsafeTarget(ValueError):
    """What is at an export path is not a regular file: the message says what it is."""


def check_target(path: Path) -> None:
    """An export replaces only a regular file, or writes a new path.

    A symbolic link, a device (``/dev/null``), a FIFO, a socket or a folder is refused:
    renaming over it would replace it (as root, ``/dev/null`` became a regular file).

    Raises:
        UnsafeTarget: naming what is there.
        OSError: the path cannot be looked at (a name too long, a folder on the way that is a file).
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        what = _("a symbolic link")
    elif stat.S_ISDIR(mode):
        what = _("a folder")
    elif stat.S_ISFIFO(mode):
        what = _("a FIFO (named pipe)")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = _("a device")
    else:
        what = _("not a regular file")
    raise UnsafeTarget(
        _("{path} is {what}; an export writes only a regular file or a new path").format(path=path, what=what)
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Write an export to ``path`` atomically (never a half file), replacing only a regular file.

    Raises:
        UnsafeTarget: something other than a regular file is at ``path`` (checked again just
            before the rename).
    """
    atomicfile.write_atomically(path, data, check=check_target)


def count_reviews(cards: Sequence[ExportCard]) -> tuple[int, int]:
    """How many cards have progress, and how many answers their logs hold."""
    with_state = [c.progress for c in cards if c.progress is not None]
    return len(with_state), sum(len(p.reviews) for p in with_state)


def _letter(index: int) -> str:
    return chr(ord("A") + index)


def _challenge_values(card: Card) -> dict[str, str]:
    """The parameter values known before a challenge is set up: its id, label and reserved names."""
    if not isinstance(card, PracticalCard):
        return {}
    challenge = card.challenge
    values = {"challenge": challenge.id, "label": challenge.label}
    values.update({p.key: p.reserved_name for p in challenge.params if p.reserved_name})
    return values


def _solution_steps(card: Card, lang: Lang, values: dict[str, str]) -> list[str]:
    """The reference solution's commands as HTML, with the reserved names filled in."""
    steps: list[tuple[str, str | None]] = []
    if isinstance(card, PracticalCard):
        steps = [(step.command, step.input) for step in card.challenge.solution]
    else:  # no parsed challenge: read the solution from the card table as the deck file has it
        raw: Any = (card.raw or {}).get("challenge", {}).get("solution", [])
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, str):
                steps.append((item, None))
            elif isinstance(item, dict) and isinstance(item.get("command"), str):
                steps.append((item["command"], item.get("input")))
    rendered: list[str] = []
    for command, typed in steps:
        line = f"<code>{_escape(_fill_placeholders(command, values))}</code>"
        if typed:
            shown = _escape(_fill_placeholders(typed.strip(), values)).replace("\n", "<br>")
            line += " (" + gettext_in(lang, _LABELS["input"]) + f" <code>{shown}</code>)"
        rendered.append(line)
    return rendered


def _fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Known names are filled in; values chosen at setup (ports, directories) read ``<port>``."""
    return PLACEHOLDER_PATTERN.sub(lambda m: values.get(m.group(1), f"<{m.group(1)}>"), text)
