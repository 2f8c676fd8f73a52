"""Every question put to the learner: the only module that imports questionary.

Tests drive these prompts through prompt_toolkit's pipe input (``Prompter(input=...)``), the
same code path as a real terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import questionary
from prompt_toolkit.styles import Style

from quizdock.i18n import Lang

STYLE = Style([("qmark", "bold"), ("question", "bold"), ("pointer", "bold"), ("highlighted", "bold")])

GRADE_LABELS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "0  blackout: no idea",
        "1  wrong, but the answer looked familiar",
        "2  wrong, but it seemed easy once shown",
        "3  right, with serious difficulty",
        "4  right, after a hesitation",
        "5  perfect recall",
    ),
    "fr": (
        "0  trou noir : aucune idée",
        "1  faux, mais la réponse m'était familière",
        "2  faux, mais elle semblait facile une fois vue",
        "3  juste, avec beaucoup de difficulté",
        "4  juste, après une hésitation",
        "5  parfait",
    ),
}

# Keys the learner may press instead of answering: suspend or bury the card, undo the last answer.
Action = Literal["suspend", "bury", "undo"]
ACTION_KEYS: dict[Action, str] = {"suspend": "s", "bury": "b", "undo": "u"}
ACTION_LABELS: dict[Lang, dict[Action, str]] = {
    "en": {
        "suspend": "s  suspend this card (until quizdock unsuspend)",
        "bury": "b  bury it until tomorrow",
        "undo": "u  undo the last answer",
    },
    "fr": {
        "suspend": "s  suspendre cette carte (jusqu'à quizdock unsuspend)",
        "bury": "b  l'enterrer jusqu'à demain",
        "undo": "u  annuler la dernière réponse",
    },
}


def typed_action(typed: str) -> Action | None:
    """The action a typed answer asks for (``:s``, ``:b``, ``:u``), or None for an answer."""
    key = typed.strip().lower()
    return next((action for action, letter in ACTION_KEYS.items() if key == f":{letter}"), None)


WORDS: dict[Lang, dict[str, str]] = {
    "en": {
        "reveal": "Press Enter to show the answer",
        "grade": "How well did you recall it? (keys 0-5, or s b u)",
        "command": "Your command:",
        "choice": "Your answer:",
        "continue": "Press Enter for the next card",
    },
    "fr": {
        "reveal": "Entrée pour voir la réponse",
        "grade": "Votre rappel ? (touches 0-5, ou s b u)",
        "command": "Votre commande :",
        "choice": "Votre réponse :",
        "continue": "Entrée pour la carte suivante",
    },
}


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
        return WORDS[self.lang][key]

    def wait(self, key: str = "reveal") -> None:
        questionary.text(self._word(key), qmark="›", style=STYLE, **self.io()).unsafe_ask()

    def _action_choices(self, *, shortcuts: bool) -> list[questionary.Choice]:
        """A blank line, then suspend, bury and undo (with their keys when the list has shortcuts)."""
        labels = ACTION_LABELS[self.lang]
        actions = [
            questionary.Choice(labels[action], value=action, shortcut_key=ACTION_KEYS[action] if shortcuts else True)
            for action in ACTION_KEYS
        ]
        return [questionary.Separator(" "), *actions]

    def self_grade(self) -> int | Action:
        """A grade 0-5, or the action chosen instead (keys s, b, u)."""
        choices = [
            questionary.Choice(label, value=grade, shortcut_key=str(grade))
            for grade, label in enumerate(GRADE_LABELS[self.lang])
        ]
        answer = questionary.select(
            self._word("grade"),
            choices=[*choices, *self._action_choices(shortcuts=True)],
            default=choices[4],
            use_shortcuts=True,
            qmark="?",
            style=STYLE,
            **self.io(),
        ).unsafe_ask()
        return answer if isinstance(answer, str) else int(answer)  # type: ignore[return-value]

    def command(self) -> str:
        answer = questionary.text(self._word("command"), qmark="$", style=STYLE, **self.io()).unsafe_ask()
        return str(answer or "")

    def choose(self, options: Sequence[str]) -> int | Action:
        """The index of the option picked, or the action chosen below the options."""
        choices = [questionary.Choice(text, value=i) for i, text in enumerate(options)]
        answer = questionary.select(
            self._word("choice"),
            choices=[*choices, *self._action_choices(shortcuts=False)],
            qmark="?",
            style=STYLE,
            **self.io(),
        ).unsafe_ask()
        return answer if isinstance(answer, str) else int(answer)  # type: ignore[return-value]
