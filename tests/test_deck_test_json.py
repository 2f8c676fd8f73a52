"""`quizdock deck test --json`: one JSON document on standard output for a deck's CI, with
exactly the keys docs/json-output.md documents, texts in the learner's language, and the
plain command's exit codes. Driven through the real command, on a private lab of its own."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from tests.conftest import REPO, card_toml, deck_toml

RUN = "docker container run -d --name {site} busybox sleep 600"
RUNNING = '\n[[cards.challenge.checks]]\ncondition = "container_status"\ncontainer = "{name}"\nstatus = "running"\n'
IMAGE_THERE = '\n[[cards.challenge.checks]]\ncondition = "image_present"\nimage = "busybox:latest"\nguard = true\n'


def card(slug: str, solution: list[str], checks: str, *, image: str = "busybox:latest") -> str:
    """A practical card of the deck `authored`: two names to choose, setup brings `image`."""
    challenge = (
        "\n[cards.challenge]\n"
        'params = { site = "name", other = "name" }\n'
        'hints.fr = ["un indice"]\n'
        'hints.en = ["a hint"]\n'
        f"solution = {json.dumps(solution)}\n"
        f'\n[[cards.challenge.setup]]\naction = "image"\nimage = "{image}"\n' + checks
    )
    return card_toml(
        f"authored/{slug}", "practical", ["containers"], question=("Lancez {site}.", "Run {site}."), fields=challenge
    )


BOTH_RUNNING = RUNNING.format(name="{site}") + RUNNING.format(name="{other}")
GOOD = card("two", [RUN, RUN.replace("{site}", "{other}")], BOTH_RUNNING + IMAGE_THERE) + card(
    "one", [RUN], RUNNING.format(name="{site}")
)
# Created, never started: the check that it runs fails.
MISSES = card("created", ["docker container create --name {site} busybox sleep 600"], RUNNING.format(name="{site}"))
# Setup needs an image no registry serves (nothing listens on port 9 in the lab): an error.
UNREACHABLE = card("unreachable", [RUN], RUNNING.format(name="{site}"), image="127.0.0.1:9/quizdock-missing:1")


@pytest.fixture
def authored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_config_dir: Path) -> Path:
    """A folder of deck files (QUIZDOCK_DECKS), proven in a private lab of the run's own."""
    decks = tmp_path / "decks"
    decks.mkdir()
    monkeypatch.setenv("QUIZDOCK_DECKS", str(decks))
    monkeypatch.setenv("QUIZDOCK_LAB", "on")
    monkeypatch.delenv("QUIZDOCK_LAB_IMAGE", raising=False)
    return decks


def documented_keys() -> set[str]:
    """The keys of the "deck test --json" table of docs/json-output.md: `challenges[].steps[].id`
    is the key `id` of each item of the list `steps` of each item of `challenges`."""
    text = (REPO / "docs" / "json-output.md").read_text(encoding="utf-8")
    section = text.split("## `quizdock deck test --json`", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split(" | ", 1)[0] for line in section.splitlines() if line.startswith("| `")]
    return {key for cell in first_cells for key in re.findall(r"`([^`]+)`", cell)}


def assert_documented(value: Any, keys: set[str], path: str = "") -> None:
    """Each object of the document has exactly the keys documented for its place."""
    if isinstance(value, dict):
        prefix = f"{path}." if path else ""
        wanted = {key.removeprefix(prefix) for key in keys if key.startswith(prefix)}
        assert set(value) == {key for key in wanted if re.fullmatch(r"\w+", key)}, path or "the document"
        for key, item in value.items():
            assert_documented(item, keys, prefix + key)
    elif isinstance(value, list):
        for item in value:
            assert_documented(item, keys, f"{path}[]")


