"""Decks name their topic tags in both languages; `challenge list` shows them in the learner's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.decks.loading import load_decks, topic_name
from quizdock.errors import ExitCode
from quizdock.i18n import quoted
from quizdock.support.paths import bundled_decks_dir
from tests.conftest import REPO, card_toml, deck_toml

CHALLENGE = textwrap.dedent(
    """
    [cards.challenge]
    params = { web = "name" }
    setup = []
    hints.fr = ["h"]
    hints.en = ["h"]
    solution = ["docker volume create {web}"]

    [[cards.challenge.checks]]
    condition = "volume_present"
    volume = "{web}"
    """
)


def practical_deck(topics: str = "", *, topic: str = "storage") -> str:
    """A deck with one challenge on ``topic``; ``topics`` is put in [deck] as written."""
    text = deck_toml("lab", card_toml("lab/make-volume", "practical", [topic, f"{topic}::create"], fields=CHALLENGE))
    return text.replace('title.en = "lab"\n', f'title.en = "lab"\n{topics}')


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str], *, lang: str, decks: Path | None = None) -> subprocess.CompletedProcess[str]:
    """quizdock in a subprocess, its language chosen by LANG only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(PYTHONPATH=str(REPO), LANG=lang, COLUMNS="120")
    if decks is not None:
        env["QUIZDOCK_DECKS"] = str(decks)
    return subprocess.run(
        [sys.executable, "-m", "quizdock", *args], capture_output=True, text=True, env=env, timeout=60
    )


def topic_column(output: str) -> dict[str, str]:
    """The challenge list's rows: id -> topic."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if len(cells) == 4:  # id, topic, task, progress
            rows[cells[0].removesuffix(" (set up)").removesuffix(" (préparé)")] = cells[1]
    return rows


@pytest.mark.parametrize(
    ("lang", "registry", "containers"),
    [("fr_FR.UTF-8", "registre", "conteneurs"), ("en_US.UTF-8", "registry", "containers")],
)
def test_challenge_list_names_the_bundled_topics_in_the_learners_language(
    isolated_home: Path, lang: str, registry: str, containers: str
) -> None:
    done = run(["challenge", "list"], lang=lang)
    assert done.returncode == 0, done.stderr
    rows = topic_column(done.stdout)
    assert rows["login"] == registry and rows["run-once"] == containers, done.stdout
    ids = {
        card.topics[0] for deck in load_decks([bundled_decks_dir()]) for card in deck.cards if card.kind == "practical"
    }
    assert len(set(rows.values())) == len(ids)  # every topic of a challenge has its name


def test_every_top_level_topic_of_the_bundled_cards_is_named() -> None:
    """A card's first topic by its own deck; any other top-level tag by some deck."""
    decks = load_decks([bundled_decks_dir()])
    for deck in decks:
        for card in deck.cards:
            assert card.topics[0] in deck.topic_names, card.id
            for top in {topic.split("::")[0] for topic in card.topics}:
                assert topic_name(top, decks, own=deck.id) is not None, (card.id, top)


def test_a_topic_no_deck_names_is_shown_by_its_tag_and_another_decks_name_is_used(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    write(decks, "lab", practical_deck())
    unnamed = CliRunner().invoke(app, ["challenge", "list", "--lang", "fr"], env={"QUIZDOCK_DECKS": str(decks)})
    assert unnamed.exit_code == 0, unnamed.output
    assert topic_column(unnamed.output) == {"make-volume": "storage"}

    other = deck_toml(
        "more", card_toml("more/what", "concept", ["storage"], fields='answer.fr = "a"\nanswer.en = "a"\n')
    )
    other = other.replace(
        'title.en = "more"\n', 'title.en = "more"\ntopics.storage = { fr = "stockage", en = "storage" }\n'
    )
    write(decks, "more", other)
    for lang, name in (("fr", "stockage"), ("en", "storage")):
        named = CliRunner().invoke(app, ["challenge", "list", "--lang", lang], env={"QUIZDOCK_DECKS": str(decks)})
        assert named.exit_code == 0, named.output
        assert topic_column(named.output) == {"make-volume": name}

    own = practical_deck('topics.storage = { fr = "données", en = "data" }\n')
    write(decks, "lab", own)  # the card's own deck comes first
    mine = CliRunner().invoke(app, ["challenge", "list", "--lang", "en"], env={"QUIZDOCK_DECKS": str(decks)})
    assert topic_column(mine.output) == {"make-volume": "data"}, mine.output


@pytest.mark.parametrize(
    ("topics", "field", "line", "english", "french"),
    [
        (
            'topics.storage = { fr = "stockage", en = "storage" }\n'
            'topics.network = { fr = "réseau", en = "network" }\n',
            "deck.topics.network",
            6,
            "no card of this deck has the topic 'network'; remove its name or tag a card with it",
            "aucune carte de ce paquet n'a le thème «\u202fnetwork\u202f»\u202f; retirez son nom ou donnez ce thème "
            "à une carte",
        ),
        ('topics.storage = { fr = "stockage" }\n', "deck.topics.storage.en", 5, "this field is required", "ce champ"),
        (
            '[deck.topics]\nstorage = { en = "storage" }\n',
            "deck.topics.storage.fr",
            6,
            "this field is required",
            "ce champ",
        ),
        (
            'topics."storage::old" = { fr = "a", en = "b" }\n',
            "deck.topics.storage::old",
            5,
            "no card of this deck",
            "aucune carte",
        ),
        (
            'topics.Storage = { fr = "a", en = "b" }\n',
            "deck.topics.Storage",
            5,
            "a tag like 'volumes'",
            "volumes::tmpfs",
        ),
    ],
)
def test_a_wrong_topic_name_is_told_with_file_and_line_in_both_languages(
    tmp_path: Path, topics: str, field: str, line: int, english: str, french: str
) -> None:
    decks = tmp_path / "decks"
    path = write(decks, "lab", practical_deck(topics))
    for lang, expected, where in (("en_US.UTF-8", english, "line"), ("fr_FR.UTF-8", french, "ligne")):
        done = run(["deck", "check"], lang=lang, decks=decks)
        assert done.returncode == ExitCode.DECK, done.stdout + done.stderr
        text = re.sub(r"[ \n]+", " ", done.stderr)  # rich's wrapping undone; no-break spaces kept
        quoted_field = quoted(field, "fr" if where == "ligne" else "en")
        assert str(path) in text and f"{where} {line}," in text and quoted_field in text, text
        assert expected in text and "Traceback" not in text, text
