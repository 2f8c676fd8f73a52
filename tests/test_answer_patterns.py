"""Answer patterns match in linear time, ambiguous ones are refused, typed answers are bounded."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from quizdock.grading import patterns
from quizdock.grading.commands import MAX_ANSWER_CHARS, grade_command
from quizdock.grading.docker_cli import PLACEHOLDERS
from quizdock.i18n import number
from tests.conftest import REPO

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()

# Characters that every kind treats differently somewhere.
ALPHABET = "aZ09_.-/:@, \t\n\u00a0é"


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(PLACEHOLDERS)), text=st.text(alphabet=ALPHABET, max_size=12))
def test_each_kind_accepts_what_its_documented_expression_accepts(kind: str, text: str) -> None:
    assert patterns.fullmatch(f"<{kind}>", text) == (re.fullmatch(PLACEHOLDERS[kind], text) is not None)


@settings(max_examples=200, deadline=None)
@given(
    template=st.lists(
        st.sampled_from(["<name>", "<port>", "<tag>", "<user>", "<path>", ":", "/", "-", ".", "a", "1"]), max_size=6
    ),
    text=st.text(alphabet="a1:/-.", max_size=14),
)
def test_a_chain_matches_as_the_regular_expression_would(template: list[str], text: str) -> None:
    joined = "".join(template)
    expression = "".join(f"(?:{PLACEHOLDERS[p[1:-1]]})" if p.startswith("<") else re.escape(p) for p in template)
    assert patterns.fullmatch(joined, text) == (re.fullmatch(expression, text) is not None)


def test_side_by_side_placeholders_take_linear_time() -> None:
    # Built as a regular expression, 32 characters took 37 s and 36 never ended.
    for size in (32, 36, 1000):
        assert not patterns.fullmatch("<image>" * 20, "a" * size + "!")
        assert patterns.fullmatch("<image>" * 20, "a" * size)
        assert best_of_three(lambda: patterns.fullmatch("<image>" * 20, "a" * size + "!")) < 0.05  # noqa: B023


def test_deck_check_refuses_side_by_side_placeholders(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    path = decks / "mini.toml"
    path.write_text(
        MINI.replace('answer = "docker container prune"', 'answer = "docker image pull <image><image><image>"')
    )
    result = CliRunner().invoke(app, ["deck", "check"], env={"QUIZDOCK_DECKS": str(decks), "COLUMNS": "400"})
    assert result.exit_code == ExitCode.DECK, result.output
    output = " ".join(result.output.split())
    assert f"{path}, line 23, card 'mini/command', field 'answer'" in output
    assert "Placeholders side by side `<image><image>`" in output


def test_a_long_answer_is_refused_fast_with_flat_memory_and_says_the_limit() -> None:
    expected = "docker container run -d --name <name> -p <port>:<port> -v <volume>:<path> <image> <command>"
    peaks = []
    for size in (10_000, 100_000, 1_000_000):
        typed = "docker container run -d " + "-v a:/b " * (size // 8)
        tracemalloc.start()
        started = time.perf_counter()
        verdict = grade_command(expected, typed)
        elapsed = time.perf_counter() - started
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert elapsed < 0.05
        # The limit as each language writes a number (2,000 and 2 000).
        assert verdict.verdict == "wrong" and number(MAX_ANSWER_CHARS, lang="en") in verdict.message.en
        assert number(MAX_ANSWER_CHARS, lang="fr") in verdict.message.fr
    assert max(peaks) < 256 * 1024  # the same small peak whatever the length


def test_any_answer_up_to_the_limit_is_graded_under_50_ms() -> None:
    expected = [
        "docker container run -d --name <name> -p <port>:<port> -v <volume>:<path> <image> <command>",
        "docker image tag <image> <registry>/<user>/<image>:<tag>",
        "docker container exec -it <container> <command>",
    ]
    limit = MAX_ANSWER_CHARS
    typed_answers = [
        ("docker container run -d --name " + "a" * limit)[:limit],
        ("docker container run " + "-v a:/b " * limit)[:limit],
        ("docker container run -p " + "1-" * limit)[:limit],
        ("docker image tag busybox " + "a." * limit)[:limit],
        ("docker image tag x " + "r.io/" + "u/" * limit)[:limit],
        ("docker container exec -it x " + "sh " * limit)[:limit],
        ("docker container run -e " + "A=1 -e " * limit)[:limit],
        "docker " + "'" * (limit - 8),
    ]
    for typed in typed_answers:
        assert len(typed) <= limit
        assert best_of_three(lambda: grade_command(expected, typed)) < 0.05, typed[:60]  # noqa: B023


def best_of_three(action: Callable[[], object]) -> float:
    """The fastest of three runs: the machine is shared, a slow run may be another's load."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_deck_check_refuses_an_answer_longer_than_a_learner_may_type(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    long_answer = "docker container run busybox echo " + "x" * MAX_ANSWER_CHARS
    (decks / "mini.toml").write_text(MINI.replace('"docker container prune"', f'"{long_answer}"'))
    result = CliRunner().invoke(app, ["deck", "check"], env={"QUIZDOCK_DECKS": str(decks), "COLUMNS": "400"})
    assert result.exit_code == ExitCode.DECK, result.output
    assert f"longer than the {MAX_ANSWER_CHARS} a learner may type" in " ".join(result.output.split())
