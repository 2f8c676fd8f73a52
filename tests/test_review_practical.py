"""A practical card in `quizdock review`: set up on the real engine, graded, scheduled, cleaned up."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docker
import pytest
from rich.console import Console
from sqlalchemy import select

from quizdock.cli.review_session import ReviewSession
from quizdock.lab.state import state_dir
from quizdock.storage.models import CardStateRow, ReviewRow
from quizdock.storage.store import Store
from quizdock.support.paths import bundled_decks_dir
from tests.docker_fixtures import LearnerResources, RunTokens, made_by_runs
from tests.scripted import ENTER, ScriptedPrompter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.docker


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        opened.sync_decks([bundled_decks_dir()], NOW)
        yield opened


def test_a_practical_card_is_reviewed_on_the_engine_and_scheduled(
    store: Store, docker_client: docker.DockerClient, learner_resources: LearnerResources
) -> None:
    out = io.StringIO()
    # In the learner's private lab (started by the review): the note's names, no qd- prefix.
    prompter = ScriptedPrompter("en", ["hint" + ENTER, "docker container rm old" + ENTER])
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=120), "en", now=lambda: NOW)
        with RunTokens(state_dir()) as run:
            summary = session.run(["practical/rm"])
    finally:
        prompter.close()
    output = out.getvalue()
    assert not prompter.keys
    assert "The container old has stopped" in output and "{old}" not in output
    assert "private lab" in output
    assert (summary.cards, summary.correct) == (1, 1)
    with store.session() as session:
        (review,) = session.scalars(select(ReviewRow))
        state = session.get(CardStateRow, "practical/rm")
    assert review.quality == 4  # solved after one hint
    assert "docker container rm old" in review.answer
    assert state is not None and state.interval == 1
    # The challenge ran in the lab: nothing of its run on the host (other runs' are not this test's).
    assert run.tokens and made_by_runs(docker_client, run.tokens) == []
    assert learner_resources.missing(docker_client) == []


@pytest.mark.parametrize("keys", ["quit" + ENTER, "\x04"], ids=["quit", "ctrl-d"])
def test_quit_in_a_practical_card_ends_the_session_and_records_nothing(
    store: Store, docker_client: docker.DockerClient, learner_resources: LearnerResources, keys: str
) -> None:
    out = io.StringIO()
    prompter = ScriptedPrompter("en", [keys])  # the concept card after it is never asked
    try:
        session = ReviewSession(store, prompter, Console(file=out, width=120), "en", now=lambda: NOW)
        with RunTokens(state_dir()) as run:
            summary = session.run(["practical/rm", "basics/image-vs-container"])
    finally:
        prompter.close()
    output = out.getvalue()
    assert not prompter.keys
    assert "Card 2 of" not in output and "Session over: 0 cards" in output
    assert summary.cards == 0 and summary.repeats == 0
    with store.session() as session:
        assert session.scalars(select(ReviewRow)).all() == []  # not a give-up: nothing graded
        assert session.get(CardStateRow, "practical/rm") is None  # still new, for the next session
    # The challenge ran in the lab: nothing of its run on the host (other runs' are not this test's).
    assert run.tokens and made_by_runs(docker_client, run.tokens) == []
    assert learner_resources.missing(docker_client) == []
