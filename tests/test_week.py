"""A learner's week: the intervals on the grade keys, the card browser, undoing a suspension,
and a challenge solved outside review that counts for its card, through the real entry point."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.storage.store import Store
from tests.conftest import REPO

NNBSP = "\u202f"
DAY1 = "2026-03-02T09:00:00+01:00"
DAY2 = "2026-03-03T09:00:00+01:00"
DAY8 = "2026-03-09T09:00:00+01:00"


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini deck and the practical deck."""
    directory = tmp_path / "decks"
    directory.mkdir()
    (directory / "mini.toml").symlink_to(REPO / "tests" / "data" / "decks" / "mini.toml")
    (directory / "practical.toml").symlink_to(REPO / "decks" / "practical.toml")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(directory))
    return directory


def spawn(db_path: Path, decks: Path, now: str, *args: str, columns: int = 100) -> pexpect.spawn:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db_path),
        "QUIZDOCK_DECKS": str(decks),
        "QUIZDOCK_NOW": now,
        "QUIZDOCK_LAB": "off",
        "TERM": "xterm",
    }
    return pexpect.spawn(
        sys.executable, ["-m", "quizdock", *args], env=env, encoding="utf-8", timeout=60, dimensions=(40, columns)
    )


def finish(child: pexpect.spawn) -> int | None:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def invoke(*args: str, now: str = DAY1, columns: int = 100) -> str:
    result = CliRunner().invoke(app, list(args), env={"QUIZDOCK_NOW": now, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


def review_mini(db_path: Path, decks: Path, now: str, lang: str, grade: str, *, columns: int = 100) -> str:
    """Review the mini deck's three cards, due or new on ``now``, in the order review asks them
    (the concept card graded ``grade``, the others right); what the screen showed of the concept card."""
    fr = lang == "fr"
    child = spawn(db_path, decks, now, "review", "--deck", "mini", "--lang", lang, columns=columns)
    seen = ""
    while (
        child.expect([r"(?:Card|Carte) \d+ (?:of|sur) \d+ · mini/(\w+)", "Séance finie" if fr else "Session over"]) == 0
    ):
        card = child.match.group(1)
        if card == "concept":
            seen += child.after
            child.expect("Entrée pour voir la réponse" if fr else "Press Enter to show the answer")
            seen += child.before
            child.send("\r")
            child.expect(r"5\) (parfait|perfect recall) · \d+\s[jd]")  # the whole list is drawn
            seen += child.before + child.after
            child.send(grade)
        elif card == "command":
            child.expect("Votre commande" if fr else "Your command")
            child.send("docker container prune\r")
        else:
            child.expect(r"(\d)\) (all interfaces|toutes les interfaces)")
            child.send(child.match.group(1))
    assert finish(child) == 0
    return seen


def test_the_grade_keys_show_the_next_interval_in_both_languages(db_path: Path, decks: Path) -> None:
    first = review_mini(db_path, decks, DAY1, "en", "4")
    assert "Card 1 of 3 · mini/concept · concept" in first  # the card id in the header
    assert "Next review: 0-2 · 1 d, 3 · 1 d, 4 · 1 d, 5 · 1 d" in first
    assert "right, after a hesitation · 1 d" in first
    second = review_mini(db_path, decks, DAY2, "fr", "5")
    assert f"Prochaine révision{NNBSP}: 0-2 · 1{NNBSP}j, 3 · 6{NNBSP}j, 4 · 6{NNBSP}j, 5 · 6{NNBSP}j" in second
    assert f"juste, avec beaucoup de difficulté · 6{NNBSP}j" in second


def test_under_fsrs_the_grade_keys_show_the_intervals_fsrs_then_gives(
    db_path: Path, decks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizdock.core.fsrs import Fsrs
    from quizdock.core.preview import next_intervals
    from quizdock.core.scheduler import CardProgress

    monkeypatch.setenv("QUIZDOCK_SCHEDULER", "fsrs")
    day1 = date(2026, 3, 2)
    new = next_intervals(CardProgress(), day1, fsrs=Fsrs())
    first = review_mini(db_path, decks, DAY1, "en", "4")
    assert "FSRS schedules: 0-2 Again · 3 Hard · 4 Good · 5 Easy" in first
    assert f"Next review: 0-2 · {new[0]} d, 3 · {new[3]} d, 4 · {new[4]} d, 5 · {new[5]} d" in first
    assert f"right, after a hesitation · {new[4]} d" in first
    with Store.open(db_path) as store:
        learned = store.card_progress("mini/concept")
    assert learned.due_on == day1 + timedelta(days=new[4])  # what the key said
    day = learned.due_on
    keys = next_intervals(learned, day, fsrs=Fsrs())
    assert keys != next_intervals(learned, day)  # not SM-2's
    second = review_mini(db_path, decks, f"{day.isoformat()}T09:00:00+01:00", "fr", "5")
    shown = ", ".join([f"0-2 · {keys[0]}{NNBSP}j", *(f"{g} · {keys[g]}{NNBSP}j" for g in (3, 4, 5))])
    assert f"Prochaine révision{NNBSP}: {shown}" in second, second
    assert f"parfait · {keys[5]}{NNBSP}j" in second
    with Store.open(db_path) as store:
        assert store.card_progress("mini/concept").due_on == day + timedelta(days=keys[5])


def test_u_right_after_s_or_b_takes_it_back(db_path: Path, decks: Path) -> None:
    child = spawn(db_path, decks, DAY1, "review", "--deck", "mini")
    child.expect("Card 1 of 3 · mini/concept")
    child.expect("Press Enter")
    child.send("\r")
    child.expect(r"5\) perfect recall")
    child.send("s")
    child.expect("Suspended mini/concept")
    child.expect("Card 1 of 2 · mini/command")
    child.expect("Your command")
    child.send(":u\r")
    child.expect("Undone: mini/concept is no longer suspended. Here it is again.")
    child.expect("Card 1 of 3 · mini/concept")
    child.expect("Press Enter")
    child.send("\r")
    child.expect(r"5\) perfect recall")
    child.send("4")
    child.expect("Card 2 of 3 · mini/command")
    child.expect("Your command")
    child.send(":b\r")
    child.expect("Buried mini/command until tomorrow")
    child.expect("Card 2 of 2 · mini/choice")
    child.expect(r"u\) undo the last answer")
    child.send("u")
    child.expect("Undone: mini/command is no longer buried. Here it is again.")
    child.expect("Card 2 of 3 · mini/command")
    child.expect("Your command")
    child.send("docker container prune\r")
    child.expect("Card 3 of 3 · mini/choice")
    child.expect(r"(\d)\) all interfaces")
    child.send(child.match.group(1))
    child.expect("Session over: 3 cards")
    assert finish(child) == 0
    with Store.open(db_path) as store:
        day = datetime(2026, 3, 2).date()
        assert store.browse_cards(day, state="buried") == store.browse_cards(day, state="suspended") == []
        assert [card.card_id for card in store.browse_cards(day, deck="mini", state="new")] == []


def test_the_card_browser(db_path: Path, decks: Path) -> None:
    at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with Store.open(db_path) as store:
        store.sync_decks([decks], at)
        store.record_answer("mini/concept", quality=2, answer="", duration_ms=1200, now=at, today=at.date())
        store.bury("mini/choice", at.date().replace(day=5))
    listed = invoke("cards", "--deck", "mini", columns=120)
    lines = listed.splitlines()
    assert lines[0].split() == ["id", "kind", "next", "review", "EF", "lapses", "question"]
    row = next(line for line in lines if line.startswith("mini/concept"))
    assert row.split()[:6] == ["mini/concept", "concept", "Mar", "3,", "2026", "2.18"]
    assert "What is a container?" in row
    assert "3 cards" in lines[-1]
    assert all(len(line) <= 80 for line in invoke("cards", columns=80).splitlines())
    assert "mini/concept" in invoke("cards", "--state", "learning") and "mini/command" not in invoke(
        "cards", "--state", "learning"
    )
    assert "mini/choice" in invoke("cards", "--state", "buried")
    assert "mini/command" in invoke("cards", "STOPPED", "--deck", "mini")  # the question, any case
    assert "No card matches." in invoke("cards", "nothing like this")
    french = invoke("cards", "conteneur", "--lang", "fr", "--deck", "mini")
    assert "Qu'est-ce qu'un conteneur" in french and "prochaine révision" in french
    shown = invoke("card", "mini/concept")
    assert "Answer: An instance of an image" in shown
    assert "Next review Mar 3, 2026 · interval 1 d · E-Factor 2.18 · 0 in a row · 0 lapses" in shown
    assert "History" in shown and "Mar 2, 2026 09:00" in shown
    assert f"Nouvelle{NNBSP}: jamais révisée." in invoke("card", "mini/command", "--lang", "fr")
    assert "Buried until Mar 5, 2026: `quizdock unbury mini/choice`" in invoke("card", "mini/choice")
    assert invoke("unbury", "mini/choice").strip() == "Unburied mini/choice: it is back in today's reviews."
    assert invoke("unbury").strip() == "No card is buried."
    bad = CliRunner().invoke(app, ["cards", "--state", "lost"])
    assert bad.exit_code == 2 and "use one of new, due, learning, suspended, buried, leech" in bad.output
    missing = CliRunner().invoke(app, ["card", "mini/nope"])
    assert missing.exit_code == 7 and "There is no card 'mini/nope'" in missing.output


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ("Usage: quizdock cards", "List the cards", "--state")),
        ("fr", (f"Utilisation{NNBSP}: quizdock cards", f"Lister les cartes{NNBSP}:", "TEXTE")),
    ],
)
def test_the_new_commands_have_their_help_in_both_languages(lang: str, expected: tuple[str, ...]) -> None:
    output = invoke("--lang", lang, "cards", "--help")
    assert all(text in output for text in expected), output
    assert ("Show one card whole" if lang == "en" else "Afficher une carte entière") in invoke(
        "--lang", lang, "card", "--help"
    )
    assert ("Bring a buried card back" if lang == "en" else "Ramener une carte enterrée") in invoke(
        "--lang", lang, "unbury", "--help"
    )


