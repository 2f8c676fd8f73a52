"""`quizdock deck check` reports a multiple-choice card whose right option gives itself away."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.decks.choice_check import CUES, MIN_CARDS, deck_cues, standout, upper_tail
from quizdock.decks.loading import load_decks
from quizdock.errors import ExitCode
from quizdock.i18n import gettext_in
from quizdock.support.paths import bundled_decks_dir
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
    assert "1 multiple-choice option list gives the answer away" in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output


def test_the_bundled_decks_pass_deck_check() -> None:
    result = CliRunner().invoke(app, ["deck", "check"])
    assert result.exit_code == 0, result.output
    assert "all valid" in result.output


# --- cues across a deck --------------------------------------------------------------------------


def test_the_exact_tail_of_independent_chances() -> None:
    assert upper_tail([0.25] * 4, 0) == pytest.approx(1.0)
    assert upper_tail([0.25] * 4, 4) == pytest.approx(0.25**4)
    assert upper_tail([0.5, 0.25], 1) == pytest.approx(1 - 0.5 * 0.75)
    # Binomial(10, 1/4): P(X >= 6) = 0.01973 (tables)
    assert upper_tail([0.25] * 10, 6) == pytest.approx(0.019727, abs=1e-6)


CARDS = 16
"""Cards in a deck built to carry a cue: enough to fail it, few enough to stay a small deck."""

LENGTH_OF = {
    "the shortest option": 12,
    "the second-shortest option": 18,
    "the second-longest option": 24,
    "the longest option": 30,
}


def _pad(text: str, width: int = 24) -> str:
    """Options of one length, so that only the cue under test tells them apart."""
    return text + " " + "q" * (width - len(text) - 1)


# For each form cue: an option with the cue and one without, of the same length.
FORM_PAIRS = {
    "an option with an option flag": ("run -x it", "run xx it"),
    "an option without an option flag": ("run xx it", "run -x it"),
    "an option with `code`": ("use `xx` now", "use 'xx' now"),
    "an option without `code`": ("use 'xx' now", "use `xx` now"),
    "an option with a colon (a reason given)": ("yes: maybe", "yes, maybe"),
    "an option without a colon": ("yes, maybe", "yes: maybe"),
    "an option without an absolute word (always, never, all...)": ("maybe done", "never done"),
    "an option with capitals": ("Maybe done", "maybe done"),
    "an option written in lowercase": ("maybe done", "Maybe done"),
}


def _cue_card(cue: str, index: int) -> tuple[str, list[str], int]:
    """A card whose right option carries ``cue``: (question, options, index of the right one).
    The right option moves from place to place, except for the cues of place."""
    right = index % 4
    question = "Which one is it?"
    if cue in FORM_PAIRS:
        having, lacking = (_pad(text) for text in FORM_PAIRS[cue])
        options = [lacking] * 4
        options[right] = options[(right + 1) % 4] = having  # two options of four have the cue
    elif cue == "the option sharing the most words with the question":
        question = "Which one speaks of kiwis?"
        options = [_pad(fruit) for fruit in ("plums here", "pears here", "limes here", "melon here")]
        options[right] = _pad("kiwis here")
    elif cue.endswith("option in the file"):
        right = ("first", "second", "third", "fourth").index(cue.split()[1])
        options = [_pad(f"option {letter}") for letter in "abcd"]
    else:
        others = iter(length for length in LENGTH_OF.values() if length != LENGTH_OF[cue])
        options = [_pad("w", LENGTH_OF[cue] if n == right else next(others)) for n in range(4)]
    return question, options, right


def _deck(cues: list[str]) -> str:
    """A deck of one card per cue given."""
    cards = []
    for index, cue in enumerate(cues):
        question, options, right = _cue_card(cue, index)
        listed = ", ".join(f'"{text}"' for text in options)
        cards.append(
            f'[[cards]]\nid = "cue/card-{index}"\nkind = "choice"\ntopics = ["basics"]\n'
            f'question.fr = "{question} (fr)"\nquestion.en = "{question}"\n'
            f"choices.fr = [{listed}]\nchoices.en = [{listed}]\ncorrect = {right}\n"
            'explanation.fr = "Parce que."\nexplanation.en = "Because."\n'
        )
    return '[deck]\nid = "cue"\ntitle.fr = "Indice"\ntitle.en = "Cue"\n\n' + "\n".join(cards)


def _write(tmp_path: Path, text: str) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "cue.toml").write_text(text, encoding="utf-8")
    return decks


@pytest.mark.parametrize("cue", [cue for cue, _marks in CUES])
def test_a_deck_built_to_have_a_cue_fails_and_names_it_in_both_languages(
    cue: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZDOCK_DECKS", str(_write(tmp_path, _deck([cue] * CARDS))))
    said = {
        "en": f"choices.en: the right option is {cue} in {CARDS} of {CARDS} cards",
        "fr": f"choices.en\u202f: la bonne option est {gettext_in('fr', cue)} dans {CARDS} cartes sur {CARDS}",
    }
    for lang in ("en", "fr"):
        result = CliRunner().invoke(app, ["--lang", lang, "deck", "check"])
        assert result.exit_code == ExitCode.DECK, result.output
        assert said[lang] in result.output, result.output
        assert "Traceback" not in result.output
        # The summary counts cues across the deck as such, not as option lists giving their answer away.
        summary = {"en": "across a deck point", "fr": "d'un paquet désigne"}[lang]
        assert summary in result.output and "option list" not in result.output, result.output
    assert gettext_in("fr", cue) != cue  # the cue has a French name


def test_a_deck_whose_right_options_take_every_length_rank_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: the same options, the right one the longest, second... shortest in turn."""
    ranks = list(LENGTH_OF)
    cues = [ranks[(index + index // 4) % 4] for index in range(CARDS)]  # every rank in every place
    monkeypatch.setenv("QUIZDOCK_DECKS", str(_write(tmp_path, _deck(cues))))
    result = CliRunner().invoke(app, ["deck", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("cards", "fails"), [(MIN_CARDS - 1, False), (MIN_CARDS + 2, True)])
def test_a_cue_is_tested_on_enough_cards_only(cards: int, fails: bool, tmp_path: Path) -> None:
    """Seven cards cannot show a habit: seven right options all the longest pass; ten do not."""
    deck = load_decks([_write(tmp_path, _deck(["the longest option"] * cards))])[0]
    found = {(cue.lang, cue.cue) for cue in deck_cues(deck.cards)}
    assert (("en", "the longest option") in found) is fails


def test_the_bundled_decks_carry_no_cue() -> None:
    decks = load_decks([bundled_decks_dir()])
    assert deck_cues([card for deck in decks for card in deck.cards]) == []
    for deck in decks:
        assert deck_cues(deck.cards, str(deck.path)) == [], deck.id
