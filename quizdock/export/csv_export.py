"""Write quizdock's cards in Anki's text import format (tab-separated, with file headers).

Anki reads the ``#`` header lines (``#separator``, ``#html``, ``#notetype``, ``#deck column``,
``#tags column``, ``#guid column``) and then one note per line. Every note uses Anki's stock
``Basic`` note type (front and back); where a collection has none by that name (a collection
created in another language), Anki takes its current note type and maps the columns in order.
The GUIDs are those of the .apkg export, so the same card is never added twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quizdock.export import ExportCard, deck_name, note_guid, render, tags, write_atomically
from quizdock.i18n import Lang

NOTE_TYPE = "Basic"
# Columns, 1-based as the headers count them. The deck comes first: Anki skips any line that
# starts with '#', and a GUID may.
DECK_COLUMN, GUID_COLUMN, FRONT_COLUMN, BACK_COLUMN, TAGS_COLUMN = 1, 2, 3, 4, 5


@dataclass(frozen=True, slots=True)
class CsvSummary:
    """What the file holds: notes, and the quizdock decks they come from."""

    notes: int
    decks: int


def front_and_back(card: ExportCard, lang: Lang) -> tuple[str, str]:
    """The two sides of a card as HTML: the question (with its choices), then the answer."""
    text = render(card.card, lang)
    front = text.question + text.choices
    answer = f"<code>{text.answer}</code>" if card.card.kind == "command" else text.answer
    parts = [answer, text.alternatives, text.check, f"<i>{text.explanation}</i>", text.differs]
    back = "".join(f"<div>{part}</div>" for part in parts if part)
    return front, back


def write_csv(cards: Sequence[ExportCard], path: Path, *, lang: Lang) -> CsvSummary:
    """Write ``cards`` as an Anki text import file at ``path`` (replaced atomically).

    Args:
        cards: the cards, in deck order.
        path: the file to write.
        lang: the language of the texts.
    """
    out = io.StringIO()
    out.write(
        "#separator:tab\n"
        "#html:true\n"
        f"#notetype:{NOTE_TYPE}\n"
        f"#deck column:{DECK_COLUMN}\n"
        f"#guid column:{GUID_COLUMN}\n"
        f"#tags column:{TAGS_COLUMN}\n"
    )
    writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for card in cards:
        front, back = front_and_back(card, lang)
        row = {
            DECK_COLUMN: deck_name(card.card.deck_id),
            GUID_COLUMN: note_guid(card.card.id),
            FRONT_COLUMN: front,
            BACK_COLUMN: back,
            TAGS_COLUMN: " ".join(tags(card.card)),
        }
        writer.writerow([row[column] for column in sorted(row)])
    write_atomically(path, out.getvalue().encode("utf-8"))
    return CsvSummary(notes=len(cards), decks=len({card.card.deck_id for card in cards}))
