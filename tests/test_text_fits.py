"""Every text a review prints fits the terminal, from 60 columns up: options, questions and
explanations wrap at spaces, never cut, never broken inside a word; inline code is shown as
code, without its backticks. Read from the screen a learner sees (a terminal emulator)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pyte
import pytest

from tests.conftest import REPO, card_toml, deck_toml

LONG_OPTION = (
    "`docker run -p 8080:80 web` publishes the container's port 80 on port 8080 of every interface "
    "of the host, IPv4 and IPv6 alike, so that a browser elsewhere reaches it"
)
LONG_OPTION_FR = (
    "`docker run -p 8080:80 web` publie le port 80 du conteneur sur le port 8080 de toutes les "
    "interfaces de l'hôte, IPv4 comme IPv6, pour qu'un navigateur ailleurs l'atteigne"
)
QUESTION = ("Que fait `docker run -p 8080:80 web` pour le réseau\u202f?", "What does `docker run -p 8080:80 web` do?")
EXPLANATION = (
    "`-p HÔTE:CONTENEUR` publie le port du conteneur sur le port de l'hôte, sur toutes les interfaces.",
    "`-p HOST:CONTAINER` publishes the container's port on the host's port, on every interface.",
)


def write_deck(folder: Path) -> None:
    french = json.dumps([LONG_OPTION_FR, "rien", "il construit l'image web"], ensure_ascii=False)
    english = json.dumps([LONG_OPTION, "nothing", "it builds the web image"])
    fields = f"choices.fr = {french}\nchoices.en = {english}\ncorrect = 0\n"  # JSON strings are TOML strings
    card = card_toml("wide/publish", "choice", ["ports"], question=QUESTION, explanation=EXPLANATION, fields=fields)
    (folder / "wide.toml").write_text(deck_toml("wide", card), encoding="utf-8")


def words(text: str) -> list[str]:
    return text.replace("`", "").split()


@pytest.mark.parametrize(("columns", "lang"), [(60, "fr"), (60, "en"), (80, "fr"), (120, "en")])
def test_a_choice_card_fits_the_terminal(tmp_path: Path, columns: int, lang: str) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    write_deck(decks)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(tmp_path / "q.sqlite3"),
        "QUIZDOCK_DECKS": str(decks),
        "QUIZDOCK_NOW": "2026-03-02T09:00:00+01:00",
        "TERM": "xterm",
        "LANG": "C.UTF-8",
    }
    screen = pyte.Screen(columns, 60)
    stream = pyte.Stream(screen)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", "review", "--lang", lang],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(60, columns),
    )

    def seen() -> str:
        return "\n".join(line.rstrip() for line in screen.display)

    def read_until(pattern: str) -> None:
        child.expect(pattern)
        stream.feed(child.before + child.after)

    option = LONG_OPTION_FR if lang == "fr" else LONG_OPTION
    read_until("1-3")  # the list is drawn
    child.expect(pexpect.TIMEOUT, timeout=0.5)  # whatever the list draws after its instruction
    stream.feed(child.before or "")
    shown = seen()
    assert "`" not in shown, shown
    screen_words = shown.split()
    question = QUESTION[0] if lang == "fr" else QUESTION[1]
    for text in (question, option):
        for word in words(text):
            assert word in screen_words, (word, shown)  # whole, never cut nor broken
    key = re.search(r"(\d)\) `?docker", shown)
    assert key is not None, shown
    child.send(key.group(1))
    child.expect(pexpect.EOF)  # the correction, then the session's end
    stream.feed(child.before)
    shown = seen()
    for word in words(EXPLANATION[0] if lang == "fr" else EXPLANATION[1]):
        assert word in shown.split(), (word, shown)
    assert "`" not in shown
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("columns", [60, 80, 120])
def test_quizdock_alone_fits_the_terminal(lang: str, columns: int) -> None:
    """`quizdock` alone, in a real terminal of that width: every line fits, no word is cut."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "LANG": "C.UTF-8"}
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "--lang", lang], env=env, encoding="utf-8", dimensions=(30, columns)
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = child.before.replace("\r", "").splitlines()
    assert lines and all(len(line) < columns for line in lines), lines
    said = " ".join(" ".join(lines).split())
    for command in ("quizdock review", "quizdock decks", "quizdock challenge list", "quizdock --help"):
        assert command in said, said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_error_wraps_at_spaces_in_a_terminal_of_60_columns(tmp_path: Path, lang: str) -> None:
    """The screen's words are the message's words: lines end at spaces, never inside a word."""
    from typer.testing import CliRunner

    from quizdock.cli.typer_app import app

    folder = tmp_path / "gone"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "QUIZDOCK_DECKS": str(folder)}
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "decks", "--lang", lang], env=env, encoding="utf-8", dimensions=(30, 60)
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    screen = pyte.Screen(60, 30)
    pyte.Stream(screen).feed(child.before)
    lines = [line.rstrip() for line in screen.display if line.strip()]
    whole = CliRunner().invoke(app, ["decks", "--lang", lang], env={"QUIZDOCK_DECKS": str(folder)}).output
    message_words = set(whole.split())
    # The path has no space: it alone may be folded across lines.
    shown = [word for line in lines for word in line.split() if not (str(folder).startswith(word) or "/" in word)]
    assert len(shown) > 10 and [word for word in shown if word not in message_words] == [], (lines, whole)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_challenge_list_fits_60_columns_and_cuts_no_task(lang: str) -> None:
    from typer.testing import CliRunner

    from quizdock.cli.typer_app import app

    result = CliRunner().invoke(app, ["challenge", "list", "--lang", lang], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 60 for line in lines) and "…" not in result.output, result.output


