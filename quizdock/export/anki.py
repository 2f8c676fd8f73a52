"""Write an Anki package (.apkg) of quizdock's cards, optionally with the learner's progress.

genanki builds the collection (note types, decks, notes, cards); this module then sets what
genanki cannot: one modification time per note (the time its content last changed in quizdock),
ids that do not depend on the wall clock, the SM-2 state of reviewed cards, the review log and
the collection's day count. The zip entries have fixed times too, so exporting an unchanged
database twice gives the same bytes.

How Anki imports it (rslib ``import_export/package/apkg/import``): notes match by GUID and are
updated only when the package's note is newer; a note type keeps its id when the collection
has it with the same fields and templates (else it is added as a copy); decks match by name;
cards, their scheduling and the review log are imported only with "Import any learning
progress", and only for cards new to the collection. A review card's ``due`` counts days from
the package collection's creation day; the importer shifts it by the difference between the
two collections' day counts, so writing ``due = due_on - creation day`` makes the card due on
the same calendar day in Anki.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import genanki

from quizdock.core import PASSING
from quizdock.core.fsrs import Fsrs, decay
from quizdock.decks.cards import ChoiceCard
from quizdock.export import (
    ROOT_DECK,
    ExportCard,
    count_reviews,
    deck_name,
    epoch_millis,
    epoch_seconds,
    html_text,
    note_guid,
    render,
    stable_id,
    tags,
    write_atomically,
)
from quizdock.i18n import Lang
from quizdock.storage.records import Progress

NOTE_TYPES_MOD = 1796083200
"""Modification time of the note types (2026-12-01 UTC). Raise it when a template or the CSS
changes: Anki updates a note type on import only when it is newer."""

CHOICE_NOTES_MOD = 1796083200
"""Multiple-choice notes are at least this recent (2026-12-01 UTC): their Answer field lost the
option's letter when the options began to be shuffled, so a note imported before is updated."""

# The package collection is "created" on 2020-01-01 in UTC (creationOffset 0) and its day starts
# at 4 a.m. like a new Anki collection's, so both count days alike and the importer's shift
# keeps each due date on its calendar day.
COLLECTION_CREATED = 1577880000  # 2020-01-01T12:00:00Z
COLLECTION_DAY_ZERO = date(2020, 1, 1)
ROLLOVER_HOUR = 4

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
_TEMPORARY_IDS = 1_000_000_000_000  # genanki's ids, replaced before the package is written

# Anki's card types and queues, and its review-log kinds.
_REVIEW, _SUSPENDED = 2, -1
_LOG_LEARN, _LOG_REVIEW, _LOG_RELEARN = 0, 1, 2

CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background-color: white; }
.nightMode .card, .card.nightMode { color: white; background-color: #2f2f31; }
code { font-family: monospace; }
#typeans { font-family: monospace; }
.qd-choices li { margin: 0.3em 0; }
.qd-answer { margin-top: 0.5em; }
.qd-alternatives, .qd-check { margin-top: 0.8em; font-size: 0.85em; }
.qd-explanation { margin-top: 1em; font-style: italic; }
.qd-differs { margin-top: 1em; color: #b35c00; }
.qd-id { margin-top: 1.5em; font-size: 0.65em; color: gray; }
"""


@dataclass(frozen=True, slots=True)
class NoteType:
    """One of quizdock's Anki note types: a name Anki does not use itself, fields, one card."""

    kind: str
    name: str
    fields: tuple[str, ...]
    template: str
    front: str
    back: str

    @property
    def id(self) -> int:
        return stable_id("note type", self.kind)


# Multiple-choice options in a new order at every showing, the same order on the back: the order
# is kept per note for the review (a page variable, and sessionStorage where the back is a new page).
SHUFFLE_CHOICES = """<script>
(function () {
  var list = document.querySelector(".qd-choices ol, .qd-choices ul");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.children);
  var key = "quizdock-order:{{Id}}";
  var kept = window.quizdockOrders = window.quizdockOrders || {};
  var order = null;
  if (document.getElementById("answer")) {
    order = kept[key] || null;
    if (!order) { try { order = JSON.parse(sessionStorage.getItem(key)); } catch (e) { order = null; } }
  }
  if (!order || order.length !== items.length) {
    order = items.map(function (item, i) { return i; });
    for (var i = order.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = order[i]; order[i] = order[j]; order[j] = swap;
    }
    kept[key] = order;
    try { sessionStorage.setItem(key, JSON.stringify(order)); } catch (e) { /* no storage: the page variable */ }
  }
  order.forEach(function (i) { list.appendChild(items[i]); });
})();
</script>"""

# Every note type ends with these fields, shown in this order under the answer.
_COMMON_FIELDS = ("Explanation", "Differs", "Id")
_EXTRA = (
    '{{#Explanation}}<div class="qd-explanation">{{Explanation}}</div>{{/Explanation}}'
    '{{#Differs}}<div class="qd-differs">{{Differs}}</div>{{/Differs}}'
    '<div class="qd-id">quizdock · {{Id}}</div>'
)


def _note_type(kind: str, name: str, fields: tuple[str, ...], template: str, front: str, back: str) -> NoteType:
    """A note type with its own ``fields`` first, then the common ones, shown after ``back``."""
    return NoteType(kind, name, (*fields, *_COMMON_FIELDS), template, front, back + _EXTRA)


NOTE_TYPES: dict[str, NoteType] = {
    note_type.kind: note_type
    for note_type in (
        _note_type(
            "concept",
            "quizdock concept",
            ("Question", "Answer"),
            template="Recall",
            front="{{Question}}",
            back='{{FrontSide}}<hr id="answer"><div class="qd-answer">{{Answer}}</div>',
        ),
        _note_type(
            "command",
            "quizdock command",
            ("Question", "Command", "Alternatives"),
            template="Type the command",
            front="{{Question}}\n\n{{type:Command}}",
            back='{{Question}}\n\n<hr id="answer">\n\n{{type:Command}}'
            '{{#Alternatives}}<div class="qd-alternatives">{{Alternatives}}</div>{{/Alternatives}}',
        ),
        _note_type(
            "choice",
            "quizdock multiple choice",
            ("Question", "Choices", "Answer"),
            template="Choose",
            front='{{Question}}<div class="qd-choices">{{Choices}}</div>' + SHUFFLE_CHOICES,
            back='{{FrontSide}}<hr id="answer"><div class="qd-answer"><b>{{Answer}}</b></div>',
        ),
        _note_type(
            "practical",
            "quizdock practical",
            ("Task", "Solution", "Check"),
            template="Do the task",
            front="{{Task}}",
            back='{{FrontSide}}<hr id="answer"><div class="qd-answer">{{Solution}}</div>'
            '<div class="qd-check">{{Check}}</div>',
        ),
    )
}


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """What a package holds.

    Attributes:
        notes: notes (one card each).
        decks: quizdock decks, each an Anki deck under ``Docker::``.
        review_cards: cards written as review cards (with progress).
        reviews: review-log entries written (with progress).
        suspended: cards written as suspended (with progress).
    """

    notes: int
    decks: int
    review_cards: int
    reviews: int
    suspended: int


def note_fields(card: ExportCard, lang: Lang) -> list[str]:
    """The card's note fields, in its note type's order."""
    text = render(card.card, lang)
    by_kind = {
        "concept": [text.question, text.answer],
        "command": [text.question, text.answer, text.alternatives],
        # The right option without its letter: the options are shuffled at every showing.
        "choice": [text.question, text.choices, _right_choice(card, lang)],
        "practical": [text.question, text.answer, text.check],
    }
    return [*by_kind[card.card.kind], text.explanation, text.differs, card.card.id]


def _right_choice(card: ExportCard, lang: Lang) -> str:
    if not isinstance(card.card, ChoiceCard):
        return ""
    return html_text(card.card.choices[card.card.correct].get(lang))


def write_package(
    cards: Sequence[ExportCard], path: Path, *, lang: Lang, with_progress: bool, fsrs: Fsrs | None = None
) -> PackageSummary:
    """Write ``cards`` to an Anki package at ``path`` (replaced atomically).

    Args:
        cards: the cards, in deck order; their progress is written when ``with_progress``.
        path: the .apkg file.
        lang: the language of the texts.
        with_progress: write reviewed cards as Anki review cards, with their review log.
        fsrs: the scheduler in use when it is FSRS: each card also carries its memory state, the
            desired retention and the day of its last answer, as Anki keeps them under FSRS.

    Returns:
        What the package holds.
    """
    models = {kind: _model(note_type) for kind, note_type in NOTE_TYPES.items()}
    root = genanki.Deck(stable_id("deck", ""), ROOT_DECK, description="quizdock")
    decks: dict[str, genanki.Deck] = {}
    guids = {item.card.id: note_guid(item.card.id) for item in cards}
    for item in cards:
        card = item.card
        if card.deck_id not in decks:
            decks[card.deck_id] = genanki.Deck(stable_id("deck", card.deck_id), deck_name(card.deck_id))
        decks[card.deck_id].add_note(
            genanki.Note(
                model=models[card.kind],
                fields=note_fields(item, lang),
                # Anki's own mark for a leech, with the schedule only (an import without it drops the tag).
                tags=[*tags(card), *(["leech"] if with_progress and item.suspended == "leech" else [])],
                guid=guids[card.id],
            )
        )
    with tempfile.TemporaryDirectory(prefix="quizdock-export-") as scratch:
        database = Path(scratch) / "collection.anki2"
        connection = sqlite3.connect(database)
        # A scratch file, zipped once written: no journal, no syncing.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        try:
            cursor = connection.cursor()
            genanki.Package([root, *decks.values()]).write_to_db(
                cursor, NOTE_TYPES_MOD, itertools.count(_TEMPORARY_IDS)
            )
            _set_collection(cursor)
            _set_notes_and_cards(cursor, cards, guids, with_progress=with_progress, fsrs=fsrs)
            connection.commit()
            connection.execute("VACUUM")
        finally:
            connection.close()
        package = _zip(database)
    write_atomically(path, package)
    review_cards, reviews = count_reviews(cards) if with_progress else (0, 0)
    suspended = sum(1 for item in cards if item.suspended) if with_progress else 0
    return PackageSummary(len(cards), len(decks), review_cards, reviews, suspended)


def _model(note_type: NoteType) -> genanki.Model:
    return genanki.Model(
        note_type.id,
        note_type.name,
        fields=[{"name": name} for name in note_type.fields],
        templates=[{"name": note_type.template, "qfmt": note_type.front, "afmt": note_type.back}],
        css=CSS,
    )


def _set_collection(cursor: sqlite3.Cursor) -> None:
    """Fix the collection's creation day and day counting (see COLLECTION_CREATED)."""
    (conf_json,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_json)
    # schedVer 2 with a creationOffset: Anki counts days by calendar date from the creation day
    # and does not convert the package from the v1 scheduler (which would move the rollover).
    conf.update(schedVer=2, rollover=ROLLOVER_HOUR, creationOffset=0)
    cursor.execute("UPDATE col SET crt = ?, conf = ?", (COLLECTION_CREATED, json.dumps(conf)))


def _set_notes_and_cards(
    cursor: sqlite3.Cursor,
    cards: Sequence[ExportCard],
    guids: dict[str, str],
    *,
    with_progress: bool,
    fsrs: Fsrs | None = None,
) -> None:
    """Give notes and cards their ids, times and (with progress) their schedule and review log."""
    temporary = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())
    last_id = 0
    used_log_ids: set[int] = set()
    renames: list[tuple[int, int, int, int]] = []
    for position, item in enumerate(cards, start=1):
        # Ids follow deck order (Anki adds new cards in id order) and read as the day quizdock
        # first loaded the card; they only need to be unique, notes are matched by GUID.
        note_id = last_id = max(epoch_millis(item.created_at), last_id + 1)
        modified = epoch_seconds(item.changed_at)
        if item.card.kind == "choice":
            modified = max(modified, CHOICE_NOTES_MOD)
        renames.append((temporary[guids[item.card.id]], note_id, modified, position))
    # Two statements for all notes and cards (a statement per note was most of an export's time).
    cursor.execute(
        "CREATE TEMP TABLE renamed (old INTEGER PRIMARY KEY, new INTEGER, modified INTEGER, position INTEGER)"
    )
    cursor.executemany("INSERT INTO renamed VALUES (?, ?, ?, ?)", renames)
    cursor.execute("UPDATE notes SET id = r.new, mod = r.modified FROM renamed AS r WHERE notes.id = r.old")
    cursor.execute(
        "UPDATE cards SET id = r.new, nid = r.new, mod = r.modified, due = r.position FROM renamed AS r "
        "WHERE cards.nid = r.old"
    )
    cursor.execute("DROP TABLE renamed")
    if not with_progress:
        return
    for (_, note_id, _, _), item in zip(renames, cards, strict=True):
        if item.progress is not None:
            _set_schedule(cursor, note_id, item.progress)
            if fsrs is not None:
                _set_memory(cursor, note_id, item.progress, fsrs)
            _write_log(cursor, note_id, item.progress, used_log_ids)
        if item.suspended is not None:
            cursor.execute("UPDATE cards SET queue = ? WHERE id = ?", (_SUSPENDED, note_id))


def _set_schedule(cursor: sqlite3.Cursor, card_id: int, progress: Progress) -> None:
    cursor.execute(
        "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?, mod = ? "
        "WHERE id = ?",
        (
            _REVIEW,
            _REVIEW,
            (progress.due_on - COLLECTION_DAY_ZERO).days,
            max(progress.interval, 1),
            progress.easiness_centi * 10,  # Anki's ease is the E-Factor in thousandths
            len(progress.reviews),  # Anki's reps counts every answer
            progress.lapses,
            epoch_seconds(progress.last_reviewed_at),
            card_id,
        ),
    )


def _set_memory(cursor: sqlite3.Cursor, card_id: int, progress: Progress, fsrs: Fsrs) -> None:
    """What Anki keeps of a card under FSRS, in the card's ``data``: its memory state (s, d), the
    desired retention (dr), the forgetting curve's decay and the time of the last answer (lrt)."""
    if progress.stability is None or progress.difficulty is None:
        return
    data = {
        "s": progress.stability,
        "d": progress.difficulty,
        "dr": fsrs.desired_retention,
        "decay": decay(fsrs.weights),
        "lrt": epoch_seconds(progress.last_reviewed_at),
    }
    cursor.execute("UPDATE cards SET data = ? WHERE id = ?", (json.dumps(data), card_id))


def _write_log(cursor: sqlite3.Cursor, card_id: int, progress: Progress, used: set[int]) -> None:
    scheduled = _LOG_LEARN  # the kind of the last answer that changed the schedule
    for review in progress.reviews:
        log_id = epoch_millis(review.reviewed_at)
        while log_id in used:  # two answers in one millisecond: Anki needs distinct ids
            log_id += 1
        used.add(log_id)
        if not review.is_repeat:
            scheduled = _LOG_LEARN if review.first else _LOG_REVIEW
        # A same-day repeat is learning on the day the card was new, relearning after.
        kind = scheduled if not review.is_repeat or scheduled == _LOG_LEARN else _LOG_RELEARN
        cursor.execute(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            (
                log_id,
                card_id,
                _button(review.quality),
                review.after_interval,
                review.before_interval,
                review.after_easiness_centi * 10,
                review.duration_ms,
                kind,
            ),
        )


def _button(quality: int) -> int:
    """Anki's answer button for an SM-2 grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    return 1 if quality < PASSING else quality - 1


def _zip(database: Path) -> bytes:
    """The package: the collection and an empty media list, with fixed entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in (("collection.anki2", database.read_bytes()), ("media", b"{}")):
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # the same bytes whatever system writes it
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()
