"""`quizdock deck check` reports a multiple-choice card whose right option gives itself away."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.choice_check import standout
from quizdock.cli import app
from quizdock.errors import ExitCode
from tests.conftest import REPO

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()


@pytest.mark.parametrize(
    ("options", "right", "why"),
    [
        (
            ["It is removed", "It keeps running", "It stays, stopped, with its writable layer, until docker rm"],
            2,
            "the longest by far",
        ),
        (["docker container start web", "docker run -d nginx", "docker create nginx"], 1, "flag"),
        (["Docker Store", "Kitematic", "registry"], 2, "lowercase"),
        (["a daemon", "a registry", "docker image ls"], 2, "Docker command"),
        (["It is removed.", "It keeps running", "It stops"], 0, "sentence"),
    ],
)
def test_a_right_option_that_stands_out_is_named(options: list[str], right: int, why: str) -> None:
    found = standout(options, right)
    assert found is not None and why in found
    # The same options with another right answer: nothing gives it away.
    assert standout(options, (right + 1) % len(options)) is None


@pytest.mark.parametrize(
    ("options", "right"),
    [
        (["127.0.0.1 only", "all interfaces", "none"], 1),  # the mini deck's card
        (["docker run -d nginx", "docker run -it nginx", "docker run --rm nginx"], 0),  # same form
        (["It is removed", "it keeps running"], 1),  # two options: only length counts, not the form
        (["short", "a little longer", "longest of the three"], 2),  # longest, but not by far
    ],
)
def test_options_alike_pass(options: list[str], right: int) -> None:
    assert standout(options, right) is None


def write(tmp_path: Path, text: str) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir(parents=True)
    (decks / "mini.toml").write_text(text, encoding="utf-8")
    return decks


def test_deck_check_reports_a_giveaway_and_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(write(tmp_path, MINI)))
    result = CliRunner().invoke(app, ["deck", "check"])
    assert result.exit_code == 0, result.output
    assert "all valid" in result.output
    giveaway = MINI.replace('"all interfaces"', '"every interface of the host, IPv4 (0.0.0.0) and IPv6 (::) alike"')
    monkeypatch.setenv("QUIZDOCK_DECKS", str(write(tmp_path / "other", giveaway)))
    result = CliRunner().invoke(app, ["deck", "check"])
    assert result.exit_code == ExitCode.DECK, result.output
    assert "card 'mini/choice', choices.en: the right option is the longest by far" in result.output
    assert "choices.fr" not in result.output  # the French options are still alike
    assert "give the answer away" in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output


def test_the_bundled_decks_pass_deck_check() -> None:
    result = CliRunner().invoke(app, ["deck", "check"])
    assert result.exit_code == 0, result.output
    assert "all valid" in result.output
