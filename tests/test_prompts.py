"""The prompts on their own: one key answers a list, and Ctrl-C always stops it."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from quizdock.cli.prompts import Prompter


@contextmanager
def prompter_with(keys: str, *, more: bool = False) -> Iterator[tuple[Prompter, Any]]:
    """A prompter reading ``keys``; then the end of input (a prompt that wants more raises
    EOFError, it does not hang), unless ``more`` keys will be sent."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        if not more:
            pipe.close()
        yield Prompter("en", input=pipe, output=DummyOutput()), pipe


@pytest.mark.parametrize("key", list("012345"))
def test_one_digit_grades_without_enter(key: str) -> None:
    with prompter_with(key) as (prompter, _):
        assert prompter.self_grade() == int(key)


@pytest.mark.parametrize(("key", "action"), [("s", "suspend"), ("b", "bury"), ("u", "undo")])
def test_one_letter_sets_aside_or_undoes_in_both_lists(key: str, action: str) -> None:
    with prompter_with(key) as (prompter, _):
        assert prompter.self_grade() == action
    with prompter_with(key) as (prompter, _):
        assert prompter.choose(["alpha", "beta", "gamma"]) == action


def test_one_number_picks_an_option() -> None:
    with prompter_with("3") as (prompter, _):
        assert prompter.choose(["alpha", "beta", "gamma"]) == 2
    with prompter_with("\x1b[B\r") as (prompter, _):  # the arrows and Enter still work
        assert prompter.choose(["alpha", "beta", "gamma"]) == 1
    with prompter_with("\r") as (prompter, _):  # Enter alone keeps the default grade, 4
        assert prompter.self_grade() == 4


@pytest.mark.parametrize("ask", [lambda p: p.choose(["alpha", "beta"]), lambda p: p.self_grade()])
def test_a_ctrl_c_signal_while_a_list_is_up_stops_it(ask: Callable[[Prompter], object]) -> None:
    """Ctrl-C pressed while a list is being drawn reaches it as SIGINT, not as a key: it must stop too."""
    with prompter_with("", more=True) as (prompter, pipe):
        interrupt = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        # Without the fix the signal is ignored: answer after a while, so the test fails instead of hanging.
        fallback = threading.Timer(5, lambda: (pipe.send_text("1"), pipe.close()))
        interrupt.start()
        fallback.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                ask(prompter)
        finally:
            interrupt.cancel()
            fallback.cancel()
            fallback.join()


def test_a_huge_paste_stops_just_past_the_answer_limit() -> None:
    from quizdock.support.text import MAX_ANSWER_CHARS

    with prompter_with("docker " + "x" * 5_000 + "\r") as (prompter, _):
        typed = prompter.command()
    assert len(typed) == MAX_ANSWER_CHARS + 1 and typed.startswith("docker xxx")
