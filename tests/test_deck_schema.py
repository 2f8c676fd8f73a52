"""The deck schema: its errors name file, card, field and line in the learner's language; the
JSON schema in docs/ is the schema's own, and the format docs name every field of it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated

import msgspec
import pytest

from quizdock.decks import schema as deck_schema
from quizdock.decks.cards import ChoiceCard, CommandCard, ConceptCard, PracticalCard
from quizdock.decks.loading import parse_deck_file
from quizdock.errors import DeckError, ExitCode
from quizdock.support.paths import bundled_decks_dir
from tests.conftest import REPO, card_toml, deck_toml

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()

PRACTICAL = deck_toml(
    "mini",
    card_toml(
        "mini/port",
        "practical",
        ["ports"],
        fields=textwrap.dedent(
            """
            [cards.challenge]
            params = { web = "name", port = "port" }
            setup = []
            hints.fr = ["h"]
            hints.en = ["h"]
            solution = ["docker run -d --name {web} -p {port}:80 busybox httpd -f -p 80"]

            [[cards.challenge.checks]]
            condition = "published_port"
            container = "{web}"
            host_port = "{port}"
            container_port = 80
            """
        ),
    ),
    title=("Mini", "Mini"),
)


def broken(tmp_path: Path, text: str) -> DeckError:
    path = tmp_path / "mini.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        parse_deck_file(path)
    assert str(path) in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("correct = 1", "correct = 7", "expected a whole number of at most 5"),
        ("correct = 1", "correct = 2\n", None),  # in range: valid
        ("correct = 1", 'correct = "one"', "expected a whole number, got a text"),
        ("correct = 1", "correct = true", "expected a whole number, got true or false"),
        ("correct = 1", "correct = 1.5", "expected a whole number, got a decimal number"),
        ("correct = 1", "correct = 2026-03-02", "expected a whole number, got a date"),
    ],
)
def test_an_invalid_value_is_reported_with_its_line(tmp_path: Path, old: str, new: str, problem: str | None) -> None:
    if problem is None:
        path = tmp_path / "mini.toml"
        path.write_text(MINI.replace(old, new), encoding="utf-8")
        card = parse_deck_file(path).cards[2]
        assert isinstance(card, ChoiceCard) and card.correct == 2
        return
    error = broken(tmp_path, MINI.replace(old, new))
    assert (error.card_id, error.field, error.line) == ("mini/choice", "correct", 35)
    assert error.detail == problem
    assert ", line 35," in error.problem


def test_a_right_choice_beyond_the_choices_is_reported_with_its_line(tmp_path: Path) -> None:
    error = broken(tmp_path, MINI.replace("correct = 1", "correct = 3"))
    assert (error.field, error.line) == ("correct", 35)
    assert error.detail == "correct must be the index of a choice, 0 to 2"


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "problem"),
    [
        ("container_port = 80", "container_port = 70000", "challenge.checks[0].container_port", 26, "at most 65535"),
        ("container_port = 80", 'container_port = "eighty"', "challenge.checks[0].container_port", 26, "'{port}'"),
        ('host_port = "{port}"', "host_port = [80]", "challenge.checks[0].host_port", 25, "got a list"),
        ('condition = "published_port"', 'condition = "port_open"', "challenge.checks[0].condition", 23, "mount"),
        ('container = "{web}"', 'container = "{web}"\ncolour = "blue"', "challenge.checks[0].colour", 25, "host_ip"),
        ('port = "port" }', 'port = "socket" }', "challenge.params.port", 16, "unknown value 'socket'"),
        ('{ web = "name"', '{ Web = "name"', "challenge.params.Web", 16, "parameter name"),
        ("setup = []", "setup = [{ action = 'shell' }]", "challenge.setup[0].action", 17, "container"),
        ("setup = []", "setup = [{ action = 'volume' }]", "challenge.setup[0].name", 17, "this field is required"),
        ('hints.en = ["h"]', 'hints.en = ["h", "i"]', "challenge.hints", 18, "as many hints"),
        ('hints.en = ["h"]', "hints.en = []", "challenge.hints.en", 19, "at least 1 item"),
    ],
)
def test_a_challenge_error_names_card_field_and_line(
    tmp_path: Path, old: str, new: str, field: str, line: int, problem: str
) -> None:
    assert old in PRACTICAL
    error = broken(tmp_path, PRACTICAL.replace(old, new))
    assert (error.card_id, error.field, error.line) == ("mini/port", field, line)
    assert problem in error.detail


def test_the_valid_challenge_above_loads() -> None:
    card = msgspec.convert(__import__("tomllib").loads(PRACTICAL), deck_schema.DeckFile).cards[0]
    assert isinstance(card, deck_schema.PracticalEntry)
    check = card.challenge.checks[0]
    assert type(check).__struct_config__.tag == "published_port"


def test_an_unknown_key_lists_the_keys_a_card_of_its_kind_has(tmp_path: Path) -> None:
    answer = 'answer = "docker container prune"'
    error = broken(tmp_path, MINI.replace(answer, answer + "\nx = 1"))
    assert (error.card_id, error.field, error.line) == ("mini/command", "x", 24)
    assert "alternatives" in error.detail and "same_form" in error.detail and "choices" not in error.detail


def test_a_card_without_an_id_is_named_by_its_place(tmp_path: Path) -> None:
    error = broken(tmp_path, MINI.replace('id = "mini/command"\n', ""))
    assert (error.card_id, error.field, error.line) == ("#2", "id", 17)
    assert error.detail == "this field is required"


def test_a_missing_table_of_the_card_is_reported_before_what_is_inside_another() -> None:
    """tomllib keeps the file's order; the schema reads the tables top-down and names the outer gap."""
    raw = {"checks": [{"condition": "container_exists"}], "hints": {"fr": ["h"], "en": ["h"]}, "solution": ["x"]}
    with pytest.raises(DeckError) as caught:
        deck_schema.convert(raw, deck_schema.ChallengeEntry, path="p", prefix="challenge", card_id="d/c")
    assert caught.value.field == "challenge.setup"


