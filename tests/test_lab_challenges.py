"""Every challenge against the real engine: proven by `quizdock deck test`, other valid commands
pass, near misses fail with a message that names the difference (the variants are data:
tests/data/challenge_variants.toml)."""

from __future__ import annotations

import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from quizdock.challenges.model import Challenge, substitute
from quizdock.cli.typer_app import app
from quizdock.decks.catalog import find_card, practical_cards
from quizdock.lab import runner
from quizdock.lab.conditions import CheckResult
from quizdock.lab.deck_test import Proof, prove
from quizdock.lab.docker_ops import free_port
from quizdock.lab.state import record_typed
from tests.challenge_variants import Variant, load_variants
from tests.docker_fixtures import (
    DECK_TEST_STATES,
    LEARNER_PREFIX,
    ChallengeEngine,
    LearnerResources,
    RunTokens,
    made_by_runs,
)

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("practical_deck_only")]


@pytest.fixture
def learner_stopped(docker_client: docker.DockerClient) -> Iterator[str]:
    """A stopped container of the learner's: `docker container prune` unfiltered would take it."""
    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:10]}"
    container = docker_client.containers.run("busybox:latest", ["true"], name=name, detach=True)
    try:
        container.wait()
        yield container.id
    finally:
        container.remove(force=True)


def challenge(slug: str) -> Challenge:
    found = find_card(slug).challenge
    assert found is not None
    return found


def test_deck_test_proves_every_challenge(
    challenge_engine: ChallengeEngine,
    docker_client: docker.DockerClient,
    learner_resources: LearnerResources,
    learner_stopped: str,
    own_temp_dir: Path,
) -> None:
    """On each engine CI proves the challenges on: the lab's pinned engine, the same with the
    containerd image store, and the learner's own Docker (Engine 20.10 in CI)."""
    count = len(practical_cards())
    # The runs of this deck test, by the tokens their states record: other quizdocks' runs on a
    # shared Docker are not this test's. In a lab none of them reaches the host at all.
    with RunTokens(own_temp_dir, DECK_TEST_STATES) as runs:
        result = CliRunner().invoke(app, ["deck", "test"])
    assert result.exit_code == 0, result.output
    assert f"{count} challenges proven" in result.output
    assert learner_resources.missing(docker_client) == []
    assert docker_client.containers.get(learner_stopped).status == "exited"
    assert len(runs.tokens) >= count
    assert made_by_runs(docker_client, runs.tokens) == []


def test_deck_test_of_one_challenge_and_an_unknown_one() -> None:
    result = CliRunner().invoke(app, ["deck", "test", "tmpfs"])
    assert result.exit_code == 0, result.output
    assert "1 challenge proven" in result.output
    result = CliRunner().invoke(app, ["deck", "test", "no-such-challenge"])
    assert result.exit_code == 7, result.output
    assert "publish-port" in result.output


VARIANTS = load_variants()


def learner_attempt(target: Target, found: Challenge, variant: Variant) -> tuple[Proof, list[CheckResult]]:
    """Set up, run the learner's commands as typed (split like a shell would, no shell: they
    are not solution material, so the reader of solution steps is not asked), grade, clean up."""
    client, lab = target.client, target.lab
    proof = Proof(found.id)
    state = runner.setup(client, found, lab=lab)
    proof.values = {**state.values, "other_port": str(free_port())}
    results: list[CheckResult] = []
    try:
        for step in variant.steps:
            command = substitute(step.command, proof.values)
            state = record_typed(state, command)
            subprocess.run(
                shlex.split(command), env=lab.environ() if lab else None, capture_output=True, timeout=60, check=False
            )
        results = runner.evaluate(client, found, state)
    finally:
        proof.problems += [f"cleanup: {p}" for p in runner.cleanup(client, found, state, lab=lab)]
        if left := runner.leftovers(client, found, state, lab=lab):
            proof.problems.append(f"left behind after cleanup: {', '.join(left)}")
    return proof, results


@pytest.mark.parametrize("variant", VARIANTS, ids=[f"{v.id}-{i}" for i, v in enumerate(VARIANTS)])
def test_a_variant_is_graded_as_expected(lab_engine: Target, variant: Variant) -> None:
    """Another correct way passes every check; a plausible wrong one fails the named check,
    whose message names the difference. Either way setup and cleanup leave nothing behind."""
    if variant.typed:
        proof, results = learner_attempt(lab_engine, challenge(variant.challenge), variant)
    else:
        proof, results = prove(
            lab_engine.client,
            challenge(variant.challenge),
            solution=list(variant.steps),
            expect_pass=variant.kind == "alternative",
            extra_values={"other_port": str(free_port())},  # never one of the lab's ports
            lab=lab_engine.lab,
        )
    assert proof.problems == [], "\n".join(proof.problems)
    if variant.kind == "alternative":
        assert all(r.passed for r in results), [(r.name, r.message.en) for r in results if not r.passed]
        return
    failed = [r for r in results if not r.passed and r.name == variant.condition]
    assert failed, [(r.name, r.passed, r.message.en) for r in results]
    for word in variant.words:
        assert substitute(word, proof.values) in failed[0].message.en, failed[0].message.en
