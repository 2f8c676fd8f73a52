"""Drive the real questionary prompts with scripted keystrokes (prompt_toolkit pipe input)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from quizdock.cli.prompts import Action, Prompter
from quizdock.i18n import Lang

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"

# A scripted answer: keystrokes, or for a multiple-choice list (shuffled at every showing) a
# function of the options as shown that returns the keystrokes.
Keys = str | Callable[[Sequence[str]], str]


def pick(option: str) -> Callable[[Sequence[str]], str]:
    """The one key that picks ``option`` in a multiple-choice list, wherever it is shown."""
    return lambda options: str(list(options).index(option) + 1)


class ScriptedPrompter(Prompter):
    """A Prompter whose every question reads the next scripted keystrokes from a fresh pipe."""

    def __init__(self, lang: Lang, keys: Iterable[Keys]) -> None:
        super().__init__(lang)
        self.keys: deque[Keys] = deque(keys)
        self.shown: list[list[str]] = []  # the options of each multiple-choice list, in the order shown
        self._stack = ExitStack()

    def choose(self, options: Sequence[str]) -> int | Action:
        self.shown.append(list(options))
        return super().choose(options)

    def io(self) -> dict[str, Any]:
        if not self.keys:
            raise AssertionError("the session asked one more question than the script answers")
        keys = self.keys.popleft()
        pipe = self._stack.enter_context(create_pipe_input())
        pipe.send_text(keys if isinstance(keys, str) else keys(self.shown[-1]))
        pipe.close()  # the end of this question's script: a prompt that wants more raises EOFError, never hangs
        return {"input": pipe, "output": DummyOutput()}

    def close(self) -> None:
        self._stack.close()
