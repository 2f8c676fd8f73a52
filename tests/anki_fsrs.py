"""Anki's own FSRS, driven by the official `anki` package: run as a program by tests/test_fsrs.py.

With "states" in the request (each {"memory", "interval", "elapsed"}), it prints the intervals
of the Hard, Good and Easy buttons of a review card in that state. With "package", it imports
that .apkg with its progress and prints, for each review card, its memory state, interval, due
day, days since its last answer and the interval each button would give today. Otherwise:

It reads from stdin {"folder", "parameters", "retention", "cases": [{"grades": [Anki ratings 1-4],
"days": [the day of each answer, counted back from Anki's today: the last is 0], "interval": the
interval the answer before the last gave, "memory": quizdock's [stability, difficulty] before the last
answer}]}, and prints for each case the interval (days) Anki gives the last answer, the memory
state it reaches, and the memory state Anki computes from the log before it.

Every answer before the last is written to the card's review log on its day (the first as a
learning entry, the others as reviews), Anki computes the card's memory state from that log (as
when FSRS is turned on, or a package is imported with its progress), and the last answer is
given through Anki's scheduler today, from quizdock's memory state (as an exported card has
it). The deck has no learning or relearning steps.

Run it with ``ANKI_TEST_MODE`` set: Anki's engine then applies no fuzz to intervals (it reads
that variable, as Anki's own Python tests do); without it Anki spreads intervals of 3 days and
more at random by a few percent.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from anki import cards_pb2
from anki.collection import Collection
from anki.scheduler_pb2 import CardAnswer

DAY = 86_400
RATINGS = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}


def set_up(col: Collection, parameters: list[float], retention: float) -> None:
    config = col.decks.get_config(1)
    assert config is not None
    config["new"]["delays"] = []
    config["lapse"]["delays"] = []
    config["fsrsParams6"] = parameters
    config["desiredRetention"] = retention
    config["rev"]["maxIvl"] = 36_500
    col.decks.update_config(config)
    col.set_config("fsrs", True)
    # Anki's load balancer moves an interval within its fuzz range to a day with fewer cards due
    # (on by default since 24.11): off, as fuzz is, so that intervals are FSRS's own.
    col.load_balancer_enabled = False


def moment(col: Collection, days_back: int) -> int:
    """Noon of the Anki day ``days_back`` before today, in seconds (clear of the 4 a.m. rollover)."""
    return col.sched.day_cutoff - (days_back + 1) * DAY + 8 * 3600


def run_case(col: Collection, case: dict[str, Any]) -> dict[str, Any]:
    grades, days, interval = case["grades"], case["days"], case["interval"]
    from_log = None
    note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
    note["Front"] = f"q{len(col.find_notes(''))}"
    col.add_note(note, 1)  # type: ignore[arg-type]
    card = note.cards()[0]
    serial = len(col.find_notes(""))  # keeps log ids (milliseconds) apart between cards
    if len(grades) > 1:
        for index, (rating, day) in enumerate(zip(grades[:-1], days[:-1], strict=True)):
            stamp = moment(col, day)
            kind = 0 if index == 0 else 1  # learning, then review
            col.db.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
                (stamp + serial) * 1000 + index,
                card.id,
                -1,
                rating,
                1,
                0,
                2500,
                2000,
                kind,
            )
        last = days[-2]
        card.type = card.queue = 2  # type: ignore[assignment]
        card.due = col.sched.today - last + interval
        card.ivl = interval
        card.reps = len(grades) - 1
        card.last_review_time = moment(col, last)
        state = col._backend.compute_memory_state(card.id).state
        from_log = [state.stability, state.difficulty]
        card.memory_state = cards_pb2.FsrsMemoryState(stability=case["memory"][0], difficulty=case["memory"][1])
        col.update_card(card)
    card = col.get_card(card.id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=RATINGS[grades[-1]]))
    card = col.get_card(card.id)
    assert card.memory_state is not None
    return {
        "interval": card.ivl,
        "type": card.type,
        "from_log": from_log,
        "stability": card.memory_state.stability,
        "difficulty": card.memory_state.difficulty,
    }


def imported(col: Collection, package: str, parameters: list[float], retention: float) -> list[dict[str, Any]]:
    """Import a package with its progress; for each review card, what Anki holds and the interval
    each of its buttons would give today."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(with_scheduling=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=options))
    set_up(col, parameters, retention)  # the package's deck options came with it: the learner's, set after
    for deck in col.decks.all_names_and_ids():
        col.decks.set_config_id_for_deck_dict(col.decks.get(deck.id), 1)  # type: ignore[arg-type]
    found = []
    for card_id in col.find_cards("is:review"):
        card = col.get_card(card_id)
        states = col._backend.get_scheduling_states(card_id)
        intervals = [
            col.sched._interval_for_state(state) / DAY
            for state in (states.again, states.hard, states.good, states.easy)
        ]
        assert card.memory_state is not None and card.last_review_time is not None
        found.append(
            {
                "id": card.note()["Id"],
                "stability": card.memory_state.stability,
                "difficulty": card.memory_state.difficulty,
                "interval": card.ivl,
                "due_in": card.due - col.sched.today,
                "elapsed": (col.sched.day_cutoff - card.last_review_time) // DAY,
                "intervals": intervals,
            }
        )
    return found


def buttons(col: Collection, states: list[dict[str, Any]]) -> list[list[float]]:
    """For review cards in given states (memory, interval, days since the last answer), the
    interval Anki's Hard, Good and Easy buttons give today."""
    found = []
    for n, state in enumerate(states):
        note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        note["Front"] = f"s{n}"
        col.add_note(note, 1)  # type: ignore[arg-type]
        card = note.cards()[0]
        card.type = card.queue = 2  # type: ignore[assignment]
        card.ivl, card.reps = state["interval"], 3
        card.due = col.sched.today - state["elapsed"] + state["interval"]
        card.last_review_time = moment(col, state["elapsed"])
        card.memory_state = cards_pb2.FsrsMemoryState(stability=state["memory"][0], difficulty=state["memory"][1])
        col.update_card(card)
        scheduling = col._backend.get_scheduling_states(card.id)
        found.append(
            [col.sched._interval_for_state(s) / DAY for s in (scheduling.hard, scheduling.good, scheduling.easy)]
        )
    return found


def main() -> None:
    request = json.load(sys.stdin)
    col = Collection(request["folder"] + "/collection.anki2")
    try:
        set_up(col, request["parameters"], request["retention"])
        if "states" in request:
            json.dump(buttons(col, request["states"]), sys.stdout)
        elif "package" in request:
            json.dump(imported(col, request["package"], request["parameters"], request["retention"]), sys.stdout)
        else:
            json.dump([run_case(col, case) for case in request["cases"]], sys.stdout)
    finally:
        col.close()


if __name__ == "__main__":
    main()
