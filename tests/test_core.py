"""The pure core: grades, the policy of an answer (lapses, leeches, repeats) and the session's queue."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizdock.core import LEECH_LAPSES, PASSING, CardProgress, CardState, Grade, is_leech_lapse, passed, review
from quizdock.core.queue import Entry, NewCard, SessionQueue, new_allowance, new_card_order, practised_tags, practises
from tests.conftest import REPO

TZ = timezone(timedelta(hours=1))
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)

# fsrs_rs_python: FSRS loads its engine when first asked for an interval, never on import.
FORBIDDEN = ("sqlalchemy", "alembic", "rich", "questionary", "docker", "typer", "genanki", "fsrs_rs_python")


def test_the_core_imports_no_framework_and_no_other_quizdock_module() -> None:
    probe = (
        "import json, sys, pkgutil, importlib, quizdock.core\n"
        "for m in pkgutil.iter_modules(quizdock.core.__path__): importlib.import_module('quizdock.core.' + m.name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert [name for name in loaded if name.split(".")[0] in FORBIDDEN] == []
    ours = {name for name in loaded if name.split(".")[0] == "quizdock"}
    assert ours == {
        "quizdock",
        "quizdock.core",
        *(f"quizdock.core.{m}" for m in ("fsrs", "grade", "preview", "queue", "scheduler", "sm2", "workload")),
    }


# --- grades ------------------------------------------------------------------------------


def test_the_passing_grade_is_three_and_grades_are_checked() -> None:
    assert PASSING == Grade.HARD == 3
    assert [passed(q) for q in range(6)] == [False, False, False, True, True, True]
    assert Grade.of(5) is Grade.PERFECT
    for bad in (6, -1, True, 2.0, "3"):
        with pytest.raises(ValueError, match="quality must be an integer from 0 to 5"):
            Grade.of(bad)


# --- one answer ----------------------------------------------------------------------------


def history(grades: list[int], first: datetime = START) -> list[tuple[CardProgress, int]]:
    """Answer a new card once a day on its due day; each step's progress and the log's lapses."""
    progress, moment, out = CardProgress(), first, []
    for grade in grades:
        progress, log = review(progress, grade, moment)
        out.append((progress, log.lapses))
        assert progress.due_on is not None
        moment = datetime.combine(progress.due_on, moment.timetz())
    return out


def test_the_golden_vector_as_due_days() -> None:
    days = [p.due_on for p, _ in history([4, 4, 3, 3, 4])]
    assert days == [date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 24), date(2026, 4, 29), date(2026, 7, 18)]


def test_review_returns_new_objects_and_logs_before_and_after() -> None:
    new = CardProgress()
    after, log = review(new, 3, START)
    assert new == CardProgress() and new.is_new  # unchanged
    with pytest.raises(FrozenInstanceError):
        after.lapses = 3  # type: ignore[misc]
    assert after == CardProgress(
        CardState(1, 1, Decimal("2.36")), date(2026, 3, 3), date(2026, 3, 2), 0, date(2026, 3, 2)
    )
    assert (log.grade, log.before, log.after, log.before_due_on, log.after_due_on) == (
        Grade.HARD,
        CardState(),
        after.state,
        None,
        date(2026, 3, 3),
    )
    assert log.reviewed_at == START and not log.is_repeat and not log.lapse and not log.leech


def test_failing_a_new_card_is_not_a_lapse_failing_a_learned_one_is() -> None:
    steps = history([1, 2, 4, 1, 5, 0])
    assert [lapses for _, lapses in steps] == [0, 0, 0, 1, 1, 2]
    assert steps[-1][0].state.repetitions == 0


def test_the_eighth_lapse_suspends_a_leech_then_every_fourth() -> None:
    assert [n for n in range(25) if is_leech_lapse(n)] == [8, 12, 16, 20, 24]
    progress, moment, leeches = CardProgress(), START, []
    for lapse in range(1, 13):
        progress, _ = review(progress, 5, moment)
        moment += timedelta(days=1)
        progress, log = review(progress, 1, moment)
        moment += timedelta(days=1)
        assert log.lapses == lapse
        if log.leech:
            leeches.append(lapse)
            assert progress.suspended and progress.repeat_on is None  # a suspended leech is not asked again
            progress = CardProgress(progress.state, progress.due_on, progress.introduced_on, progress.lapses)
        else:
            assert not progress.suspended and progress.repeat_on == log.reviewed_at.date()
    assert leeches == [LEECH_LAPSES, 12]


def test_a_same_day_repeat_keeps_the_schedule() -> None:
    first, _ = review(CardProgress(), 2, START)
    assert first.repeat_on == START.date()
    again, log = review(first, 3, START + timedelta(minutes=5), repeat=True)
    assert again == first and log.is_repeat and log.before == log.after
    done, _ = review(first, 4, START + timedelta(minutes=9), repeat=True)
    assert done.repeat_on is None and done.state == first.state and done.due_on == first.due_on
    with pytest.raises(ValueError, match="needs a first answer"):
        review(CardProgress(), 4, START, repeat=True)


def test_the_day_of_a_session_that_runs_past_midnight_is_its_first() -> None:
    late = datetime(2026, 3, 3, 0, 5, tzinfo=TZ)
    progress, _ = review(CardProgress(), 1, late, today=date(2026, 3, 2))
    assert (progress.introduced_on, progress.due_on, progress.repeat_on) == (
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 2),
    )


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        review(CardProgress(), 4, datetime(2026, 3, 2, 9, 0))


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_lapses_count_the_failures_of_learned_cards(grades: list[int]) -> None:
    progress, moment, expected = CardProgress(), START, 0
    for grade in grades:
        learned = progress.state.repetitions > 0
        progress, log = review(progress, grade, moment)
        expected += learned and grade < PASSING
        assert progress.lapses == log.lapses == expected
        assert progress.state.easiness >= Decimal("1.30")
        moment += timedelta(days=1)


# --- the session's queue -------------------------------------------------------------------


def drain(queue: SessionQueue[str], grades: dict[str, list[int]]) -> list[tuple[str, bool, tuple[int, int]]]:
    """Answer every card with its next grade; what was asked, in order, with its "n of m"."""
    asked = []
    while (entry := queue.next()) is not None:
        asked.append((entry.card_id, entry.is_repeat, queue.numbering()))
        queue.answered(entry, grades[entry.card_id].pop(0), f"receipt {len(asked)}")
    return asked


def test_planned_cards_then_owed_repeats_then_this_sessions_repeats() -> None:
    queue: SessionQueue[str] = SessionQueue(["a", "b", "c"], repeats_owed=["x", "b"])
    asked = drain(queue, {"a": [5], "b": [2, 4], "c": [3, 5], "x": [1, 4]})
    assert [(card, repeat) for card, repeat, _ in asked] == [
        ("a", False),
        ("b", False),
        ("c", False),
        ("x", True),  # owed from earlier today; "b" was planned, so it is asked once, as planned
        ("b", True),
        ("c", True),
        ("x", True),
    ]
    assert [n for _, _, n in asked] == [
        (1, 4),
        (2, 4),
        (3, 5),
        (4, 6),
        (5, 7),
        (6, 7),
        (7, 7),
    ]  # m grows as repeats are queued
    assert (queue.answered_count, queue.correct, queue.repeats) == (3, 2, 4)


def test_a_leech_is_not_asked_again_and_a_card_set_aside_leaves_with_its_repeat() -> None:
    queue: SessionQueue[str] = SessionQueue(["a", "b", "c"])
    a = queue.next()
    assert a == Entry("a") and queue.numbering() == (1, 3)
    assert not queue.answered(a, 0, "ra", leech=True)
    b = queue.next()
    assert b is not None and queue.numbering() == (2, 3)
    assert queue.answered(b, 1, "rb")
    c = queue.next()
    assert c is not None and queue.numbering() == (3, 4)
    queue.set_aside(c)
    repeat = queue.next()
    assert repeat == Entry("b", True) and queue.numbering() == (3, 3)  # c's number goes to the next card
    queue.set_aside(repeat)
    assert queue.next() is None and len(queue) == 0


def test_undo_brings_the_last_answer_back_first_and_takes_its_repeat_away() -> None:
    queue: SessionQueue[str] = SessionQueue(["a", "b"])
    a = queue.next()
    assert a is not None
    queue.numbering()
    queue.answered(a, 1, "ra")  # queues a repeat of a
    b = queue.next()
    assert b is not None and queue.numbering() == (2, 3)
    undone = queue.undo(b)
    assert undone is not None and undone.receipt == "ra"
    assert (queue.answered_count, queue.correct, queue.repeats) == (0, 0, 0)
    assert queue.upcoming(5) == ["a", "b"]  # a again first, b after, no repeat of a any more
    again = queue.next()
    assert again == Entry("a") and queue.numbering() == (1, 2)
    queue.answered(again, 5, "ra2")
    assert queue.undo(queue.next() or Entry("?")) is not None
    assert queue.undo(queue.next() or Entry("?")) is None  # nothing left to undo: the card waits first
    assert queue.upcoming(5) == ["a", "b"]


def test_undoing_a_repeat_gives_the_repeat_back() -> None:
    queue: SessionQueue[str] = SessionQueue(["a"])
    first = queue.next()
    assert first is not None
    queue.numbering()
    queue.answered(first, 2, "r1")
    repeat = queue.next()
    assert repeat == Entry("a", True)
    queue.numbering()
    queue.answered(repeat, 4, "r2")
    assert queue.repeats == 1 and queue.next() is None
    # the session is over: nothing to undo from here in a review (no card is asked), but the
    # queue still knows the last answer
    undone = queue.undo(Entry("a", True))
    assert undone is not None and undone.entry == Entry("a", True) and queue.repeats == 0


def test_cards_left_out_are_not_asked() -> None:
    queue: SessionQueue[str] = SessionQueue(["a", "p1", "b", "p2"], repeats_owed=["p3"])
    assert queue.card_ids() == {"a", "b", "p1", "p2", "p3"}
    queue.leave_out({"p1", "p2", "p3"})
    entry = queue.next()
    assert entry is not None
    queue.numbering()
    queue.skipped(entry)  # could not be asked: its number is given again
    nxt = queue.next()
    assert nxt == Entry("b") and queue.numbering() == (1, 1)


def test_the_new_cards_a_session_may_bring_in() -> None:
    assert new_allowance(10, 0) == 10
    assert new_allowance(10, 4) == 6
    assert new_allowance(10, 12) == 0  # --new lowered below what was seen today
    assert new_allowance(10, 4, limit=8, due=5) == 3  # the due cards fill the limit first
    assert new_allowance(10, 0, limit=5, due=5) == 0


# --- the intervals shown on the grade keys ---------------------------------------------------


def test_each_grade_key_shows_the_interval_sm2_gives() -> None:
    from quizdock.core.preview import next_interval, next_intervals

    today = START.date()
    assert next_intervals(CardProgress(), today) == (1, 1, 1, 1, 1, 1)  # a new card: I(1) = 1
    # The golden vector (4, 4, 3, 3, 4: 1, 6, 15, 36, 80 days) after its third answer.
    progress = CardProgress()
    for day, grade in enumerate((4, 4, 3)):
        progress, _ = review(progress, grade, START + timedelta(days=day))
    assert progress.state.interval == 15
    assert next_intervals(progress, today) == (1, 1, 1, 36, 36, 36)  # its 4th interval, whatever 3-5
    assert next_interval(progress, 3, today) == review(progress, 3, START)[0].state.interval
    # A same-day repeat leaves the schedule: every key gives the days left to the due day.
    due = progress.due_on
    assert due is not None
    assert next_intervals(progress, due - timedelta(days=4), repeat=True) == (4,) * 6


# --- the day's new cards -----------------------------------------------------------------------


def lesson(card_id: str, deck: str, position: int, *topics: str, waiting: bool = True) -> NewCard:
    return NewCard(card_id, (deck, position), topics, waiting)


def test_a_challenge_comes_right_after_the_last_card_it_practises() -> None:
    lessons = [
        lesson("c/run-1", "containers", 0, "containers", "containers::run"),
        lesson("c/run-2", "containers", 1, "containers", "containers::run"),
        lesson("c/ls-1", "containers", 2, "containers", "containers::ls"),
        lesson("c/ls-2", "containers", 3, "containers", "containers::ls"),
    ]
    run = lesson("p/run", "practical", 0, "containers", "containers::run")
    ls = lesson("p/ls", "practical", 1, "containers", "containers::ls", "containers::ls::all")
    login = lesson("p/login", "practical", 2, "registry", "registry::login")  # practises no card
    order = new_card_order(lessons, [run, ls, login], lessons, 10)
    # Not after every other new card: each challenge follows its topic's cards.
    assert order == ["c/run-1", "c/run-2", "p/run", "c/ls-1", "c/ls-2", "p/ls", "p/login"]
    assert new_card_order(lessons, [run, ls, login], lessons, 3) == ["c/run-1", "c/run-2", "p/run"]
    # `containers` alone is every card of the deck: the challenge practises its precise tags.
    assert practised_tags(("containers", "containers::ls", "containers::ls::all")) == {"containers::ls::all"}
    assert not practises(ls, lessons[0]) and practises(run, lessons[1])


def test_a_challenge_whose_cards_were_all_seen_comes_first_and_one_waits_for_unseen_cards() -> None:
    seen = [lesson("c/run-1", "containers", 0, "containers::run", waiting=False)]
    later = [lesson(f"v/{i}", "volumes", i, "volumes::named") for i in range(3)]
    run = lesson("p/run", "practical", 0, "containers::run")
    named = lesson("p/named", "practical", 1, "volumes::named")
    # Today's 2 new cards leave the third volumes card for tomorrow: its challenge waits too.
    assert new_card_order(later[:2], [run, named], [*seen, *later], 2) == ["p/run", "v/0"]
    assert new_card_order(later[:2], [run, named], [*seen, *later], 3) == ["p/run", "v/0", "v/1"]
    assert new_card_order(later, [run, named], [*seen, *later], 5) == ["p/run", "v/0", "v/1", "v/2", "p/named"]
    assert new_card_order([], [named, run], [], 5) == ["p/run", "p/named"]  # nothing practised: deck order
    assert new_card_order(later, [named], later, 0) == []


# --- undoing a card set aside ----------------------------------------------------------------


def test_a_card_set_aside_with_a_receipt_is_undone_with_its_repeat() -> None:
    queue: SessionQueue[str] = SessionQueue(["a", "b", "c"])
    a = queue.next()
    assert a is not None and queue.numbering() == (1, 3)
    queue.answered(a, 2, "ra")  # a repeat of a waits at the end
    b = queue.next()
    assert b is not None and queue.numbering() == (2, 4)
    queue.set_aside(b, "bury b")
    repeat_a = queue.next()  # c comes next, then a's repeat
    assert repeat_a == Entry("c") and queue.numbering() == (2, 3)
    undone = queue.undo(repeat_a)
    assert undone is not None and undone.receipt == "bury b" and undone.set_aside == ()
    assert queue.upcoming(5) == ["b", "c", "a"]
    assert queue.next() == Entry("b") and queue.numbering() == (2, 4)
    assert (queue.answered_count, queue.repeats) == (1, 0)
