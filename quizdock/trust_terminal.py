"""Asking the learner to approve the solution steps of deck files that did not come with quizdock
(``quizdock deck test``): the terminal side of :mod:`quizdock.lab.trust`, which remembers the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _
from quizdock.lab.trust import remember, untrusted

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.decks import Deck


def approve(decks: list[Deck], out: Console, *, trust: bool, interactive: bool) -> None:
    """Make sure the learner approved the steps of every deck that is not bundled.

    Args:
        decks: The decks whose challenges will be proven.
        out: Where the steps are shown.
        trust: ``--trust`` was given: approve them without asking.
        interactive: A terminal can ask.

    Raises:
        QuizdockError: Not approved (the learner said no, or nobody could be asked).
    """
    from rich.markup import escape

    from quizdock.cards import PracticalCard

    waiting = untrusted(decks)
    if not waiting or trust:
        remember(waiting)
        return
    names = ", ".join(str(d.path) for d in waiting)
    if not interactive:
        raise QuizdockError(
            _("`quizdock deck test` runs the solution steps of {files}, which did not come with quizdock.").format(
                files=names
            ),
            _(
                "Read their solution steps, then run `quizdock deck test --trust` "
                "(or run it in a terminal to be asked)."
            ),
            exit_code=ExitCode.NOT_A_TERMINAL,
        )
    for deck in waiting:
        out.print(
            _("The deck file {path} did not come with quizdock. Its solution steps:").format(
                path=escape(str(deck.path))
            )
        )
        for card in deck.cards:
            if isinstance(card, PracticalCard):
                for step in card.challenge.solution:
                    out.print(f"  {escape(card.id)}: {escape(step.command)}", markup=True, highlight=False)
    answer = out.input(escape(_("Run these steps on Docker (through quizdock's guard)? [y/N] ")))
    if answer.strip().lower() not in (_("y"), _("yes"), "y", "yes"):
        raise QuizdockError(
            _("The steps of {files} were not approved; nothing ran.").format(files=names),
            _("Run `quizdock deck test` again once you have read them, and answer yes."),
        )
    remember(waiting)
