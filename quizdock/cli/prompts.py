"""Every question put to the learner: the only module that imports questionary.

Tests drive these prompts through prompt_toolkit's pipe input (``Prompter(input=...)``), the
same code path as a real terminal.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any, Literal

import questionary
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style

from quizdock.i18n import N_, Lang, gettext_in
from quizdock.support.text import MAX_ANSWER_CHARS, wrap_spans

STYLE = Style(
    [
        ("qmark", "bold"),
        ("question", "bold"),
        ("pointer", "bold"),
        ("highlighted", "bold"),
        ("code", "fg:ansicyan bold"),  # inline code of a deck text
    ]
)
# Where a list's option text starts: the pointer (" » ") and the key ("1) ").
OPTION_INDENT = 6

# The lists draw each key before its label ("4) right, after a hesitation").
GRADE_LABELS: tuple[str, ...] = (
    N_("blackout: no idea"),
    N_("wrong, but the answer looked familiar"),
    N_("wrong, but it seemed easy once shown"),
    N_("right, with serious difficulty"),
    N_("right, after a hesitation"),
    N_("perfect recall"),
)

# Keys the learner may press instead of answering: suspend or bury the card, undo the last answer.
Action = Literal["suspend", "bury", "undo"]
ACTION_KEYS: dict[Action, str] = {"suspend": "s", "bury": "b", "undo": "u"}
ACTION_LABELS: dict[Action, str] = {
    "suspend": N_("suspend this card (until quizdock unsuspend)"),
    "bury": N_("bury it until tomorrow"),
    "undo": N_("undo the last answer"),
}


def typed_action(typed: str) -> Action | None:
    """The action a typed answer asks for (``:s``, ``:b``, ``:u``), or None for an answer."""
    key = typed.strip().lower()
    return next((action for action, letter in ACTION_KEYS.items() if key == f":{letter}"), None)


WORDS: dict[str, str] = {
    "reveal": N_("Press Enter to show the answer"),
    "grade": N_("How well did you recall it?"),
    "grade_keys": N_("(one key: 0-5, or s b u)"),
    "command": N_("Your command:"),
    "choice": N_("Your answer:"),
    "choice_keys": N_("(one key: 1-{n}, or s b u)"),
    "continue": N_("Press Enter for the next card"),
}


def _one_key(question: questionary.Question, keys: Sequence[str]) -> questionary.Question:
    """Make each shortcut key of a questionary list answer at once, without Enter; and make a
    Ctrl-C that arrives as a signal (pressed while the list is being drawn) stop like the key does.

    questionary's own shortcut only moves the pointer, and prompt_toolkit's default bindings
    ignore ``<sigint>`` in a plain Application: both are completed here, with the list's own
    handlers (pointer move, then Enter), so the answered list is drawn as questionary draws it.
    """
    own = question.application.key_bindings
    assert own is not None
    enter = own.get_bindings_for_keys((Keys.ControlM,))[-1].handler
    extra = KeyBindings()
    for key in keys:
        move = own.get_bindings_for_keys((key,))[-1].handler

        def pick(event: KeyPressEvent, move: Any = move) -> None:
            move(event)
            enter(event)

        extra.add(key, eager=True)(pick)

    @extra.add(Keys.SIGINT)
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    question.application.key_bindings = merge_key_bindings([own, extra])
    return question


class Prompter:
    """Asks the learner. Ctrl-C raises KeyboardInterrupt (questionary's ``unsafe_ask``)."""

    def __init__(self, lang: Lang, *, input: Any = None, output: Any = None) -> None:
        self.lang = lang
        self._input, self._output = input, output

    def io(self) -> dict[str, Any]:
        """The prompt_toolkit input and output for the next question (the terminal by default)."""
        io: dict[str, Any] = {}
        if self._input is not None:
            io["input"] = self._input
        if self._output is not None:
            io["output"] = self._output
        return io

    def _word(self, key: str) -> str:
        return gettext_in(self.lang, WORDS[key])

    def wait(self, key: str = "reveal") -> None:
        questionary.text(self._word(key), qmark="›", style=STYLE, **self.io()).unsafe_ask()

    def _action_choices(self) -> list[questionary.Choice | questionary.Separator]:
        """A blank line, then suspend, bury and undo, each with its key."""
        actions = [
            questionary.Choice(gettext_in(self.lang, ACTION_LABELS[action]), value=action, shortcut_key=key)
            for action, key in ACTION_KEYS.items()
        ]
        return [questionary.Separator(" "), *actions]

    def _select(self, message: str, instruction: str, choices: list[questionary.Choice], **options: Any) -> object:
        """A list answered by one key (each choice's shortcut) or by the arrows and Enter."""
        keys = [str(choice.shortcut_key) for choice in choices]
        question = questionary.select(
            message,
            choices=[*choices, *self._action_choices()],
            instruction=instruction,
            use_shortcuts=True,
            show_selected=False,
            qmark="?",
            style=STYLE,
            **options,
            **self.io(),
        )
        return _one_key(question, [*keys, *ACTION_KEYS.values()]).unsafe_ask()

    def self_grade(self, intervals: Sequence[str] = ()) -> int | Action:
        """A grade 0-5, or the action chosen instead (keys s, b, u).

        Args:
            intervals: the next review after each grade (``6 d``), shown after its label.
        """
        labels = [gettext_in(self.lang, label) for label in GRADE_LABELS]
        if intervals:
            labels = [f"{label} · {interval}" for label, interval in zip(labels, intervals, strict=True)]
        choices = [
            questionary.Choice(label, value=grade, shortcut_key=str(grade)) for grade, label in enumerate(labels)
        ]
        answer = self._select(self._word("grade"), self._word("grade_keys"), choices, default=choices[4])
        return answer if isinstance(answer, str) else int(answer)  # type: ignore[return-value,call-overload]

    def command(self) -> str:
        """A typed command; a paste past :data:`MAX_ANSWER_CHARS` stops one character after it (the
        grader then says the answer is too long), so the prompt's memory stays flat."""
        question = questionary.text(self._word("command"), qmark="$", style=STYLE, **self.io())
        buffer = question.application.layout.current_buffer
        assert buffer is not None  # a text question has its input buffer

        def clip(changed: Buffer) -> None:
            if len(changed.text) > MAX_ANSWER_CHARS + 1:
                changed.text = changed.text[: MAX_ANSWER_CHARS + 1]  # fires this handler once more, within
                changed.cursor_position = len(changed.text)

        buffer.on_text_changed.add_handler(clip)
        answer = question.unsafe_ask()
        return str(answer or "")

    def columns(self) -> int:
        """The terminal's width (the given output's, in tests)."""
        if self._output is not None:
            return int(self._output.get_size().columns)
        return shutil.get_terminal_size().columns

    def option_title(self, key: str, text: str) -> list[tuple[str, str]]:
        """An option as the list shows it, after its key: wrapped to the terminal under its own
        first letter, never cut or broken inside a word, inline code shown as code without its
        backticks. (questionary writes the key itself only before a plain-text title.)"""
        width = max(20, self.columns() - OPTION_INDENT - 1)
        # Once answered, the list leaves "? Your answer: 2) ..." on one line: the first line fits there too.
        answered = len(f"? {self._word('choice')} {key}) ")
        pieces = wrap_spans(text, width, OPTION_INDENT, first_width=max(10, self.columns() - answered - 1))
        return [("", f"{key}) "), *(("class:code" if is_code else "", piece) for piece, is_code in pieces)]

    def choose(self, options: Sequence[str]) -> int | Action:
        """The index of the option picked (keys 1, 2...), or the action chosen below the options."""
        choices = [
            questionary.Choice(self.option_title(str(i + 1), text), value=i, shortcut_key=str(i + 1))
            for i, text in enumerate(options)
        ]
        answer = self._select(self._word("choice"), self._word("choice_keys").format(n=len(choices)), choices)
        return answer if isinstance(answer, str) else int(answer)  # type: ignore[return-value,call-overload]
