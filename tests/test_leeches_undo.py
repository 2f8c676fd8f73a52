"""Leeches, suspending, burying and undoing an answer: in the store, on the command line and in review."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from quizdock.cli.review_session import ReviewSession, Summary, plan
from quizdock.cli.typer_app import app
from quizdock.core import LEECH_LAPSES, is_leech_lapse
from quizdock.core.sm2 import CardState
from quizdock.i18n import Lang
from quizdock.storage.models import CardRow, ReviewRow
from quizdock.storage.quick import count_due
from quizdock.storage.store import RecordedAnswer, Store
from tests.conftest import REPO
from tests.scripted import CTRL_C, DOWN, ENTER, Keys, ScriptedPrompter, pick

MINI = REPO / "tests" / "data" / "decks"
TZ = timezone(timedelta(hours=1))
START = datetime(2026, 2, 1, 9, 0, tzinfo=TZ)
CARD = "mini/concept"


@pytest.fixture
def store(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(MINI))
    with Store.open(db_path) as opened:
        opened.sync_decks([MINI], START)
        yield opened


def answer(store: Store, card_id: str, quality: int, when: datetime, *, repeat: bool = False) -> RecordedAnswer:
    return store.record_answer(
        card_id, quality=quality, answer="typed", duration_ms=1500, now=when, today=when.date(), repeat=repeat
    )


def lapse_often(store: Store, card_id: str, lapses: int, day: datetime) -> datetime:
    """Learn the card on ``day``, then fail and relearn it ``lapses`` times, a day apart; returns
    the day of the last answer."""
    answer(store, card_id, 5, day)
    for _ in range(lapses):
        day += timedelta(days=1)
        answer(store, card_id, 0, day)
        day += timedelta(days=1)
        answer(store, card_id, 5, day)
    return day


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as SQLite holds it."""
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        rows = {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables}
    conn.close()
    return rows


# --- leeches -----------------------------------------------------------------------------


def test_the_leech_rule() -> None:
    assert [n for n in range(25) if is_leech_lapse(n)] == [8, 12, 16, 20, 24]
    assert LEECH_LAPSES == 8


def test_a_card_becomes_a_leech_at_its_eighth_lapse_and_not_before(store: Store) -> None:
    day = START
    answer(store, CARD, 1, day)  # failing a new card is not a lapse: it was never learned
    day += timedelta(days=1)
    answer(store, CARD, 2, day)  # nor failing it again
    for lapse in range(1, LEECH_LAPSES + 1):
        day += timedelta(days=1)
        assert not answer(store, CARD, 4, day).leech
        day += timedelta(days=1)
        recorded = answer(store, CARD, 1, day)
        assert recorded.leech is (lapse == LEECH_LAPSES)
        leeches = store.leeches()
        if lapse < LEECH_LAPSES:
            assert leeches == [] and store.due_card_ids(day.date() + timedelta(days=1)) == [CARD]
    assert [(leech.card_id, leech.lapses, leech.suspended_reason) for leech in leeches] == [(CARD, 8, "leech")]
    assert leeches[0].suspended_at == datetime(2026, 2, 18, 8, 0)  # the answer's time, naive UTC
    tomorrow = day.date() + timedelta(days=1)
    assert store.due_card_ids(tomorrow) == [] and store.next_due() is None

    assert store.unsuspend(CARD) and store.due_card_ids(tomorrow) == [CARD]
    suspended_again = []
    for _ in range(4):  # lapses 9 to 12: suspended again at the 12th
        day += timedelta(days=1)
        answer(store, CARD, 5, day)
        day += timedelta(days=1)
        suspended_again.append(answer(store, CARD, 0, day).leech)
    assert suspended_again == [False, False, False, True]
    assert store.leeches()[0].lapses == 12


