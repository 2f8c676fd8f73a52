"""FSRS as an option: the grade mapping, Anki's own intervals, switching either way with the whole history."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.core.fsrs import AGAIN, EASY, GOOD, HARD, Fsrs, MemoryState, default_parameters, rating
from quizdock.core.grade import Grade
from quizdock.core.scheduler import CardProgress, review
from quizdock.errors import ExitCode
from quizdock.storage.store import Store
from quizdock.support.config import Config, load_config
from tests.conftest import REPO, card_toml, deck_toml
from tests.test_storage import SEED_0001, migrate_to, revisions

START = date(2026, 1, 5)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_grades_map_to_again_hard_good_easy() -> None:
    assert [rating(g) for g in Grade] == [AGAIN, AGAIN, AGAIN, HARD, GOOD, EASY]


def test_fsrs_keeps_the_core_shape_and_sm2_beside_it() -> None:
    fsrs = Fsrs()
    first, log = review(CardProgress(), 4, at(START), fsrs=fsrs)
    assert first.memory is not None and first.scheduled_days == log.after_days
    assert first.due_on == START + timedelta(days=first.scheduled_days)
    assert first.sm2_due_on == START + timedelta(days=1)  # SM-2's first interval, kept beside
    second, _ = review(first, 5, at(first.due_on), fsrs=fsrs)
    assert second.state.repetitions == 2 and second.sm2_due_on == first.due_on + timedelta(days=6)
    assert second.scheduled_days > first.scheduled_days
    # Under SM-2 the memory state is dropped: switching to FSRS computes it from the log again.
    back, _ = review(second, 4, at(second.due_on))
    assert back.memory is None and back.scheduled_days is None and back.sm2_due_on is None


def test_the_grade_keys_preview_is_each_grade_s_answer() -> None:
    fsrs = Fsrs()
    memory = MemoryState(12.0, 5.0)
    shown = fsrs.intervals(memory, 12, 10)
    assert shown == {grade: fsrs.step(memory, grade, 12, 10).interval for grade in Grade}
    assert (
        shown[Grade.HARD] < shown[Grade.HESITANT] < shown[Grade.PERFECT] and shown[Grade.BLACKOUT] == shown[Grade.WRONG]
    )


def test_memory_from_the_log_is_the_memory_of_the_answers() -> None:
    fsrs = Fsrs()
    progress, day, history = CardProgress(), START, []
    for grade in (4, 3, 5, 1, 4):
        last = progress.last_day
        history.append((grade, 0 if last is None else (day - last).days))
        progress, _ = review(progress, grade, at(day), fsrs=fsrs)
        day = progress.due_on or day
    from_log = fsrs.memory_from_history(history)
    assert progress.memory is not None and from_log is not None
    # Answer by answer the state is kept rounded (as Anki keeps it); from the log it is not: float noise apart.
    assert from_log.stability == pytest.approx(progress.memory.stability, rel=1e-3)
    assert from_log.difficulty == pytest.approx(progress.memory.difficulty, abs=1e-2)


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("setting", "lang", "said"),
    [
        ("desired_retention = 1.5", "en", "desired_retention must be a number from 0.7 to 0.99, got 1.5"),
        ("desired_retention = true", "fr", "desired_retention doit être un nombre de 0.7 à 0.99, et non True"),
        ('scheduler = "anki"', "en", 'scheduler must be "sm2" or "fsrs", got \'anki\''),
        ('scheduler = "anki"', "fr", "scheduler doit valoir « sm2 » ou « fsrs », et non « anki »"),
    ],
)
def test_a_bad_scheduling_setting_is_a_usage_error_in_both_languages(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, setting: str, lang: str, said: str
) -> None:
    # The file that would choose the language is the one refused: the locale speaks.
    monkeypatch.setenv("LANG", "fr_FR.UTF-8" if lang == "fr" else "C.UTF-8")
    (isolated_home / "config.toml").write_text(f"{setting}\n")
    result = CliRunner().invoke(app, ["decks"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert said in " ".join(result.output.split()) and "Traceback" not in result.output


def test_the_environment_chooses_the_scheduler_over_the_file(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_home / "config.toml").write_text('scheduler = "sm2"\ndesired_retention = 0.85\n')
    monkeypatch.setenv("QUIZDOCK_SCHEDULER", "fsrs")
    assert load_config() == Config(scheduler="fsrs", desired_retention=0.85)
    monkeypatch.setenv("QUIZDOCK_SCHEDULER", "supermemo")
    result = CliRunner().invoke(app, ["decks"])
    assert result.exit_code == ExitCode.USAGE and "QUIZDOCK_SCHEDULER" in result.output


# --------------------------------------------------------------------------- Anki's own intervals


def random_cases(fsrs: Fsrs, rng: random.Random, count: int) -> tuple[list[dict[str, Any]], list[CardProgress]]:
    """Random grade sequences answered by quizdock's scheduler on random days (early, on time,
    late), with what Anki needs to answer the last one from the same state."""
    cases, results = [], []
    for _ in range(count):
        grades = [rng.randint(0, 5) for _ in range(rng.randint(1, 8))]
        progress, day, days = CardProgress(), START, []
        before = progress
        for index, grade in enumerate(grades):
            if index:
                day += timedelta(days=max(1, round(progress.days * rng.uniform(0.5, 1.6))))
            before = progress
            progress, _ = review(before, grade, at(day), fsrs=fsrs)
            days.append(day)
        memory = before.memory
        cases.append(
            {
                "grades": [rating(g) for g in grades],
                "days": [(day - d).days for d in days],
                "interval": before.days if len(grades) > 1 else 0,
                "memory": None if memory is None else [memory.stability, memory.difficulty],
            }
        )
        results.append(progress)
    return cases, results


def anki_answers(tmp_path: Path, fsrs: Fsrs, cases: list[dict[str, Any]], **more: object) -> list[Any]:
    folder = tmp_path / f"anki-{fsrs.desired_retention}"
    folder.mkdir()
    request = {"folder": str(folder), "parameters": list(fsrs.weights), "retention": fsrs.desired_retention}
    # ANKI_TEST_MODE: Anki's engine leaves intervals unfuzzed (it reads the variable for its own tests).
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "anki_fsrs.py")],
        input=json.dumps({**request, "cases": cases, **more}),
        capture_output=True,
        text=True,
        env={**os.environ, "ANKI_TEST_MODE": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    answers: list[Any] = json.loads(done.stdout)
    return answers


def fitted_like() -> tuple[float, ...]:
    """Parameters other than the defaults, as a learner's fit gives (each moved a little)."""
    moved = [w * (1.1 if i % 2 else 0.92) for i, w in enumerate(default_parameters())]
    return Fsrs(tuple(moved)).weights


