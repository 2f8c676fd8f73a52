"""Drive the real questionary prompts with scripted keystrokes (prompt_toolkit pipe input)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from quizdock.i18n import Lang
from quizdock.prompts import Prompter

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"


class ScriptedPrompter(Prompter):
    """A Prompter whose every question reads the next scripted keystrokes from a fresh pipe."""

    def __init__(self, lang: Lang, keys: Iterable[str]) -> None:
        super().__init__(lang)
        self.keys = deque(keys)
        self._stack = ExitStack()

    def io(self) -> dict[str, Any]:
        if not self.keys:
            raise AssertionError("the session asked one more question than the script answers")
        pipe = self._stack.enter_context(create_pipe_input())
        pipe.send_text(self.keys.popleft())
        return {"input": pipe, "output": DummyOutput()}

    def close(self) -> None:
        self._stack.close()
