"""Command recall graded by meaning, not by spelling: the grader's public face.

The grader has three parts, each in its own module:

- :mod:`quizdock.grading.parsing` reads a typed command with the Docker CLI model
  (:mod:`quizdock.grading.docker_cli`);
- :mod:`quizdock.grading.values` holds the value grammars (ports, mounts, images, numbers,
  signals, sizes, templates);
- :mod:`quizdock.grading.equivalences` writes what Docker reads the same one way (``ps -l`` is
  ``ps -n 1``, ``docker inspect NAME`` is ``docker container inspect NAME``...);
- :mod:`quizdock.grading.comparison` compares a typed command with a card's answer by what it
  would do and explains a difference in one sentence;
- :mod:`quizdock.grading.answers` checks a card's expected answer (deck validation).

Callers (the review, deck validation, the lab) import from here.
"""

from __future__ import annotations

from quizdock.grading.answers import answer_problems
from quizdock.grading.comparison import (
    QUALITY,
    CommandVerdict,
    Verdict,
    grade_command,
)
from quizdock.grading.parsing import (
    CommandSyntaxError,
    ParsedCommand,
    ParsedOption,
    canonical_form,
    parse_command,
)
from quizdock.grading.values import image_problem
from quizdock.support.text import MAX_ANSWER_CHARS

__all__ = [
    "MAX_ANSWER_CHARS",
    "QUALITY",
    "CommandSyntaxError",
    "CommandVerdict",
    "ParsedCommand",
    "ParsedOption",
    "Verdict",
    "answer_problems",
    "canonical_form",
    "grade_command",
    "image_problem",
    "parse_command",
]