@pytest.mark.parametrize("fsrs", [Fsrs(), Fsrs(fitted_like(), 0.85)], ids=["defaults", "fitted-0.85"])
def test_anki_gives_the_same_next_interval_for_random_sequences(tmp_path: Path, fsrs: Fsrs) -> None:
    """200 sequences per setting: Anki (deck without learning or relearning steps, FSRS on, same
    parameters and desired retention, fuzz off) answers the last grade from the state quizdock
    reached, and gives quizdock's interval."""
    cases, ours = random_cases(fsrs, random.Random(2026), 200)
    anki = anki_answers(tmp_path, fsrs, cases)
    compared = learning = 0
    for case, progress, theirs in zip(cases, ours, anki, strict=True):
        if len(case["grades"]) == 1 and case["grades"][0] == AGAIN:
            # A new card failed: Anki keeps it in learning today (type 1, interval 0); quizdock asks
            # it again today too (a same-day repeat), then in 1 day.
            assert theirs["type"] == 1 and progress.repeat_on == progress.last_day and progress.days == 1
            learning += 1
            continue
        assert theirs["interval"] == progress.days, (case, theirs, progress)
        assert progress.memory is not None
        assert theirs["stability"] == pytest.approx(progress.memory.stability, rel=1e-4, abs=2e-4)
        assert theirs["difficulty"] == pytest.approx(progress.memory.difficulty, abs=2e-3)
        if theirs["from_log"] is not None:  # Anki's memory state from the log: quizdock's, to float noise
            memory = MemoryState(*case["memory"])
            assert theirs["from_log"][0] == pytest.approx(memory.stability, rel=1e-2)
            assert theirs["from_log"][1] == pytest.approx(memory.difficulty, abs=1e-2)
        compared += 1
    assert compared >= 170 and learning > 0