def test_challenge_list_shows_each_challenges_progress(db_path: Path, decks: Path) -> None:
    at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with Store.open(db_path) as store:
        store.sync_decks([decks], at)
        store.record_answer("practical/tmpfs", quality=4, answer="", duration_ms=1, now=at, today=at.date())
        store.record_answer("practical/stop", quality=1, answer="", duration_ms=1, now=at, today=at.date())
    for lang, never, solved, due in (
        ("en", "never tried", "solved Mar 2, 2026, 1 hint", "due · not solved Mar 2, 2026"),
        ("fr", "jamais tenté", "résolu le 2 mars 2026, 1 indice", "à revoir · non résolu le 2 mars 2026"),
    ):
        output = invoke("challenge", "list", "--lang", lang, now=DAY2, columns=80)
        assert all(len(line) <= 80 for line in output.splitlines())
        assert "…" not in output  # tasks wrap, never cut
        progress = " | ".join(table_column(output, 3))
        assert never in progress and solved in progress and due in progress, output


def table_column(output: str, index: int) -> list[str]:
    """Each row's text in one column of a rich table whose rows may take several lines."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) <= index:
            continue
        if cells[0]:
            rows.append([])
        if rows and cells[index]:
            rows[-1].append(cells[index])
    return [" ".join(parts) for parts in rows]


@pytest.mark.docker
def test_a_french_week_with_a_challenge_solved_outside_review(
    db_path: Path, decks: Path, docker_client: object, docker_config_dir: Path
) -> None:
    """Review on day 1 and day 2 in French, solve a challenge with `challenge check` on the host's
    Docker each day: its card's next review moves as SM-2 says."""
    from quizdock.decks.catalog import find_card
    from quizdock.lab import runner
    from quizdock.lab.state import load_state

    challenge = find_card("volume-rm", [find_card("practical/volume-rm")]).challenge
    assert challenge is not None

    def solve_and_check(now: str) -> str:
        state = runner.setup(docker_client, challenge, lab=None)  # type: ignore[arg-type]
        try:
            docker_client.volumes.get(state.values["trash"]).remove()  # type: ignore[attr-defined]
            child = spawn(db_path, decks, now, "challenge", "check", "volume-rm", "--lang", "fr", columns=60)
            assert finish(child) == 0, child.before
            return child.before
        finally:
            runner.cleanup(docker_client, challenge, load_state(challenge.id), lab=None)  # type: ignore[arg-type]

    def next_review(now: str) -> str:
        child = spawn(db_path, decks, now, "card", "practical/volume-rm", "--lang", "fr", columns=60)
        assert finish(child) == 0
        return " ".join(child.before.split())

    review_mini(db_path, decks, DAY1, "fr", "4", columns=60)
    assert "Nouvelle : jamais révisée." in next_review(DAY1)  # spaces read as one, the no-break one too
    counted = " ".join(solve_and_check(DAY1).split())
    assert "Compté comme une révision de practical/volume-rm (note 5)" in counted
    assert "prochaine révision le 3 mars 2026" in counted
    assert "Prochaine révision 3 mars 2026 · intervalle 1" in next_review(DAY1)
    again = " ".join(solve_and_check(DAY1).split())  # the same day: once only
    assert "Déjà révisée aujourd'hui" in again
    assert "Prochaine révision 3 mars 2026" in next_review(DAY1)
    keys = review_mini(db_path, decks, DAY2, "fr", "5", columns=60)
    assert f"5) parfait · 6{NNBSP}j" in keys
    solve_and_check(DAY2)
    assert "Prochaine révision 9 mars 2026 · intervalle 6" in next_review(DAY2)
    listed = spawn(db_path, decks, DAY8, "challenge", "list", "--lang", "fr", columns=80)
    assert finish(listed) == 0
    assert "sans indice" in listed.before


@pytest.mark.docker
def test_a_challenge_solved_in_challenge_run_counts_with_its_hints(
    db_path: Path, decks: Path, docker_client: object, docker_config_dir: Path
) -> None:
    child = spawn(db_path, decks, DAY1, "challenge", "run", "volume-rm", "--lang", "en")
    child.expect(r"Remove the volume (\S+)\.")
    volume = child.match.group(1)
    child.expect("Your command")
    child.send("hint\r")
    child.expect("A `docker volume` subcommand")
    child.expect("Your command")
    child.send(f"docker volume rm {volume}\r")
    child.expect("Solved")
    child.expect(r"Counted as a review of practical/volume-rm \(grade 4\): next review Mar 3, 2026\.")
    assert finish(child) == 0
    listed = invoke("challenge", "list", columns=160)
    row = next(line for line in listed.splitlines() if "volume-rm" in line)
    assert " ".join(row.replace("│", " ").split()).endswith("solved Mar 2, 2026, 1 hint"), listed
