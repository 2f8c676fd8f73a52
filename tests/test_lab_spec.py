"""Challenge format: validation, placeholders and grading rules (no Docker needed)."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from quizdock.challenges.flow import SessionResult, quality, summary
from quizdock.challenges.model import CONDITION_ARGS, RESERVED_PREFIX, placeholders, substitute
from quizdock.decks.cards import PracticalCard
from quizdock.decks.challenge_spec import parse_challenge
from quizdock.decks.loading import parse_deck_file
from quizdock.errors import DeckError
from quizdock.lab.conditions import CONDITIONS
from quizdock.lab.deck_test import unknown_placeholders
from tests.conftest import card_toml, deck_toml

PATH = "decks/practical.toml"
PRACTICAL_DECK = Path(__file__).resolve().parent.parent / "decks" / "practical.toml"
CARD = "practical/test"


def valid() -> dict[str, Any]:
    return {
        "params": {"web": "name", "port": "port"},
        "setup": [{"action": "image", "image": "busybox:latest"}],
        "checks": [
            {"condition": "container_status", "container": "{web}", "status": "running"},
            {"condition": "published_port", "container": "{web}", "host_port": "{port}", "container_port": 80},
        ],
        "hints": {"fr": ["a", "b", "c"], "en": ["a", "b", "c"]},
        "solution": ["docker run -d --name {web} -p {port}:80 busybox httpd -f -p 80"],
    }


def broken(change: Any) -> DeckError:
    raw = copy.deepcopy(valid())
    change(raw)
    with pytest.raises(DeckError) as caught:
        parse_challenge(raw, path=PATH, card_id=CARD)
    error = caught.value
    assert error.card_id == CARD
    assert CARD in str(error) and PATH in str(error)
    return error


def test_a_valid_challenge_parses() -> None:
    challenge = parse_challenge(valid(), path=PATH, card_id=CARD)
    assert challenge.id == CARD
    assert challenge.reserved_names() == ("qd-web",)
    assert challenge.checks[1].args == {
        "container": "{web}",
        "host_port": "{port}",
        "container_port": 80,
        "protocol": "tcp",
        "host_ip": "all",
    }
    assert challenge.label == "quizdock.challenge=practical/test"


def test_an_unknown_condition_names_the_card_and_the_field() -> None:
    error = broken(lambda raw: raw["checks"][0].update(condition="container_is_happy"))
    assert error.field == "challenge.checks[0].condition"
    assert "container_is_happy" in error.problem and "published_port" in error.problem


def test_an_unknown_parameter_is_refused() -> None:
    error = broken(lambda raw: raw["checks"][0].update(container="{nope}"))
    assert error.field == "challenge.checks[0].container"
    assert "{nope}" in error.problem


def test_registry_parameters_need_a_registry() -> None:
    error = broken(lambda raw: raw["solution"].append("docker push {registry}/qd-web"))
    assert error.field == "challenge.solution[1]"
    assert "registry" in error.problem


@pytest.mark.parametrize("missing", ["setup", "checks", "hints", "solution"])
def test_a_missing_field_is_named(missing: str) -> None:
    error = broken(lambda raw: raw.pop(missing))
    assert error.field == f"challenge.{missing}"


def test_a_missing_condition_argument_is_named() -> None:
    error = broken(lambda raw: raw["checks"][1].pop("host_port"))
    assert error.field == "challenge.checks[1].host_port"


def test_an_unknown_argument_is_named() -> None:
    error = broken(lambda raw: raw["checks"][0].update(colour="blue"))
    assert error.field == "challenge.checks[0].colour"


def test_a_port_must_be_a_number_or_a_parameter() -> None:
    error = broken(lambda raw: raw["checks"][1].update(container_port="eighty"))
    assert error.field == "challenge.checks[1].container_port"


def test_an_unknown_setup_action_is_refused() -> None:
    error = broken(lambda raw: raw["setup"].append({"action": "shell", "command": "rm -rf /"}))
    assert error.field == "challenge.setup[1].action"


def test_what_setup_creates_has_a_reserved_name() -> None:
    error = broken(lambda raw: raw["setup"].append({"action": "container", "name": "web"}))
    assert error.field == "challenge.setup[1].name"
    assert RESERVED_PREFIX in error.problem
    error = broken(lambda raw: raw["setup"].append({"action": "tag", "source": "busybox", "target": "mine:1"}))
    assert error.field == "challenge.setup[1].target"


def test_a_solution_is_docker_commands_only() -> None:
    error = broken(lambda raw: raw["solution"].append("curl http://example.com"))
    assert error.field == "challenge.solution[1]"


def test_a_parameter_kind_must_be_known() -> None:
    error = broken(lambda raw: raw["params"].update(secret="password"))
    assert error.field == "challenge.params.secret"


def test_hints_come_in_both_languages() -> None:
    error = broken(lambda raw: raw["hints"].update(en=["a", "b"]))
    assert error.field == "challenge.hints"


def test_only_guards_is_refused() -> None:
    error = broken(lambda raw: [check.update(guard=True) for check in raw["checks"]])
    assert error.field == "challenge.checks"


def test_a_seed_check_needs_a_recorded_build() -> None:
    error = broken(lambda raw: raw["checks"].append({"condition": "seed_absent", "seed": "old"}))
    assert error.field == "challenge.checks[2].seed"


def test_the_deck_loader_reports_challenge_errors(tmp_path: Path) -> None:
    deck = tmp_path / "practical.toml"
    deck.write_text(
        deck_toml(
            "practical",
            card_toml(
                "practical/broken",
                "practical",
                ["containers"],
                fields=textwrap.dedent(
                    """
                    [cards.challenge]
                    hints.fr = ["h"]
                    hints.en = ["h"]
                    solution = ["docker ps"]

                    [[cards.challenge.checks]]
                    condition = "container_exists"
                    """
                ),
            ),
            title=("Pratique", "Practice"),
        ),
        encoding="utf-8",
    )
    with pytest.raises(DeckError) as caught:
        parse_deck_file(deck)
    assert caught.value.card_id == "practical/broken"
    assert caught.value.field == "challenge.setup"


def test_substitution_is_plain_text() -> None:
    values = {"web": "qd-web", "port": "8080"}
    assert substitute("-p {port}:80 --name {web}", values) == "-p 8080:80 --name qd-web"
    # Only {lowercase_name}: no attribute access, indexing or format specs, unlike str.format.
    for text in ("{web.__class__}", "{0}", "{web!r}", "{port:>10}", "{{.State.Status}}", "{UNKNOWN}", "{nope}"):
        assert substitute(text, values) == text
    assert placeholders("docker inspect -f '{{.Name}}' {web}") == {"web"}


def test_every_condition_has_an_implementation() -> None:
    assert set(CONDITIONS) == set(CONDITION_ARGS)


def test_the_shipped_challenges_load_and_their_tasks_use_known_parameters() -> None:
    cards = list(parse_deck_file(PRACTICAL_DECK).cards)
    assert len(cards) >= 23
    for card in cards:
        assert isinstance(card, PracticalCard), card.id
        texts = [card.question.fr, card.question.en]
        assert not unknown_placeholders(card.challenge, texts), card.id
        # Explanations are shown by the review loop as written: no placeholders there.
        assert not placeholders(card.explanation.fr + card.explanation.en), card.id


def test_loading_the_decks_does_not_import_docker() -> None:
    code = (
        "import sys; from quizdock.decks.loading import parse_deck_file;"
        f"parse_deck_file(__import__('pathlib').Path({str(PRACTICAL_DECK)!r})); print('docker' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def result(ending: str, *, hints: int = 0, solution: bool = False, commands: int = 1, passed: int = 0) -> SessionResult:
    return SessionResult(
        challenge_id=CARD,
        ending=ending,  # type: ignore[arg-type]
        hints_used=hints,
        solution_shown=solution,
        commands=tuple(f"docker ps #{i}" for i in range(commands)),
        checks_passed=passed,
        checks_total=2,
    )


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (result("solved", passed=2), 5),
        (result("solved", hints=1, passed=2), 4),
        (result("solved", hints=2, passed=2), 3),
        (result("solved", hints=3, passed=2), 3),
        (result("solved", hints=3, solution=True, passed=2), 2),
        (result("skip", passed=1), 2),
        (result("skip", passed=0), 1),
        (result("quit", commands=0), 1),
    ],
)
def test_sm2_quality_of_a_session(session: SessionResult, expected: int) -> None:
    assert quality(session) == expected


def test_the_summary_says_what_the_learner_did() -> None:
    text = summary(result("solved", hints=1, passed=2, commands=2))
    assert text == "solved (2/2 checks); 1 hint(s); commands: docker ps #0 | docker ps #1"


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("qd-snap:1.0", "qd-snap"),
        ("qd-snap", "qd-snap"),
        ("127.0.0.1:5000/qd-app:1.0", "qd-app"),
        ("localhost:5000/qd-app", "qd-app"),
        ("learner/qd-mybox:mine", ""),  # the learner's, though its last part looks reserved
        ("ghcr.io/someone/qd-mybox:v1", ""),
        ("registry.example.com:5000/qd-app:1.0", ""),
    ],
)
def test_only_local_names_can_be_a_challenges_images(reference: str, name: str) -> None:
    from quizdock.challenges.model import repository_name

    assert repository_name(reference) == name


def test_every_challenge_has_an_alternative_and_a_wrong_answer() -> None:
    from quizdock.decks.catalog import find_card, practical_cards
    from tests.challenge_variants import load_variants

    variants = load_variants()
    ids = {card.id.split("/", 1)[-1] for card in practical_cards()}
    for kind in ("alternative", "wrong"):
        covered = {v.challenge for v in variants if v.kind == kind}
        assert ids - covered == set(), f"challenges with no {kind} variant"
    for variant in variants:
        challenge = find_card(variant.challenge).challenge
        assert challenge is not None
        if variant.kind == "wrong":
            assert variant.condition in {c.condition for c in challenge.checks}, variant


def test_the_readme_and_the_format_describe_every_challenge_and_condition() -> None:
    from quizdock.decks.catalog import practical_cards
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = {line.split("|")[1].strip(" `") for line in readme.splitlines() if line.startswith("| `")}
    ids = {card.id.split("/", 1)[-1] for card in practical_cards()}
    assert ids - table == set(), "challenges missing from the README's challenge table"
    described = (REPO / "docs" / "challenge-format.md").read_text(encoding="utf-8")
    assert [c for c in CONDITION_ARGS if f"`{c}`" not in described] == []


ASK = {"fr": "Quel ID ?", "en": "Which ID?"}


def test_a_question_needs_a_check_of_its_answer_and_a_solution_that_types_it() -> None:
    def ask_only(raw: dict[str, Any]) -> None:
        raw["ask"] = ASK

    assert broken(ask_only).field == "challenge.ask"

    def answer_check_only(raw: dict[str, Any]) -> None:
        raw["checks"].append({"condition": "answer_image", "image": "busybox:latest"})

    error = broken(answer_check_only)
    assert error.field == "challenge.checks[2]" and "ask.fr/ask.en" in error.problem

    def no_answer_step(raw: dict[str, Any]) -> None:
        ask_only(raw)
        answer_check_only(raw)

    assert broken(no_answer_step).field == "challenge.solution"
    raw = valid()
    no_answer_step(raw)
    raw["solution"].append({"command": "docker image ls -q busybox", "answer": True})
    challenge = parse_challenge(raw, path=PATH, card_id=CARD)
    assert challenge.ask is not None and challenge.ask.en == "Which ID?"
    assert challenge.solution[-1].answer and not challenge.solution[0].answer


def test_a_typed_command_check_is_a_guard_on_a_readable_command() -> None:
    check = {"condition": "typed_command", "command": "docker container prune", "instead": ["docker rm"]}
    error = broken(lambda raw: raw["checks"].append(dict(check)))
    assert error.field == "challenge.checks[2].guard"
    error = broken(lambda raw: raw["checks"].append({**check, "guard": True, "command": "docker contaner prune"}))
    assert error.field == "challenge.checks[2].command" and "not a docker command" in error.problem
    error = broken(lambda raw: raw["checks"].append({**check, "guard": True, "instead": "docker rm"}))
    assert error.field == "challenge.checks[2].instead" and "list" in error.problem
    raw = valid()
    raw["checks"].append({**check, "guard": True})
    parsed = parse_challenge(raw, path=PATH, card_id=CARD).checks[2]
    assert parsed.args == {"command": "docker container prune", "instead": ("docker rm",)}