def test_leeches_on_the_command_line(store: Store) -> None:
    lapse_often(store, CARD, LEECH_LAPSES, START)
    result = CliRunner().invoke(app, ["leeches", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "schema": 1,
        "threshold": 8,
        "leeches": [
            {
                "id": CARD,
                "deck": "mini",
                "lapses": 8,
                "easiness": 1.4,  # down to the floor of 1.3, then one 5
                "suspended": True,
                "suspended_at": "2026-02-16T08:00:00+00:00",
                "suspended_reason": "leech",
            }
        ],
    }
    result = CliRunner().invoke(app, ["leeches", "--lang", "en"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "mini/concept" in result.output and "suspended (leech)" in result.output
    assert "What is a container?" in result.output and "quizdock unsuspend ID" in result.output
    assert "back in the reviews" in CliRunner().invoke(app, ["unsuspend", CARD]).output
    assert json.loads(CliRunner().invoke(app, ["leeches", "--json"]).output)["leeches"][0]["suspended"] is False


def test_no_leeches(store: Store) -> None:
    result = CliRunner().invoke(app, ["leeches", "--lang", "fr"])
    assert result.exit_code == 0 and "Aucune sangsue" in result.output


def test_unknown_card_ids_are_refused_with_a_hint(store: Store) -> None:
    result = CliRunner().invoke(app, ["suspend", "mini/concpt"])
    assert result.exit_code != 0
    message = result.output + str(result.exception)
    assert "There is no card 'mini/concpt'" in message and "Did you mean 'mini/concept'?" in message


# --- suspended and buried cards stay out of reviews ----------------------------------------


def test_suspended_and_buried_cards_are_not_due_nor_new(store: Store, db_path: Path) -> None:
    today = START.date()
    for card_id in ("mini/concept", "mini/command"):
        answer(store, card_id, 4, START - timedelta(days=3))
    assert store.due_card_ids(today) == ["mini/command", "mini/concept"]  # same day: by id
    assert store.new_card_ids(10, today=today) == ["mini/choice"]
    assert count_due(db_path, today) == 2

    assert store.suspend("mini/concept", START)
    store.bury("mini/command", today + timedelta(days=1))
    store.bury("mini/choice", today + timedelta(days=1))
    assert store.due_card_ids(today) == [] and store.new_card_ids(10, today=today) == []
    assert count_due(db_path, today) == 0
    assert [(s.due, s.new, s.cards) for s in store.deck_summaries(today)] == [(0, 0, 3)]
    assert store.next_due() == today + timedelta(days=1)  # the buried card comes back tomorrow

    tomorrow = today + timedelta(days=1)
    assert store.due_card_ids(tomorrow) == ["mini/command"]
    assert store.new_card_ids(10, today=tomorrow) == ["mini/choice"]
    assert count_due(db_path, tomorrow) == 1
    assert [(s.due, s.new) for s in store.deck_summaries(tomorrow)] == [(1, 1)]
    assert not store.suspend("mini/concept", START)  # already
    assert store.unsuspend("mini/concept") and not store.unsuspend("mini/concept")
    assert store.due_card_ids(tomorrow) == ["mini/command", "mini/concept"]


# --- undo ----------------------------------------------------------------------------------


def test_undoing_the_first_answer_to_a_new_card_deletes_its_state(store: Store, db_path: Path) -> None:
    before = dump(db_path)
    recorded = answer(store, CARD, 4, START)
    assert dump(db_path) != before
    store.undo_last_answer(recorded)
    assert dump(db_path) == before
    assert store.new_card_ids(10, today=START.date())[0] == CARD


def test_undoing_an_answer_restores_the_state_row_exactly(store: Store, db_path: Path) -> None:
    answer(store, CARD, 5, START)
    answer(store, CARD, 5, START + timedelta(days=1))
    later = START + timedelta(days=7)
    before = dump(db_path)
    recorded = answer(store, CARD, 1, later)  # a lapse: repetitions, interval, EF, due day and lapses change
    assert recorded.before == CardState(2, 6, recorded.before.easiness) and recorded.after.repetitions == 0
    store.undo_last_answer(recorded)
    assert dump(db_path) == before


def test_undoing_a_same_day_repeat_only_removes_its_log_row(store: Store, db_path: Path) -> None:
    answer(store, CARD, 2, START)
    before = dump(db_path)
    recorded = answer(store, CARD, 5, START + timedelta(minutes=3), repeat=True)
    store.undo_last_answer(recorded)
    assert dump(db_path) == before


def test_undoing_the_answer_that_made_a_leech_lifts_the_suspension(store: Store, db_path: Path) -> None:
    day = lapse_often(store, CARD, LEECH_LAPSES - 1, START)
    before = dump(db_path)
    recorded = answer(store, CARD, 0, day + timedelta(days=1))
    assert recorded.leech and store.leeches()[0].suspended_reason == "leech"
    store.undo_last_answer(recorded)
    assert dump(db_path) == before
    assert store.leeches() == []


def test_an_answer_is_undone_once_and_only_when_it_is_the_cards_last(store: Store) -> None:
    first = answer(store, CARD, 5, START)
    second = answer(store, CARD, 5, START + timedelta(days=1))
    with pytest.raises(ValueError, match="not the last answer"):
        store.undo_last_answer(first)
    store.undo_last_answer(second)
    with pytest.raises(ValueError, match="already undone"):
        store.undo_last_answer(second)
    store.undo_last_answer(first)
    assert store.scheduled_cards([CARD])[0].state is None


def test_dates_in_the_log_stay_local(store: Store) -> None:
    # A sanity check of the fixture: the log keys days by the local date given to record_answer.
    recorded = answer(store, CARD, 5, datetime(2026, 2, 1, 0, 30, tzinfo=TZ))
    assert recorded.due_on == date(2026, 2, 2)


# --- the review keys -----------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
TODAY = NOW.date()


def run_session(store: Store, keys: Sequence[Keys], card_ids: list[str], lang: Lang = "en") -> tuple[Summary, str]:
    out = io.StringIO()
    prompter = ScriptedPrompter(lang, keys)
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=100), lang, now=lambda: NOW)
        summary = session.run(card_ids)
    finally:
        prompter.close()
    assert not prompter.keys, f"unused keystrokes: {list(prompter.keys)}"
    return summary, out.getvalue()


def log(store: Store) -> list[tuple[str, int, bool]]:
    with store.session() as session:
        rows = session.scalars(select(ReviewRow).order_by(ReviewRow.id))
        return [(r.card_id, r.quality, r.is_repeat) for r in rows]


def test_undo_in_review_asks_the_card_again(store: Store) -> None:
    card_ids = plan(store, TODAY, deck=None, limit=None, new_per_day=10)
    assert card_ids == ["mini/concept", "mini/command", "mini/choice"]
    keys: list[Keys] = [
        ENTER, "5",  # concept: 5
        ":u" + ENTER,  # at the command card: undo the concept's 5
        ENTER, "3",  # the concept again: 3 this time, so it comes back today
        "docker container prune" + ENTER,
        pick("all interfaces"),  # choice: right
        ENTER, "4",  # the concept's same-day repeat
    ]  # fmt: skip
    summary, output = run_session(store, keys, card_ids)
    assert (summary.cards, summary.correct, summary.repeats) == (3, 3, 1)
    assert "Undone: your answer to mini/concept" in output
    assert "Card 1 of 3" in output and "Card 4 of 4" in output and "Card 5 of" not in output
    assert log(store) == [
        ("mini/concept", 3, False),
        ("mini/command", 5, False),
        ("mini/choice", 5, False),
        ("mini/concept", 4, True),
    ]
    state = store.scheduled_cards([CARD])[0].state
    assert state == CardState(1, 1, Decimal("2.36"))


def test_undo_in_review_leaves_the_database_as_before_the_answer(store: Store, db_path: Path) -> None:
    answer(store, "mini/choice", 5, NOW - timedelta(days=1))  # a state row the answer will change
    before = dump(db_path)
    keys: list[Keys] = [
        pick("127.0.0.1 only"),  # choice: wrong: a lapse, and a repeat queued
        ":u" + ENTER,  # command card: undo it
        CTRL_C,  # the choice again: stop here
    ]
    with pytest.raises(KeyboardInterrupt):
        run_session(store, keys, ["mini/choice", "mini/command"])
    assert dump(db_path) == before


def test_undo_with_nothing_to_undo_asks_the_same_card(store: Store) -> None:
    keys = [ENTER, "u", ENTER, "5"]
    summary, output = run_session(store, keys, [CARD])
    assert "Nothing to undo" in output and summary.cards == 1
    assert log(store) == [(CARD, 5, False)]


def test_suspend_and_bury_in_review(store: Store) -> None:
    keys: list[Keys] = [
        ENTER, "s",  # concept: suspend
        ":b" + ENTER,  # command: bury until tomorrow
        pick("127.0.0.1 only"),  # choice: wrong
        pick("all interfaces"),  # its repeat: right
    ]  # fmt: skip
    summary, output = run_session(store, keys, ["mini/concept", "mini/command", "mini/choice"])
    assert (summary.cards, summary.correct, summary.repeats) == (1, 0, 1)
    assert "Suspended mini/concept" in output and "Buried mini/command until tomorrow" in output
    assert log(store) == [("mini/choice", 1, False), ("mini/choice", 5, True)]
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=10) == []
    tomorrow = TODAY + timedelta(days=1)
    assert plan(store, tomorrow, deck=None, limit=None, new_per_day=10) == ["mini/choice", "mini/command"]
    assert [(leech.card_id, leech.suspended_reason) for leech in store.leeches()] == []
    with store.session() as session:
        card = session.get(CardRow, CARD)
        assert card is not None and card.suspended_reason == "manual"