def deck_test(*args: str) -> tuple[int, dict[str, Any], str]:
    """Exit code, the document (standard output parsed whole: nothing else may be there), stderr."""
    result = CliRunner().invoke(app, ["deck", "test", "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    document = json.loads(result.stdout)
    assert_documented(document, documented_keys())
    return result.exit_code, document, result.stderr


@pytest.mark.docker
def test_a_good_deck_passes_everywhere(authored: Path) -> None:
    (authored / "authored.toml").write_text(deck_toml("authored", GOOD), encoding="utf-8")
    code, document, _stderr = deck_test("--trust")
    assert code == ExitCode.OK, document
    assert document["schema"] == 1 and document["lang"] == "en" and document["status"] == "pass"
    assert document["decks"] == [{"id": "authored", "path": str(authored / "authored.toml")}]
    assert document["counts"] == {"pass": 2, "fail": 0, "error": 0, "not_run": 0}
    two, one = document["challenges"]
    assert (two["id"], one["id"]) == ("authored/two", "authored/one")
    assert two["deck"] == "authored" and two["problems"] == [] and two["error"] is None
    # The condition checked twice has an id per check; the guard says it is one.
    assert [(c["id"], c["guard"], c["status"]) for c in two["checks"]] == [
        ("container_status#1", False, "pass"),
        ("container_status#2", False, "pass"),
        ("image_present", True, "pass"),
    ]
    assert [(s["id"], s["status"], s["exit_code"]) for s in two["steps"]] == [(1, "pass", 0), (2, "pass", 0)]
    assert two["steps"][0]["command"].startswith("docker container run -d --name ")
    assert one["status"] == "pass" and [c["id"] for c in one["checks"]] == ["container_status"]


NNBSP = "\u202f"  # French typography: before a colon
MISSED = {
    # lang: the problem's start, words of the check's message, words of its label, between label and message
    "en": ("checks fail after the solution: ", ("expected: running", "actual: created"), "is running", ": "),
    "fr": (
        f"des vérifications échouent après la solution{NNBSP}: ",
        (f"attendu{NNBSP}:", f"constaté{NNBSP}:"),
        "en marche",
        f"{NNBSP}: ",
    ),
}


@pytest.mark.docker
@pytest.mark.parametrize("lang", MISSED)
def test_a_solution_that_misses_its_check_fails_with_the_message(authored: Path, lang: str) -> None:
    failed, expected, label, colon = MISSED[lang]
    (authored / "authored.toml").write_text(deck_toml("authored", MISSES), encoding="utf-8")
    code, document, _stderr = deck_test("--trust", "--lang", lang)
    assert code == ExitCode.FAILED, document
    assert document["status"] == "fail" and document["lang"] == lang
    assert document["counts"] == {"pass": 0, "fail": 1, "error": 0, "not_run": 0}
    (challenge,) = document["challenges"]
    assert challenge["status"] == "fail" and challenge["error"] is None
    (step,) = challenge["steps"]
    assert step["status"] == "pass"  # the command ran; the check says what it missed
    (check,) = challenge["checks"]
    assert check["id"] == "container_status" and check["status"] == "fail"
    assert label in check["label"]
    assert all(words in check["message"] for words in expected), check["message"]
    assert challenge["problems"] == [failed + check["label"] + colon + check["message"]]


@pytest.mark.docker
def test_an_error_that_stops_the_proofs_is_in_the_document_and_its_exit_code(authored: Path) -> None:
    (authored / "authored.toml").write_text(deck_toml("authored", UNREACHABLE, MISSES), encoding="utf-8")
    code, document, stderr = deck_test("--trust")
    assert code == ExitCode.DOCKER, document  # as `quizdock deck test` ends
    assert document["status"] == "error"
    assert document["counts"] == {"pass": 0, "fail": 0, "error": 1, "not_run": 1}
    (challenge,) = document["challenges"]  # the one after it was not proven
    assert challenge["id"] == "authored/unreachable" and challenge["status"] == "error"
    assert challenge["steps"] == [] and challenge["checks"] == []
    error = challenge["error"]
    assert "127.0.0.1:9/quizdock-missing:1" in error["message"] and error["fix"]
    assert error["exit_code"] == ExitCode.DOCKER
    assert error["message"] in " ".join(stderr.split())  # told on stderr as well


def test_an_untrusted_deck_under_json_refuses_without_asking(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "authored.toml").write_text(deck_toml("authored", MISSES), encoding="utf-8")
    env = {"QUIZDOCK_DECKS": str(decks), "DOCKER_HOST": "unix:///nonexistent", "COLUMNS": "300"}
    # In a terminal, where `deck test` would ask: --json refuses at once.
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", "deck", "test", "--json"],
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert "[y/N]" not in (child.before or "")
    assert "never asks" in (child.before or "") and "--trust" in (child.before or "")
    assert child.exitstatus == ExitCode.NOT_A_TERMINAL
    refused = CliRunner().invoke(app, ["deck", "test", "--json"], env=env)
    assert refused.exit_code == ExitCode.NOT_A_TERMINAL, refused.output
    assert refused.stdout == ""
    assert "authored.toml" in refused.stderr and "quizdock deck test --json --trust" in refused.stderr
    # --trust approves it: Docker is asked next (not there here: exit 5), and it is remembered.
    trusted = CliRunner().invoke(app, ["deck", "test", "--json", "--trust"], env=env)
    assert trusted.exit_code == ExitCode.DOCKER, trusted.output
    assert trusted.stdout == ""  # no proof began: no document
    again = CliRunner().invoke(app, ["deck", "test", "--json"], env=env)
    assert again.exit_code == ExitCode.DOCKER, again.output