# --------------------------------------------------------------------------- switching, stored


@pytest.mark.parametrize("revision", revisions())
def test_switching_either_way_on_a_database_of_every_schema_keeps_everything(db_path: Path, revision: str) -> None:
    migrate_to(db_path, revision)
    with sqlite3.connect(db_path) as conn:
        for statement in SEED_0001:  # one card answered 5 on 2026-01-01, due 2026-01-02 by SM-2
            conn.execute(statement)
    conn.close()
    with Store.open(db_path) as store:
        fsrs = store.use_scheduler("fsrs", 0.9)
        assert fsrs is not None
        row = stored_state(db_path)
        assert row[:4] == (1, 1, 260, "2026-01-02")  # SM-2's state and due day stay (Anki keeps due days)
        assert (row[4], row[5]) == astuple_memory(fsrs.memory_from_history([(5, 0)]))
        store.record_answer(
            "mini/concept", quality=4, answer="", duration_ms=1, now=at(date(2026, 1, 4)), today=date(2026, 1, 4)
        )
        under_fsrs = stored_state(db_path)
        fsrs_step = fsrs.step(fsrs.memory_from_history([(5, 0)]), 4, 3, 1)
        assert under_fsrs[3] == (date(2026, 1, 4) + timedelta(days=fsrs_step.interval)).isoformat()
        assert under_fsrs[:3] == (2, 6, 260)  # SM-2 followed the answer beside FSRS
        store.use_scheduler("sm2", 0.9)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (2,)
    conn.close()
    back = stored_state(db_path)
    assert back[:4] == (2, 6, 260, "2026-01-10")  # SM-2's own due day: 2026-01-04 + 6
    assert back[6:] == (None, None)


def stored_state(db_path: Path) -> tuple[Any, ...]:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT repetitions, interval, easiness_centi, due_on, stability, difficulty, scheduled_days, sm2_due_on "
            "FROM card_states"
        ).fetchone()
    conn.close()
    return tuple(row)


def astuple_memory(memory: MemoryState | None) -> tuple[float, float]:
    assert memory is not None
    return memory.stability, memory.difficulty


# --------------------------------------------------------------------------- a learner, through the CLI

CARDS = 100


def concept_deck(folder: Path) -> Path:
    folder.mkdir()
    cards = [
        card_toml(f"recall/c{n:03}", "concept", ["basics"], fields='answer.fr = "r"\nanswer.en = "a"\n')
        for n in range(CARDS)
    ]
    (folder / "recall.toml").write_text(deck_toml("recall", *cards), encoding="utf-8")
    return folder


def answer_all(db_path: Path, scheduler: str, rounds: int, rng: random.Random, start: date = START) -> None:
    """Every card answered ``rounds`` times, each time on its due day, as days of reviews would."""
    with Store.open(db_path) as store:
        store.sync_decks([Path(os.environ["QUIZDOCK_DECKS"])], at(start))
        store.use_scheduler(scheduler, 0.9)
        for card in store.scheduled_cards([f"recall/c{n:03}" for n in range(CARDS)]):
            due = card.due_on or start
            for _ in range(rounds):
                recorded = store.record_answer(
                    card.card.id,
                    quality=rng.choice([1, 3, 4, 4, 5]),
                    answer="",
                    duration_ms=900,
                    now=at(due),
                    today=due,
                )
                due = recorded.due_on


