"""`quizdock challenge check ID --json`: one document on standard output, for deck authors' CI,
checked against the real lab and against its description in docs/json-output.md."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner, Result

from quizdock.challenges.model import Challenge
from quizdock.cli.typer_app import app
from quizdock.decks.catalog import find_card
from quizdock.lab import runner
from quizdock.lab.state import LabState, load_state
from tests.conftest import REPO

if TYPE_CHECKING:
    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]

NNBSP = "\u202f"


def challenge(slug: str) -> Challenge:
    found = find_card(slug).challenge
    assert found is not None
    return found


@contextmanager
def set_up(where: Target, slug: str) -> Iterator[LabState]:
    """The challenge `slug` set up in `where`, as `challenge run` does, then cleaned up."""
    found = challenge(slug)
    state = runner.setup(where.client, found, lab=where.lab)
    try:
        yield state
    finally:
        runner.cleanup(where.client, found, load_state(found.id), lab=where.lab)


def check_json(slug: str, *options: str, env: dict[str, str] | None = None) -> tuple[Result, dict[str, Any]]:
    """The command's result and its document (standard output alone must parse)."""
    result = CliRunner().invoke(app, ["challenge", "check", slug, "--json", *options], env=env)
    return result, json.loads(result.stdout)


def docker_cli(where: Target, *args: str) -> None:
    """The learner's docker CLI, pointed where the challenge runs."""
    subprocess.run(["docker", *args], check=True, capture_output=True, timeout=60, env=where.environ)


def documented_keys() -> set[str]:
    """The keys the "challenge check --json" section of docs/json-output.md lists in its tables."""
    text = (REPO / "docs" / "json-output.md").read_text(encoding="utf-8")
    section = text.split("## `quizdock challenge check --json`", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_\[\]\.]+)` \|", section, flags=re.MULTILINE))


def keys_of(document: dict[str, Any]) -> set[str]:
    """The document's keys as the docs write them: `checks[].id` for a key of each check."""
    keys = set(document)
    for check in document["checks"]:
        keys |= {f"checks[].{key}" for key in check}
    return keys


def test_an_unsolved_then_solved_challenge_in_the_lab(learner_lab: Target) -> None:
    with set_up(learner_lab, "find-exited") as state:
        result, document = check_json("find-exited", "--lang", "en")
        assert result.exit_code == 1, result.output
        assert document["status"] == "fail" and document["challenge"] == "practical/find-exited"
        assert document["schema"] == 1 and document["message"] is None
        by_id = {check["id"]: check for check in document["checks"]}
        # A condition checked twice is told apart by its rank in the deck file.
        assert list(by_id) == ["seeded_stopped_gone", "container_status#1", "container_status#2"]
        assert [check["status"] for check in by_id.values()] == ["fail", "pass", "pass"]
        stopped = state.values["svc_b"]
        assert stopped in by_id["seeded_stopped_gone"]["message"], by_id
        assert by_id["seeded_stopped_gone"]["message"].startswith("expected:"), by_id
        assert keys_of(document) == documented_keys()
        assert result.stderr == ""  # nothing for people when the document says it all

        docker_cli(learner_lab, "container", "rm", stopped)
        result, document = check_json("practical/find-exited", "--lang", "en")
        assert result.exit_code == 0, result.output
        assert document["status"] == "pass"
        assert [check["status"] for check in document["checks"]] == ["pass", "pass", "pass"]
        assert all(check["label"] and check["message"] for check in document["checks"])
        assert keys_of(document) == documented_keys()
        # The solve counts as a review, said on standard error: standard output is the document alone.
        assert "Counted as a review of practical/find-exited" in result.stderr
        assert result.stdout.strip().endswith("}")


def test_french_messages_under_lang_fr(learner_lab: Target) -> None:
    with set_up(learner_lab, "volume-rm") as state:
        result, document = check_json("volume-rm", "--lang", "fr")
        assert result.exit_code == 1, result.output
        [check] = document["checks"]
        assert check["id"] == "volume_absent" and check["status"] == "fail"
        trash = state.values["trash"]
        assert check["message"] == f"attendu{NNBSP}: pas de volume {trash}{NNBSP}; constaté{NNBSP}: il existe"
        assert check["label"] == f"le volume {trash} a été supprimé"

        docker_cli(learner_lab, "volume", "rm", trash)
        result, document = check_json("volume-rm", "--lang", "fr")
        assert result.exit_code == 0, result.output
        assert document["status"] == "pass"
        assert document["checks"][0]["message"] == f"constaté{NNBSP}: pas de volume {trash}"
        assert "Compté comme une révision" in result.stderr, result.stderr


def test_a_challenge_not_set_up_is_an_error_document() -> None:
    result, document = check_json("tmpfs", "--lang", "en")
    assert result.exit_code == 1
    assert document == {
        "schema": 1,
        "challenge": "practical/tmpfs",
        "status": "error",
        "message": "The challenge practical/tmpfs is not set up. Start it with `quizdock challenge run "
        "practical/tmpfs` in a terminal, then check it from another one.",
        "checks": [],
    }
    assert "not set up" in result.stderr


def test_docker_out_of_reach_gives_an_error_for_every_check(learner_lab: Target, tmp_path: Path) -> None:
    with set_up(learner_lab, "find-exited"):
        gone = {"DOCKER_HOST": f"unix://{tmp_path}/docker.sock"}
        result, document = check_json("find-exited", "--lang", "en", env=gone)
        assert result.exit_code == 5, result.output
        assert document["status"] == "error" and "The Docker daemon is not running" in document["message"]
        assert [check["status"] for check in document["checks"]] == ["error"] * 3
        assert all(check["label"] is None for check in document["checks"])
        assert keys_of(document) == documented_keys()


def test_watch_with_json_prints_the_last_results_and_the_changes_on_stderr(learner_lab: Target) -> None:
    with set_up(learner_lab, "tmpfs"):
        result, document = check_json("tmpfs", "--watch", "--timeout", "1", "--lang", "en")
        assert result.exit_code == 1, result.output
        assert document["status"] == "fail"
        assert "Watching Docker events" in result.stderr and "checks pass" in result.stderr
        assert "Watching" not in result.stdout


def test_an_unknown_challenge_prints_no_document() -> None:
    result = CliRunner().invoke(app, ["challenge", "check", "no-such-thing", "--json"])
    assert result.exit_code == 7
    assert result.stdout == ""
    assert "quizdock challenge list" in result.stderr


def check_ids(slug: str) -> list[str]:
    found = challenge(slug)
    return [found.check_id(check) for check in found.checks]


def test_check_ids_number_a_repeated_condition_only() -> None:
    assert check_ids("find-exited") == ["seeded_stopped_gone", "container_status#1", "container_status#2"]
    assert check_ids("image-prune-all") == ["seed_absent#1", "seed_absent#2", "image_present", "pruned"]
