"""The review session, driven through the real questionary prompts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from quizdock.cli import app
from quizdock.errors import ExitCode
from quizdock.review import ReviewSession, plan
from quizdock.storage.models import CardStateRow, ReviewRow
from quizdock.storage.store import Store
from tests.conftest import REPO
from tests.scripted import CTRL_C, DOWN, ENTER, ScriptedPrompter

MINI = REPO / "tests" / "data" / "decks"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
TODAY = NOW.date()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        opened.sync_decks([MINI], NOW)
        yield opened


def run_session(store: Store, keys: list[str], card_ids: list[str], lang: str = "en") -> tuple[object, str]:
    out = io.StringIO()
    prompter = ScriptedPrompter(lang, keys)  # type: ignore[arg-type]
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=100), lang, now=lambda: NOW)  # type: ignore[arg-type]
        summary = session.run(card_ids)
    finally:
        prompter.close()
    assert not prompter.keys, f"unused keystrokes: {list(prompter.keys)}"
    return summary, out.getvalue()


def states(store: Store) -> dict[str, CardStateRow]:
    with store.session() as session:
        return {row.card_id: row for row in session.scalars(select(CardStateRow))}


def reviews(store: Store) -> list[ReviewRow]:
    with store.session() as session:
        return list(session.scalars(select(ReviewRow).order_by(ReviewRow.id)))


def test_a_whole_session_through_the_prompts(store: Store) -> None:
    card_ids = plan(store, TODAY, deck=None, limit=None, new_per_day=10)
    assert card_ids == ["mini/concept", "mini/command", "mini/choice"]
    keys = [
        ENTER,
        "5" + ENTER,  # concept: reveal, then grade 5
        "docker container prune" + ENTER,  # command, exact
        ENTER,  # choice: the first option, wrong
        DOWN + ENTER,  # same-day repeat of the choice: right
    ]
    summary, output = run_session(store, keys, card_ids)
    assert (summary.cards, summary.correct, summary.repeats) == (3, 2, 1)  # type: ignore[attr-defined]
    assert summary.next_due == TODAY + timedelta(days=1)  # type: ignore[attr-defined]
    assert "Card 1 of 3" in output and "Card 4 of 4" in output and "again today" in output
    assert "An instance of an image." in output and "The note is right." in output

    log = reviews(store)
    assert [(r.card_id, r.quality, r.is_repeat) for r in log] == [
        ("mini/concept", 5, False),
        ("mini/command", 5, False),
        ("mini/choice", 1, False),
        ("mini/choice", 5, True),
    ]
    assert log[1].answer == "docker container prune"
    assert log[2].answer == "127.0.0.1 only"
    assert all(r.duration_ms >= 0 for r in log)
    # the repeat changed nothing in the schedule
    assert (log[3].before_interval, log[3].before_easiness_centi) == (
        log[3].after_interval,
        log[3].after_easiness_centi,
    )

    rows = states(store)
    assert (
        rows["mini/concept"].repetitions,
        rows["mini/concept"].interval,
        rows["mini/concept"].easiness_centi,
    ) == (1, 1, 260)
    assert (
        rows["mini/choice"].repetitions,
        rows["mini/choice"].interval,
        rows["mini/choice"].easiness_centi,
    ) == (0, 1, 196)
    assert rows["mini/choice"].due_on == TODAY + timedelta(days=1)
    assert all(r.introduced_on == TODAY for r in rows.values())


def test_french_session(store: Store) -> None:
    _, output = run_session(store, [ENTER, "4" + ENTER], ["mini/concept"], lang="fr")
    assert "Carte 1 sur 1" in output and "Une instance d'une image." in output


def test_ctrl_c_keeps_the_answers_already_given(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_session(store, [ENTER, "3" + ENTER, CTRL_C], ["mini/concept", "mini/command"])
    assert [(r.card_id, r.quality) for r in reviews(store)] == [("mini/concept", 3)]
    assert set(states(store)) == {"mini/concept"}


def answer(store: Store, card_id: str, quality: int, day: date) -> None:
    moment = datetime.combine(day, NOW.timetz())
    store.record_answer(card_id, quality=quality, answer="", duration_ms=1, now=moment, today=day)


def test_plan_puts_the_most_overdue_first_then_new_within_the_daily_limit(store: Store) -> None:
    answer(store, "mini/choice", 5, TODAY - timedelta(days=10))  # due 9 days ago
    answer(store, "mini/command", 5, TODAY - timedelta(days=3))  # due 2 days ago
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=10) == ["mini/choice", "mini/command", "mini/concept"]
    assert plan(store, TODAY, deck=None, limit=1, new_per_day=10) == ["mini/choice"]
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=0) == ["mini/choice", "mini/command"]


def test_daily_new_limit_counts_cards_introduced_today(store: Store) -> None:
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=2) == ["mini/concept", "mini/command"]
    answer(store, "mini/concept", 5, TODAY)
    answer(store, "mini/command", 5, TODAY)
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=2) == []
    # Tomorrow: the two due cards (same day, so by id), then the last new card.
    assert plan(store, TODAY + timedelta(days=1), deck=None, limit=None, new_per_day=2) == [
        "mini/command",
        "mini/concept",
        "mini/choice",
    ]


def test_schedule_follows_sm2_across_days(store: Store) -> None:
    day = TODAY
    for quality in (4, 4, 3, 3, 4):
        answer(store, "mini/concept", quality, day)
        day = states(store)["mini/concept"].due_on
    assert day == TODAY + timedelta(days=1 + 6 + 15 + 36 + 80)
    assert Decimal(states(store)["mini/concept"].easiness_centi) / 100 == Decimal("2.22")


def test_review_refuses_without_a_terminal() -> None:
    result = CliRunner().invoke(app, ["review"])
    assert result.exit_code == ExitCode.NOT_A_TERMINAL, result.output
    assert "needs a terminal" in result.output


def test_a_command_answer_shows_the_graders_explanation(store: Store) -> None:
    keys = ["docker ps -a" + ENTER, "docker container prune --force" + ENTER]
    _, output = run_session(store, keys, ["mini/command"])
    assert "Not quite" in output and "Expected: docker container prune" in output
    assert "Right" in output and "--force" in output  # the repeat: accepted, with a note on the extra
    assert [(r.quality, r.answer) for r in reviews(store)] == [
        (1, "docker ps -a"),
        (4, "docker container prune --force"),
    ]


@pytest.fixture
def two_decks(tmp_path: Path, db_path: Path) -> Iterator[Store]:
    """The mini deck and a copy of it named other."""
    directory = tmp_path / "decks"
    directory.mkdir()
    text = (MINI / "mini.toml").read_text()
    (directory / "mini.toml").write_text(text)
    (directory / "other.toml").write_text(text.replace('id = "mini"', 'id = "other"').replace('"mini/', '"other/'))
    with Store.open(db_path) as opened:
        opened.sync_decks([directory], NOW)
        yield opened


def test_the_daily_new_limit_counts_every_deck(two_decks: Store) -> None:
    answer(two_decks, "mini/concept", 5, TODAY)
    answer(two_decks, "mini/command", 5, TODAY)
    assert plan(two_decks, TODAY, deck="other", limit=None, new_per_day=3) == ["other/concept"]
    assert plan(two_decks, TODAY, deck="other", limit=None, new_per_day=2) == []


def empty_session(store: Store, deck: str | None = None) -> tuple[object, str]:
    """A session with nothing in its plan: only its closing message."""
    out = io.StringIO()
    prompter = ScriptedPrompter("en", [])  # type: ignore[arg-type]
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=200), "en", now=lambda: NOW, deck=deck)  # type: ignore[arg-type]
        return session.run([]), out.getvalue()
    finally:
        prompter.close()


def test_with_a_deck_nothing_to_review_names_that_decks_next_card(two_decks: Store) -> None:
    answer(two_decks, "mini/concept", 5, TODAY)  # due tomorrow
    answer(two_decks, "other/concept", 5, TODAY - timedelta(days=1))  # due today, but in another deck
    summary, output = empty_session(two_decks, deck="mini")
    assert summary.next_due == TODAY + timedelta(days=1)  # type: ignore[attr-defined]
    assert f"Next card due: {TODAY + timedelta(days=1)}" in output
    assert empty_session(two_decks)[0].next_due == TODAY  # type: ignore[attr-defined]


def test_nothing_to_review_says_why(store: Store) -> None:
    output = empty_session(store)[1]  # new cards wait, today's allowance is used up
    assert "today's new cards are done" in output and "--new" in output
    for card in ("concept", "command", "choice"):
        store.suspend(f"mini/{card}", NOW)
    assert "no card to show in the selected decks" in empty_session(store)[1]