def review_in_a_terminal(db_path: Path, now: date, scheduler: str, cards: int) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db_path),
        "QUIZDOCK_SCHEDULER": scheduler,
        "QUIZDOCK_NOW": f"{now.isoformat()}T09:00:00+00:00",
        "TERM": "xterm",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", "review", "--limit", str(cards)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    seen = []
    for _ in range(cards):
        child.expect("Press Enter to show the answer")
        child.send("\r")
        child.expect("How well did you recall it")
        seen.append(child.before)
        child.send("4")
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return "".join(seen)


def sm2_replay(db_path: Path) -> dict[str, tuple[int, int, int, str]]:
    """Each card's SM-2 state and due day worked out from its log alone (repeats left out)."""
    from quizdock.core.sm2 import CardState
    from quizdock.core.sm2 import review as sm2

    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT card_id, quality, after_due_on, after_interval FROM reviews WHERE NOT is_repeat ORDER BY id"
        ).fetchall()
    conn.close()
    replayed: dict[str, tuple[CardState, date]] = {}
    for card_id, quality, due_on, interval in rows:
        day = date.fromisoformat(due_on) - timedelta(days=interval)
        state = sm2(replayed.get(card_id, (CardState(), day))[0], quality)
        replayed[card_id] = (state, day + timedelta(days=state.interval))
    return {
        card_id: (s.repetitions, s.interval, int(s.easiness * 100), due.isoformat())
        for card_id, (s, due) in replayed.items()
    }