def test_each_kind_of_card_gets_its_own_type() -> None:
    cards = [card for path in sorted(bundled_decks_dir().glob("*.toml")) for card in parse_deck_file(path).cards]
    kinds = {type(card): card.kind for card in cards}
    assert kinds == {ConceptCard: "concept", CommandCard: "command", ChoiceCard: "choice", PracticalCard: "practical"}
    for card in cards:
        if isinstance(card, ChoiceCard):
            assert 0 <= card.correct < len(card.choices)
        if isinstance(card, CommandCard):
            assert card.answer.startswith("docker ")


def run_french(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    return subprocess.run(
        [sys.executable, "-m", "quizdock", *args],
        capture_output=True,
        text=True,
        env={**environment, "PYTHONPATH": str(REPO), "LANG": "fr_FR.UTF-8", **env},
        timeout=60,
    )


def test_a_broken_deck_is_told_in_french_with_its_fix_apart(tmp_path: Path, isolated_home: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mini.toml").write_text(MINI.replace("correct = 1", 'correct = "un"'), encoding="utf-8")
    done = run_french(["deck", "check"], QUIZDOCK_DECKS=str(decks))
    assert done.returncode == ExitCode.DECK, done.stderr
    text = " ".join(done.stderr.split())
    assert "ligne 35" in text and "carte « mini/choice »" in text and "champ « correct »" in text, text
    assert "attendu un nombre entier, trouvé un texte" in text, text
    assert "Corrigez le fichier" in text and "expected" not in text and "Traceback" not in text


def test_no_deck_files_is_told_in_french(tmp_path: Path, isolated_home: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run_french(["deck", "check"], QUIZDOCK_DECKS=str(empty))
    assert done.returncode == ExitCode.DECK, done.stderr
    text = " ".join(done.stderr.split())
    assert f"Aucun fichier de paquet (*.toml) dans {empty}." in text, text
    assert "QUIZDOCK_DECKS" in text and "No deck files" not in text


def test_the_json_schema_in_docs_is_the_schemas_own() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "deck_schema.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_format_docs_tables_are_written_from_the_schema() -> None:
    """The field tables of the format docs are what tools/deck_schema.py writes, prose kept around them."""
    from tools import deck_schema as tool

    for doc in tool.DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "(deck-schema.json)" in text
        assert tool.render_doc(text) == text, f"{doc.name} drifted from the schema: run python tools/deck_schema.py"
    deck_doc, challenge_doc = (doc.read_text(encoding="utf-8") for doc in tool.DOCS)
    assert "| `correct` | choice | whole number, 0 to 5 | yes |  | the index (from 0) of the right choice;" in deck_doc
    assert "| `topics` | table (keys: a tag like 'volumes' or 'volumes::tmpfs'; values: fr/en text) | no | `{}` |" in (
        deck_doc
    )
    assert "| `guard` | true or false | no | `false` | the check already holds after setup" in challenge_doc
    assert 'optional `protocol` (`"tcp"`, `"udp"`, `"sctp"`; default `"tcp"`)' in challenge_doc
    assert "Placeholders stand for any value of their kind" in deck_doc  # the hand-written prose stays


def test_a_field_table_follows_a_change_of_the_schema() -> None:
    """Type, required, default and description all come from the struct."""
    from tools import deck_schema as tool

    class Sample(msgspec.Struct, kw_only=True):
        name: Annotated[str, msgspec.Meta(pattern=deck_schema._DECK_ID, description="what it is called")]
        count: Annotated[int, msgspec.Meta(ge=1, description="how many ``times``")] = 2

    assert tool.fields_table(Sample).splitlines()[2:] == [
        "| `name` | text: an id of lowercase letters, digits and dashes | yes |  | what it is called |",
        "| `count` | whole number, at least 1 | no | `2` | how many `times` |",
    ]


def test_every_key_of_the_tables_has_a_description_in_the_schema_and_its_json() -> None:
    from tools import deck_schema as tool

    tables = [
        deck_schema.DeckHeader,
        deck_schema._CardEntry,
        *deck_schema._CardEntry.__subclasses__(),
        deck_schema.ChallengeEntry,
        deck_schema._Check,
        deck_schema.StepEntry,
    ]
    undescribed = [
        (kind.__name__, field.encode_name)
        for kind in tables
        for field in msgspec.structs.fields(kind)
        if not tool.description(field.type)
    ]
    assert undescribed == []
    for kind in (*deck_schema._Action.__subclasses__(), *deck_schema.CHECK_TYPES):
        assert kind.__doc__ and not kind.__doc__.startswith("The "), kind.__name__
    definitions = tool.schema()["$defs"]
    assert definitions["ChoiceEntry"]["properties"]["correct"]["description"].startswith("the index (from 0)")
    assert definitions["DetachedCheck"]["description"] == deck_schema.CONDITION_TEXTS["detached"]


def test_a_stored_card_is_rebuilt_as_the_schema_builds_it() -> None:
    from quizdock.decks.loading import parse_card, stored_card

    for path in sorted(bundled_decks_dir().glob("*.toml")):
        deck = parse_deck_file(path)
        for card in deck.cards:
            assert card.raw is not None
            rebuilt = stored_card(dict(card.raw), deck_id=deck.id, path="(stored)")
            assert rebuilt == card == parse_card(dict(card.raw), deck_id=deck.id, path="(stored)"), card.id


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw.pop("question"),
        lambda raw: raw.update(correct=9),
        lambda raw: raw.update(choices={"fr": ["a"], "en": "b"}),
        lambda raw: raw.update(kind="quiz"),
    ],
)
def test_a_stored_card_that_does_not_fit_is_named_by_the_schema(change) -> None:  # type: ignore[no-untyped-def]
    from quizdock.decks.loading import stored_card

    raw = {
        "id": "mini/choice",
        "kind": "choice",
        "topics": ["ports"],
        "question": {"fr": "q", "en": "q"},
        "explanation": {"fr": "e", "en": "e"},
        "choices": {"fr": ["a", "b"], "en": ["a", "b"]},
        "correct": 1,
    }
    assert isinstance(stored_card(dict(raw), deck_id="mini", path="(stored deck mini)"), ChoiceCard)
    change(raw)
    with pytest.raises(DeckError) as caught:
        stored_card(raw, deck_id="mini", path="(stored deck mini)")
    assert caught.value.card_id == "mini/choice" and caught.value.field


def test_the_first_card_of_a_review_is_rebuilt_without_the_schema_library() -> None:
    code = (
        "import sys\nfrom quizdock.decks.loading import stored_card\n"
        "card = stored_card({'id': 'd/a', 'kind': 'command', 'topics': ['t'], 'question': {'fr': 'q', 'en': 'q'},"
        " 'explanation': {'fr': 'e', 'en': 'e'}, 'answer': 'docker  ps'}, deck_id='d', path='-')\n"
        "print(card.answer, 'msgspec' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}
    )
    assert done.stdout.split() == ["docker", "ps", "False"], done.stderr


def test_a_text_given_in_one_language_says_both_are_needed(tmp_path: Path) -> None:
    text = MINI.replace("question.fr = \"Qu'est-ce qu'un conteneur ?\"\n", "").replace(
        'question.en = "What is a container?"', 'question = "What is a container?"'
    )
    error = broken(tmp_path, text)
    assert (error.card_id, error.field, error.line) == ("mini/concept", "question", 10)
    assert error.detail == "expected a French and an English text (fr = ..., en = ...), got a text"
