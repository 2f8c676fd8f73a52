"""A challenge session's decisions, without a terminal or Docker: what a typed line asks for,
and the grade of a session."""

from __future__ import annotations

import pytest

from quizdock.challenges.flow import (
    GiveAnswer,
    Keyword,
    NeedsShell,
    RunCommand,
    SessionResult,
    Unreadable,
    ends_trying,
    quality,
    read_line,
    summary,
)
from quizdock.core import Grade


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("   ", None),
        ("check", Keyword("check")),
        ("  Vérifier ", Keyword("check")),
        ("INDICE", Keyword("hint")),
        ("exit", Keyword("quit")),
        ("passer", Keyword("skip")),
        ("?", Keyword("help")),
        ("answer 3f2a", GiveAnswer("3f2a")),
        ("Réponse  80", GiveAnswer(" 80")),  # the answer is stripped when it is recorded
        ("answer", GiveAnswer("")),
        ("check now", RunCommand("check now", ("check", "now"))),  # a keyword only alone on its line
        (
            "docker run -d --name 'qd web' busybox",
            RunCommand("docker run -d --name 'qd web' busybox", ("docker", "run", "-d", "--name", "qd web", "busybox")),
        ),
        ("docker ps | wc -l", NeedsShell()),
        ("docker ps 2>&1", NeedsShell()),
        ("docker run 'busybox", Unreadable("No closing quotation")),
    ],
)
def test_what_a_line_asks_for(line: str, expected: object) -> None:
    assert read_line(line) == expected


def test_trying_a_solved_challenge_out_ends_on_a_blank_line_quit_or_skip() -> None:
    assert [ends_trying(line) for line in ("", "quit", " Passer ", "curl 127.0.0.1", "check")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def result(
    ending: str = "solved", *, hints: int = 0, solution: bool = False, commands: int = 1, passed: int = 2
) -> SessionResult:
    return SessionResult("practical/x", ending, hints, solution, ("docker ps",) * commands, passed, 2)  # type: ignore[arg-type]


def test_the_grade_of_a_session() -> None:
    assert quality(result()) is Grade.PERFECT
    assert quality(result(hints=1)) is Grade.HESITANT
    assert quality(result(hints=3)) is Grade.HARD
    assert quality(result(solution=True)) is Grade.WRONG_FAMILIAR
    assert quality(result("skip", passed=1)) is Grade.WRONG_FAMILIAR  # part of the way there
    assert quality(result("skip", passed=0)) is Grade.WRONG
    assert quality(result("quit", commands=0, passed=2)) is Grade.WRONG  # nothing typed: nothing learned
    assert summary(result("skip", hints=2, passed=1)) == "gave up (1/2 checks); 2 hint(s); commands: docker ps"
