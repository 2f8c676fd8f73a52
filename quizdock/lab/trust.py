"""Which deck files may have their solution steps run by ``quizdock deck test``.

The bundled decks are quizdock's own. Any other deck file is a document someone shared: its
steps run only once the learner has read them and said yes, which is remembered by the file's
hash (a changed file is asked about again), in the learner's lab folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.decks.loading import Deck


def trust_file() -> Path:
    from quizdock.lab.state import state_dir

    return state_dir() / "trusted-decks.json"


def _writable_trust_file() -> Path:
    """:func:`trust_file`, in a folder proven usable (else the learner's message, exit 2)."""
    from quizdock.lab.state import usable_state_dir

    return usable_state_dir() / trust_file().name


def _trusted() -> dict[str, str]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def bundled(deck: Deck) -> bool:
    from quizdock.support.paths import bundled_decks_dir

    return deck.path.resolve().parent == bundled_decks_dir().resolve()


def untrusted(decks: Iterable[Deck]) -> list[Deck]:
    """The decks whose steps the learner has not approved (as they are now)."""
    known = _trusted()
    return [d for d in decks if not bundled(d) and d.file_hash not in known]


def remember(decks: Iterable[Deck]) -> None:
    """Approve these deck files as they are now."""
    from quizdock.support.atomicfile import write_atomically

    approved = {d.file_hash: str(d.path) for d in decks}
    if not approved:
        return
    known = _trusted() | approved
    path = _writable_trust_file()
    write_atomically(path, json.dumps(known, indent=1, sort_keys=True).encode(), private=True)


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

    from quizdock.decks.cards import PracticalCard

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
