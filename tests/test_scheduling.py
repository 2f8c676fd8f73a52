"""SM-2: the golden vector, exact arithmetic and invariants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizdock.core.sm2 import MIN_EASINESS, CardState, easiness_after, needs_repeat, review


def intervals(grades: list[int]) -> list[int]:
    state, out = CardState(), []
    for grade in grades:
        state = review(state, grade)
        out.append(state.interval)
    return out


def test_golden_vector() -> None:
    assert intervals([4, 4, 3, 3, 4]) == [1, 6, 15, 36, 80]


def test_golden_vector_easiness_history() -> None:
    state, history = CardState(), []
    for grade in [4, 4, 3, 3, 4]:
        state = review(state, grade)
        history.append(state.easiness)
    assert history == [Decimal("2.50"), Decimal("2.50"), Decimal("2.36"), Decimal("2.22"), Decimal("2.22")]
    assert state.repetitions == 5


def test_ceiling_is_exact() -> None:
    # 25 * 2.2 is 55.000000000000007 in floats: the ceiling must stay 55.
    assert review(CardState(repetitions=5, interval=25, easiness=Decimal("2.20")), 5).interval == 55


def test_interval_uses_the_easiness_from_before_the_answer() -> None:
    state = review(CardState(repetitions=2, interval=6, easiness=Decimal("2.50")), 3)
    assert state.interval == 15  # 6 * 2.50, not 6 * 2.36
    assert state.easiness == Decimal("2.36")


@pytest.mark.parametrize(
    ("quality", "change"),
    [(5, "0.10"), (4, "0.00"), (3, "-0.14"), (2, "-0.32"), (1, "-0.54"), (0, "-0.80")],
)
def test_easiness_change_per_grade(quality: int, change: str) -> None:
    assert easiness_after(Decimal("2.50"), quality) == Decimal("2.50") + Decimal(change)


def test_failure_restarts_repetitions_with_one_day() -> None:
    state = review(CardState(repetitions=4, interval=40, easiness=Decimal("2.6")), 2)
    assert (state.repetitions, state.interval, state.easiness) == (0, 1, Decimal("2.28"))
    # after a lapse the sequence starts again at 1, 6
    assert review(state, 4).interval == 1
    assert review(review(state, 4), 4).interval == 6


def test_easiness_has_a_floor_and_no_ceiling() -> None:
    state = CardState()
    for _ in range(10):
        state = review(state, 0)
    assert state.easiness == MIN_EASINESS
    for _ in range(20):
        state = review(state, 5)
    assert state.easiness == Decimal("3.30")


def test_review_does_not_mutate_and_rejects_bad_grades() -> None:
    state = CardState()
    review(state, 5)
    assert state == CardState()
    for bad in (-1, 6, True, 3.0, "4"):
        with pytest.raises(ValueError, match="quality"):
            review(state, bad)  # type: ignore[arg-type]


def test_same_day_rule() -> None:
    assert [needs_repeat(q) for q in range(6)] == [True, True, True, True, False, False]


grades = st.lists(st.integers(min_value=0, max_value=5), max_size=40)


@given(grades)
def test_easiness_never_below_floor_and_exact(history: list[int]) -> None:
    state = CardState()
    for grade in history:
        state = review(state, grade)
        assert state.easiness >= MIN_EASINESS
        assert state.easiness == state.easiness.quantize(Decimal("0.01"))
        assert state.interval >= 1


@given(grades, st.integers(min_value=3, max_value=5))
def test_passing_answer_never_shortens_a_learned_interval(history: list[int], grade: int) -> None:
    state = CardState()
    for g in history:
        state = review(state, g)
    after = review(state, grade)
    assert after.repetitions == state.repetitions + 1
    if state.repetitions >= 2:
        assert after.interval >= state.interval
