"""A deck's texts are shown as written: an emoji code such as `:warning:` stays those characters.

Rich replaces `:name:` by an emoji in any text it prints as markup; quizdock's consoles turn
that off (quizdock.cli.console.plain_console), wherever a deck's text reaches the screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from tests.conftest import card_toml, deck_toml
from tests.review_terminal import environment

CODES = (":warning:", ":smile:", ":cross_mark:")
EMOJIS = ("\u26a0", "\U0001f604", "\u274c")  # what rich would draw for them


def emoji_deck(folder: Path) -> Path:
    """A deck whose every text holds emoji codes: its title, a question, answer, explanation and
    choices of each kind."""
    folder.mkdir()
    texts = {"question": ("Q :warning: fr", "Q :warning: en"), "explanation": ("E :smile: fr", "E :smile: en")}
    (folder / "emo.toml").write_text(
        deck_toml(
            "emo",
            card_toml(
                "emo/concept",
                "concept",
                ["emo"],
                **texts,
                fields='answer.fr = "A :cross_mark: fr"\nanswer.en = "A :cross_mark: en"\n',
            ),
            card_toml(
                "emo/choice",
                "choice",
                ["emo"],
                **texts,
                fields='choices.fr = ["un :warning:", "deux"]\nchoices.en = ["one :warning:", "two"]\ncorrect = 0\n',
            ),
            card_toml("emo/command", "command", ["emo"], **texts, fields='answer = "docker ps"\n'),
            title=("Attention :warning:", "Careful :warning:"),
        ),
        encoding="utf-8",
    )
    return folder


def test_emoji_codes_in_a_deck_are_shown_as_written_in_a_review(tmp_path: Path) -> None:
    db = tmp_path / "quizdock.sqlite3"
    env = environment(db, emoji_deck(tmp_path / "decks"))
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "review"], env=env, encoding="utf-8", timeout=60, dimensions=(40, 160)
    )
    child.delaybeforesend = None
    seen = []
    child.expect("Press Enter to show the answer")
    seen.append(child.before)
    child.send("\r")
    child.expect("How well did you recall it")
    seen.append(child.before)
    child.send("5")
    child.expect(r"(\d)\) one")  # the choice card's options, in a new order at every showing
    seen.append(child.before + child.after)
    child.send(child.match.group(1))  # right: no repeat owed, and the correction shows it again
    child.expect("Your command")
    seen.append(child.before)
    child.send("docker ps\r")
    child.expect("Session over")
    seen.append(child.before)
    child.expect(pexpect.EOF)
    child.close()
    screen = "".join(seen)
    for text in ("Q :warning: en", "A :cross_mark: en", "E :smile: en", "one :warning:"):
        assert text in screen, text
    assert screen.count("one :warning:") >= 2  # the option, and the correction's expected answer
    assert not any(emoji in screen for emoji in EMOJIS)
    assert child.exitstatus == 0


def test_emoji_codes_are_shown_as_written_in_tables_and_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(emoji_deck(tmp_path / "decks")))
    for lang in ("en", "fr"):
        result = CliRunner().invoke(app, ["decks", "--lang", lang])
        assert result.exit_code == 0, result.output
        assert ("Careful :warning:" if lang == "en" else "Attention :warning:") in result.output
        assert not any(emoji in result.output for emoji in EMOJIS)
    result = CliRunner().invoke(app, ["suspend", "emo/:smile:"])  # quoted back in an error message
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    assert "emo/:smile:" in result.output and not any(emoji in result.output for emoji in EMOJIS)
