"""Build a synthetic large collection with quizdock's own code.

100,000 cards in 10 deck files, loaded with ``Store.sync_decks``: a third due today (up to 30 days
overdue), a third due later (within 30 days), a third never reviewed (new). The reviewed cards
have 10 answers each, about 667,000 review-log rows in all, simulated with
``quizdock.core.sm2.review`` and written through the ORM models in bulk.

    python bench/collection.py OUT_DIR [--cards 100000] [--reviews-per-card 10]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from quizdock.core.sm2 import CardState, review
from quizdock.storage.models import CardStateRow, ReviewRow
from quizdock.storage.sql import easiness_to_centi
from quizdock.storage.store import Store

DECKS = 10
GRADES = (5, 4, 3, 2, 1)
WEIGHTS = (30, 45, 15, 6, 4)
NEW_SHARE = 1 / 3  # the rest is split evenly between due today and due later
REVIEWS_PER_CARD = 10  # more, and SM-2's growing intervals leave the calendar


def write_decks(directory: Path, cards: int) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    per_deck = cards // DECKS
    ids: list[str] = []
    for d in range(DECKS):
        deck_id = f"bench{d:02d}"
        lines = [f'[deck]\nid = "{deck_id}"\ntitle.fr = "Banc {d}"\ntitle.en = "Bench {d}"\n']
        for c in range(per_deck):
            card_id = f"{deck_id}/card-{c:06d}"
            ids.append(card_id)
            lines.append(
                f'[[cards]]\nid = "{card_id}"\nkind = "concept"\ntopics = ["bench", "bench::d{d}"]\n'
                f'question.fr = "Question {c} du paquet {d} ?"\nquestion.en = "Question {c} of deck {d}?"\n'
                f'answer.fr = "Réponse {c}."\nanswer.en = "Answer {c}."\n'
                f'explanation.fr = "Explication {c}."\nexplanation.en = "Explanation {c}."\n'
            )
        (directory / f"{deck_id}.toml").write_text("\n".join(lines), encoding="utf-8")
    return ids


def simulate(card_id: str, reviews: int, today: date, rng: random.Random) -> tuple[list[dict], dict]:
    """One card's history: ``reviews`` answers whose last one leaves the card due around today."""
    state, history, day = CardState(), [], 0
    for _ in range(reviews):
        quality = rng.choices(GRADES, WEIGHTS)[0]
        after = review(state, quality)
        history.append((day, quality, state, after))
        day += after.interval
        state = after
    last_day = history[-1][0]
    # shift so the card falls due between 30 days ago and 30 days ahead (half of them by today)
    shift = (today - timedelta(days=rng.randint(-30, 30))) - timedelta(days=day)
    rows = []
    for offset, quality, before, after in history:
        on = shift + timedelta(days=offset)
        rows.append(
            {
                "card_id": card_id,
                "reviewed_at": datetime.combine(on, datetime.min.time()) + timedelta(hours=8),
                "quality": quality,
                "answer": "",
                "duration_ms": rng.randint(800, 9000),
                "is_repeat": False,
                "before_repetitions": before.repetitions,
                "before_interval": before.interval,
                "before_easiness_centi": easiness_to_centi(before.easiness),
                "before_due_on": None if offset == 0 else on,
                "after_repetitions": after.repetitions,
                "after_interval": after.interval,
                "after_easiness_centi": easiness_to_centi(after.easiness),
                "after_due_on": on + timedelta(days=after.interval),
            }
        )
    first = shift
    final = shift + timedelta(days=last_day)
    state_row = {
        "card_id": card_id,
        "repetitions": state.repetitions,
        "interval": state.interval,
        "easiness_centi": easiness_to_centi(state.easiness),
        "due_on": final + timedelta(days=state.interval),
        "introduced_on": first,
        "last_reviewed_at": datetime.combine(final, datetime.min.time()),
        "lapses": sum(1 for _, q, b, _ in history if q < 3 and b.repetitions > 0),
    }
    return rows, state_row


def build(out: Path, cards: int, reviews_per_card: int, today: date) -> Path:
    db = out / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    ids = write_decks(out / "decks", cards)
    with Store.open(db) as store:
        store.sync_decks([out / "decks"], datetime.now(UTC))
        loaded = time.perf_counter()
        rng = random.Random(42)
        batch_reviews: list[dict] = []
        batch_states: list[dict] = []
        with store.session() as session:
            for card_id in ids:
                if rng.random() < NEW_SHARE:
                    continue  # never reviewed: no state, no history
                rows, state = simulate(card_id, reviews_per_card, today, rng)
                batch_reviews.extend(rows)
                batch_states.append(state)
                if len(batch_reviews) >= 50_000:
                    session.execute(insert(ReviewRow), batch_reviews)
                    session.execute(insert(CardStateRow), batch_states)
                    batch_reviews, batch_states = [], []
            if batch_reviews:
                session.execute(insert(ReviewRow), batch_reviews)
                session.execute(insert(CardStateRow), batch_states)
    print(
        f"built {cards} cards ({loaded - started:.1f} s to write and load the decks) and "
        f"their reviews in {time.perf_counter() - started:.1f} s: {db}"
    )
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews-per-card", type=int, default=REVIEWS_PER_CARD)
    args = parser.parse_args()
    build(args.out, args.cards, args.reviews_per_card, date.today())


if __name__ == "__main__":
    main()