def test_the_choice_list_has_the_keys_too(store: Store) -> None:
    keys = [DOWN * 3 + ENTER]  # past the 3 options (the blank separator is skipped): "suspend"
    summary, output = run_session(store, keys, ["mini/choice"])
    assert summary.cards == 0 and "Suspended mini/choice" in output and "Session over: 0 cards" in output


def test_review_suspends_a_leech_at_its_eighth_lapse(store: Store) -> None:
    lapse_often(store, CARD, LEECH_LAPSES - 1, NOW - timedelta(days=30))
    assert store.due_card_ids(TODAY) == [CARD]
    summary, output = run_session(store, [ENTER, "1"], [CARD])  # no same-day repeat of a leech
    output = " ".join(output.split())  # the message may wrap
    assert (
        "mini/concept has lapsed 8 times" in output
        and "suspended" in output
        and "quizdock unsuspend mini/concept" in output
    )
    assert [(leech.card_id, leech.suspended_reason) for leech in store.leeches()] == [(CARD, "leech")]
    assert summary.cards == 1 and store.due_card_ids(TODAY + timedelta(days=1)) == []


def test_review_in_french_names_the_keys(store: Store) -> None:
    _, output = run_session(store, [ENTER, "s"], [CARD], lang="fr")
    assert "s suspendre" in output and "Carte mini/concept suspendue" in output