def test_a_learner_switches_to_fsrs_reviews_optimizes_and_switches_back_losing_nothing(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    rng = random.Random(5)
    answer_all(db_path, "sm2", 3, rng)  # weeks of SM-2: 300 answers, 200 the optimizer learns from
    day = date(2026, 6, 1)  # every card due by then

    told = CliRunner().invoke(app, ["optimize"], env={"QUIZDOCK_NOW": f"{day}T09:00:00+00:00"})
    assert told.exit_code == ExitCode.FAILED, told.output
    assert "200 reviews the optimizer can learn from; it needs 400" in " ".join(told.output.split())

    shown = review_in_a_terminal(db_path, day, "fsrs", 3)
    assert "0-2 Again · 3 Hard · 4 Good · 5 Easy" in shown
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT value FROM preferences WHERE key = 'scheduler'").fetchone() == ('"fsrs"',)
        # every studied card has a memory state, computed from its log when FSRS was chosen
        assert conn.execute("SELECT count(*) FROM card_states WHERE stability IS NULL").fetchone() == (0,)
    conn.close()
    answer_all(db_path, "fsrs", 2, rng)  # then FSRS: 200 answers more

    done = CliRunner().invoke(app, ["optimize", "--lang", "fr"], env={"QUIZDOCK_NOW": f"{day}T09:00:00+00:00"})
    assert done.exit_code == 0, done.output
    assert "Paramètres FSRS" in done.output and "ajustés" in done.output
    with sqlite3.connect(db_path) as conn:
        (saved,) = conn.execute("SELECT value FROM preferences WHERE key = 'fsrs_parameters'").fetchone()
        reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()
    conn.close()
    assert len(json.loads(saved)) == 21 and json.loads(saved) != list(default_parameters())
    assert reviews == (CARDS * 5 + 3,)

    simulated = CliRunner().invoke(app, ["simulate", "--lang", "en"], env={"QUIZDOCK_NOW": f"{day}T09:00:00+00:00"})
    assert simulated.exit_code == 0, simulated.output
    assert "SM-2" in simulated.output and "FSRS (in use)" not in simulated.output  # the environment left: SM-2

    later = day + timedelta(days=400)
    review_in_a_terminal(db_path, later, "sm2", 1)  # back to SM-2
    with sqlite3.connect(db_path) as conn:
        stored = {
            card_id: (repetitions, interval, easiness, due_on)
            for card_id, repetitions, interval, easiness, due_on in conn.execute(
                "SELECT card_id, repetitions, interval, easiness_centi, due_on FROM card_states"
            )
        }
        assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (CARDS * 5 + 4,)
        assert conn.execute("SELECT value FROM preferences WHERE key = 'scheduler'").fetchone() == ('"sm2"',)
    conn.close()
    # Nothing lost: every card's SM-2 state and due day are what SM-2 makes of its whole log.
    assert stored == sm2_replay(db_path)


def test_stats_under_fsrs_show_retrievability_today_and_predicted_retention(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    answer_all(db_path, "fsrs", 2, random.Random(3))
    now = {"QUIZDOCK_NOW": "2026-02-01T09:00:00+00:00"}
    plain = CliRunner().invoke(app, ["stats", "--json"], env=now)
    assert plain.exit_code == 0, plain.output
    assert "fsrs" not in json.loads(plain.output)  # SM-2: the document stays as it was
    shown = CliRunner().invoke(app, ["stats", "--json"], env={**now, "QUIZDOCK_SCHEDULER": "fsrs"})
    figures = json.loads(shown.output)["fsrs"]
    assert figures["cards"] == CARDS and sum(figures["retrievability_bands"].values()) == CARDS
    assert 0 < figures["retrievability"] < 1 and 0 < figures["predicted_retention"] < 1
    assert figures["desired_retention"] == 0.9
    text = CliRunner().invoke(app, ["stats"], env={**now, "QUIZDOCK_SCHEDULER": "fsrs"})
    said = " ".join(text.output.split())
    assert f"on average over {CARDS} cards" in said and "Predicted retention:" in said


def test_anki_s_passing_buttons_match_on_cards_of_every_age(tmp_path: Path) -> None:
    """600 review cards, from a day to a year of interval, answered early, on time or late: Anki's
    Hard, Good and Easy give quizdock's intervals for grades 3, 4 and 5."""
    rng = random.Random(17)
    fsrs, states = Fsrs(), []
    for _ in range(600):
        interval = rng.choice([rng.randint(1, 12), rng.randint(10, 400)])
        stability = round(rng.choice([0.3, 1.1, 3, 8, 15, 40, 120, 300]) * rng.uniform(0.8, 1.2), 4)
        memory = [stability, round(rng.uniform(1.5, 9.8), 3)]
        states.append({"memory": memory, "interval": interval, "elapsed": max(1, interval + rng.randint(-3, 3))})
    anki = anki_answers(tmp_path, fsrs, [], states=states)
    for state, theirs in zip(states, anki, strict=True):
        memory = MemoryState(*state["memory"])
        ours = [fsrs.step(memory, grade, state["elapsed"], state["interval"]).interval for grade in (3, 4, 5)]
        assert theirs == ours, state


def test_an_export_under_fsrs_makes_anki_schedule_each_card_like_quizdock(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anki (FSRS on, the same parameters and retention, no learning or relearning steps) imports
    the cards with quizdock's memory state, interval and due day, and each of its buttons gives
    the interval quizdock gives the grade today."""
    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    answer_all(db_path, "fsrs", 3, random.Random(11), start=date.today() - timedelta(days=500))
    package = tmp_path / "fsrs.apkg"
    monkeypatch.setenv("QUIZDOCK_SCHEDULER", "fsrs")
    done = CliRunner().invoke(app, ["export", "anki", "--with-progress", "-o", str(package)])
    assert done.exit_code == 0, done.output
    fsrs = Fsrs(None, 0.9)
    assert ", ".join(f"{w:.4f}" for w in fsrs.weights) in done.output  # what to paste into Anki
    with sqlite3.connect(db_path) as conn:
        ours = {
            row[0]: row[1:]
            for row in conn.execute("SELECT card_id, stability, difficulty, scheduled_days, due_on FROM card_states")
        }
    conn.close()
    anki = anki_answers(tmp_path, fsrs, [], package=str(package))
    assert len(anki) == CARDS
    sub_day = 0
    for card in anki:
        stability, difficulty, days, due_on = ours[card["id"]]
        assert (card["stability"], card["difficulty"]) == pytest.approx((stability, difficulty), abs=1e-3)
        assert card["interval"] == days
        assert date.today() + timedelta(days=card["due_in"]) == date.fromisoformat(due_on)
        memory = MemoryState(stability, difficulty)
        expected = [fsrs.step(memory, grade, card["elapsed"], days).interval for grade in (0, 3, 4, 5)]
        if card["intervals"][0] < 1:
            # Again with FSRS's interval under half a day: Anki asks the card again today (relearning
            # for that long); quizdock too (a same-day repeat, as for every grade below 4), then in 1 day.
            assert expected[0] == 1
            sub_day += 1
            card["intervals"][0] = 1
        assert card["intervals"] == expected, card
    assert sub_day < CARDS


def test_undo_under_fsrs_puts_the_memory_state_back(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    answer_all(db_path, "fsrs", 2, random.Random(9))
    with Store.open(db_path) as store:
        store.use_scheduler("fsrs", 0.9)
        card = store.scheduled_cards(["recall/c000"])[0]
        with sqlite3.connect(db_path) as conn:
            row = conn.execute("SELECT * FROM card_states WHERE card_id = 'recall/c000'").fetchone()
        conn.close()
        assert card.due_on is not None
        recorded = store.record_answer(
            "recall/c000", quality=1, answer="", duration_ms=1, now=at(card.due_on), today=card.due_on
        )
        store.undo_last_answer(recorded)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("SELECT * FROM card_states WHERE card_id = 'recall/c000'").fetchone() == row
        conn.close()


def test_due_after_switching_back_to_sm2_counts_sm2_s_due_days(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quizdock due` reads the setting too: back to SM-2, it counts SM-2's due days at once, not
    the FSRS days the database still follows until the next review."""
    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    rng = random.Random(11)
    answer_all(db_path, "sm2", 2, rng)
    answer_all(db_path, "fsrs", 2, rng)  # the database follows FSRS now
    day = START + timedelta(days=20)
    with sqlite3.connect(db_path) as conn:
        fsrs_due = conn.execute("SELECT count(*) FROM card_states WHERE due_on <= ?", (day.isoformat(),)).fetchone()[0]
    conn.close()
    env = {**os.environ, "PYTHONPATH": str(REPO), "QUIZDOCK_SCHEDULER": "sm2", "QUIZDOCK_NOW": f"{day}T09:00:00+00:00"}
    command = [sys.executable, "-m", "quizdock", "due"]
    shown = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT value FROM preferences WHERE key = 'scheduler'").fetchone() == ('"sm2"',)
        sm2_due = conn.execute("SELECT count(*) FROM card_states WHERE due_on <= ?", (day.isoformat(),)).fetchone()[0]
    conn.close()
    assert sm2_due != fsrs_due  # the two schedules differ on that day
    from quizdock.storage.quick import count_due

    assert int(shown.stdout) == count_due(db_path, day), shown.stdout  # repeats owed included


def test_the_grade_keys_preview_under_fsrs_is_what_each_grade_then_records(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At every step of a card's life (new, learned, lapsed, answered late), each grade's previewed
    interval is the one the store records when that grade is given (each answer then undone)."""
    from quizdock.core.preview import next_intervals

    monkeypatch.setenv("QUIZDOCK_DECKS", str(concept_deck(tmp_path / "decks")))
    card_id = "recall/c000"
    with Store.open(db_path) as store:
        store.sync_decks([Path(os.environ["QUIZDOCK_DECKS"])], at(START))
        fsrs = store.use_scheduler("fsrs", 0.85)
        assert fsrs is not None
        day, differ = START, 0
        for given in (4, 3, 1, 5, 4):
            progress = store.card_progress(card_id)
            preview = next_intervals(progress, day, fsrs=fsrs)
            differ += preview != next_intervals(progress, day)  # SM-2's would be another preview
            for grade in Grade:
                recorded = store.record_answer(card_id, quality=grade, answer="", duration_ms=1, now=at(day), today=day)
                assert (recorded.due_on - day).days == preview[grade], (given, grade, progress)
                store.undo_last_answer(recorded)
            assert store.card_progress(card_id) == progress
            assert preview[Grade.BLACKOUT] == preview[Grade.WRONG_FAMILIAR]  # all three are Again
            recorded = store.record_answer(card_id, quality=given, answer="", duration_ms=1, now=at(day), today=day)
            day = recorded.due_on + timedelta(days=2)  # a little late, as learners are
        assert differ >= 3
