"""Anki's own engine on the same collection: the yardstick for quizdock's figures.

The Anki collection is built with the ``anki`` library (Anki's Rust engine behind Python) as a
mirror of quizdock's bench database: one note per card (its English question and answer), every
reviewed card a review card due on the same day with the same interval, E-Factor, repetitions and
lapses, every new card new in the same order, and one revlog row per review-log row. So both have
the same number of cards, the same share due today, due later and new. It is built once beside
quizdock's database and kept until that database is rebuilt.

The deck options come as close as Anki allows to what ``quizdock review`` shows (every due card,
then 10 new cards): the review limit at Anki's largest, 9,999 a day (the backlog is about 33,000),
and 10 new cards a day, which do not wait for the reviews to be done.

    python bench/anki_engine.py OUT_DIR    (build it, or say it is up to date)
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

NEW_PER_DAY = 10
REVIEWS_PER_DAY = 9_999  # Anki's largest (a larger one is ignored)
BATCH = 10_000

# quizdock's 0-5 grades on Anki's four buttons.
EASE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}

# What each measured Anki process runs (``sys.argv[1]``: the collection). Each prints its line as
# soon as it has its result; closing the collection comes after, outside the measured time.
FIRST_CARD = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
card = col.sched.getCard()
print("FIRST", card.id, flush=True)
col.close()
"""

COUNTS = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
print("COUNTS", *col.sched.counts(), flush=True)
col.close()
"""

# Answers cards "good" and times answer_card + the next card handed out, in process.
ANSWERING = """
import json, sys, time
from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer
col = Collection(sys.argv[1])
sched = col.sched
card = sched.getCard()
gaps = []
for _ in range(int(sys.argv[2])):
    states = col._backend.get_scheduling_states(card.id)
    answer = sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
    start = time.perf_counter()
    sched.answer_card(answer)
    card = sched.getCard()
    gaps.append(time.perf_counter() - start)
print("GAPS", json.dumps(gaps), flush=True)
col.close()
"""

# The peak memory of a sitting of 20 cards, answered "good" (read by the wrapper's rusage).
SITTING = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
for _ in range(20):
    card = col.sched.getCard()
    col.sched.answerCard(card, 3)
col.close()
"""


def collection_path(out: Path) -> Path:
    return out / "anki" / "collection.anki2"


def build(out: Path) -> Path:
    """The Anki mirror of ``out/bench.sqlite3``, built unless the one kept is still its mirror."""
    source = out / "bench.sqlite3"
    path = collection_path(out)
    stamp = path.with_name("built-from.json")
    # The moment quizdock's collection was built and its size: its later answers do not count.
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as db:
        key = list(db.execute("SELECT min(created_at), count(*) FROM cards").fetchone())
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == key:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    started = time.perf_counter()
    _mirror(source, path)
    stamp.write_text(json.dumps(key))
    print(f"built the Anki collection in {time.perf_counter() - started:.1f} s: {path}", file=sys.stderr)
    return path


def _mirror(source: Path, path: Path) -> None:
    from anki.collection import AddNoteRequest, Collection

    today = date.today()
    db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    cards = db.execute(
        "SELECT c.id, c.deck_id, c.content, s.due_on, s.interval, s.easiness_centi, s.repetitions, s.lapses "
        "FROM cards c LEFT JOIN card_states s ON s.card_id = c.id WHERE c.retired_at IS NULL "
        "ORDER BY c.deck_id, c.position"
    ).fetchall()
    col = Collection(str(path))
    try:
        config = col.decks.get_config(1)
        assert config is not None
        config["new"]["perDay"] = NEW_PER_DAY
        config["rev"]["perDay"] = REVIEWS_PER_DAY
        col.decks.update_config(config)
        col.set_config("newCardsIgnoreReviewLimit", True)  # what the deck options screen sets
        parent = col.decks.id("bench")
        assert parent is not None
        col.decks.select(parent)
        deck_ids = {deck: col.decks.id(f"bench::{deck}") for deck in sorted({row[1] for row in cards})}
        basic = col.models.by_name("Basic")
        assert basic is not None
        note_ids: list[int] = []
        for start in range(0, len(cards), BATCH):
            requests = []
            for _, deck, content, *_ in cards[start : start + BATCH]:
                note = col.new_note(basic)
                fields = json.loads(content)
                note["Front"], note["Back"] = fields["question"]["en"], fields["answer"]["en"]
                requests.append(AddNoteRequest(note=note, deck_id=deck_ids[deck]))
            col.add_notes(requests)
            note_ids += [request.note.id for request in requests]
        card_of_note = dict(col.db.all("SELECT nid, id FROM cards"))
        anki_today = col.sched.today
    finally:
        col.close()
    card_ids = {row[0]: card_of_note[nid] for row, nid in zip(cards, note_ids, strict=True)}
    reviewed = [
        (anki_today + (date.fromisoformat(due) - today).days, interval, easiness * 10, repetitions, lapses, card_ids[i])
        for i, _, _, due, interval, easiness, repetitions, lapses in cards
        if due is not None
    ]
    # The schedules and the log go in with sqlite3, in one transaction: through Anki's engine each
    # row would be a transaction of its own.
    anki = sqlite3.connect(path, isolation_level=None)
    try:
        anki.execute("BEGIN")
        anki.executemany(
            "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?, left = 0 "
            "WHERE id = ?",
            reviewed,
        )
        last_id = 0
        log = db.execute(
            "SELECT card_id, reviewed_at, quality, duration_ms, before_interval, after_interval, "
            "after_easiness_centi, before_repetitions FROM reviews ORDER BY reviewed_at, id"
        )
        while rows := log.fetchmany(50_000):
            batch = []
            for card_id, reviewed_at, quality, duration, before, after, easiness, repetitions in rows:
                moment = datetime.fromisoformat(reviewed_at).replace(tzinfo=UTC)
                last_id = max(last_id + 1, int(moment.timestamp() * 1000))  # revlog ids are unique times
                kind = 0 if repetitions == 0 else 1  # learning, review
                batch.append(
                    (last_id, card_ids[card_id], -1, EASE[quality], after, before, easiness * 10, duration, kind)
                )
            anki.executemany(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
                batch,
            )
        anki.execute("COMMIT")
    finally:
        anki.close()
        db.close()


def shape(path: Path) -> tuple[int, int, int, int]:
    """Cards, due today, due later and new in the Anki collection."""
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        today = col.sched.today
        total = col.db.scalar("SELECT count() FROM cards")
        due = col.db.scalar("SELECT count() FROM cards WHERE queue = 2 AND due <= ?", today)
        later = col.db.scalar("SELECT count() FROM cards WHERE queue = 2 AND due > ?", today)
        new = col.db.scalar("SELECT count() FROM cards WHERE queue = 0")
    finally:
        col.close()
    return total, due, later, new


def main() -> None:
    out = Path(sys.argv[1])
    path = build(out)
    total, due, later, new = shape(path)
    print(f"{path}: {total} cards, {due} due today, {later} due later, {new} new")


if __name__ == "__main__":
    main()
