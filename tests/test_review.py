"""The review session, driven through the real questionary prompts."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from quizdock.cli.review_session import ReviewSession, plan
from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from quizdock.storage.models import CardStateRow, ReviewRow
from quizdock.storage.quick import count_due
from quizdock.storage.store import Store
from quizdock.support.paths import bundled_decks_dir
from tests.conftest import REPO
from tests.scripted import CTRL_C, ENTER, Keys, ScriptedPrompter, pick

MINI = REPO / "tests" / "data" / "decks"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
TODAY = NOW.date()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        opened.sync_decks([MINI], NOW)
        yield opened


def run_session(store: Store, keys: Sequence[Keys], card_ids: list[str], lang: str = "en") -> tuple[object, str]:
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
    keys: list[Keys] = [
        ENTER,
        "5",  # concept: reveal, then grade 5
        "docker container prune" + ENTER,  # command, exact
        pick("127.0.0.1 only"),  # choice: wrong (one key, wherever the option is shown)
        pick("all interfaces"),  # same-day repeat of the choice: right
    ]
    summary, output = run_session(store, keys, card_ids)
    assert (summary.cards, summary.correct, summary.repeats) == (3, 2, 1)  # type: ignore[attr-defined]
    assert summary.next_due == TODAY + timedelta(days=1)  # type: ignore[attr-defined]
    assert "Card 1 of 3" in output and "Card 4 of 4" in output and "again today" in output
    assert "Session over: 3 cards, 2 right on first answer, 1 repeat. Next due: Mar 3, 2026." in output
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
    _, output = run_session(store, [ENTER, "4"], ["mini/concept"], lang="fr")
    assert "Carte 1 sur 1" in output and "Réponse\u202f: Une instance d'une image." in output
    summary = (
        "Séance finie\u202f: 1 carte, 1 juste du premier coup, 0 répétition. Prochaine révision\u202f: 3 mars 2026."
    )
    assert summary in output
    _, output = run_session(store, [pick("aucune"), pick("toutes les interfaces")], ["mini/choice"], lang="fr")
    assert "Attendu\u202f: toutes les interfaces" in output and "Correction\u202f: La note a raison." in output


def test_ctrl_c_keeps_the_answers_already_given(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_session(store, [ENTER, "3", CTRL_C], ["mini/concept", "mini/command"])
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


def empty_session(store: Store, deck: str | None = None, lang: str = "en") -> tuple[object, str]:
    """A session with nothing in its plan: only its closing message."""
    out = io.StringIO()
    prompter = ScriptedPrompter(lang, [])  # type: ignore[arg-type]
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=200), lang, now=lambda: NOW, deck=deck)  # type: ignore[arg-type]
        return session.run([]), out.getvalue()
    finally:
        prompter.close()


def test_with_a_deck_nothing_to_review_names_that_decks_next_card(two_decks: Store) -> None:
    answer(two_decks, "mini/concept", 5, TODAY)  # due tomorrow
    answer(two_decks, "other/concept", 5, TODAY - timedelta(days=1))  # due today, but in another deck
    summary, output = empty_session(two_decks, deck="mini")
    assert summary.next_due == TODAY + timedelta(days=1)  # type: ignore[attr-defined]
    assert "Next card due: Mar 3, 2026." in output  # TODAY is 2 March
    assert "Prochaine carte à réviser\u202f: 3 mars 2026." in empty_session(two_decks, deck="mini", lang="fr")[1]
    assert empty_session(two_decks)[0].next_due == TODAY  # type: ignore[attr-defined]


def test_nothing_to_review_says_why(store: Store) -> None:
    output = empty_session(store)[1]  # new cards wait, today's allowance is used up
    assert "today's new cards are done" in output and "--new" in output
    for card in ("concept", "command", "choice"):
        store.suspend(f"mini/{card}", NOW)
    assert "no card to show in the selected decks" in empty_session(store)[1]


# --- same-day repeats kept between sessions --------------------------------------------------


def test_a_repeat_left_in_the_queue_is_owed_to_the_next_session(store: Store, db_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):  # 2 on the concept, then Ctrl-C before its repeat
        run_session(store, [ENTER, "2", CTRL_C], ["mini/concept", "mini/command"])
    schedule = states(store)["mini/concept"]
    assert (schedule.interval, schedule.due_on, schedule.repeat_on) == (1, TODAY + timedelta(days=1), TODAY)
    with Store.open(db_path) as reopened:  # a restart: the repeat is read from the database
        assert reopened.repeat_card_ids(TODAY) == ["mini/concept"]
        assert reopened.count_due(TODAY) == 1 and count_due(db_path, TODAY) == 1
        assert [(d.id, d.due) for d in reopened.deck_summaries(TODAY)] == [("mini", 1)]
        assert plan(reopened, TODAY, deck=None, limit=None, new_per_day=1) == []  # not a first answer
        # another day, it is only the card due tomorrow
        assert reopened.repeat_card_ids(TODAY + timedelta(days=1)) == []
        assert count_due(db_path, TODAY + timedelta(days=1)) == 1
    out = io.StringIO()
    prompter = ScriptedPrompter("en", [ENTER, "3", ENTER, "4"])
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=100), "en", now=lambda: NOW)
        summary = session.run([], store.repeat_card_ids(TODAY))
    finally:
        prompter.close()
    assert not prompter.keys
    assert (summary.cards, summary.repeats) == (0, 2)
    assert "again today" in out.getvalue() and "Card 2 of 2" in out.getvalue()
    log = reviews(store)
    assert [(r.quality, r.is_repeat) for r in log] == [(2, False), (3, True), (4, True)]
    assert all((r.before_interval, r.before_due_on) == (r.after_interval, r.after_due_on) for r in log[1:])
    after = states(store)["mini/concept"]
    assert (after.interval, after.easiness_centi, after.due_on) == (
        schedule.interval,
        schedule.easiness_centi,
        schedule.due_on,
    )
    assert after.repeat_on is None
    assert store.repeat_card_ids(TODAY) == [] and count_due(db_path, TODAY) == 0


def test_a_repeat_owed_follows_the_answers_of_every_terminal(store: Store, db_path: Path) -> None:
    answer(store, "mini/concept", 1, TODAY)
    answer(store, "mini/command", 5, TODAY)
    assert store.repeat_card_ids(TODAY) == ["mini/concept"]
    # the other terminal answers the repeat: 4 settles it, without touching the schedule
    before = states(store)["mini/concept"]
    store.record_answer("mini/concept", quality=4, answer="", duration_ms=1, now=NOW, today=TODAY, repeat=True)
    after = states(store)["mini/concept"]
    assert (after.interval, after.due_on, after.easiness_centi) == (
        before.interval,
        before.due_on,
        before.easiness_centi,
    )
    assert store.repeat_card_ids(TODAY) == [] and count_due(db_path, TODAY) == 0


def test_suspended_or_buried_repeats_are_not_owed(store: Store, db_path: Path) -> None:
    answer(store, "mini/concept", 2, TODAY)
    answer(store, "mini/choice", 3, TODAY)
    assert store.repeat_card_ids(TODAY) == ["mini/choice", "mini/concept"]  # the order they were answered in
    store.suspend("mini/concept", NOW)
    store.bury("mini/choice", TODAY + timedelta(days=1))
    assert store.repeat_card_ids(TODAY) == [] and count_due(db_path, TODAY) == 0 == store.count_due(TODAY)
    assert store.repeat_card_ids(TODAY, deck="mini") == []


# --- multiple choice -------------------------------------------------------------------------


def test_choice_options_come_in_a_new_order_at_every_showing(store: Store) -> None:
    wrong = 24
    out = io.StringIO()
    prompter = ScriptedPrompter("en", [*[pick("none")] * wrong, pick("all interfaces")])
    try:
        ReviewSession(store, prompter, Console(file=out, width=100), "en", now=lambda: NOW).run(["mini/choice"])
    finally:
        prompter.close()
    assert not prompter.keys
    assert all(sorted(shown) == ["127.0.0.1 only", "all interfaces", "none"] for shown in prompter.shown)
    places = {shown.index("all interfaces") for shown in prompter.shown}
    assert places == {0, 1, 2}  # 25 showings in one order would make 1 place (odds of failing: 3 in 3**24)
    # graded by the option picked, wherever it was
    assert [(r.quality, r.answer) for r in reviews(store)] == [(1, "none")] * wrong + [(5, "all interfaces")]
    assert out.getvalue().count("Expected: all interfaces") == wrong + 1


# --- the hint for more new cards -------------------------------------------------------------


def test_the_more_new_cards_hint_gives_a_command_that_works(store: Store) -> None:
    answer(store, "mini/concept", 5, TODAY)
    answer(store, "mini/command", 5, TODAY - timedelta(days=3))  # not today's: due, answered below
    answer(store, "mini/command", 5, TODAY)
    out = io.StringIO()
    prompter = ScriptedPrompter("en", [])
    try:
        ReviewSession(store, prompter, Console(file=out, width=300), "en", now=lambda: NOW, new_per_day=1).run([])
    finally:
        prompter.close()
    output = " ".join(out.getvalue().split())
    found = re.search(r"(\d+) more now with `quizdock review --new (\d+)`", output)
    assert found is not None, output
    more, total = int(found.group(1)), int(found.group(2))
    assert (more, total) == (1, 2)  # one introduced today (the concept), one more allowed
    assert plan(store, TODAY, deck=None, limit=None, new_per_day=total) == ["mini/choice"]


# --- Docker unreachable --------------------------------------------------------------------------


def test_without_docker_practical_cards_wait_and_the_others_are_reviewed(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-such-dir' / 'docker.sock'}")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    with Store.open(db_path) as bundled:
        bundled.sync_decks([bundled_decks_dir()], NOW)
        card_ids = ["practical/pull", "basics/image-vs-container", "practical/tag", "practical/push"]
        out = io.StringIO()
        prompter = ScriptedPrompter("en", [ENTER, "5"])
        try:
            session = ReviewSession(bundled, prompter, Console(file=out, width=200), "en", now=lambda: NOW)
            summary = session.run(card_ids)
        finally:
            prompter.close()
        output = out.getvalue()
        assert not prompter.keys
        assert output.count("Docker cannot be reached") == 1 and "the 3 practical cards of this session wait" in output
        assert "DOCKER_HOST" in output  # the diagnosis names the cause
        assert "Card 1 of 1" in output and "practical" not in output.split("Card 1 of 1")[1]
        assert summary.cards == 1
        assert [(r.card_id, r.quality) for r in reviews(bundled)] == [("basics/image-vs-container", 5)]
        # not graded: still new, in the next plan
        assert {"practical/pull", "practical/tag", "practical/push"} <= set(
            plan(bundled, TODAY + timedelta(days=1), deck="practical", limit=None, new_per_day=10)
        )


def test_without_docker_a_session_of_practical_cards_only_says_they_wait(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-such-dir' / 'docker.sock'}")
    with Store.open(db_path) as bundled:
        bundled.sync_decks([bundled_decks_dir()], NOW)
        out = io.StringIO()
        prompter = ScriptedPrompter("en", [])
        try:
            session = ReviewSession(bundled, prompter, Console(file=out, width=200), "en", now=lambda: NOW)
            summary = session.run(["practical/pull", "practical/tag"])
        finally:
            prompter.close()
    output = " ".join(out.getvalue().split())
    assert "Docker cannot be reached" in output and summary.cards == 0
    # Neither "nothing to review" nor a --new hint that would bring the same cards back to wait.
    assert "Nothing to review" not in output and "--new" not in output, output


def test_deck_text_from_an_older_database_reaches_the_terminal_as_text(store: Store) -> None:
    """A card stored before control characters were refused (its deck file unchanged since)."""
    from quizdock.storage.models import CardRow

    with store.session(writing=True) as session:
        row = session.get(CardRow, "mini/concept")
        assert row is not None
        content = dict(row.content)
        content["question"] = {"fr": "Q\x1b[2J", "en": "What is a container?\x1b]52;c;ZXZpbA==\x07"}
        row.content = content
    _, output = run_session(store, [ENTER, "5"], ["mini/concept"])
    assert "\x1b]52" not in output and "\x07" not in output and "\x1b[2J" not in output
    assert "What is a container?\\x1b]52;c;ZXZpbA==\\x07" in output


def test_an_answer_the_database_refuses_is_said_not_saved(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds the database past the wait: the learner reads that this answer was
    not saved (and why, with the exit code of a database error), never a silent loss."""
    import sqlite3

    import quizdock.storage.connection
    from quizdock.errors import QuizdockError

    monkeypatch.setattr(quizdock.storage.connection, "BUSY_TIMEOUT_MS", 200)
    with Store.open(db_path) as opened:
        opened.sync_decks([MINI], NOW)
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a long write
        out = io.StringIO()
        prompter = ScriptedPrompter("en", [ENTER, "5"])  # type: ignore[arg-type]
        session = ReviewSession(opened, prompter, Console(file=out, width=100), "en", now=lambda: NOW)  # type: ignore[arg-type]
        try:
            with pytest.raises(QuizdockError) as refused:
                session.run(["mini/concept"])
        finally:
            prompter.close()
            holder.execute("ROLLBACK")
            holder.close()
        assert refused.value.exit_code == ExitCode.DATABASE
        assert "This answer to mini/concept was not saved" in out.getvalue(), out.getvalue()
        assert reviews(opened) == []


def test_a_card_answered_in_two_terminals_the_same_day_moves_once(store: Store) -> None:
    """Two reviews showed the same card; the second answer of the day, from the other terminal,
    is kept as a same-day repeat: the interval is 1 day, not 6."""
    first, second = NOW, NOW + timedelta(minutes=5)
    store.record_answer("mini/concept", quality=5, answer="", duration_ms=0, now=first, today=TODAY)
    again = store.record_answer("mini/concept", quality=5, answer="", duration_ms=0, now=second, today=TODAY)
    assert again.after == again.before
    log = reviews(store)
    assert [(r.is_repeat, r.after_interval) for r in log] == [(False, 1), (True, 1)]
    assert states(store)["mini/concept"].due_on == TODAY + timedelta(days=1)
    day_after = NOW + timedelta(days=1)
    tomorrow = store.record_answer(
        "mini/concept", quality=5, answer="", duration_ms=0, now=day_after, today=TODAY + timedelta(days=1)
    )
    assert tomorrow.after.interval == 6  # the next day, it schedules as SM-2 says
