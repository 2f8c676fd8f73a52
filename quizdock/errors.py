"""quizdock's own exceptions: each one is a message for the learner, with its exit code.

Each names the problem and, apart, its fix, both already in the learner's language; the CLI
prints them in red and exits with ``error.exit_code``. Unexpected exceptions are not caught: a
bug should look like a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from quizdock.i18n import _, quoted


class ExitCode(IntEnum):
    """Documented exit codes (README, "Exit codes")."""

    OK = 0
    FAILED = 1  # a challenge check or deck test that did not pass
    USAGE = 2  # bad command line (unknown option, typo in a command)
    DECK = 3  # a deck file is broken
    DATABASE = 4  # the database cannot be opened, is corrupt or is newer than quizdock
    DOCKER = 5  # the Docker daemon cannot be reached or refused a request
    NOT_A_TERMINAL = 6  # an interactive command was run without a terminal
    NOT_FOUND = 7  # an unknown card, deck or challenge id
    LAB = 8  # the private lab cannot start, or was asked for and is not running
    LAB_BUSY = 9  # another quizdock has a challenge in progress in the lab
    INTERRUPTED = 130  # Ctrl-C


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """ " Did you mean 'x'?" for the known word closest to a mistyped one, or "" when none is close."""
    from difflib import get_close_matches

    close = get_close_matches(word, list(known), n=1)
    return " " + _("Did you mean {name}?").format(name=quoted(close[0])) if close else ""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or Ctrl-D that the interrupted command has already reported to the learner."""


class QuizdockError(Exception):
    """Something quizdock cannot do: the problem, and how to fix it (each a whole sentence)."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, problem: str, fix: str = "", *, exit_code: ExitCode | None = None) -> None:
        super().__init__(f"{problem} {fix}" if fix else problem)
        self.problem, self.fix = problem, fix
        if exit_code is not None:
            self.exit_code = exit_code


class DeckError(QuizdockError):
    """A deck file is broken."""

    exit_code = ExitCode.DECK

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        card_id: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        where = path + (_(", line {line}").format(line=line) if line else "")
        if card_id:
            where += _(", card {card}").format(card=quoted(card_id))
        if field:
            where += _(", field {field}").format(field=quoted(field))
        super().__init__(
            _("Broken deck file: {where}: {problem}.").format(where=where, problem=problem),
            _("Correct the file and run quizdock again."),
        )
        self.path, self.detail, self.card_id, self.field, self.line = path, problem, card_id, field, line


class DatabaseError(QuizdockError):
    """The review database cannot be used."""

    exit_code = ExitCode.DATABASE


class DockerUnavailable(QuizdockError):
    """The Docker daemon cannot be reached or refused a request."""

    exit_code = ExitCode.DOCKER


class NotATerminal(QuizdockError):
    """An interactive command was run with stdin not a terminal."""

    exit_code = ExitCode.NOT_A_TERMINAL


class NotFound(QuizdockError):
    """An unknown id was given."""

    exit_code = ExitCode.NOT_FOUND