LONG_ID = "wide/layers-an-image-shares-with-its-containers"  # leaves too little room at 60 columns
LONG_QUESTION = (
    "Quelles couches une image partage-t-elle avec chacun des conteneurs lancés à partir d'elle, et lesquelles\u202f?",
    "Which layers does an image share with every container started from it, and which does each container add?",
)


def browser_collection(tmp_path: Path) -> dict[str, str]:
    """The mini deck and a card with a long id and a long question, each card in another state:
    lapsed once (E-Factor, lapses), answered, suspended, new. The child's environment."""
    from datetime import UTC, date, datetime

    from quizdock.storage.store import Store

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mini.toml").symlink_to(REPO / "tests" / "data" / "decks" / "mini.toml")
    answer = 'answer.fr = "r"\nanswer.en = "a"\n'
    long_card = card_toml(LONG_ID, "concept", ["images"], question=LONG_QUESTION, fields=answer)
    (decks / "wide.toml").write_text(deck_toml("wide", long_card), encoding="utf-8")
    db = tmp_path / "q.sqlite3"
    with Store.open(db) as store:
        store.sync_decks([decks], datetime(2026, 3, 2, 8, tzinfo=UTC))
        for card_id, day, grade in (("mini/concept", 2, 4), ("mini/concept", 3, 5), ("mini/concept", 9, 1)):
            moment = datetime(2026, 3, day, 8, tzinfo=UTC)
            store.record_answer(card_id, quality=grade, answer="", duration_ms=1, now=moment, today=moment.date())
        moment = datetime(2026, 3, 9, 8, tzinfo=UTC)
        store.record_answer(LONG_ID, quality=3, answer="", duration_ms=1, now=moment, today=moment.date())
        store.suspend("mini/choice", moment)
        assert store.browse_cards(date(2026, 3, 9), deck="mini")[0].lapses == 1
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db),
        "QUIZDOCK_DECKS": str(decks),
        "QUIZDOCK_NOW": "2026-03-09T09:00:00+01:00",
        "TERM": "xterm",
        "LANG": "C.UTF-8",
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_card_browser_shows_every_column_whole_at_any_width(tmp_path: Path, columns: int, lang: str) -> None:
    """`quizdock cards` on a terminal's screen: each card's id, kind, next review, E-Factor and
    lapses whole, on its lines; its question on one line, whole or ellipsised; every header whole."""
    from datetime import date

    from quizdock.i18n import calendar_day, gettext_in, number
    from quizdock.storage.store import Store

    env = browser_collection(tmp_path)
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "cards", "--lang", lang], env=env, encoding="utf-8", dimensions=(50, columns)
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    screen = pyte.Screen(columns, 50)
    pyte.Stream(screen).feed(child.before)
    lines = [line.rstrip() for line in screen.display if line.strip()]
    shown = "\n".join(lines)
    # One screen line per line printed: none was too wide and wrapped by the terminal.
    printed = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", child.before).split("\r\n") if line.strip()]
    assert len(printed) == len(lines), shown
    fr = lang == "fr"
    headers = ("id", "type" if fr else "kind", "prochaine révision" if fr else "next review", "FE" if fr else "EF")
    headers += ("oublis" if fr else "lapses", "question")
    for header in headers:  # whole, between spaces
        assert any(re.search(rf"(^|\s){re.escape(header)}(\s|$)", line) for line in lines[:2]), (header, shown)
    with Store.open(Path(env["QUIZDOCK_DB"])) as store:
        listed = store.browse_cards(date(2026, 3, 9))
    assert [card.card_id for card in listed] == ["mini/concept", "mini/command", "mini/choice", LONG_ID]
    starts = [next(i for i, line in enumerate(lines) if card.card_id in line.split()) for card in listed]
    for card, start, end in zip(listed, starts, [*starts[1:], len(lines) - 1], strict=True):
        row = lines[start:end]  # the card's lines, up to the next card's (or the count)
        words = " ".join(row)
        if card.suspended:
            due = gettext_in(lang, "suspended")
        else:
            due = calendar_day(card.due_on, lang) if card.due_on else gettext_in(lang, "new")
        ef = number(float(card.easiness), 2, lang) if card.easiness is not None else "-"
        kind = {"concept": "concept", "command": "commande" if fr else "command"}.get(card.kind, "QCM")
        if card.kind == "choice" and not fr:
            kind = "multiple choice"
        for cell in (due, ef, kind):
            assert cell in words, (cell, row)
        assert str(card.lapses) in words.split(), (card.lapses, row)
        question = card.question.get(lang)
        line = next(line for line in row if question.split()[0] in line)
        text = line[line.index(question.split()[0]) :]
        assert text == question or (text.endswith("…") and question.startswith(text[:-1])), (text, question)
        assert len(text) >= 20, row  # a question one can recognise
