"""What a challenge session decides, with no terminal and no Docker: what a typed line asks for,
and how the session is graded.

:mod:`quizdock.cli.challenge_terminal` reads the lines, runs the commands and draws the results; the
choices are made here and tested directly.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date
from typing import Literal

from quizdock.core.grade import Grade

Ending = Literal["solved", "skip", "quit"]

KEYWORDS: dict[str, str] = {
    "check": "check",
    "vérifier": "check",
    "verifier": "check",
    "hint": "hint",
    "indice": "hint",
    "solution": "solution",
    "reset": "reset",
    "skip": "skip",
    "passer": "skip",
    "quit": "quit",
    "exit": "quit",
    "quitter": "quit",
    "help": "help",
    "aide": "help",
    "?": "help",
    "answer": "answer",
    "réponse": "answer",
    "reponse": "answer",
    "répondre": "answer",
    "repondre": "answer",
}
SHELL_TOKENS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "&", "2>", "2>&1"})


@dataclass(frozen=True, slots=True)
class Keyword:
    """A keyword alone on the line: check, hint, solution, reset, skip, quit or help."""

    name: str


@dataclass(frozen=True, slots=True)
class GiveAnswer:
    """``answer`` and what follows it (empty: the answer is asked for)."""

    text: str


@dataclass(frozen=True, slots=True)
class RunCommand:
    """A command to run, split as a shell would (without running one)."""

    line: str
    argv: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line whose quotes do not close."""

    error: str


@dataclass(frozen=True, slots=True)
class NeedsShell:
    """A line with pipes, redirections or ``&&``: quizdock runs no shell."""


Typed = Keyword | GiveAnswer | RunCommand | Unreadable | NeedsShell


def read_line(line: str) -> Typed | None:
    """What a line typed at the challenge's prompt asks for (None: a blank line)."""
    line = line.strip()
    if not line:
        return None
    first, _, rest = line.partition(" ")
    if KEYWORDS.get(first.lower()) == "answer":
        return GiveAnswer(rest)
    keyword = KEYWORDS.get(line.lower())
    if keyword is not None:
        return Keyword(keyword)
    return split_command(line)


def split_command(line: str) -> RunCommand | Unreadable | NeedsShell:
    """A learner's command, split into its words, unless it cannot be run without a shell."""
    try:
        argv = shlex.split(line)
    except ValueError as error:
        return Unreadable(str(error))
    if SHELL_TOKENS & set(argv):
        return NeedsShell()
    return RunCommand(line, tuple(argv))


def ends_trying(line: str) -> bool:
    """Whether a line typed while trying a solved challenge out ends that (blank, quit or skip)."""
    line = line.strip()
    return not line or KEYWORDS.get(line.lower()) in ("quit", "skip")


@dataclass(frozen=True, slots=True)
class SessionResult:
    """How a challenge session went.

    Attributes:
        challenge_id: The challenge.
        ending: ``solved``, ``skip`` or ``quit``.
        hints_used: How many hints were shown.
        solution_shown: The solution was shown.
        commands: The commands the learner typed, in order.
        checks_passed: Checks passing at the end.
        checks_total: Number of checks.
    """

    challenge_id: str
    ending: Ending
    hints_used: int
    solution_shown: bool
    commands: tuple[str, ...]
    checks_passed: int
    checks_total: int

    @property
    def solved(self) -> bool:
        return self.ending == "solved"


def quality(result: SessionResult) -> Grade:
    """The SM-2 quality of a session: 5 solved alone, 4-3 with hints, 2-1 given up or failed."""
    if result.solved and not result.solution_shown:
        return Grade.PERFECT if result.hints_used == 0 else Grade.HESITANT if result.hints_used == 1 else Grade.HARD
    if result.solved or (result.commands and result.checks_passed):
        return Grade.WRONG_FAMILIAR  # solved after reading the solution, or part of the way there
    return Grade.WRONG


def counts_as_review(result: SessionResult, last_answer_day: date | None, today: date) -> bool:
    """Whether a challenge solved outside review counts as a review of its card (graded by
    :func:`quality`): at most one a day, so a card answered today already keeps its schedule."""
    return result.solved and last_answer_day != today


def summary(result: SessionResult) -> str:
    """One line on what the learner did (stored as the review's answer)."""
    head = {"solved": "solved", "skip": "gave up", "quit": "quit"}[result.ending]
    parts = [f"{head} ({result.checks_passed}/{result.checks_total} checks)"]
    if result.hints_used:
        parts.append(f"{result.hints_used} hint(s)")
    if result.solution_shown:
        parts.append("solution shown")
    if result.commands:
        parts.append("commands: " + " | ".join(result.commands))
    return "; ".join(parts)[:1000]
